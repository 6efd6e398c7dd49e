// The command line and change-tracking records: the documented metadata update (GET the whole
// definition, PUT it back with ChangeTrackingEnabled true and MSCRM.MergeLabels: true; Microsoft
// Learn, "Create and update table definitions using the Web API"), nothing written when it is on,
// and prune that forgets the record without a request (change tracking cannot be disabled: "Use
// change tracking to synchronize data with external systems").
import * as fs from 'fs';
import { describe, expect, it } from 'vitest';
import { FakeDataverse } from './fake-dataverse';
import { cli, orders } from './harness';
import { fakePerTest } from './per-test';
import { ChangeTrackingExport, ServiceBusNamespace, ServiceBusQueue, TableChangeTracking, UserAssignedIdentity } from '../../src';
import { functionFolder, SUB } from '../patterns/change-tracking-fixtures';

let fake: FakeDataverse;
fakePerTest(
  (f) => (fake = f),
  () => fake,
);

const DEF = "EntityDefinitions(LogicalName='account')";

function tracked(tables: Array<{ table: string; entitySetName?: string }> = [{ table: 'account' }]) {
  return orders(undefined, {
    extra: (stack, dataverse) => {
      for (const t of tables) new TableChangeTracking(stack, `track-${t.table}`, { environment: dataverse, ...t });
    },
  });
}

const metadataWrites = () => fake.writes().filter((q) => q.path.startsWith('EntityDefinitions'));

describe('command line: change tracking', () => {
  it('plan shows the update as permanent; apply enables it with a PUT of the whole definition (labels kept), then reads it back', async () => {
    const s = tracked();
    const plan = await cli(fake, ['plan', ...s.args]);
    expect(plan.code, plan.errors()).toBe(0);
    expect(plan.text()).toMatch(
      /~ update entitychangetracking test\/track-account .*\n\s+changetrackingenabled: false → true\n\s+\(permanent: once enabled, Dataverse cannot turn change tracking off; prune only forgets the record\)/,
    );
    expect(metadataWrites()).toEqual([]);

    const before = fake.requests.length;
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code, r.text() + r.errors()).toBe(0);
    const puts = metadataWrites();
    expect(puts.map((q) => `${q.method} ${q.path}`)).toEqual([`PUT ${DEF}`]);
    expect(puts[0].batch).toBeUndefined();
    expect(puts[0].headers['mscrm.mergelabels']).toBe('true');
    expect(puts[0].headers['mscrm.solutionuniquename']).toBeUndefined();
    expect(puts[0].body).toMatchObject({ LogicalName: 'account', ChangeTrackingEnabled: true, IsAuditEnabled: { Value: false } });
    expect(fake.tables.definition('account')).toMatchObject({ ChangeTrackingEnabled: true, EntitySetName: 'accounts' });
    expect(fake.tables.definition('account')!.DisplayName.LocalizedLabels).toHaveLength(2);
    // Read, then the whole definition, then the check after the PUT.
    const gets = fake.requests
      .slice(before)
      .filter((q) => q.method === 'GET' && q.path.startsWith('EntityDefinitions'))
      .map((q) => q.query.get('$select'));
    expect(gets).toEqual([
      'LogicalName,EntitySetName,ChangeTrackingEnabled,CanChangeTrackingBeEnabled',
      null,
      'LogicalName,EntitySetName,ChangeTrackingEnabled,CanChangeTrackingBeEnabled',
    ]);
    expect(r.text()).toContain('~ updated entitychangetracking test/track-account');
  });

  it('already on: no write, unchanged (also a second apply)', async () => {
    fake.tables.define('account', { ChangeTrackingEnabled: true });
    const s = tracked();
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code, r.errors()).toBe(0);
    expect(metadataWrites()).toEqual([]);
    expect(fake.requestsOf('GET', DEF).filter((q) => q.query.get('$select') === null)).toEqual([]);
    const again = await cli(fake, ['plan', ...s.args, '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(again.text()).toContain('= unchanged entitychangetracking test/track-account');
  });

  it('prune forgets the record without any request to the definition, and says change tracking stays on', async () => {
    await cli(fake, ['apply', ...tracked().args]);
    const before = fake.requests.length;
    const plain = await cli(fake, ['plan', ...orders().args]);
    expect(plain.text()).toContain(
      "Note: 1 change-tracking record(s) this stack registered earlier are gone from the manifest; 'cdktf-dataverse prune' forgets them and leaves change tracking on (Dataverse cannot turn it off: it is permanent).",
    );
    const plan = await cli(fake, ['plan', ...orders().args, '--prune']);
    expect(plan.text()).toContain('- forget entitychangetracking test/track-account');
    expect(plan.text()).toContain("change tracking stays enabled on table 'account'; Dataverse cannot turn it off (permanent)");
    expect(plan.text()).toContain('Plan: 0 to create, 0 to update, 3 unchanged, 0 to delete.');
    const r = await cli(fake, ['prune', ...orders().args]);
    expect(r.code, r.errors()).toBe(0);
    expect(r.text()).toContain('- forgot entitychangetracking test/track-account');
    expect(r.text()).toContain('Prune complete: 0 created, 0 updated, 0 unchanged, 0 deleted, 1 forgotten (change tracking stays on).');
    const later = fake.requests.slice(before);
    expect(later.filter((q) => q.path.startsWith('EntityDefinitions') && q.method !== 'GET')).toEqual([]);
    expect(fake.tables.definition('account')!.ChangeTrackingEnabled).toBe(true);
    const doc = JSON.parse(fake.rows('annotations')[0].notetext);
    expect(doc.records.some((e: any) => e.table === 'entitychangetracking')).toBe(false);
    const json = await cli(fake, ['plan', ...orders().args, '--prune', '--json']);
    expect(JSON.parse(json.text()).forgotten).toEqual([]);
  });

  it('apply --prune forgets too, and its summary says so', async () => {
    await cli(fake, ['apply', ...tracked().args]);
    const r = await cli(fake, ['apply', ...orders().args, '--prune']);
    expect(r.code, r.errors()).toBe(0);
    expect(r.text()).toContain('0 deleted, 1 forgotten (change tracking stays on).');
    expect(fake.tables.definition('account')!.ChangeTrackingEnabled).toBe(true);
  });

  it('plan --json lists the forgotten record with its table definition address, marked permanent', async () => {
    await cli(fake, ['apply', ...tracked().args]);
    const r = await cli(fake, ['plan', ...orders().args, '--json']);
    const out = JSON.parse(r.text());
    expect(out.forgotten).toEqual([expect.objectContaining({ table: 'entitychangetracking', path: 'test/track-account', address: DEF, permanent: true })]);
    expect(out.changes.some((c: any) => c.action === 'delete')).toBe(false);
  });

  it('a table that does not exist, a wrong entity set name, a table that cannot be tracked: errors with the fix, nothing written', async () => {
    let r = await cli(fake, ['apply', ...tracked([{ table: 'contoso_missing' }]).args]);
    expect(r.code).toBe(1);
    expect(r.errors() + r.text()).toContain("the table 'contoso_missing' does not exist in this environment");
    r = await cli(fake, ['plan', ...tracked([{ table: 'opportunity', entitySetName: 'opportunitys' }]).args]);
    expect(r.errors() + r.text()).toContain("the table 'opportunity' has the entity set name 'opportunities', but the manifest has 'opportunitys'");
    expect(r.errors() + r.text()).toContain("Fix: set entitySetName: 'opportunities' for 'opportunity'.");
    fake.tables.define('contact', { CanChangeTrackingBeEnabled: { Value: false, CanBeChanged: false } });
    r = await cli(fake, ['apply', ...tracked([{ table: 'contact' }]).args]);
    expect(r.code).toBe(1);
    expect(r.errors() + r.text()).toContain("change tracking cannot be enabled on the table 'contact' (CanChangeTrackingBeEnabled is false)");
    expect(metadataWrites()).toEqual([]);
  });

  it('hostile answers: garbage for the definition writes nothing; a PUT that does not stick fails apply', async () => {
    fake.inject({ kind: 'shape', method: 'GET', pathIncludes: 'EntityDefinitions', times: 1 });
    let r = await cli(fake, ['apply', ...tracked().args]);
    expect(r.code).toBe(1);
    expect(r.errors() + r.text()).toContain("is not that table's definition");
    expect(metadataWrites()).toEqual([]);

    // The read and the whole definition are fine, the PUT answers 204, but the next read still says false.
    const real = fake.tables.handle.bind(fake.tables);
    fake.tables.handle = (method, path, headers, body, select) => (method === 'PUT' ? { status: 204 } : real(method, path, headers, body, select));
    r = await cli(fake, ['apply', ...tracked().args]);
    expect(r.code).toBe(1);
    expect(r.errors() + r.text()).toContain('reading it again gives ChangeTrackingEnabled false: change tracking is not on');
  });

  it('a refused PUT fails apply naming the record and the answer; a throttled one is retried after Retry-After', async () => {
    fake.inject({ kind: 'status', status: 403, method: 'PUT', pathIncludes: 'EntityDefinitions', times: 1 });
    let r = await cli(fake, ['apply', ...tracked().args]);
    expect(r.code).toBe(1);
    expect(r.errors() + r.text()).toMatch(/test\/track-account: .*403/);
    expect(fake.tables.definition('account')!.ChangeTrackingEnabled).toBe(false);

    fake.inject({ kind: 'status', status: 429, retryAfter: '7', method: 'PUT', pathIncludes: 'EntityDefinitions', times: 1 });
    r = await cli(fake, ['apply', ...tracked().args]);
    expect(r.code, r.errors()).toBe(0);
    expect(r.sleeps).toContain(7000);
    expect(fake.tables.definition('account')!.ChangeTrackingEnabled).toBe(true);
  });

  it('a whole definition without its MetadataId is not sent back', async () => {
    const real = fake.tables.handle.bind(fake.tables);
    fake.tables.handle = (method, path, headers, body, select) => {
      const a = real(method, path, headers, body, select);
      if (method === 'GET' && select === null && a?.body) delete a.body.MetadataId;
      return a;
    };
    const r = await cli(fake, ['apply', ...tracked().args]);
    expect(r.code).toBe(1);
    expect(r.errors() + r.text()).toContain("no LogicalName 'account' or MetadataId); nothing was written");
    expect(metadataWrites()).toEqual([]);
  });

  it('a tampered manifest (a table name that would change the URL, or changetrackingenabled false) is refused before any request', async () => {
    const s = tracked();
    const m = JSON.parse(fs.readFileSync(s.manifestFile, 'utf8'));
    const i = m.records.findIndex((r: any) => r.table === 'entitychangetracking');
    m.records[i].columns.logicalname = "account')/Keys(LogicalName='x";
    fs.writeFileSync(s.manifestFile, JSON.stringify(m));
    let r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain("change tracking needs the table's logicalname and entitysetname as logical names");
    m.records[i].columns.logicalname = 'account';
    m.records[i].columns.changetrackingenabled = false;
    fs.writeFileSync(s.manifestFile, JSON.stringify(m));
    r = await cli(fake, ['apply', ...s.args]);
    expect(r.errors()).toContain('changetrackingenabled must be true (change tracking is only ever turned on)');
    expect(fake.httpRequests).toBe(0);
  });

  it('a ChangeTrackingExport end to end: change tracking on both tables, the application user with its role; a second apply writes nothing', async () => {
    fake.seed('roles', [
      {
        id: '7c1c0000-0000-4000-8000-0000000000c7',
        roleid: '7c1c0000-0000-4000-8000-0000000000c7',
        name: 'Change tracking export',
        _businessunitid_value: fake.rows('businessunits').find((b) => b._parentbusinessunitid_value === null)!.id,
      },
    ]);
    fake.tables.define('contact', { ChangeTrackingEnabled: true });
    const s = orders(undefined, {
      extra: (stack, dataverse) => {
        const ns = ServiceBusNamespace.fromServiceBusNamespaceAttributes(stack, 'ns', { serviceBusNamespaceId: `${SUB}/Microsoft.ServiceBus/namespaces/sb-shared` });
        new ChangeTrackingExport(stack, 'crm-changes', {
          dataverse,
          resourceGroup: { name: 'rg', location: 'westeurope' },
          tables: [{ logicalName: 'account', columns: ['name'] }, { logicalName: 'contact' }],
          securityRoleName: 'Change tracking export',
          functionCode: functionFolder(),
          serviceBusQueue: ServiceBusQueue.fromServiceBusQueueAttributes(stack, 'q', {
            serviceBusNamespace: ns,
            queueId: `${SUB}/Microsoft.ServiceBus/namespaces/sb-shared/queues/changes`,
          }),
          existingIdentity: UserAssignedIdentity.fromUserAssignedIdentityAttributes(stack, 'id', {
            userAssignedIdentityId: `${SUB}/Microsoft.ManagedIdentity/userAssignedIdentities/id-changes`,
            principalId: '11111111-1111-4111-8111-111111111111',
            clientId: '22222222-2222-4222-8222-222222222222',
          }),
        });
      },
    });
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code, r.text() + r.errors()).toBe(0);
    expect(metadataWrites().map((q) => `${q.method} ${q.path}`)).toEqual([`PUT ${DEF}`]); // contact was on already
    expect(r.text()).toContain('~ updated entitychangetracking test/dataverse/change-tracking-account');
    expect(r.text()).toContain('= unchanged entitychangetracking test/dataverse/change-tracking-contact');
    const user = fake.rows('systemusers').find((u) => u.applicationid === '22222222-2222-4222-8222-222222222222')!;
    expect(user).toBeDefined();
    expect(fake.refsOf('systemusers', user.id, 'systemuserroles_association')).toEqual(['roles(7c1c0000-0000-4000-8000-0000000000c7)']);
    const before = fake.writes().length;
    const again = await cli(fake, ['apply', ...s.args, '--detailed-exitcode']);
    expect(again.code, again.errors()).toBe(0);
    expect(fake.writes().slice(before)).toEqual([]);
  });
});
