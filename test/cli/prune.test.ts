import { describe, expect, it } from 'vitest';
import { FakeDataverse, RUNNER } from './fake-dataverse';
import { cli, orders, SAS, startFake, TestApplicationUser } from './harness';
import { fakePerTest } from './per-test';
import { Ledger } from '../../src/cli/ledger';

let fake: FakeDataverse;
fakePerTest(
  (f) => (fake = f),
  () => fake,
);

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
    expect(fake.requestsOf('DELETE').map((q) => q.path)).toEqual([`sdkmessageprocessingstepimages(${image.id})`, `sdkmessageprocessingsteps(${updateStep.id})`]);
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
    expect(note.subject).toBe('cdktf-dataverse ownership: cdktf-dataverse-examples/test');
    const doc = JSON.parse(note.notetext);
    expect(doc.records.map((e: any) => e.id)).toEqual(first.manifest.records.map((x: any) => x.id));
    expect(note.notetext).not.toContain(SAS);
    expect(doc.records[0].digests.saskey).toMatch(/^hmac-sha256:[A-Za-z0-9_-]{43}$/);

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
    const note = {
      id: Ledger.noteId(first.manifest),
      subject: 'x',
      _createdby_value: RUNNER,
      notetext: JSON.stringify({
        format: 'cdktf-dataverse/ownership',
        version: 2,
        app: 'cdktf-dataverse-examples',
        stack: 'test',
        environment: 'https://contoso.crm4.dynamics.com',
        digestKey: 'a2V5',
        records: [{ id: image.id, table: image.table, entitySet: image.entitySet, path: image.path }],
      }),
    };
    fake.seed('annotations', [note]);
    const second = orders([{ table: 'salesorder', message: 'Create' }]);
    const r = await cli(fake, ['prune', '--manifest', second.dir]);
    expect(r.code).toBe(0);
    expect(r.text()).toContain('(already gone)');
    expect(JSON.parse(fake.row('annotations', note.id)!.notetext).records).toEqual([]);
  });

  it('an application user is disabled, then deleted, in one change set (Dataverse deletes only disabled users)', async () => {
    const first = orders(undefined, { extra: (stack, dataverse) => new TestApplicationUser(stack, 'app-user', dataverse, 'System Customizer') });
    await cli(fake, ['apply', ...first.args]);
    const user = first.manifest.records.find((x: any) => x.table === 'systemuser');
    const second = orders();
    for (const batch of [[], ['--no-batch']]) {
      if (!fake.row('systemusers', user.id)) await cli(fake, ['apply', ...first.args]);
      const r = await cli(fake, ['prune', '--manifest', second.dir, ...batch]);
      expect(r.code).toBe(0);
      expect(r.text()).toContain(`- deleted systemuser ${user.path} (${user.id})`);
      expect(fake.row('systemusers', user.id)).toBeUndefined();
    }
    const ops = fake.requests.filter((q) => q.path === `systemusers(${user.id})` && q.method !== 'GET').map((q) => `${q.method}${q.body?.isdisabled ? ' isdisabled' : ''}`);
    expect(ops).toContain('PATCH isdisabled');
    expect(ops.slice(-2)).toEqual(['PATCH isdisabled', 'DELETE']);
  });
});
