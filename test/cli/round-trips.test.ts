// Few round trips (issue 13, part 3): one query per table for all of the stack's rows, lookups
// once per distinct filter, writes in one $batch; 100 records on an empty environment in at most
// 15 requests, a no-change re-apply in at most 10 requests and 0 writes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeDataverse } from './fake-dataverse';
import { cli, startFake, synthFleet } from './harness';

let hundred: ReturnType<typeof synthFleet>;
beforeAll(() => {
  hundred = synthFleet(100);
  expect(hundred.manifest.records).toHaveLength(100);
});

let fake: FakeDataverse;
beforeEach(async () => {
  await fake?.close();
  fake = await startFake();
});
afterAll(() => fake?.close());

describe('100 records', () => {
  it('first apply on an empty environment: at most 15 requests, one $batch, every row written', async () => {
    const r = await cli(fake, ['apply', ...hundred.args]);
    expect(r.code).toBe(0);
    expect(fake.httpRequests).toBeLessThanOrEqual(15);
    expect(fake.requestsOf('POST', '$batch')).toHaveLength(1);
    expect(fake.rows('serviceendpoints')).toHaveLength(34);
    expect(fake.rows('sdkmessageprocessingsteps')).toHaveLength(66);
    // reads: one query per table, not one GET per row; each distinct lookup once
    const gets = fake.requests.filter((q) => q.method === 'GET' && q.batch === undefined).map((q) => q.path);
    expect(gets.filter((p) => p === 'serviceendpoints')).toHaveLength(1);
    expect(gets.filter((p) => p === 'sdkmessageprocessingsteps')).toHaveLength(1);
    expect(gets.filter((p) => p.includes('('))).toEqual([]);
    expect(gets.filter((p) => p === 'sdkmessages')).toHaveLength(2);
    expect(gets.filter((p) => p === 'sdkmessagefilters')).toHaveLength(2);
    expect(r.text()).toContain('Apply complete: 100 created, 0 updated, 0 unchanged, 0 deleted.');
  });

  it('a no-change re-apply: at most 10 requests and 0 writes', async () => {
    await cli(fake, ['apply', ...hundred.args]);
    const before = fake.httpRequests;
    const writes = fake.writes().length;
    const r = await cli(fake, ['apply', ...hundred.args, '--detailed-exitcode']);
    expect(r.code).toBe(0);
    expect(fake.httpRequests - before).toBeLessThanOrEqual(10);
    expect(fake.writes().length).toBe(writes);
    expect(r.text()).toContain('Apply complete: 0 created, 0 updated, 100 unchanged, 0 deleted.');
  });

  it('--no-batch: one request per write, the same rows', async () => {
    const r = await cli(fake, ['apply', ...hundred.args, '--no-batch']);
    expect(r.code).toBe(0);
    expect(fake.requestsOf('POST', '$batch')).toEqual([]);
    expect(fake.writes().filter((w) => !w.path.startsWith('annotations'))).toHaveLength(100);
    expect(fake.rows('sdkmessageprocessingsteps')).toHaveLength(66);
  });

  it('pages of a query are followed to the end', async () => {
    await cli(fake, ['apply', ...hundred.args]);
    fake.maxPageSize = 7;
    const r = await cli(fake, ['plan', ...hundred.args, '--detailed-exitcode']);
    expect(r.code).toBe(0);
    expect(fake.requests.filter((q) => q.path === 'sdkmessageprocessingsteps' && q.query.has('$skiptoken')).length).toBe(9);
  });
});
