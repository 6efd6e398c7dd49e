// Ownership that cannot be confused or forged (issue 13, part 1): the note is keyed by app and
// stack; prune deletes a row only when the note was created by the identity running the command
// (or a --ledger-owner), the table is one the library writes, and the id is the one the library
// derives from the recorded path. Version 1 notes are migrated, never trusted for deletions.
import { scryptSync } from 'crypto';
import { describe, expect, it } from 'vitest';
import { FakeDataverse, RUNNER, SOMEONE_ELSE } from './fake-dataverse';
import { cli, orders, SAS } from './harness';
import { fakePerTest } from './per-test';
import { derivedRecordId, Ledger } from '../../src/cli/ledger';

let fake: FakeDataverse;
fakePerTest(
  (f) => (fake = f),
  () => fake,
);

const TWO = [
  { table: 'salesorder', message: 'Create' },
  { table: 'salesorder', message: 'Update' },
];
const ONE = [{ table: 'salesorder', message: 'Create' }];
const ADMIN_ROLE = '7c1c0000-0000-4000-8000-000000000003';

/** A Note as another user would have written it. */
function note(id: string, createdBy: string, doc: object) {
  return { id, subject: 'cdktf-dataverse ownership', _createdby_value: createdBy, notetext: JSON.stringify(doc) };
}

describe('two apps, one stack name', () => {
  it("keep separate notes: app B's apply --prune never deletes app A's rows", async () => {
    const a = orders(TWO, { env: { appId: 'app-a' }, id: 'orders' });
    const b = orders(ONE, { env: { appId: 'app-b' }, id: 'invoices' });
    expect(a.manifest.stack).toBe(b.manifest.stack);
    expect((await cli(fake, ['apply', ...a.args])).code).toBe(0);
    const r = await cli(fake, ['apply', ...b.args, '--prune']);
    expect(r.code).toBe(0);
    expect(fake.requestsOf('DELETE')).toEqual([]);
    for (const rec of a.manifest.records) expect(fake.row(rec.entitySet, rec.id)).toBeDefined();
    const notes = fake.rows('annotations');
    expect(notes.map((n) => n.id).sort()).toEqual([Ledger.noteId(a.manifest), Ledger.noteId(b.manifest)].sort());
    expect(notes.map((n) => n.subject).sort()).toEqual(['cdktf-dataverse ownership: app-a/test', 'cdktf-dataverse ownership: app-b/test']);
    // and app A still sees its rows as its own, unchanged
    const plan = await cli(fake, ['plan', ...a.args, '--prune', '--detailed-exitcode']);
    expect(plan.code).toBe(0);
    expect(plan.text()).toContain('Plan: 0 to create, 0 to update, 3 unchanged, 0 to delete.');
  });

  it("a note of another app at this app's note id is an error naming both apps, and nothing is written", async () => {
    const a = orders(TWO, { env: { appId: 'app-a' } });
    await cli(fake, ['apply', ...a.args]);
    const b = orders(ONE, { env: { appId: 'app-b' } });
    const copied = fake.row('annotations', Ledger.noteId(a.manifest))!;
    fake.seed('annotations', [{ ...copied, id: Ledger.noteId(b.manifest) }]);
    const before = fake.writes().length;
    const r = await cli(fake, ['apply', ...b.args, '--prune']);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain(
      `the ownership note annotations(${Ledger.noteId(b.manifest)}) belongs to app 'app-a' (stack 'test'), but this manifest is app 'app-b', stack 'test'`,
    );
    expect(fake.writes().length).toBe(before);
  });
});

describe('forged notes', () => {
  it('a note created by someone else decides no deletion, even listing the System Administrator role', async () => {
    const s = orders(ONE);
    fake.seed('annotations', [
      note(Ledger.noteId(s.manifest), SOMEONE_ELSE, {
        format: 'cdktf-dataverse/ownership',
        version: 2,
        app: 'cdktf-dataverse-examples',
        stack: 'test',
        environment: 'https://contoso.crm4.dynamics.com',
        digestKey: 'a2V5',
        records: [{ id: ADMIN_ROLE, table: 'role', entitySet: 'roles', path: 'test/orders/endpoint' }],
      }),
    ]);
    const r = await cli(fake, ['apply', ...s.args, '--prune']);
    expect(r.code).toBe(0);
    expect(r.errors()).toContain(`was created by systemuser ${SOMEONE_ELSE}, not by the identity running this command (${RUNNER})`);
    expect(r.text()).toContain(`! not pruned roles(${ADMIN_ROLE}) test/orders/endpoint: the ownership note was created by systemuser ${SOMEONE_ELSE}`);
    expect(fake.requestsOf('DELETE')).toEqual([]);
    expect(fake.row('roles', ADMIN_ROLE)).toBeDefined();
  });

  it('--ledger-owner trusts a former identity, but rows the library did not derive, or tables it never writes, stay', async () => {
    const s = orders(ONE);
    const foreignStep = '11111111-2222-4333-8444-555555555555';
    fake.seed('sdkmessageprocessingsteps', [{ id: foreignStep, name: 'someone else' }]);
    fake.seed('accounts', [{ id: '22222222-3333-4444-8555-666666666666', name: 'Contoso' }]);
    const gone = derivedRecordId('https://contoso.crm4.dynamics.com', s.manifest.appId, 'test/orders/step-old');
    fake.seed('sdkmessageprocessingsteps', [{ id: gone, name: 'ours, removed from the manifest' }]);
    fake.seed('annotations', [
      note(Ledger.noteId(s.manifest), SOMEONE_ELSE, {
        format: 'cdktf-dataverse/ownership',
        version: 2,
        app: 'cdktf-dataverse-examples',
        stack: 'test',
        environment: 'https://contoso.crm4.dynamics.com',
        digestKey: 'a2V5',
        records: [
          { id: ADMIN_ROLE, table: 'role', entitySet: 'roles', path: 'test/orders/admin' },
          { id: foreignStep, table: 'sdkmessageprocessingstep', entitySet: 'sdkmessageprocessingsteps', path: 'test/orders/ghost' },
          { id: '22222222-3333-4444-8555-666666666666', table: 'account', entitySet: 'accounts', path: 'test/orders/account' },
          { id: gone, table: 'sdkmessageprocessingstep', entitySet: 'sdkmessageprocessingsteps', path: 'test/orders/step-old' },
        ],
      }),
    ]);
    const plan = await cli(fake, ['plan', ...s.args, '--prune', '--ledger-owner', SOMEONE_ELSE, '--json']);
    const doc = JSON.parse(plan.text());
    expect(doc.changes.filter((c: any) => c.action === 'delete').map((c: any) => c.id)).toEqual([gone]);
    expect(doc.leftAlone).toEqual([
      { entitySet: 'accounts', id: '22222222-3333-4444-8555-666666666666', path: 'test/orders/account', reason: "table 'account' (accounts) is not one this library writes" },
      {
        entitySet: 'sdkmessageprocessingsteps',
        id: foreignStep,
        path: 'test/orders/ghost',
        reason: "its id is not the one the library derives from the path 'test/orders/ghost' of stack 'test' in https://contoso.crm4.dynamics.com",
      },
      { entitySet: 'roles', id: ADMIN_ROLE, path: 'test/orders/admin', reason: "table 'role' (roles) is not one this library writes" },
    ]);
    const r = await cli(fake, ['prune', '--manifest', s.dir, '--ledger-owner', SOMEONE_ELSE]);
    expect(r.code).toBe(0);
    expect(fake.requestsOf('DELETE').map((q) => q.path)).toEqual([`sdkmessageprocessingsteps(${gone})`]);
    expect(fake.row('roles', ADMIN_ROLE)).toBeDefined();
    expect(fake.row('sdkmessageprocessingsteps', foreignStep)).toBeDefined();
    expect(fake.row('accounts', '22222222-3333-4444-8555-666666666666')).toBeDefined();
    expect(r.text()).toContain('Prune complete: 0 created, 0 updated, 0 unchanged, 1 deleted.');
  });

  it('derivedRecordId is the derivation of DataverseRecord', () => {
    const s = orders(TWO);
    for (const r of s.manifest.records) expect(r.id).toBe(derivedRecordId(s.manifest.environment.url, s.manifest.appId, r.path));
  });

  it('--ledger-owner must be a systemuserid', async () => {
    const s = orders(ONE);
    const r = await cli(fake, ['prune', '--manifest', s.dir, '--ledger-owner', 'pipeline-sp']);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain("--ledger-owner 'pipeline-sp' is not a systemuserid (a GUID)");
    expect(fake.httpRequests).toBe(0);
  });
});

describe('version 1 notes (before app identities)', () => {
  /** The version 1 format: scrypt digest salted with the row id and column (the format this version replaces). */
  const v1Digest = (id: string, column: string, value: string) => scryptSync(value, `cdktf-dataverse|${id}|${column}`, 24).toString('base64url');

  it('are migrated: digests of unchanged values carry over, rows gone from the manifest are reported and never pruned', async () => {
    const s = orders(TWO);
    const [endpoint, create, update] = s.manifest.records;
    expect((await cli(fake, ['apply', ...s.args])).code).toBe(0);
    // Replace the version 2 note by what the previous version wrote.
    fake.store.restore(
      JSON.stringify({ ...JSON.parse(fake.store.snapshot()), tables: JSON.parse(fake.store.snapshot()).tables.map(([k, v]: any) => [k, k === 'annotations' ? [] : v]) }),
    );
    const legacy = {
      format: 'cdktf-dataverse/ownership',
      version: 1,
      stack: 'test',
      environment: 'https://contoso.crm4.dynamics.com',
      records: [
        { id: endpoint.id, table: endpoint.table, entitySet: endpoint.entitySet, path: endpoint.path, digests: { saskey: v1Digest(endpoint.id, 'saskey', SAS) } },
        { id: create.id, table: create.table, entitySet: create.entitySet, path: create.path },
        { id: update.id, table: update.table, entitySet: update.entitySet, path: update.path },
      ],
    };
    fake.seed('annotations', [note(Ledger.legacyNoteId(s.manifest), RUNNER, legacy)]);
    const now = orders(ONE); // the Update step is gone from the manifest
    const plan = await cli(fake, ['plan', ...now.args, '--prune', '--detailed-exitcode']);
    expect(plan.code).toBe(0);
    expect(plan.text()).toContain('Plan: 0 to create, 0 to update, 2 unchanged, 0 to delete.');
    expect(plan.errors()).toContain(
      `the version 1 ownership note annotations(${Ledger.legacyNoteId(s.manifest)}) of stack 'test' (written before app identities) lists 1 row(s) gone from this manifest: sdkmessageprocessingsteps(${update.id}) ${update.path}`,
    );

    const before = fake.writes().length;
    const apply = await cli(fake, ['apply', ...now.args, '--prune']);
    expect(apply.code).toBe(0);
    const writes = fake.writes().slice(before);
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([`PATCH annotations(${Ledger.noteId(now.manifest)})`]);
    const migrated = JSON.parse(fake.row('annotations', Ledger.noteId(now.manifest))!.notetext);
    expect(migrated).toMatchObject({ version: 2, app: 'cdktf-dataverse-examples', stack: 'test' });
    expect(migrated.records.map((e: any) => e.id)).toEqual([endpoint.id, create.id]);
    expect(migrated.records[0].digests.saskey).toMatch(/^hmac-sha256:/);
    expect(fake.row('sdkmessageprocessingsteps', update.id)).toBeDefined();
    expect(fake.requestsOf('DELETE')).toEqual([]);
  });

  it('a changed value under a version 1 digest is sent again', async () => {
    const s = orders(ONE);
    const [endpoint] = s.manifest.records;
    expect((await cli(fake, ['apply', ...s.args])).code).toBe(0);
    const v2 = Ledger.noteId(s.manifest);
    fake.store.restore(
      JSON.stringify({ ...JSON.parse(fake.store.snapshot()), tables: JSON.parse(fake.store.snapshot()).tables.map(([k, v]: any) => [k, k === 'annotations' ? [] : v]) }),
    );
    expect(fake.row('annotations', v2)).toBeUndefined();
    fake.seed('annotations', [
      note(Ledger.legacyNoteId(s.manifest), RUNNER, {
        format: 'cdktf-dataverse/ownership',
        version: 1,
        stack: 'test',
        environment: 'https://contoso.crm4.dynamics.com',
        records: [
          { id: endpoint.id, table: endpoint.table, entitySet: endpoint.entitySet, path: endpoint.path, digests: { saskey: v1Digest(endpoint.id, 'saskey', 'an-older-key') } },
        ],
      }),
    ]);
    const plan = await cli(fake, ['plan', ...s.args, '--json']);
    const change = JSON.parse(plan.text()).changes[0];
    expect(change.columns).toEqual([{ column: 'saskey', sensitive: true, reason: 'the value changed' }]);
  });
});

describe('the ownership note', () => {
  it('holds keyed digests only: no secret, no unkeyed digest, a per-note key', async () => {
    const a = orders(ONE, { env: { appId: 'app-a' } });
    const b = orders(ONE, { env: { appId: 'app-b' }, id: 'invoices' });
    await cli(fake, ['apply', ...a.args]);
    await cli(fake, ['apply', ...b.args]);
    const [na, nb] = [Ledger.noteId(a.manifest), Ledger.noteId(b.manifest)].map((id) => JSON.parse(fake.row('annotations', id)!.notetext));
    expect(JSON.stringify([na, nb])).not.toContain(SAS);
    const { createHash } = await import('crypto');
    expect(JSON.stringify([na, nb])).not.toContain(createHash('sha256').update(SAS).digest('base64url'));
    expect(na.digestKey).not.toBe(nb.digestKey);
    expect(na.records[0].digests.saskey).not.toBe(nb.records[0].digests.saskey);
  });
});
