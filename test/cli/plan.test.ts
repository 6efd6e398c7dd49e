import { describe, expect, it } from 'vitest';
import { FakeDataverse } from './fake-dataverse';
import { cli, orders, SAS, writeOutputs } from './harness';
import { fakePerTest } from './per-test';
import { Ledger } from '../../src/cli/ledger';

let fake: FakeDataverse;
fakePerTest(
  (f) => (fake = f),
  () => fake,
);

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
    expect(doc.summary).toEqual({ create: 3, update: 0, replace: 0, unchanged: 0, delete: 0 });
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
