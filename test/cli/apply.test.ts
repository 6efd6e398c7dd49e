import { describe, expect, it } from 'vitest';
import { FakeDataverse } from './fake-dataverse';
import { cli, orders, SAS, TestApplicationUser, TestCustomApi } from './harness';
import { fakePerTest } from './per-test';

let fake: FakeDataverse;
fakePerTest(
  (f) => (fake = f),
  () => fake,
);

describe('apply', () => {
  it('upserts in dependency order with binds, the secret and the solution header; progress and summary', async () => {
    const s = orders([{ table: 'salesorder', message: 'Update', images: [{ imageType: 0, attributes: ['statuscode'] }] }]);
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(0);
    const patches = fake.requestsOf('PATCH').filter((q) => !q.path.startsWith('annotations'));
    expect(patches.map((q) => q.path.split('(')[0])).toEqual(['serviceendpoints', 'sdkmessageprocessingsteps', 'sdkmessageprocessingstepimages']);
    for (const p of patches) expect(p.headers['mscrm.solutionuniquename']).toBe('ContosoIntegration');
    const [endpointId, stepId] = s.manifest.records.map((x: any) => x.id);
    expect(patches[0].path).toBe(`serviceendpoints(${endpointId})`);
    expect(patches[0].body).toMatchObject({ contract: 2, saskey: SAS, saskeyname: 'dataverse-send' });
    expect(patches[1].body).toMatchObject({
      'eventhandler_serviceendpoint@odata.bind': `/serviceendpoints(${endpointId})`,
      'sdkmessageid@odata.bind': '/sdkmessages(20bebb1b-ea3e-db11-86a7-000a3a5473e9)',
      'sdkmessagefilterid@odata.bind': '/sdkmessagefilters(4a1c0000-0000-4000-8000-000000000002)',
      stage: 40,
      mode: 1,
    });
    expect(patches[2].body).toMatchObject({ 'sdkmessageprocessingstepid@odata.bind': `/sdkmessageprocessingsteps(${stepId})`, imagetype: 0 });
    // creation is a plain upsert; the secret is stored but never returned
    expect(patches[0].headers['if-match']).toBeUndefined();
    expect(fake.secretsOf('serviceendpoints', endpointId).saskey).toBe(SAS);
    expect(fake.row('serviceendpoints', endpointId)!.saskey).toBeUndefined();
    // a progress line per record and a summary
    expect(r.out.filter((l) => /^\[\d\/3\] \+ created/.test(l))).toHaveLength(3);
    expect(r.text()).toContain('Apply complete: 3 created, 0 updated, 0 unchanged, 0 deleted.');
    expect(r.text() + r.errors()).not.toContain(SAS);
  });

  it('a second apply on an unchanged manifest sends no PATCH (nor any other write)', async () => {
    const s = orders();
    await cli(fake, ['apply', ...s.args]);
    const before = fake.requests.length;
    const r = await cli(fake, ['apply', ...s.args, '--detailed-exitcode']);
    expect(r.code).toBe(0);
    const writes = fake.requests.slice(before).filter((q) => q.method !== 'GET');
    expect(writes).toEqual([]);
    expect(r.text()).toContain('Apply complete: 0 created, 0 updated, 3 unchanged, 0 deleted.');
  });

  it('an update sends only the differing columns, with If-Match: *', async () => {
    const s = orders();
    await cli(fake, ['apply', ...s.args]);
    const step = s.manifest.records[1];
    fake.edit('sdkmessageprocessingsteps', step.id, { rank: 7 });
    const before = fake.requests.length;
    const r = await cli(fake, ['apply', ...s.args, '--detailed-exitcode']);
    expect(r.code).toBe(2);
    const patches = fake.requests.slice(before).filter((q) => q.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0].body).toEqual({ rank: 1 });
    expect(patches[0].headers['if-match']).toBe('*');
    expect(r.text()).toContain(`~ updated sdkmessageprocessingstep ${step.path} (${step.id}): rank`);
  });

  it('without a solution in the manifest, no MSCRM.SolutionUniqueName header', async () => {
    const s = orders(undefined, { env: { solutionUniqueName: undefined } });
    await cli(fake, ['apply', ...s.args]);
    for (const p of fake.requestsOf('PATCH')) expect(p.headers['mscrm.solutionuniquename']).toBeUndefined();
  });

  it('--no-batch: retries 429 and 503, honouring Retry-After, else exponential back-off', async () => {
    const s = orders();
    fake.inject({ status: 429, retryAfter: '7', method: 'PATCH', pathIncludes: 'serviceendpoints', times: 1 });
    fake.inject({ status: 503, method: 'PATCH', pathIncludes: 'sdkmessageprocessingsteps', times: 3 });
    const r = await cli(fake, ['apply', ...s.args, '--parallelism', '1', '--no-batch']);
    expect(r.code).toBe(0);
    expect(r.sleeps).toEqual([7000, 1000, 2000, 4000]);
    expect(r.errors()).toContain('429 on PATCH serviceendpoints');
    expect(r.text()).toContain('Apply complete: 3 created');
    expect(fake.rows('sdkmessageprocessingsteps')).toHaveLength(2);
  });

  it('batch: a part answered 429 or 503 retries the whole (idempotent) batch, Retry-After first', async () => {
    const s = orders();
    fake.inject({ status: 429, retryAfter: '7', method: 'PATCH', pathIncludes: 'serviceendpoints', inBatch: true, times: 1 });
    fake.inject({ status: 503, method: 'PATCH', pathIncludes: 'sdkmessageprocessingsteps', inBatch: true, times: 3 });
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(0);
    expect(r.sleeps).toEqual([7000, 2000, 4000, 8000]);
    expect(r.errors()).toContain('429 inside the batch on POST $batch; retry 1/5 in 7000 ms');
    expect(r.text()).toContain('Apply complete: 3 created');
    expect(fake.rows('sdkmessageprocessingsteps')).toHaveLength(2);
    expect(fake.httpRequests).toBeLessThanOrEqual(15);
  });

  it('batch: a rejected record rolls back its level only; the error names it by Content-ID; earlier levels and their digests stay', async () => {
    const s = orders();
    const [endpoint, create, update] = s.manifest.records;
    fake.inject({ status: 400, method: 'PATCH', pathIncludes: update.id, inBatch: true, times: 1 });
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain(`${update.path}: Dataverse answered 400: Service Unavailable (0x80072322)`);
    expect(r.errors()).toContain(`${create.path}: rolled back with its change set (${update.path} failed)`);
    expect(r.text()).toContain('Apply stopped: 1 created, 0 updated, 0 unchanged, 0 deleted, 2 failed.');
    expect(fake.row('serviceendpoints', endpoint.id)).toBeDefined();
    expect(fake.rows('sdkmessageprocessingsteps')).toEqual([]);
    const note = JSON.parse(fake.rows('annotations')[0].notetext);
    expect(note.records.find((e: any) => e.id === endpoint.id).digests.saskey).toMatch(/^hmac-sha256:/);
    // the next run converges: the endpoint is unchanged, the steps are created
    const again = await cli(fake, ['apply', ...s.args]);
    expect(again.text()).toContain('Apply complete: 2 created, 0 updated, 1 unchanged');
  });

  it('--no-batch: gives up after --max-retries with a clear error and exit 1', async () => {
    const s = orders();
    fake.inject({ status: 503, method: 'PATCH', pathIncludes: 'serviceendpoints', times: 10 });
    const r = await cli(fake, ['apply', ...s.args, '--max-retries', '2', '--no-batch']);
    expect(r.code).toBe(1);
    expect(r.sleeps).toEqual([1000, 2000]);
    expect(r.errors()).toContain('answered 503 to PATCH serviceendpoints');
    expect(r.errors()).toContain('3 times');
    expect(r.errors()).toContain('records of later levels were not written');
    // the steps depend on the endpoint: nothing after the failed group was written
    expect(fake.rows('sdkmessageprocessingsteps')).toHaveLength(0);
  });

  it('batch: retries run out; the failed level and later ones are not written, and --json lists the failure', async () => {
    const s = orders();
    fake.inject({ status: 503, method: 'PATCH', pathIncludes: 'serviceendpoints', inBatch: true, times: 10 });
    const r = await cli(fake, ['apply', ...s.args, '--json', '--max-retries', '1']);
    expect(r.code).toBe(1);
    expect(r.sleeps).toEqual([1000]);
    const doc = JSON.parse(r.text());
    expect(doc.summary).toMatchObject({ failed: 1, create: 0 });
    expect(doc.failures[0]).toBe('test/orders/endpoint: Dataverse answered 503: Service Unavailable (0x80072322)');
    expect(fake.rows('serviceendpoints')).toHaveLength(0);
    expect(fake.rows('sdkmessageprocessingsteps')).toHaveLength(0);
    // the ownership note was in the rolled-back change set: nothing recorded
    expect(fake.rows('annotations')).toHaveLength(0);
  });

  it('runs records of a group in parallel, bounded by --parallelism, and groups in order', async () => {
    const s = orders([
      { table: 'salesorder', message: 'Create' },
      { table: 'account', message: 'Create' },
      { table: 'contact', message: 'Create' },
      { table: 'salesorder', message: 'Delete' },
    ]);
    fake.patchBarrier = 3;
    expect((await cli(fake, ['apply', ...s.args, '--parallelism', '2', '--no-batch'])).code).toBe(0);
    expect(fake.maxPatchInFlight).toBe(2);
    const order = fake
      .requestsOf('PATCH')
      .filter((q) => !q.path.startsWith('annotations'))
      .map((q) => q.path.split('(')[0]);
    expect(order[0]).toBe('serviceendpoints');
    expect(order.slice(1)).toEqual(Array(4).fill('sdkmessageprocessingsteps'));
  });

  it('--parallelism 1 writes one record at a time', async () => {
    const s = orders([
      { table: 'salesorder', message: 'Create' },
      { table: 'account', message: 'Create' },
    ]);
    fake.patchBarrier = 2;
    await cli(fake, ['apply', ...s.args, '--parallelism', '1', '--no-batch']);
    expect(fake.maxPatchInFlight).toBe(1);
  });

  it('--json prints the result as JSON and progress on standard error', async () => {
    const s = orders();
    const r = await cli(fake, ['apply', ...s.args, '--json']);
    const doc = JSON.parse(r.text());
    expect(doc.summary).toEqual({ create: 3, update: 0, replace: 0, unchanged: 0, delete: 0, failed: 0 });
    expect(r.err.some((l) => l.startsWith('[1/3]'))).toBe(true);
  });

  it('associations: POST …/$ref once, resolved through $filter lookups; generic over tables', async () => {
    const s = orders(undefined, {
      extra: (stack, dataverse) => new TestApplicationUser(stack, 'app-user', dataverse, 'System Customizer'),
    });
    const user = s.manifest.records.find((x: any) => x.table === 'systemuser');
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(0);
    const userPatch = fake.requestsOf('PATCH', 'systemusers')[0];
    expect(userPatch.body['businessunitid@odata.bind']).toBe('/businessunits(6b1c0000-0000-4000-8000-000000000001)');
    const posts = fake.requestsOf('POST').filter((p) => p.path !== '$batch');
    expect(posts.map((p) => p.path)).toEqual([`systemusers(${user.id})/systemuserroles_association/$ref`]);
    expect(posts[0].body['@odata.id']).toBe(`${fake.url}/api/data/v9.2/roles(7c1c0000-0000-4000-8000-000000000001)`);
    expect(fake.refsOf('systemusers', user.id, 'systemuserroles_association')).toEqual(['roles(7c1c0000-0000-4000-8000-000000000001)']);
    // again: the association exists, nothing is written
    const before = fake.requests.length;
    const again = await cli(fake, ['apply', ...s.args, '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(fake.requests.slice(before).filter((q) => q.method !== 'GET')).toEqual([]);
  });

  it('associations: a duplicate-key answer counts as done', async () => {
    const s = orders(undefined, {
      extra: (stack, dataverse) => new TestApplicationUser(stack, 'app-user', dataverse, 'System Customizer'),
    });
    await cli(fake, ['apply', ...s.args]);
    fake.store.listRefs = false; // the fake no longer lists the association, so apply posts it again
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(0);
    expect(fake.requestsOf('POST').filter((p) => p.path !== '$batch')).toHaveLength(2);
    expect(r.text()).toContain('0 created, 1 updated');
  });
});

describe('lookups of rows an earlier record creates (custom API messages)', () => {
  const withApi = () =>
    orders([{ table: 'salesorder', message: 'contoso_Approve' }], {
      extra: (stack, dataverse) => new TestCustomApi(stack, 'approve-api', dataverse, 'contoso_Approve', 'salesorder'),
    });

  it('plan shows the lookup as pending instead of failing', async () => {
    const s = withApi();
    const r = await cli(fake, ['plan', ...s.args, '--detailed-exitcode']);
    expect(r.code).toBe(2);
    expect(r.text()).toContain('sdkmessageid: "(resolved after test/approve-api is written)"');
    expect(r.text()).toContain('Plan: 3 to create');
  });

  it('apply resolves it after the earlier group has run', async () => {
    const s = withApi();
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(0);
    const order = fake
      .requestsOf('PATCH')
      .filter((q) => !q.path.startsWith('annotations'))
      .map((q) => q.path.split('(')[0]);
    expect(order).toEqual(['serviceendpoints', 'customapis', 'sdkmessageprocessingsteps']);
    const step = fake.requestsOf('PATCH', 'sdkmessageprocessingsteps')[0];
    const message = fake.rows('sdkmessages').find((m) => m.name === 'contoso_Approve')!;
    expect(step.body['sdkmessageid@odata.bind']).toBe(`/sdkmessages(${message.id})`);
  });

  it('without the record that would create it, the missing message is an error', async () => {
    const s = orders([{ table: 'salesorder', message: 'contoso_Approve' }]);
    const r = await cli(fake, ['plan', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain("the sdkmessage for message 'contoso_Approve' does not exist");
  });
});
