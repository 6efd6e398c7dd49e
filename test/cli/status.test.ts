// `cdktf-dataverse status` against the fake Web API: failed, waiting and succeeded system jobs of
// the stack's steps, jobs of someone else's step, disabled and missing steps, --json, --retry.
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { FakeDataverse } from './fake-dataverse';
import { job } from './fake-jobs';
import { cli, orders, recordingIo } from './harness';
import { fakePerTest } from './per-test';
import { RegistrationMode } from '../../src';

let fake: FakeDataverse;
fakePerTest(
  (f) => (fake = f),
  () => fake,
);

const OTHER_STEP = '9e9e0000-0000-4000-8000-00000000ffff';
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const J = (n: number) => `a5a50000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A stack applied to the fake; its two steps (Create, Update of salesorder) and its endpoint. */
async function applied() {
  const s = orders();
  const r = await cli(fake, ['apply', ...s.args]);
  expect(r.code, r.errors()).toBe(0);
  const steps = s.manifest.records.filter((x: any) => x.table === 'sdkmessageprocessingstep');
  const endpoint = s.manifest.records.find((x: any) => x.table === 'serviceendpoint');
  const mark = fake.requests.length;
  /** Writes after the apply. */
  const writes = () => fake.requests.slice(mark).filter((q) => q.method !== 'GET' && q.path !== '$batch');
  return { ...s, create: steps[0], update: steps[1], endpoint, writes };
}

/** Jobs: Create has one failed, one waiting, one succeeded in the window and one failed before it; Update one succeeded; someone else's step one failed and one waiting. */
function seedJobs(create: string, update: string) {
  fake.seed('asyncoperations', [
    job(J(1), create, 31, ago(30), { message: 'Microsoft.Crm.ServiceEndpoints: 401 Unauthorized\n   at Post()', friendlymessage: 'The SAS key was refused by Service Bus.' }),
    job(J(2), create, 10, ago(20), { message: 'Endpoint unreachable: the remote name could not be resolved' }),
    job(J(3), create, 30, ago(10)),
    job(J(4), create, 31, ago(60 * 48), { message: 'an old failure' }),
    job(J(5), update, 30, ago(5)),
    job(J(6), OTHER_STEP, 31, ago(15), { message: 'not ours' }),
    job(J(7), OTHER_STEP, 10, ago(15), { message: 'not ours either' }),
  ]);
}

describe('status', () => {
  it('reports failed and waiting jobs of each step with message and time, counts over the window, and exits 2', async () => {
    const s = await applied();
    seedJobs(s.create.id, s.update.id);
    const r = await cli(fake, ['status', s.dir]);
    expect(r.code, r.errors()).toBe(2);
    const text = r.text();
    expect(text).toContain("Status of stack 'test' of app");
    expect(text).toContain(`✗ ${s.create.path} (${s.create.id}; asynchronous, enabled): 1 failed, 1 waiting, 0 queued or in progress, 1 succeeded, 0 canceled`);
    expect(text).toContain(`✓ ${s.update.path} (${s.update.id}; asynchronous, enabled): 0 failed, 0 waiting, 0 queued or in progress, 1 succeeded, 0 canceled`);
    // friendlymessage first, else the first line of message; newest first
    const lines = r.out.filter((l) => /^\s+(failed|waiting) /.test(l));
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^      waiting \\S+Z job ${J(2)}: Endpoint unreachable: the remote name could not be resolved$`)),
      expect.stringMatching(new RegExp(`^      failed \\S+Z \\(completed \\S+\\) job ${J(1)}: The SAS key was refused by Service Bus\\.$`)),
    ]);
    expect(text).not.toContain('an old failure');
    expect(text).not.toContain('not ours');
    expect(text).toContain('Summary: 1 failed, 1 waiting, 2 succeeded (kept) job(s); 0 disabled and 0 missing step(s) of 2.');
    // read only: no write without --retry
    expect(s.writes()).toEqual([]);
    // each query filters on the step and the window
    const queries = fake.requestsOf('GET', 'asyncoperations');
    expect(queries).toHaveLength(2);
    for (const q of queries) expect(q.query.get('$filter')).toMatch(/^_owningextensionid_value eq [0-9a-f-]{36} and createdon ge \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('exits 0 when no step has failed or waiting jobs in the window; --since widens the window', async () => {
    const s = await applied();
    fake.seed('asyncoperations', [job(J(3), s.create.id, 30, ago(10)), job(J(4), s.create.id, 31, ago(60 * 48), { message: 'an old failure' })]);
    const quiet = await cli(fake, ['status', s.dir]);
    expect(quiet.code, quiet.errors()).toBe(0);
    expect(quiet.text()).toContain('Summary: 0 failed, 0 waiting, 1 succeeded (kept) job(s)');
    const inline = await cli(fake, ['status', '--manifest', s.manifestFile, '--since=30m']);
    expect(inline.code, inline.errors()).toBe(0);
    expect(inline.text()).toContain('(30m)');
    const wide = await cli(fake, ['status', s.dir, '--since', '3d']);
    expect(wide.code).toBe(2);
    expect(wide.text()).toContain('an old failure');
    expect(wide.text()).toContain('(3d)');
  });

  it('--json: one document with the window, each step with counts and its failed and waiting jobs, the disabled endpoints and a summary', async () => {
    const s = await applied();
    seedJobs(s.create.id, s.update.id);
    fake.edit('sdkmessageprocessingsteps', s.update.id, { statecode: 1, statuscode: 2 });
    const r = await cli(fake, ['status', s.dir, '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.text());
    expect(doc).toMatchObject({ window: '24h', failures: true, since: expect.stringMatching(/Z$/) });
    expect(doc.stacks).toHaveLength(1);
    const [stack] = doc.stacks;
    expect(stack).toMatchObject({ stack: 'test', environment: fake.url });
    expect(stack.steps.map((x: any) => [x.path, x.state, x.counts])).toEqual([
      [s.create.path, 'enabled', { succeeded: 1, failed: 1, waiting: 1, inProgress: 0, canceled: 0 }],
      [s.update.path, 'disabled', { succeeded: 1, failed: 0, waiting: 0, inProgress: 0, canceled: 0 }],
    ]);
    expect(stack.steps[0]).toMatchObject({ id: s.create.id, endpoint: s.endpoint.path, synchronous: false, inManifest: true });
    expect(stack.steps[0].jobs).toEqual([
      {
        id: J(2),
        status: 'Waiting',
        statuscode: 10,
        createdOn: expect.any(String),
        completedOn: null,
        message: 'Endpoint unreachable: the remote name could not be resolved',
        friendlyMessage: null,
      },
      {
        id: J(1),
        status: 'Failed',
        statuscode: 31,
        createdOn: expect.any(String),
        completedOn: expect.any(String),
        message: 'Microsoft.Crm.ServiceEndpoints: 401 Unauthorized\n   at Post()',
        friendlyMessage: 'The SAS key was refused by Service Bus.',
      },
    ]);
    expect(stack.disabledEndpoints).toEqual([{ path: s.endpoint.path, id: s.endpoint.id, steps: [s.update.path] }]);
    expect(stack.summary).toEqual({ steps: 2, failed: 1, waiting: 1, succeeded: 2, disabledSteps: 1, missingSteps: 0, resumed: 0 });
    expect(r.err.filter((l) => !l.startsWith('Note:'))).toEqual([]);
  });

  it('a disabled step is reported on its endpoint and exits 2 without any failed job', async () => {
    const s = await applied();
    fake.edit('sdkmessageprocessingsteps', s.create.id, { statecode: 1, statuscode: 2 });
    const r = await cli(fake, ['status', s.dir]);
    expect(r.code).toBe(2);
    expect(r.text()).toContain(`! endpoint ${s.endpoint.path} (${s.endpoint.id}): 1 step(s) disabled, so Dataverse sends it nothing for them: ${s.create.path}.`);
  });

  it('steps not applied yet are missing: exit 2, and the fix is apply', async () => {
    const s = orders();
    const r = await cli(fake, ['status', s.dir]);
    expect(r.code, r.errors()).toBe(2);
    expect(r.text()).toContain("not in Dataverse: run 'cdktf-dataverse apply'.");
    expect(r.text()).toContain('0 disabled and 2 missing step(s) of 2');
  });

  it("--retry resumes the waiting jobs of the stack's steps only (Ready, Waiting For Resources), never failed ones nor jobs of other steps, and prints the count", async () => {
    const s = await applied();
    seedJobs(s.create.id, s.update.id);
    const r = await cli(fake, ['status', s.dir, '--retry']);
    expect(r.code, r.errors()).toBe(2);
    expect(r.text()).toContain('resumed 1 waiting job(s).');
    expect(r.text()).toContain('Resumed 1 waiting job(s).');
    expect(r.text()).toContain('Dataverse does not resume a completed system job');
    expect(s.writes().map((w) => [w.method, w.path, w.body, w.headers['if-match']])).toEqual([['PATCH', `asyncoperations(${J(2)})`, { statecode: 0, statuscode: 0 }, '*']]);
    expect(fake.row('asyncoperations', J(2))).toMatchObject({ statecode: 0, statuscode: 0 });
    expect(fake.row('asyncoperations', J(1))).toMatchObject({ statecode: 3, statuscode: 31 });
    expect(fake.row('asyncoperations', J(7))).toMatchObject({ statecode: 1, statuscode: 10 });
    const json = JSON.parse((await cli(fake, ['status', s.dir, '--retry', '--json'])).text());
    expect(json.stacks[0].summary.resumed).toBe(0); // resumed jobs are no longer waiting
  });

  it('a refused resume is an error (exit 1) naming the job', async () => {
    const s = await applied();
    seedJobs(s.create.id, s.update.id);
    fake.inject({ status: 400, method: 'PATCH', pathIncludes: 'asyncoperations', times: 1 });
    const r = await cli(fake, ['status', s.dir, '--retry']);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain(`asyncoperations(${J(2)})`);
  });
});

describe('status: hostile answers are errors (exit 1), never a report', () => {
  it('an HTML page, JSON of another shape, a body cut short, or a server that hangs until the timeout', async () => {
    const s = await applied();
    seedJobs(s.create.id, s.update.id);
    fake.inject({ kind: 'html', method: 'GET', pathIncludes: 'asyncoperations', times: 100 });
    const html = await cli(fake, ['status', s.dir]);
    expect(html.code).toBe(1);
    expect(html.errors()).toContain(`unexpected answer from ${fake.url}/api/data/v9.2/asyncoperations?`);
    expect(html.errors()).toContain('not JSON');
    expect(html.text()).not.toContain('Summary');
    fake.faults.length = 0;

    fake.inject({ kind: 'shape', method: 'GET', pathIncludes: 'asyncoperations', times: 100 });
    const shape = await cli(fake, ['status', s.dir, '--json']);
    expect(shape.code).toBe(1);
    expect(shape.errors()).toContain("JSON without the collection's 'value' list of objects");
    expect(JSON.parse(shape.text())).toEqual({ error: expect.stringContaining('unexpected answer') });
    fake.faults.length = 0;

    fake.inject({ kind: 'garbage', method: 'GET', pathIncludes: 'asyncoperations', times: 100 });
    const garbage = await cli(fake, ['status', s.dir]);
    expect(garbage.code).toBe(1);
    expect(garbage.errors()).toContain('JSON that does not parse');
    fake.faults.length = 0;

    fake.inject({ kind: 'hang', method: 'GET', pathIncludes: 'asyncoperations', times: 100 });
    const hang = await cli(fake, ['status', s.dir, '--request-timeout', '0.3', '--max-retries', '0']);
    expect(hang.code).toBe(1);
    expect(hang.errors()).toContain('gave no answer to GET asyncoperations within');
  });

  it("a server that ignores the filter (jobs of someone else's step in the answer) is refused, and --retry then resumes nothing", async () => {
    const s = await applied();
    seedJobs(s.create.id, s.update.id);
    fake.store.ignoreFilter = true;
    const r = await cli(fake, ['status', s.dir, '--retry']);
    expect(r.code).toBe(1);
    expect(r.errors()).toMatch(
      /querying the system jobs of step \S+: the answer holds system job \S+ (of (step|no step)|created)[^;]*; the server did not apply the filter\. Nothing was reported or resumed\./,
    );
    expect(s.writes()).toEqual([]);
  });

  it('garbage rows: an unknown status pair, or a job without a creation date', async () => {
    const s = await applied();
    fake.seed('asyncoperations', [job(J(1), s.create.id, 31, ago(5), { statecode: 1 })]);
    const pair = await cli(fake, ['status', s.dir]);
    expect(pair.code).toBe(1);
    expect(pair.errors()).toContain(`holds system job ${J(1)} with statecode 1 and statuscode 31, which are not a documented pair`);
    fake.edit('asyncoperations', J(1), { statecode: 3, createdon: 'yesterday' });
    fake.store.ignoreFilter = true; // the fake cannot compare 'yesterday'; a server returns it anyway
    const date = await cli(fake, ['status', s.dir, '--parallelism', '1']); // the Create step's query first
    expect(date.code).toBe(1);
    expect(date.errors()).toContain(`holds system job ${J(1)} without a createdon date`);
  });

  it('bad arguments: --since, unknown options, a stack that does not exist', async () => {
    const s = orders();
    expect((await cli(fake, ['status', s.dir, '--since', '2w'])).errors()).toContain(
      "--since '2w' is not a window. Fix: use a whole number of minutes, hours or days from 1m to 90d",
    );
    expect((await cli(fake, ['status', s.dir, '--since', '91d'])).code).toBe(1);
    expect((await cli(fake, ['status', s.dir, '--prune'])).errors()).toContain("unknown option '--prune' for status");
    const missing = await cli(fake, ['status', 'nowhere']);
    expect(missing.code).toBe(1);
    expect(missing.errors()).toContain("'nowhere' is neither a stack folder, a manifest file nor a stack under cdktf.out/stacks");
    expect((await cli(fake, ['status'])).errors()).toContain('no stack with a dataverse-registrations.json under');
  });
});

describe('status: which steps and which stacks', () => {
  it('a step the ownership note lists but the manifest no longer declares is still reported (it fires until pruned)', async () => {
    const s = await applied();
    seedJobs(s.create.id, s.update.id);
    const fewer = orders([{ table: 'salesorder', message: 'Create' }]);
    const r = await cli(fake, ['status', fewer.dir, '--json']);
    expect(r.code).toBe(2);
    const steps = JSON.parse(r.text()).stacks[0].steps;
    expect(steps.map((x: any) => [x.path, x.inManifest])).toEqual([
      [s.create.path, true],
      [s.update.path, false],
    ]);
    const text = await cli(fake, ['status', fewer.dir]);
    expect(text.text()).toContain(`${s.update.path} (${s.update.id}; asynchronous, enabled, gone from the manifest; prune deletes it)`);
  });

  it('stack names resolve under cdktf.out/stacks; without arguments every stack there with a manifest is reported', async () => {
    const s = await applied();
    const recorder = () => {
      const rec = recordingIo();
      const dir = path.join(rec.io.cwd, 'cdktf.out', 'stacks', 'orders');
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(s.manifestFile, path.join(dir, 'dataverse-registrations.json'));
      fs.mkdirSync(path.join(rec.io.cwd, 'cdktf.out', 'stacks', 'no-dataverse'), { recursive: true });
      return rec;
    };
    const named = await cli(fake, ['status', 'orders'], recorder());
    expect(named.code, named.errors()).toBe(0);
    expect(named.text()).toContain("Status of stack 'test'");
    const all = await cli(fake, ['status', '--json'], recorder());
    expect(all.code, all.errors()).toBe(0);
    expect(JSON.parse(all.text()).stacks.map((x: any) => x.stack)).toEqual(['test']);
  });
  it("a Power Platform provider mode stack (its records are Terraform's, with the same ids) is read too, without an ownership note", async () => {
    const s = orders(undefined, { env: { registrationMode: RegistrationMode.POWER_PLATFORM_PROVIDER, environmentId: '00000000-0000-4000-8000-0000000000e1' } });
    expect(s.manifest.environment.registrationMode).toBe('power-platform-provider');
    const steps = s.manifest.records.filter((x: any) => x.table === 'sdkmessageprocessingstep');
    fake.seed(
      'sdkmessageprocessingsteps',
      steps.map((x: any) => ({ id: x.id, name: x.columns.name, statecode: 0, statuscode: 1 })),
    );
    fake.seed('asyncoperations', [job(J(1), steps[0].id, 31, ago(5), { message: 'refused' })]);
    const r = await cli(fake, ['status', s.dir]);
    expect(r.code, r.errors()).toBe(2);
    expect(r.text()).toContain('job ' + J(1) + ': refused');
    expect(fake.requestsOf('GET', 'annotations')).toEqual([]);
    expect((await cli(fake, ['apply', ...s.args])).errors()).toContain("registrationMode 'power-platform-provider'");
  });
});
