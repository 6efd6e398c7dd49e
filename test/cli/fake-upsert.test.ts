import { describe, expect, it } from 'vitest';
import { FakeDataverse } from './fake-dataverse';
import { fakePerTest } from './per-test';
import { UpsertFieldType, UpsertMode } from '../../src';
import { UpsertPlan, bulkResponse, pathKeySegment, transformBody, transformBulk, upsertResponse } from '../../src/patterns/upsert-plan';
import { PARENT_ACCOUNT, testPlan } from '../patterns/upsert-fixtures';

// The gateway's logic (the pure twins of its policies) end to end against the fake Web API: the
// request the policy would send, Dataverse's (the fake's) answer, and what the caller gets.

let fake: FakeDataverse;
fakePerTest(
  (f) => (fake = f),
  () => fake,
);

const TOKEN = { Authorization: 'Bearer fake-token', 'Content-Type': 'application/json', Accept: 'application/json' };

async function send(method: string, path: string, body?: unknown, headers: { [name: string]: string } = {}) {
  const response = await fetch(`${fake.url}/api/data/v9.2/${path}`, { method, headers: { ...TOKEN, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function key(entity: string, schema: string, columns: string[]) {
  await send('POST', `EntityDefinitions(LogicalName='${entity}')/Keys`, { SchemaName: schema, LogicalName: schema.toLowerCase(), KeyAttributes: columns });
  for (let i = 0; i < 5; i++) await send('GET', `EntityDefinitions(LogicalName='${entity}')/Keys(LogicalName='${schema.toLowerCase()}')`);
}

const accounts = testPlan('account', { name: 'accountNumber', column: 'accountnumber', type: 'string' }, [{ name: 'name', type: UpsertFieldType.STRING, target: 'name' }]);
const contacts = testPlan(
  'contact',
  { name: 'email', column: 'emailaddress1', type: 'string' },
  [
    { name: 'lastName', type: UpsertFieldType.STRING, target: 'lastname' },
    { name: 'account', type: UpsertFieldType.LOOKUP, target: 'parentcustomerid_account@odata.bind', lookup: PARENT_ACCOUNT },
  ],
  { maxBatchSize: 10 },
);

/** What the PUT policy does, with the pure functions: key and body, PATCH, answer. */
async function put(plan: UpsertPlan, params: { [name: string]: string }, input: unknown) {
  const k = pathKeySegment(plan, params);
  const t = transformBody(plan, input);
  if (k.segment === undefined || t.body === undefined) return { status: 400 };
  const headers: { [name: string]: string } = { Prefer: 'return=representation' };
  if (plan.mode === UpsertMode.CREATE_ONLY) headers['If-None-Match'] = '*';
  if (plan.mode === UpsertMode.UPDATE_ONLY) headers['If-Match'] = '*';
  const answer = await send('PATCH', `${plan.entitySet}(${k.segment})?$select=${plan.primaryKey}`, t.body, headers);
  return upsertResponse(plan, answer.status, answer.body);
}

describe('the fake: alternate-key addressing', () => {
  it('PATCH <set>(<key>=…) creates (key values from the URL), then updates; 201 / 200 with return=representation', async () => {
    await key('account', 'contoso_AccountNumber', ['accountnumber']);
    const created = await send('PATCH', "accounts(accountnumber='A-1')?$select=accountid", { name: 'Contoso' }, { Prefer: 'return=representation' });
    expect(created.status).toBe(201);
    const updated = await send('PATCH', "accounts(accountnumber='A-1')", { name: 'Contoso Ltd', accountnumber: 'ignored' });
    expect(updated.status).toBe(204);
    expect(fake.rows('accounts')).toEqual([expect.objectContaining({ id: created.body.accountid, accountnumber: 'A-1', name: 'Contoso Ltd' })]);
  });

  it('If-None-Match: * → 412 on an existing row; If-Match: * → 404 on a missing one; a key that is not Active → 400', async () => {
    fake.metadata.readsToBuild = 0;
    await send('POST', "EntityDefinitions(LogicalName='account')/Keys", { SchemaName: 'contoso_AccountNumber', KeyAttributes: ['accountnumber'] });
    expect((await send('PATCH', "accounts(accountnumber='A-1')", { name: 'x' })).body.error.message).toMatch(/^The key in the request URI is not valid/);
    await send('GET', "EntityDefinitions(LogicalName='account')/Keys(LogicalName='contoso_accountnumber')");
    await send('PATCH', "accounts(accountnumber='A-1')", { name: 'x' });
    expect((await send('PATCH', "accounts(accountnumber='A-1')", { name: 'y' }, { 'If-None-Match': '*' })).status).toBe(412);
    expect((await send('PATCH', "accounts(accountnumber='A-2')", { name: 'y' }, { 'If-Match': '*' })).status).toBe(404);
    expect((await send('PATCH', "accounts(name='x')", { name: 'y' })).status).toBe(400);
  });
});

describe('the gateway logic against the fake', () => {
  it('upsert: 201 with the id, then 204; quotes and unicode in the key reach the row unchanged', async () => {
    await key('account', 'contoso_AccountNumber', ['accountnumber']);
    const first = await put(accounts, { accountNumber: "O'Brien-Zoë 1" }, { name: 'Contoso', ownerid: 'evil' });
    expect(first.status).toBe(201);
    expect((first.body as any).id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await put(accounts, { accountNumber: "O'Brien-Zoë 1" }, { name: 'Contoso Ltd' })).toEqual({ status: 204 });
    expect(fake.rows('accounts')).toEqual([expect.objectContaining({ accountnumber: "O'Brien-Zoë 1", name: 'Contoso Ltd' })]);
    expect(fake.rows('accounts')[0]).not.toHaveProperty('ownerid');
  });

  it('create-only: 409 for an existing key; update-only: 404 for a missing one', async () => {
    await key('account', 'contoso_AccountNumber', ['accountnumber']);
    await put(accounts, { accountNumber: 'A-1' }, { name: 'Contoso' });
    const conflict = await put({ ...accounts, mode: UpsertMode.CREATE_ONLY }, { accountNumber: 'A-1' }, { name: 'again' });
    expect(conflict).toEqual({ status: 409, body: { error: { code: '0x80040237', message: 'A record with matching key values already exists.' } } });
    expect((await put({ ...accounts, mode: UpsertMode.UPDATE_ONLY }, { accountNumber: 'A-404' }, { name: 'x' })).status).toBe(404);
    expect(fake.rows('accounts')).toHaveLength(1);
  });

  it("the contact's parent account is bound by the account number", async () => {
    await key('account', 'contoso_AccountNumber', ['accountnumber']);
    await key('contact', 'contoso_Email', ['emailaddress1']);
    await put(accounts, { accountNumber: 'A-1' }, { name: 'Contoso' });
    expect((await put(contacts, { email: 'anna@fabrikam.com' }, { lastName: 'Berg', account: 'A-1' })).status).toBe(201);
    const [contact] = fake.rows('contacts');
    expect(contact).toMatchObject({ emailaddress1: 'anna@fabrikam.com', lastname: 'Berg', _parentcustomerid_value: fake.rows('accounts')[0].id });
    const missing = await put(contacts, { email: 'bo@fabrikam.com' }, { lastName: 'Ek', account: 'A-9' });
    expect(missing.status).toBe(404);
    expect(JSON.stringify(missing.body)).toContain("accountnumber='A-9'");
  });

  it('bulk: UpsertMultiple all or nothing, the answer by the caller’s keys', async () => {
    await key('account', 'contoso_AccountNumber', ['accountnumber']);
    await key('contact', 'contoso_Email', ['emailaddress1']);
    await put(accounts, { accountNumber: 'A-1' }, { name: 'Contoso' });
    const batch = async (items: unknown[]) => {
      const t = transformBulk(contacts, { items });
      const answer = await send('POST', 'contacts/Microsoft.Dynamics.CRM.UpsertMultiple', t.request);
      return bulkResponse(t.keys!, answer.status, answer.body);
    };
    const ok = await batch([
      { email: 'a@x.com', lastName: 'A', account: 'A-1' },
      { email: "o'hara@x.com", lastName: 'O' },
    ]);
    expect(ok).toEqual({
      status: 200,
      body: {
        results: [
          { index: 0, key: { email: 'a@x.com' }, status: 'upserted' },
          { index: 1, key: { email: "o'hara@x.com" }, status: 'upserted' },
        ],
      },
    });
    expect(
      fake
        .rows('contacts')
        .map((c) => c.emailaddress1)
        .sort(),
    ).toEqual(['a@x.com', "o'hara@x.com"]);
    const failed = await batch([
      { email: 'b@x.com', lastName: 'B' },
      { email: 'c@x.com', lastName: 'C', account: 'A-404' },
    ]);
    expect(failed.status).toBe(404);
    expect((failed.body as any).results.map((r: any) => r.status)).toEqual(['rolled-back', 'rolled-back']);
    expect(fake.rows('contacts')).toHaveLength(2);
  });
});
