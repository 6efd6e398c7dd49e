import * as fs from 'fs';
import * as path from 'path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDataverse } from './fake-dataverse';
import { cli, recordingIo, startFake, synthOrders, TestApplicationUser, TestCustomApi, writeOutputs } from './harness';
import { defaultTokenProvider } from '../../src/cli/io';
import { Ledger } from '../../src/cli/ledger';
import { run } from '../../src/cli/run';

let fake: FakeDataverse;
beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await fake.close();
});

const SAS = 'sas-key-value-1';

/** A synthesized stack plus its outputs file. */
function orders(...args: Parameters<typeof synthOrders>) {
  const s = synthOrders(...args);
  const outputs = writeOutputs(s.dir, { [s.outputName]: SAS });
  return { ...s, outputs, args: ['--manifest', s.dir, '--outputs', outputs] };
}

describe('plan', () => {
  it('on an empty environment: every record to create, exit 2 with --detailed-exitcode, no secret printed', async () => {
    const s = orders();
    const r = await cli(fake, ['plan', ...s.args, '--detailed-exitcode']);
    expect(r.code).toBe(2);
    expect(r.text()).toContain('Plan: 3 to create, 0 to update, 0 unchanged, 0 to delete.');
    expect(r.text()).toContain('+ create serviceendpoint test/orders/endpoint');
    expect(r.text()).toContain('saskey: (sensitive)');
    expect(r.text()).toContain('sdkmessagefilterid: "sdkmessagefilters(4a1c0000-0000-4000-8000-000000000001)"');
    expect(r.text() + r.errors()).not.toContain(SAS);
    // plan writes nothing
    expect(fake.requests.filter((q) => q.method !== 'GET')).toHaveLength(0);
  });

  it('without --detailed-exitcode exits 0 even with changes', async () => {
    const s = orders();
    expect((await cli(fake, ['plan', ...s.args])).code).toBe(0);
  });

  it('--json lists changes with columns and a summary, without sensitive values', async () => {
    const s = orders();
    const r = await cli(fake, ['plan', ...s.args, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.text());
    expect(doc.summary).toEqual({ create: 3, update: 0, unchanged: 0, delete: 0 });
    expect(doc.stack).toBe('test');
    expect(doc.changes.map((c: any) => c.action)).toEqual(['create', 'create', 'create']);
    const endpoint = doc.changes[0];
    expect(endpoint).toMatchObject({ table: 'serviceendpoint', entitySet: 'serviceendpoints', path: 'test/orders/endpoint' });
    expect(endpoint.columns.find((c: any) => c.column === 'saskey')).toEqual({ column: 'saskey', sensitive: true });
    expect(endpoint.columns.find((c: any) => c.column === 'contract')).toMatchObject({ after: 2, sensitive: false });
    expect(r.text()).not.toContain(SAS);
  });

  it('after apply: everything unchanged, exit 0, write-only column not reported', async () => {
    const s = orders();
    expect((await cli(fake, ['apply', ...s.args])).code).toBe(0);
    const r = await cli(fake, ['plan', ...s.args, '--detailed-exitcode']);
    expect(r.code).toBe(0);
    expect(r.text()).toContain('Plan: 0 to create, 0 to update, 3 unchanged, 0 to delete.');
    expect(r.text()).not.toContain('saskey');
  });

  it('reports drift with the differing columns, before and after', async () => {
    const s = orders();
    await cli(fake, ['apply', ...s.args]);
    const step = s.manifest.records[1];
    fake.edit('sdkmessageprocessingsteps', step.id, { rank: 5 });
    const r = await cli(fake, ['plan', ...s.args, '--detailed-exitcode']);
    expect(r.code).toBe(2);
    expect(r.text()).toContain(`~ update sdkmessageprocessingstep ${step.path}`);
    expect(r.text()).toContain('rank: 5 → 1');
    expect(r.text()).toContain('Plan: 0 to create, 1 to update, 2 unchanged, 0 to delete.');
  });

  it('a rotated secret (new output value) is an update of the write-only column only', async () => {
    const s = orders();
    await cli(fake, ['apply', ...s.args]);
    writeOutputs(s.dir, { [s.outputName]: 'sas-key-value-2' });
    const r = await cli(fake, ['plan', ...s.args, '--json']);
    const doc = JSON.parse(r.text());
    expect(doc.summary).toMatchObject({ update: 1, unchanged: 2 });
    expect(doc.changes[0].columns).toEqual([{ column: 'saskey', sensitive: true, reason: 'the value changed' }]);
    expect(r.text()).not.toContain('sas-key-value-2');
  });

  it('a write-only column whose is…set flag is false is reported as not set', async () => {
    const s = orders();
    await cli(fake, ['apply', ...s.args]);
    // someone cleared the key in Dataverse
    fake.secretsOf('serviceendpoints', s.manifest.records[0].id).saskey = null;
    const r = await cli(fake, ['plan', ...s.args]);
    expect(r.text()).toContain('saskey: (sensitive) not set in Dataverse (issaskeyset is false)');
  });

  it('a row registered before any digest was recorded is updated once, then converges', async () => {
    const s = orders();
    await cli(fake, ['apply', ...s.args]);
    // an ownership note without digests (e.g. written by a run that failed before recording them)
    const noteId = Ledger.noteId(s.manifest);
    const note = fake.row('annotations', noteId)!;
    const doc = JSON.parse(note.notetext);
    for (const e of doc.records) delete e.digests;
    fake.edit('annotations', noteId, { notetext: JSON.stringify(doc) });
    const first = await cli(fake, ['plan', ...s.args, '--detailed-exitcode']);
    expect(first.code).toBe(2);
    expect(first.text()).toContain('saskey: (sensitive) no digest of the value last sent is recorded yet');
    expect((await cli(fake, ['apply', ...s.args])).code).toBe(0);
    expect((await cli(fake, ['plan', ...s.args, '--detailed-exitcode'])).code).toBe(0);
  });

  it('resolves each distinct lookup once', async () => {
    const s = orders([
      { table: 'salesorder', message: 'Create' },
      { table: 'account', message: 'Create' },
      { table: 'contact', message: 'Create' },
    ]);
    await cli(fake, ['plan', ...s.args]);
    const messageQueries = fake.requestsOf('GET', 'sdkmessages').filter((q) => q.path === 'sdkmessages');
    expect(messageQueries.map((q) => q.query.get('$filter'))).toEqual(["name eq 'Create'"]);
    expect(fake.requestsOf('GET', 'sdkmessagefilters').filter((q) => q.path === 'sdkmessagefilters')).toHaveLength(3);
  });
});

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
      'stage': 40,
      'mode': 1,
    });
    expect(patches[2].body).toMatchObject({ 'sdkmessageprocessingstepid@odata.bind': `/sdkmessageprocessingsteps(${stepId})`, 'imagetype': 0 });
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

  it('retries 429 and 503, honouring Retry-After, else exponential back-off', async () => {
    const s = orders();
    fake.inject({ status: 429, retryAfter: '7', method: 'PATCH', pathIncludes: 'serviceendpoints', times: 1 });
    fake.inject({ status: 503, method: 'PATCH', pathIncludes: 'sdkmessageprocessingsteps', times: 3 });
    const r = await cli(fake, ['apply', ...s.args, '--parallelism', '1']);
    expect(r.code).toBe(0);
    expect(r.sleeps).toEqual([7000, 1000, 2000, 4000]);
    expect(r.errors()).toContain('429 on PATCH serviceendpoints');
    expect(r.text()).toContain('Apply complete: 3 created');
    expect(fake.rows('sdkmessageprocessingsteps')).toHaveLength(2);
  });

  it('gives up after --max-retries with a clear error and exit 1', async () => {
    const s = orders();
    fake.inject({ status: 503, method: 'PATCH', pathIncludes: 'serviceendpoints', times: 10 });
    const r = await cli(fake, ['apply', ...s.args, '--max-retries', '2']);
    expect(r.code).toBe(1);
    expect(r.sleeps).toEqual([1000, 2000]);
    expect(r.errors()).toContain('answered 503 to PATCH serviceendpoints');
    expect(r.errors()).toContain('3 times');
    expect(r.errors()).toContain('records of later groups were not written');
    // the steps depend on the endpoint: nothing after the failed group was written
    expect(fake.rows('sdkmessageprocessingsteps')).toHaveLength(0);
  });

  it('--json with a failure prints one JSON document that lists it', async () => {
    const s = orders();
    fake.inject({ status: 503, method: 'PATCH', pathIncludes: 'serviceendpoints', times: 10 });
    const r = await cli(fake, ['apply', ...s.args, '--json', '--max-retries', '0']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.text());
    expect(doc.summary).toMatchObject({ failed: 1, create: 0 });
    expect(doc.failures[0]).toContain('test/orders/endpoint: Dataverse at');
  });

  it('runs records of a group in parallel, bounded by --parallelism, and groups in order', async () => {
    const s = orders([
      { table: 'salesorder', message: 'Create' },
      { table: 'account', message: 'Create' },
      { table: 'contact', message: 'Create' },
      { table: 'salesorder', message: 'Delete' },
    ]);
    fake.patchBarrier = 3;
    expect((await cli(fake, ['apply', ...s.args, '--parallelism', '2'])).code).toBe(0);
    expect(fake.maxPatchInFlight).toBe(2);
    const order = fake.requestsOf('PATCH').filter((q) => !q.path.startsWith('annotations')).map((q) => q.path.split('(')[0]);
    expect(order[0]).toBe('serviceendpoints');
    expect(order.slice(1)).toEqual(Array(4).fill('sdkmessageprocessingsteps'));
  });

  it('--parallelism 1 writes one record at a time', async () => {
    const s = orders([
      { table: 'salesorder', message: 'Create' },
      { table: 'account', message: 'Create' },
    ]);
    fake.patchBarrier = 2;
    await cli(fake, ['apply', ...s.args, '--parallelism', '1']);
    expect(fake.maxPatchInFlight).toBe(1);
  });

  it('--json prints the result as JSON and progress on standard error', async () => {
    const s = orders();
    const r = await cli(fake, ['apply', ...s.args, '--json']);
    const doc = JSON.parse(r.text());
    expect(doc.summary).toEqual({ create: 3, update: 0, unchanged: 0, delete: 0, failed: 0 });
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
    const posts = fake.requestsOf('POST');
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
    fake.listRefs = false; // the fake no longer lists the association, so apply posts it again
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(0);
    expect(fake.requestsOf('POST')).toHaveLength(2);
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
    const order = fake.requestsOf('PATCH').filter((q) => !q.path.startsWith('annotations')).map((q) => q.path.split('(')[0]);
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

describe('prune', () => {
  const two = [
    { table: 'salesorder', message: 'Create' },
    { table: 'salesorder', message: 'Update', images: [{ imageType: 0 }] },
  ];

  it('deletes rows registered earlier and gone from the manifest, children first, and nothing else', async () => {
    const first = orders(two);
    await cli(fake, ['apply', ...first.args]);
    const [, createStep, updateStep, image] = first.manifest.records;
    // a row the stack did not create
    const foreign = '11111111-2222-4333-8444-555555555555';
    fake.seed('sdkmessageprocessingsteps', [{ id: foreign, name: 'someone else' }]);

    const second = orders([{ table: 'salesorder', message: 'Create' }]);
    const plan = await cli(fake, ['plan', ...second.args, '--prune', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.text()).toContain(`- delete sdkmessageprocessingstepimage ${image.path}`);
    expect(plan.text()).toContain(`- delete sdkmessageprocessingstep ${updateStep.path}`);
    expect(plan.text()).toContain('Plan: 0 to create, 0 to update, 2 unchanged, 2 to delete.');

    // apply without --prune leaves them and says so
    const apply = await cli(fake, ['apply', ...second.args]);
    expect(apply.text()).toContain("2 row(s) this stack registered earlier are gone from the manifest; 'cdktf-dataverse prune'");
    expect(fake.requestsOf('DELETE')).toHaveLength(0);

    const prune = await cli(fake, ['prune', '--manifest', second.dir]);
    expect(prune.code).toBe(0);
    expect(fake.requestsOf('DELETE').map((q) => q.path)).toEqual([
      `sdkmessageprocessingstepimages(${image.id})`,
      `sdkmessageprocessingsteps(${updateStep.id})`,
    ]);
    expect(fake.row('sdkmessageprocessingsteps', createStep.id)).toBeDefined();
    expect(fake.row('sdkmessageprocessingsteps', foreign)).toBeDefined();
    expect(prune.text()).toContain('Prune complete: 0 created, 0 updated, 0 unchanged, 2 deleted.');
    // the ownership note no longer lists them: a second prune deletes nothing
    const again = await cli(fake, ['prune', '--manifest', second.dir, '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(fake.requestsOf('DELETE')).toHaveLength(2);
  });

  it('apply --prune upserts and prunes in one run', async () => {
    const first = orders(two);
    await cli(fake, ['apply', ...first.args]);
    const second = orders([{ table: 'salesorder', message: 'Create' }]);
    const r = await cli(fake, ['apply', ...second.args, '--prune', '--detailed-exitcode']);
    expect(r.code).toBe(2);
    expect(r.text()).toContain('Apply complete: 0 created, 0 updated, 2 unchanged, 2 deleted.');
    expect(fake.rows('sdkmessageprocessingsteps')).toHaveLength(1);
    expect(fake.rows('sdkmessageprocessingstepimages')).toHaveLength(0);
  });

  it('ownership lives in Dataverse: a fresh machine (nothing local) prunes the same rows', async () => {
    const first = orders(two);
    await cli(fake, ['apply', ...first.args]);
    // the note holds the stack's rows and no secret
    const note = fake.row('annotations', Ledger.noteId(first.manifest))!;
    expect(note.subject).toBe('cdktf-dataverse ownership: test');
    const doc = JSON.parse(note.notetext);
    expect(doc.records.map((e: any) => e.id)).toEqual(first.manifest.records.map((x: any) => x.id));
    expect(note.notetext).not.toContain(SAS);
    expect(doc.records[0].digests.saskey).toMatch(/^[A-Za-z0-9_-]{32}$/);

    // another machine: a different synth folder, a different working directory, no shared files
    const second = orders([{ table: 'salesorder', message: 'Create' }]);
    expect(second.dir).not.toBe(first.dir);
    const r = await cli(fake, ['prune', '--manifest', second.manifestFile]);
    expect(r.code).toBe(0);
    expect(fake.requestsOf('DELETE')).toHaveLength(2);
  });

  it('a row already gone (cascade) is dropped from the ownership record without error', async () => {
    const first = orders(two);
    await cli(fake, ['apply', ...first.args]);
    const image = first.manifest.records[3];
    await fake.close();
    fake = await startFake();
    // a new fake with only the note: every listed row is gone
    const note = { id: Ledger.noteId(first.manifest), subject: 'x', notetext: JSON.stringify({ format: 'cdktf-dataverse/ownership', version: 1, stack: 'test', environment: 'https://contoso.crm4.dynamics.com', records: [{ id: image.id, table: image.table, entitySet: image.entitySet, path: image.path }] }) };
    fake.seed('annotations', [note]);
    const second = orders([{ table: 'salesorder', message: 'Create' }]);
    const r = await cli(fake, ['prune', '--manifest', second.dir]);
    expect(r.code).toBe(0);
    expect(r.text()).toContain('(already gone)');
    expect(JSON.parse(fake.row('annotations', note.id)!.notetext).records).toEqual([]);
  });
});

describe('errors', () => {
  it('unknown table/message pair: names the table and the fix', async () => {
    const s = orders([{ table: 'salesorderx', message: 'Create' }]);
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain("the sdkmessagefilter for table 'salesorderx', message 'Create' does not exist in");
    expect(r.errors()).toContain("check the table logical name 'salesorderx'");
  });

  it('a lookup that matches several rows is an error', async () => {
    fake.seed('sdkmessages', [{ id: '20bebb1b-ea3e-db11-86a7-000a3a547400', sdkmessageid: '20bebb1b-ea3e-db11-86a7-000a3a547400', name: 'Create' }]);
    const s = orders([{ table: 'salesorder', message: 'Create' }]);
    const r = await cli(fake, ['plan', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain("the sdkmessage for message 'Create' is ambiguous");
  });

  it('missing output: names the output, the record and the environment variable', async () => {
    const s = synthOrders();
    const r = await cli(fake, ['plan', '--manifest', s.dir]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain(`output '${s.outputName}' (serviceendpoint.saskey of test/orders/endpoint; or set CDKTF_DATAVERSE_OUTPUT_`);
    expect(r.errors()).toContain("terraform output -json > outputs.json");
    expect(fake.requests).toHaveLength(0);
  });

  it('an output can come from an environment variable (which wins over the file)', async () => {
    const s = synthOrders();
    const name = `CDKTF_DATAVERSE_OUTPUT_${s.outputName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    const r = await cli(fake, ['apply', '--manifest', s.dir], recordingIo({ [name]: 'from-env' }));
    expect(r.code).toBe(0);
    expect(fake.secretsOf('serviceendpoints', s.manifest.records[0].id).saskey).toBe('from-env');
  });

  it('a manifest of an unknown version is refused', async () => {
    const s = orders();
    fs.writeFileSync(s.manifestFile, JSON.stringify({ ...s.manifest, manifestVersion: 99 }));
    const r = await cli(fake, ['plan', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain('has manifestVersion 99, but this cdktf-dataverse reads version 1 only');
  });

  it('--manifest: a folder without a manifest, and a path that does not exist', async () => {
    const s = orders();
    const empty = path.join(s.dir, 'empty');
    fs.mkdirSync(empty);
    expect((await cli(fake, ['plan', '--manifest', empty])).errors()).toContain('has no dataverse-registrations.json');
    expect((await cli(fake, ['plan', '--manifest', path.join(s.dir, 'nope')])).errors()).toContain('does not exist');
  });

  it('401: explains the application user', async () => {
    const s = orders();
    fake.acceptedToken = 'another-token';
    const r = await cli(fake, ['plan', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain('401 Unauthorized');
    expect(r.errors()).toContain('Application users');
  });

  it('403: explains the security role', async () => {
    const s = orders();
    fake.forbidden = true;
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain('403 Forbidden');
    expect(r.errors()).toContain('missing prvReadSdkMessage privilege');
    expect(r.errors()).toContain('security role');
  });

  it('an unreachable environment URL', async () => {
    const s = orders();
    const url = fake.url;
    await fake.close();
    const r = recordingIo();
    const code = await run(['plan', ...s.args, '--environment-url', url], r.io);
    expect(code).toBe(1);
    expect(r.errors()).toContain(`cannot reach ${url} (ECONNREFUSED)`);
    fake = await startFake();
  });

  it('refuses a plain-http environment URL that is not loopback', async () => {
    const s = orders();
    const r = recordingIo();
    expect(await run(['plan', ...s.args, '--environment-url', 'http://contoso.crm4.dynamics.com'], r.io)).toBe(1);
    expect(r.errors()).toContain('is not https');
  });

  it('unknown command and option; --help', async () => {
    const r = recordingIo();
    expect(await run(['deploy'], r.io)).toBe(1);
    expect(await run(['plan', '--manifest', 'x', '--force'], r.io)).toBe(1);
    expect(r.errors()).toContain("unknown command 'deploy'");
    expect(r.errors()).toContain("unknown option '--force'");
    const h = recordingIo();
    expect(await run(['--help'], h.io)).toBe(0);
    expect(h.text()).toContain('Usage: cdktf-dataverse <plan|apply|prune>');
  });
});

describe('auth and environment', () => {
  it('asks the token provider for <environment url>/.default; --environment-url overrides the manifest', async () => {
    const s = orders();
    const r = await cli(fake, ['plan', ...s.args]);
    expect(r.scopes[0]).toBe(`${fake.url}/.default`);
    expect(r.errors()).toContain(`Using ${fake.url} instead of the manifest's https://contoso.crm4.dynamics.com`);
    for (const q of fake.requests) expect(q.headers.authorization).toBe('Bearer fake-token');
  });
});

describe('default settings', () => {
  it('without --environment-url the token is asked for the manifest URL', async () => {
    const s = orders();
    const r = recordingIo();
    const scopes: string[] = [];
    const io = { ...r.io, tokenProvider: { getToken: async (scope: string) => { scopes.push(scope); throw new Error('offline test'); } } };
    expect(await run(['plan', ...s.args], io)).toBe(1);
    expect(scopes).toEqual(['https://contoso.crm4.dynamics.com/.default']);
    expect(r.errors()).toContain('could not get an access token for https://contoso.crm4.dynamics.com/.default: offline test');
  });

  it('the default token provider is DefaultAzureCredential (imported on first use)', async () => {
    const provider = await defaultTokenProvider();
    expect(typeof provider.getToken).toBe('function');
  });

  it('an environment variable wins over the outputs file', async () => {
    const s = orders();
    const name = `CDKTF_DATAVERSE_OUTPUT_${s.outputName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    expect((await cli(fake, ['apply', ...s.args], recordingIo({ [name]: 'env-wins' }))).code).toBe(0);
    expect(fake.secretsOf('serviceendpoints', s.manifest.records[0].id).saskey).toBe('env-wins');
  });

  it('parallelism defaults to 4', async () => {
    const s = orders(['salesorder', 'account', 'contact'].flatMap((table) => ['Create', 'Update'].map((message) => ({ table, message }))));
    fake.patchBarrier = 5;
    expect((await cli(fake, ['apply', ...s.args])).code).toBe(0);
    expect(fake.maxPatchInFlight).toBe(4);
  });

  it('retries default to 5, backing off 1 s, 2 s, 4 s … up to 60 s', async () => {
    const s = orders();
    fake.inject({ status: 503, method: 'PATCH', pathIncludes: 'serviceendpoints', times: 100 });
    const r = recordingIo();
    expect(await run(['apply', ...s.args, '--environment-url', fake.url], r.io)).toBe(1);
    expect(r.sleeps).toEqual([1000, 2000, 4000, 8000, 16000]);
    const r2 = recordingIo();
    expect(await run(['apply', ...s.args, '--environment-url', fake.url, '--max-retries', '8'], r2.io)).toBe(1);
    expect(r2.sleeps).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });
});

describe('main', () => {
  it('starts with a shebang and only binds run() to the process', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../src/cli/main.ts'), 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(text).toContain('run(process.argv.slice(2), nodeIo())');
  });

  it('console is used only by the io module', () => {
    const dir = path.join(__dirname, '../../src');
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const full = path.join(d, e.name);
        if (e.isDirectory()) walk(full);
        else if (full.endsWith('.ts') && /console\.(log|error|warn|info)/.test(fs.readFileSync(full, 'utf8')) && !full.endsWith(path.join('cli', 'io.ts'))) {
          offenders.push(full);
        }
      }
    };
    walk(dir);
    expect(offenders).toEqual([]);
  });
});
