// Registers the cdktf-dataverse vitest matchers. Use it from vitest's setupFiles:
//   setupFiles: ['cdktf-dataverse/lib/testing/setup']
// It takes vitest's `expect` from the running test worker (vitest keeps it on globalThis under
// Symbol.for('expect-global'); with `globals: true` it is also `globalThis.expect`), because this
// compiled CommonJS module cannot require() vitest, which is ESM only.
import type { ExpectStatic } from 'vitest';
import { registerDataverseMatchers } from './vitest';

export type { DataverseMatchers } from './vitest';

const running = (globalThis as any)[Symbol.for('expect-global')] ?? (globalThis as any).expect;
if (running === undefined || typeof running.extend !== 'function') {
  throw new Error(
    "cdktf-dataverse/lib/testing/setup found no vitest expect: load it from vitest's setupFiles, or call registerDataverseMatchers(expect) from 'cdktf-dataverse/lib/testing/vitest' yourself.",
  );
}
registerDataverseMatchers(running as ExpectStatic);
