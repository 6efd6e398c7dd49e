import { afterEach, beforeEach } from 'vitest';
import { FakeDataverse } from './fake-dataverse';
import { startFake } from './harness';

/** A fresh fake (with the standard rows) before each test, closed after it (`get` may have been replaced by the test). */
export function fakePerTest(set: (fake: FakeDataverse) => void, get: () => FakeDataverse): void {
  beforeEach(async () => set(await startFake()));
  afterEach(() => get().close());
}
