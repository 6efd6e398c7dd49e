import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeDataverse } from './fake-dataverse';
import { ChangeTrackingReader, ChangeTrackingTable } from '../../../src/runtime/change-tracking/reader';
import { DeltaTokenExpiredError, parseRetryAfter, tokenProviderFromCredential, WebApiError } from '../../../src/runtime/change-tracking/web-api';

const fake = new FakeDataverse();
const accounts: ChangeTrackingTable = { name: 'account', entitySetName: 'accounts', columns: ['name', 'telephone1'] };
const sleeps: number[] = [];

function reader(extra: Partial<ConstructorParameters<typeof ChangeTrackingReader>[0]> = {}) {
  return new ChangeTrackingReader({
    environmentUrl: fake.origin,
    tokenProvider: async () => fake.token,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
}

beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
});
afterEach(() => {
  fake.faults.length = 0;
  sleeps.length = 0;
  fake.tables.clear();
  fake.expiredBefore = 0;
});

describe('ChangeTrackingReader against the documented change-tracking Web API', () => {
  it('reads the table in full with Prefer: odata.track-changes, follows pages, then reads creates, updates and deletes from the delta link', async () => {
    fake.addTable('accounts', 'accountid');
    const a = fake.create('accounts', { name: 'Fourth Coffee', telephone1: '555-0101' });
    const b = fake.create('accounts', { name: 'Litware', telephone1: null });
    const c = fake.create('accounts', { name: 'Adventure Works', telephone1: '555-0103' });
    const r = reader({ pageSize: 2 });

    const first = await r.read(accounts);
    expect(first).toMatchObject({ expired: false, fullRead: true, pages: 2 });
    expect(first.changes.map((x) => x.id).sort()).toEqual([a, b, c].sort());
    expect(first.changes.find((x) => x.id === b)).toEqual({
      id: b,
      version: String(fake.tables.get('accounts')!.rows.get(b)!.version),
      columns: { name: 'Litware', telephone1: null },
    });
    expect(first.deltaLink).toMatch(/\$deltatoken=\d+%21/);
    expect(fake.requests[0].prefer).toBe('odata.track-changes,odata.maxpagesize=2');
    expect(fake.requests[0].url).toBe(`${fake.origin}/api/data/v9.2/accounts?$select=name,telephone1`);

    fake.update('accounts', a, { telephone1: '555-0199' });
    fake.delete('accounts', b);
    const d = fake.create('accounts', { name: 'Northwind', telephone1: '555-0104' });
    const second = await r.read(accounts, first.deltaLink);
    expect(second.fullRead).toBe(false);
    expect(second.changes.map((x) => [x.id, x.columns.telephone1])).toEqual([
      [a, '555-0199'],
      [d, '555-0104'],
    ]);
    expect(second.deletions).toEqual([{ id: b, reason: 'deleted' }]);

    const third = await r.read(accounts, second.deltaLink);
    expect(third).toMatchObject({ changes: [], deletions: [], pages: 1 });
    expect(third.deltaLink).toBeDefined();
  });

  it('no change is lost or duplicated across pages and runs (random creates, updates, deletes and page sizes)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            ops: fc.array(fc.oneof(fc.constant('create' as const), fc.constant('update' as const), fc.constant('delete' as const)), { maxLength: 12 }),
            pageSize: fc.integer({ min: 1, max: 7 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.infiniteStream(fc.nat()),
        async (runs, picks) => {
          fake.tables.clear();
          fake.addTable('accounts', 'accountid');
          const replica = new Map<string, { version: string; name: unknown }>();
          const seenVersions = new Set<string>();
          let link: string | undefined;
          let n = 0;
          const pick = picks[Symbol.iterator]();
          for (const run of runs) {
            for (const op of run.ops) {
              const ids = [...fake.tables.get('accounts')!.rows.keys()];
              if (op === 'create' || ids.length === 0) fake.create('accounts', { name: `row ${n++}` });
              else if (op === 'update') fake.update('accounts', ids[pick.next().value % ids.length], { name: `row ${n++}` });
              else fake.delete('accounts', ids[pick.next().value % ids.length]);
            }
            const set = await reader({ pageSize: run.pageSize }).read(accounts, link);
            const idsThisRun = [...set.changes.map((c) => c.id), ...set.deletions.map((d) => d.id)];
            expect(new Set(idsThisRun).size).toBe(idsThisRun.length); // no row twice in one read
            for (const c of set.changes) {
              const key = `${c.id}:${c.version}`;
              expect(seenVersions.has(key)).toBe(false); // no version twice across runs
              seenVersions.add(key);
              replica.set(c.id, { version: c.version, name: c.columns.name });
            }
            for (const d of set.deletions) replica.delete(d.id);
            link = set.deltaLink;
            const truth = new Map([...fake.tables.get('accounts')!.rows.values()].map((r) => [r.id, { version: String(r.version), name: r.columns.name }]));
            expect(replica).toEqual(truth);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('an expired delta token (0x80044352) is an explicit signal, never an empty success', async () => {
    fake.addTable('accounts', 'accountid');
    fake.create('accounts', { name: 'A' });
    const r = reader();
    const first = await r.read(accounts);
    fake.create('accounts', { name: 'B' });
    fake.expiredBefore = fake.currentVersion() + 1;
    const second = await r.read(accounts, first.deltaLink);
    expect(second).toMatchObject({ expired: true, changes: [], deletions: [] });
    expect(second.deltaLink).toBeUndefined();
    const pages = r.pages(accounts, first.deltaLink);
    await expect(pages.next()).rejects.toThrow(DeltaTokenExpiredError);
    await expect(r.pages(accounts, first.deltaLink).next()).rejects.toThrow(/0x80044352.*full re-read/);
  });

  it('a stored delta link of another host, entity set or column list is refused before any request', async () => {
    fake.addTable('accounts', 'accountid');
    const r = reader();
    const before = fake.requests.length;
    expect(r.deltaLinkProblem(accounts, 'https://attacker.example/api/data/v9.2/accounts?$select=name,telephone1&$deltatoken=1%21x')).toMatch(
      /belongs to https:\/\/attacker.example/,
    );
    expect(r.deltaLinkProblem(accounts, `${fake.origin}/api/data/v9.2/contacts?$select=name,telephone1&$deltatoken=1%21x`)).toMatch(/not the entity set accounts/);
    expect(r.deltaLinkProblem(accounts, `${fake.origin}/api/data/v9.2/accounts?$select=name&$deltatoken=1%21x`)).toMatch(/selected columns changed/);
    expect(r.deltaLinkProblem(accounts, `${fake.origin}/api/data/v9.2/accounts?$select=telephone1,name&$deltatoken=1%21x`)).toBeUndefined();
    expect((await r.read(accounts, 'https://attacker.example/api/data/v9.2/accounts?$select=name,telephone1&$deltatoken=1%21x')).expired).toBe(true);
    expect(fake.requests.length).toBe(before);
  });

  it('never sends the token to a next link on another host', async () => {
    fake.addTable('accounts', 'accountid');
    fake.create('accounts', { name: 'A' });
    fake.faults.push({ kind: 'rewrite', edit: (b) => ({ ...b, '@odata.deltaLink': undefined, '@odata.nextLink': 'https://evil.example/api/data/v9.2/accounts?$skiptoken=1' }) });
    await expect(reader().read(accounts)).rejects.toThrow(/Refusing to send the Dataverse token to https:\/\/evil.example/);
    expect(fake.requests.every((q) => q.url.startsWith(fake.origin))).toBe(true);
  });

  it('backs off on 429/503 honouring Retry-After (capped; negative or unparsable → default back-off), with bounded retries', async () => {
    fake.addTable('accounts', 'accountid');
    fake.create('accounts', { name: 'A' });
    fake.faults.push(
      { kind: 'status', status: 429, retryAfter: '3' },
      { kind: 'status', status: 503, retryAfter: '9999' },
      { kind: 'status', status: 429, retryAfter: '-5' },
      { kind: 'status', status: 429, retryAfter: 'soon' },
      { kind: 'status', status: 503 },
    );
    const set = await reader({ maxRetryAfterMs: 60_000, defaultBackoffMs: 100 }).read(accounts);
    expect(set.changes).toHaveLength(1);
    expect(sleeps).toEqual([3000, 60_000, 400, 800, 1600]);

    sleeps.length = 0;
    for (let i = 0; i < 4; i++) fake.faults.push({ kind: 'status', status: 429, retryAfter: '1' });
    await expect(reader({ maxRetries: 3 }).read(accounts)).rejects.toThrow(/HTTP 429 after 4 attempts/);
    expect(sleeps).toEqual([1000, 1000, 1000]);
  });

  it('an HTML page with 200 is an error naming the URL, the status and the first bytes', async () => {
    fake.addTable('accounts', 'accountid');
    fake.faults.push({ kind: 'html' });
    const err = await reader()
      .read(accounts)
      .catch((e) => e);
    expect(err).toBeInstanceOf(WebApiError);
    expect(err.message).toContain(`${fake.origin}/api/data/v9.2/accounts?$select=name,telephone1`);
    expect(err.message).toContain('HTTP 200');
    expect(err.message).toContain('text/html');
    expect(err.message).toContain('<!DOCTYPE html><html><head><title>Sign in');
  });

  it('a server that hangs times out per request; retries are bounded', async () => {
    fake.addTable('accounts', 'accountid');
    fake.faults.push({ kind: 'hang' }, { kind: 'hang' });
    const started = Date.now();
    await expect(reader({ timeoutMs: 150, maxRetries: 1 }).read(accounts)).rejects.toThrow(/no answer within 150 ms \(after 2 attempts\)/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('rejects answers of the wrong shape: no value array, JSON of another type, a missing delta link, a row without key or version, a nextLink loop', async () => {
    fake.addTable('accounts', 'accountid');
    fake.create('accounts', { name: 'A' });
    const cases: Array<[Parameters<typeof fake.faults.push>[0], RegExp]> = [
      [{ kind: 'json', status: 200, body: { error: 'x' } }, /no "value" array/],
      [{ kind: 'json', status: 200, body: '[1,2]' }, /not a JSON object/],
      [{ kind: 'json', status: 200, body: '{"value": [', contentType: 'application/json' }, /not a JSON object/],
      [{ kind: 'rewrite', edit: (b) => ({ ...b, '@odata.deltaLink': undefined }) }, /no @odata.deltaLink/],
      [{ kind: 'rewrite', edit: (b) => ({ ...b, value: [{ name: 'no key', '@odata.etag': 'W/"1"' }] }) }, /no accountid GUID/],
      [{ kind: 'rewrite', edit: (b) => ({ ...b, value: [{ accountid: '7f3c2a10-5b6d-4e8f-9a01-000000000001', name: 'x' }] }) }, /neither @odata.etag nor versionnumber/],
      [{ kind: 'json', status: 200, body: { value: [], '@odata.nextLink': `${'ORIGIN'}` } }, /points back/],
      [{ kind: 'json', status: 500, body: { error: { code: '0x80040216', message: 'An unexpected error occurred.' } } }, /HTTP 500 0x80040216: An unexpected error occurred/],
    ];
    for (const [fault, message] of cases) {
      const f =
        fault.kind === 'json' && (fault.body as { '@odata.nextLink'?: string })?.['@odata.nextLink'] === 'ORIGIN'
          ? { ...fault, body: { value: [], '@odata.nextLink': reader().initialUrl(accounts) } }
          : fault;
      fake.faults.push(f);
      await expect(reader().read(accounts)).rejects.toThrow(message);
      fake.faults.length = 0;
    }
  });

  it('refuses query options that change tracking does not support, and odd table definitions', () => {
    const r = reader();
    expect(() => r.initialUrl({ name: 'account', entitySetName: 'accounts?$filter=x', columns: ['name'] })).toThrow(/Entity set name/);
    expect(() => r.initialUrl({ name: 'account', entitySetName: 'accounts', columns: [] })).toThrow(/selects no columns/);
    expect(() => r.initialUrl({ name: 'account', entitySetName: 'accounts', columns: ['name&$top=1'] })).toThrow(/not a column name/);
    expect(() => reader({ pageSize: 0 })).toThrow(/pageSize/);
    expect(() => new ChangeTrackingReader({ environmentUrl: 'http://contoso.crm.dynamics.com', tokenProvider: async () => 't' })).toThrow(/https/);
  });

  it('parseRetryAfter: seconds, HTTP dates, and garbage', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 09:00:00 GMT', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('tokenProviderFromCredential asks for <environment>/.default and refuses an empty token', async () => {
    const scopes: unknown[] = [];
    const provider = tokenProviderFromCredential({ getToken: async (s) => (scopes.push(s), { token: 'abc' }) }, 'https://contoso.crm.dynamics.com/');
    expect(await provider()).toBe('abc');
    expect(scopes).toEqual(['https://contoso.crm.dynamics.com/.default']);
    await expect(tokenProviderFromCredential({ getToken: async () => null }, 'https://contoso.crm.dynamics.com')()).rejects.toThrow(/no access token/);
  });
});
