// The fake's own behaviours that the command line does not exercise on every path.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDataverse, seedStandardRows } from './fake-dataverse';

let fake: FakeDataverse;
beforeEach(async () => {
  fake = await FakeDataverse.start();
  seedStandardRows(fake);
});
afterEach(() => fake.close());

const ID = '0a0b0c0d-0000-4000-8000-000000000001';
const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${fake.url}/api/data/v9.2/${path}`, {
    method,
    headers: { 'Authorization': 'Bearer fake-token', 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('FakeDataverse', () => {
  it('If-Match: * updates only, If-None-Match: * creates only', async () => {
    expect((await call('PATCH', `serviceendpoints(${ID})`, { name: 'a' }, { 'If-Match': '*' })).status).toBe(404);
    expect((await call('PATCH', `serviceendpoints(${ID})`, { name: 'a' }, { 'If-None-Match': '*' })).status).toBe(204);
    expect((await call('PATCH', `serviceendpoints(${ID})`, { name: 'b' }, { 'If-None-Match': '*' })).status).toBe(412);
    expect((await call('PATCH', `serviceendpoints(${ID})`, { name: 'c' }, { 'If-Match': '*' })).status).toBe(204);
    expect(fake.row('serviceendpoints', ID)!.name).toBe('c');
  });

  it('never returns write-only columns, only their flags', async () => {
    await call('PATCH', `serviceendpoints(${ID})`, { name: 'a', saskey: 'secret' });
    const row = await (await call('GET', `serviceendpoints(${ID})?$select=name,saskey,issaskeyset,isauthvalueset`)).json();
    expect(row).toMatchObject({ name: 'a', issaskeyset: true, isauthvalueset: false });
    expect(JSON.stringify(row)).not.toContain('secret');
  });

  it('$filter: plain, navigation and null comparisons', async () => {
    fake.seed('plugintypes', [{ id: ID, plugintypeid: ID, typename: "Contoso.Plugins.O'Brien" }]);
    const q = async (set: string, filter: string) =>
      ((await (await call('GET', `${set}?$filter=${encodeURIComponent(filter)}`)).json()) as any).value.map((r: any) => r[`${set.replace(/s$/, '')}id`]);
    expect(await q('plugintypes', "typename eq 'Contoso.Plugins.O''Brien'")).toEqual([ID]);
    expect(await q('sdkmessagefilters', "primaryobjecttypecode eq 'account' and sdkmessageid/name eq 'Update'")).toHaveLength(1);
    expect(await q('businessunits', 'parentbusinessunitid eq null')).toEqual(['6b1c0000-0000-4000-8000-000000000001']);
    expect(await q('roles', "name eq 'System Customizer'")).toHaveLength(2);
    expect((await call('GET', `roles?$filter=${encodeURIComponent("contains(name,'x')")}`)).status).toBe(400);
  });

  it('401 without the token, 403 when forbidden, 404 for an unknown entity set, injected faults', async () => {
    expect((await fetch(`${fake.url}/api/data/v9.2/roles`)).status).toBe(401);
    expect((await call('GET', 'nosuchsets')).status).toBe(404);
    fake.inject({ status: 429, retryAfter: '3', times: 1 });
    const limited = await call('GET', 'roles');
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);
    expect((await call('GET', 'roles')).status).toBe(200);
    fake.forbidden = true;
    expect((await call('GET', 'roles')).status).toBe(403);
  });
});
