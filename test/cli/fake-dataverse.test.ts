// The fake's own behaviours that the command line does not exercise on every path.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDataverse, RUNNER, seedStandardRows } from './fake-dataverse';

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
    headers: { Authorization: 'Bearer fake-token', 'Content-Type': 'application/json', ...headers },
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

describe('FakeDataverse $batch (OData 4.0 Part 1 §11.7)', () => {
  const batch = (body: string, prefer?: string) =>
    fetch(`${fake.url}/api/data/v9.2/$batch`, {
      method: 'POST',
      headers: { Authorization: 'Bearer fake-token', 'Content-Type': 'multipart/mixed; boundary=batch_x', ...(prefer ? { Prefer: prefer } : {}) },
      body,
    });
  const op = (id: number, line: string, json?: object) =>
    `--cs\r\nContent-Type: application/http\r\nContent-ID: ${id}\r\n\r\n${line} HTTP/1.1\r\n${json ? 'Content-Type: application/json\r\n' : ''}\r\n${json ? JSON.stringify(json) : ''}\r\n`;
  const changeSet = (...ops: string[]) => `--batch_x\r\nContent-Type: multipart/mixed; boundary=cs\r\n\r\n${ops.join('')}--cs--\r\n`;
  const E1 = '0e0e0000-0000-4000-8000-000000000001';
  const E2 = '0e0e0000-0000-4000-8000-000000000002';

  it('commits a change set and answers each part with its Content-ID; $1 references an earlier part', async () => {
    const res = await batch(`${changeSet(op(1, `PATCH /api/data/v9.2/serviceendpoints(${E1})`, { name: 'a' }), op(2, 'PATCH $1', { name: 'b' }))}--batch_x--\r\n`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=batchresponse_/);
    const text = await res.text();
    expect(text.match(/Content-ID: \d/g)).toEqual(['Content-ID: 1', 'Content-ID: 2']);
    expect(text.match(/HTTP\/1\.1 204 No Content/g)).toHaveLength(2);
    expect(fake.row('serviceendpoints', E1)!.name).toBe('b');
  });

  it('rolls a failed change set back, answers one error part, and stops (400) without continue-on-error', async () => {
    const body = `${changeSet(op(1, `PATCH serviceendpoints(${E1})`, { name: 'a' }), op(2, `PATCH serviceendpoints(${E2})`, { 'eventhandler_serviceendpoint@odata.bind': '/serviceendpoints(0e0e0000-0000-4000-8000-0000000000ff)' }))}${changeSet(op(3, `PATCH serviceendpoints(${E2})`, { name: 'never' }))}--batch_x--\r\n`;
    const res = await batch(body);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('Content-ID: 2');
    expect(text).toContain('HTTP/1.1 404 Not Found');
    expect(text).not.toContain('Content-ID: 3');
    expect(fake.row('serviceendpoints', E1)).toBeUndefined();
    expect(fake.row('serviceendpoints', E2)).toBeUndefined();
    // with continue-on-error the next change set still runs
    const again = await batch(body, 'odata.continue-on-error');
    expect(again.status).toBe(200);
    expect(fake.row('serviceendpoints', E2)!.name).toBe('never');
  });

  it('refuses GET inside a change set, parts without Content-ID, and more than 1,000 requests', async () => {
    expect((await batch(`${changeSet(op(1, 'GET roles'))}--batch_x--\r\n`)).status).toBe(400);
    const noId = `--batch_x\r\nContent-Type: multipart/mixed; boundary=cs\r\n\r\n--cs\r\nContent-Type: application/http\r\n\r\nDELETE roles(${E1}) HTTP/1.1\r\n\r\n\r\n--cs--\r\n--batch_x--\r\n`;
    expect(await (await batch(noId)).text()).toContain('Content-ID header not present');
    const many = changeSet(...Array.from({ length: 1001 }, (_, i) => op(i + 1, `DELETE roles(${E1})`)));
    expect((await batch(`${many}--batch_x--\r\n`)).status).toBe(400);
  });
});

describe('FakeDataverse queries and identity', () => {
  it('Microsoft.Dynamics.CRM.In with parameter aliases; the OData 4.01 in operator is refused', async () => {
    const ids = ['4a1c0000-0000-4000-8000-000000000001', '4a1c0000-0000-4000-8000-000000000005'];
    const q = `sdkmessagefilters?$select=primaryobjecttypecode&$filter=${encodeURIComponent('Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)')}&@p1=${encodeURIComponent("'sdkmessagefilterid'")}&@p2=${encodeURIComponent(JSON.stringify(ids))}`;
    const body: any = await (await call('GET', q)).json();
    expect(body.value.map((r: any) => r.sdkmessagefilterid)).toEqual(ids);
    expect(body['@odata.context']).toContain('$metadata#sdkmessagefilters');
    expect((await call('GET', `roles?$filter=${encodeURIComponent("roleid in ('7c1c0000-0000-4000-8000-000000000001')")}`)).status).toBe(400);
  });

  it('pages with Prefer: odata.maxpagesize and @odata.nextLink', async () => {
    const first: any = await (await call('GET', 'sdkmessagefilters?$select=primaryobjecttypecode', undefined, { Prefer: 'odata.maxpagesize=4' })).json();
    expect(first.value).toHaveLength(4);
    const second: any = await (await fetch(first['@odata.nextLink'], { headers: { Authorization: 'Bearer fake-token', Prefer: 'odata.maxpagesize=4' } })).json();
    expect(second.value).toHaveLength(4);
    expect(second.value[0].sdkmessagefilterid).not.toBe(first.value[0].sdkmessagefilterid);
  });

  it('WhoAmI names the token user, who becomes createdby of the rows it creates; users are deleted only once disabled', async () => {
    const who: any = await (await call('GET', 'WhoAmI')).json();
    expect(who.UserId).toBe(RUNNER);
    await call('PATCH', `annotations(${ID})`, { subject: 's' });
    const n: any = await (await call('GET', `annotations(${ID})?$select=_createdby_value`)).json();
    expect(n._createdby_value).toBe(RUNNER);
    await call('PATCH', `systemusers(${ID})`, { applicationid: ID });
    expect((await call('DELETE', `systemusers(${ID})`)).status).toBe(400);
    await call('PATCH', `systemusers(${ID})`, { isdisabled: true });
    expect((await call('DELETE', `systemusers(${ID})`)).status).toBe(204);
  });
});
