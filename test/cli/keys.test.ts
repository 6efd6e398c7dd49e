import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { FakeDataverse } from './fake-dataverse';
import { cli, orders } from './harness';
import { fakePerTest } from './per-test';
import { AlternateKey, AlternateKeyColumnType, DataverseEnvironment } from '../../src';

let fake: FakeDataverse;
fakePerTest(
  (f) => (fake = f),
  () => fake,
);

const KEYS = "EntityDefinitions(LogicalName='account')/Keys";
const KEY = `${KEYS}(LogicalName='contoso_accountnumber')`;

/** The orders stack plus an alternate key on account (optionally on other columns or under another name). */
function withKey(columns = ['accountnumber'], schemaName = 'contoso_AccountNumber', more?: (stack: Construct, dataverse: DataverseEnvironment) => void) {
  return orders(undefined, {
    extra: (stack, dataverse) => {
      new AlternateKey(stack, 'account-number', {
        environment: dataverse,
        table: 'account',
        schemaName,
        displayName: 'Account number',
        columns: columns.map((logicalName) => ({ logicalName, columnType: AlternateKeyColumnType.STRING, maxLength: 20 })),
      });
      more?.(stack, dataverse);
    },
  });
}

describe('command line: alternate keys', () => {
  it('apply creates the key with a metadata POST (not in a change set), then waits for its index with progress', async () => {
    fake.seed('accounts', [{ id: 'a0000000-0000-4000-8000-000000000001', accountnumber: 'A-1' }]);
    const s = withKey();
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code, r.text() + r.errors()).toBe(0);
    const posts = fake.requestsOf('POST', 'EntityDefinitions');
    expect(posts).toHaveLength(1);
    expect(posts[0].path).toBe(KEYS);
    expect(posts[0].batch).toBeUndefined();
    expect(posts[0].headers['mscrm.solutionuniquename']).toBe('ContosoIntegration');
    expect(posts[0].body).toMatchObject({ SchemaName: 'contoso_AccountNumber', LogicalName: 'contoso_accountnumber', KeyAttributes: ['accountnumber'] });
    expect(fake.metadata.keysOf('account').map((k) => k.status)).toEqual(['Active']);
    expect(r.text()).toContain('+ created entitykey');
    expect(r.text()).toContain('Waiting for the indexes of 1 alternate key(s) (at most 600 s):');
    expect(r.text()).toMatch(/key contoso_accountnumber on account: index InProgress \(0 s\)[\s\S]*key contoso_accountnumber on account: index Active/);
    expect(r.sleeps.every((ms) => ms === 5000)).toBe(true);
    expect(r.text()).toContain('Apply complete: 4 created');
  });

  it('a second apply leaves the key alone (no POST, the index read once); plan shows keys like any record', async () => {
    const s = withKey();
    const first = await cli(fake, ['plan', ...s.args]);
    expect(first.text()).toMatch(/\+ create entitykey .*account-number/);
    expect(first.text()).toContain('Plan: 4 to create');
    await cli(fake, ['apply', ...s.args]);
    const before = fake.requests.length;
    const r = await cli(fake, ['apply', ...s.args, '--detailed-exitcode']);
    expect(r.code).toBe(0);
    expect(fake.requests.slice(before).filter((q) => q.method !== 'GET')).toEqual([]);
    expect(r.text()).toContain('0 created, 0 updated, 4 unchanged');
    const plan = await cli(fake, ['plan', ...s.args]);
    expect(plan.text()).toContain('Plan: 0 to create, 0 to update, 4 unchanged, 0 to delete.');
  });

  it('a failed index: apply fails naming the rows that break uniqueness (the system job’s message)', async () => {
    fake.seed('accounts', [
      { id: 'a0000000-0000-4000-8000-000000000001', accountnumber: 'A-7' },
      { id: 'a0000000-0000-4000-8000-000000000002', accountnumber: 'A-8' },
      { id: 'a0000000-0000-4000-8000-000000000003', accountnumber: 'A-7' },
    ]);
    const s = withKey();
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(1);
    const text = r.text() + r.errors();
    expect(text).toContain('test/account-number: the index of alternate key contoso_accountnumber on account failed');
    expect(text).toContain("the rows a0000000-0000-4000-8000-000000000001 and a0000000-0000-4000-8000-000000000003 of account have the same values (accountnumber = 'A-7')");
    expect(text).toContain('Fix: make the rows unique on accountnumber');
    expect(fake.requestsOf('GET').some((q) => q.path.startsWith('asyncoperations('))).toBe(true);
  });

  it('the poll is bounded: an index still building at --key-timeout is an error that says so', async () => {
    fake.metadata.readsToBuild = 1000;
    const s = withKey();
    const r = await cli(fake, ['apply', ...s.args, '--key-timeout', '20']);
    expect(r.code).toBe(1);
    expect(r.text() + r.errors()).toContain('is still InProgress after 20 s. Fix: run apply again later (it waits again), or raise --key-timeout.');
    expect(r.sleeps).toEqual([5000, 5000, 5000]);
  });

  it("a key's columns cannot change: plan and apply stop with the fix", async () => {
    await cli(fake, ['apply', ...withKey().args]);
    const r = await cli(fake, ['plan', ...withKey(['accountnumber', 'address1_postalcode']).args]);
    expect(r.code).toBe(1);
    expect(r.errors() + r.text()).toContain(
      "the alternate key EntityDefinitions(LogicalName='account')/Keys(LogicalName='contoso_accountnumber') exists on columns accountnumber, but the manifest has accountnumber,address1_postalcode; Dataverse cannot change a key's columns",
    );
  });

  it('garbage instead of a key: a clear error, nothing written', async () => {
    fake.inject({ kind: 'shape', method: 'GET', pathIncludes: 'EntityDefinitions', times: 1 });
    const r = await cli(fake, ['apply', ...withKey().args]);
    expect(r.code).toBe(1);
    expect(r.errors() + r.text()).toContain('is not an alternate key (no KeyAttributes list or EntityKeyIndexStatus)');
    expect(fake.requestsOf('POST', 'EntityDefinitions')).toEqual([]);
  });

  it('prune deletes a key this app created and left, by its recorded address; one it did not create stays', async () => {
    await cli(fake, ['apply', ...withKey().args]);
    // A key someone else made by hand on the same table.
    await fetch(`${fake.url}/api/data/v9.2/${KEYS}`, {
      method: 'POST',
      headers: { Authorization: 'Bearer fake-token', 'Content-Type': 'application/json' },
      body: JSON.stringify({ SchemaName: 'other_Code', KeyAttributes: ['accountnumber'] }),
    });
    const r = await cli(fake, ['apply', ...orders().args, '--prune']);
    expect(r.code, r.errors()).toBe(0);
    expect(fake.requestsOf('DELETE', 'EntityDefinitions').map((q) => q.path)).toEqual([KEY]);
    expect(fake.metadata.keysOf('account').map((k) => k.LogicalName)).toEqual(['other_code']);
    expect(r.text()).toContain('- deleted entitykey test/account-number');
  });

  it('prune leaves a key alone when the ownership note gives no valid address for it (a tampered note)', async () => {
    const s = withKey();
    await cli(fake, ['apply', ...s.args]);
    const note = fake.rows('annotations')[0];
    const doc = JSON.parse(note.notetext);
    doc.records = doc.records.map((e: any) => (e.table === 'entitykey' ? { ...e, address: "EntityDefinitions(LogicalName='account')" } : e));
    fake.edit('annotations', note.id, { notetext: JSON.stringify(doc) });
    const r = await cli(fake, ['prune', ...orders().args]);
    expect(fake.requestsOf('DELETE', 'EntityDefinitions')).toEqual([]);
    expect(r.text()).toContain("the note gives no valid alternate key address for it ('EntityDefinitions(LogicalName='account')'); left alone");
    expect(fake.metadata.keysOf('account')).toHaveLength(1);
  });

  it('a key that was there before the first apply is adopted as unchanged, and prune never deletes it', async () => {
    await fetch(`${fake.url}/api/data/v9.2/${KEYS}`, {
      method: 'POST',
      headers: { Authorization: 'Bearer fake-token', 'Content-Type': 'application/json' },
      body: JSON.stringify({ SchemaName: 'contoso_AccountNumber', KeyAttributes: ['accountnumber'] }),
    });
    const r = await cli(fake, ['apply', ...withKey().args]);
    expect(r.code, r.errors()).toBe(0);
    expect(fake.requestsOf('POST', 'EntityDefinitions')).toHaveLength(1); // only the one made by hand
    expect(r.text()).toContain('3 created, 0 updated, 1 unchanged');
    const p = await cli(fake, ['apply', ...orders().args, '--prune']);
    expect(fake.requestsOf('DELETE', 'EntityDefinitions')).toEqual([]);
    expect(p.text()).toContain('the alternate key existed before this app first applied it (the app did not create it); left alone');
    expect(fake.metadata.keysOf('account')).toHaveLength(1);
  });

  it('the ownership note records the key’s address; the manifest on disk is unchanged by apply', async () => {
    const s = withKey();
    const before = fs.readFileSync(path.join(s.dir, 'dataverse-registrations.json'), 'utf8');
    await cli(fake, ['apply', ...s.args]);
    const doc = JSON.parse(fake.rows('annotations')[0].notetext);
    expect(doc.records.find((e: any) => e.table === 'entitykey')).toMatchObject({ entitySet: 'entitykeys', path: 'test/account-number', address: KEY });
    expect(fs.readFileSync(path.join(s.dir, 'dataverse-registrations.json'), 'utf8')).toBe(before);
  });
});
