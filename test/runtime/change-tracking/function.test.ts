// The timer function run in-process (@azure/functions test mode) with the fake Web API, azurite for
// the token store and a fake Service Bus sender; then the deployable bundle, loaded in a fresh
// process from a folder with no node_modules around it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext, Timer } from '@azure/functions';
import type { ServiceBusMessage } from '@azure/service-bus';
import { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Azurite } from './azurite';
import { FakeServiceBusSender } from './fake-clients';
import { FakeDataverse } from './fake-dataverse';
import { azureRuntime, changeTrackingHandler, ExportRuntime } from '../../../src/runtime/change-tracking/function';
import { ChangeTrackingReader } from '../../../src/runtime/change-tracking/reader';
import { loadSettings, SETTINGS } from '../../../src/runtime/change-tracking/settings';
import { ChangeMessage, ServiceBusSink } from '../../../src/runtime/change-tracking/sinks';
import { BlobDeltaTokenStore, DeltaTokenClaim } from '../../../src/runtime/change-tracking/token-store';

const fake = new FakeDataverse();
const azurite = new Azurite();
let container: ContainerClient;
let n = 0;

beforeAll(async () => {
  await Promise.all([fake.start(), azurite.start()]);
});
afterAll(async () => {
  await Promise.all([fake.stop(), azurite.stop()]);
});

function env(tables: unknown[]): Record<string, string> {
  return {
    [SETTINGS.environmentUrl]: fake.origin,
    [SETTINGS.tables]: JSON.stringify(tables),
    [SETTINGS.pageSize]: '2',
    [SETTINGS.sink]: 'serviceBus',
    [SETTINGS.serviceBusNamespace]: 'contoso-sb.servicebus.windows.net',
    [SETTINGS.serviceBusEntity]: 'dataverse-changes',
    [SETTINGS.stateBlobServiceUri]: 'https://contosostate.blob.core.windows.net',
    [SETTINGS.stateContainer]: 'change-tracking',
  };
}

/** A token store that fails its next commit once (a crash between publish and token write). */
class CrashingStore extends BlobDeltaTokenStore {
  crashNextCommit = false;
  async commit(claim: DeltaTokenClaim, deltaLink: string): Promise<string> {
    if (this.crashNextCommit) {
      this.crashNextCommit = false;
      throw new Error('process killed before the token write');
    }
    return super.commit(claim, deltaLink);
  }
}

function harness(tables: unknown[]) {
  const sender = new FakeServiceBusSender();
  const store = new CrashingStore(container);
  let closed = 0;
  const logs: string[] = [];
  const run = async (id: string) => {
    const before = sender.messages().length;
    const handler = changeTrackingHandler({
      env: env(tables),
      runtime: (settings): ExportRuntime => ({
        reader: new ChangeTrackingReader({ environmentUrl: settings.environmentUrl, tokenProvider: async () => fake.token, pageSize: settings.pageSize, sleep: async () => {} }),
        store,
        sink: new ServiceBusSink(sender as never),
        close: async () => {
          closed++;
        },
      }),
    });
    const context = new InvocationContext({ functionName: 'changeTrackingExport', invocationId: id, logHandler: (_level, ...args) => logs.push(args.join(' ')) });
    const timer: Timer = { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
    await handler(timer, context);
    return sender
      .messages()
      .slice(before)
      .map((m: ServiceBusMessage) => m.body as ChangeMessage);
  };
  return { sender, store, run, logs, closed: () => closed };
}

const accountTable = { name: 'account', entitySetName: 'accounts', columns: ['name'] };

describe('changeTrackingHandler (in-process)', () => {
  beforeAll(async () => {
    container = azurite.service().getContainerClient(`state${++n}`);
    await container.create();
  });

  it('first run: full read marked initial, ended by a full-read-complete marker; later runs: only the changes; counts logged', async () => {
    fake.tables.clear();
    fake.addTable('accounts', 'accountid');
    const ids = [fake.create('accounts', { name: 'A' }), fake.create('accounts', { name: 'B' }), fake.create('accounts', { name: 'C' })];
    const h = harness([accountTable]);
    const first = await h.run('run-1');
    expect(
      first
        .filter((m) => m.operation === 'upsert')
        .map((m) => m.rowId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(first.every((m) => m.fullRead && m.fullReadReason === 'initial' && m.runId === 'run-1')).toBe(true);
    expect(first.at(-1)).toMatchObject({ operation: 'full-read-complete', rowCount: 3, table: 'account' });
    expect(h.logs).toContain('account: 3 upserts, 0 deletions, 2 pages (full read: initial).');
    expect(h.closed()).toBe(1);

    fake.update('accounts', ids[0], { name: 'A2' });
    fake.delete('accounts', ids[1]);
    const second = await h.run('run-2');
    expect(second.map((m) => [m.operation, m.rowId, m.fullRead])).toEqual([
      ['upsert', ids[0], false],
      ['delete', ids[1], false],
    ]);
    expect(second[0].columns).toEqual({ name: 'A2' });
    expect(await h.run('run-3')).toEqual([]);
    expect(h.logs).toContain('account: 0 upserts, 0 deletions, 1 pages.');
  });

  it('a crash between publish and token write re-publishes the same changes (same ids) on the next run; nothing is skipped', async () => {
    fake.tables.clear();
    fake.addTable('accounts', 'accountid');
    const a = fake.create('accounts', { name: 'A' });
    container = azurite.service().getContainerClient(`state${++n}`);
    await container.create();
    const h = harness([accountTable]);
    await h.run('seed');
    fake.update('accounts', a, { name: 'A2' });
    const b = fake.create('accounts', { name: 'B' });
    h.store.crashNextCommit = true;
    await expect(h.run('crashes')).rejects.toThrow(/account \(process killed before the token write\)/);
    const published = h.sender
      .messages()
      .map((m) => m.body as ChangeMessage)
      .filter((m) => m.runId === 'crashes');
    expect(published.map((m) => m.rowId)).toEqual([a, b]);
    fake.delete('accounts', a);
    const again = await h.run('after-crash');
    // b is published again with the same id (consumers drop it); a's deletion comes too.
    expect(again.map((m) => m.id)).toEqual([published[1].id, expect.stringMatching(new RegExp(`^account:${a}:deleted-`))]);
    expect(again.map((m) => m.operation)).toEqual(['upsert', 'delete']);
  });

  it('an expired token leads to a full re-read marked "expired" (never a silent gap)', async () => {
    fake.tables.clear();
    fake.addTable('accounts', 'accountid');
    const a = fake.create('accounts', { name: 'A' });
    container = azurite.service().getContainerClient(`state${++n}`);
    await container.create();
    const h = harness([accountTable]);
    await h.run('seed');
    const b = fake.create('accounts', { name: 'B' });
    fake.delete('accounts', a);
    fake.expiredBefore = fake.currentVersion() + 1;
    const messages = await h.run('after-expiry');
    fake.expiredBefore = 0;
    expect(messages.map((m) => [m.operation, m.rowId ?? null, m.fullRead, m.fullReadReason])).toEqual([
      ['upsert', b, true, 'expired'],
      ['full-read-complete', null, true, 'expired'],
    ]);
    expect(h.logs.some((l) => /account: The change-tracking token expired \(0x80044352/.test(l))).toBe(true);
    expect(h.logs).toContain('account: 1 upserts, 0 deletions, 1 pages (full read: expired).');
    // And the next run is incremental again.
    fake.create('accounts', { name: 'C' });
    expect((await h.run('next')).map((m) => m.fullRead)).toEqual([false]);
  });

  it('a stored token for other columns is not used: full read marked "token-unusable"', async () => {
    fake.tables.clear();
    fake.addTable('accounts', 'accountid');
    const a = fake.create('accounts', { name: 'A', telephone1: '1' });
    container = azurite.service().getContainerClient(`state${++n}`);
    await container.create();
    await harness([accountTable]).run('seed');
    const widened = harness([{ ...accountTable, columns: ['name', 'telephone1'] }]);
    const messages = await widened.run('wider');
    expect(messages.map((m) => [m.operation, m.rowId ?? null, m.fullReadReason])).toEqual([
      ['upsert', a, 'token-unusable'],
      ['full-read-complete', null, 'token-unusable'],
    ]);
    expect(messages[0].columns).toEqual({ name: 'A', telephone1: '1' });
    expect(widened.logs.some((l) => /account: the selected columns changed \(stored: name; now: name,telephone1\)/.test(l))).toBe(true);
  });

  it('a failing table fails the execution, the other tables are still exported, and the failed table keeps its token', async () => {
    fake.tables.clear();
    fake.addTable('accounts', 'accountid');
    fake.create('accounts', { name: 'A' });
    container = azurite.service().getContainerClient(`state${++n}`);
    await container.create();
    const h = harness([{ name: 'contact', entitySetName: 'contacts', columns: ['fullname'] }, accountTable]);
    await expect(h.run('r1')).rejects.toThrow(/Change tracking export failed for contact \(GET .*\/contacts\?\$select=fullname: HTTP 404/);
    expect(h.sender.messages().map((m) => (m.body as ChangeMessage).table)).toEqual(['account', 'account']);
    expect((await new BlobDeltaTokenStore(container).read('contact'))?.state.deltaLink).toBeUndefined();
    expect((await new BlobDeltaTokenStore(container).read('account'))?.state.stage).toBe('committed');
    expect(h.closed()).toBe(1);
  });

  it('wrong settings fail the execution with every problem listed', async () => {
    const handler = changeTrackingHandler({
      env: { [SETTINGS.environmentUrl]: 'http://contoso.crm.dynamics.com', [SETTINGS.tables]: '[{"name":"account"}]', [SETTINGS.sink]: 'kafka', [SETTINGS.pageSize]: '9000' },
    });
    const context = new InvocationContext({ functionName: 'x', invocationId: 'y', logHandler: () => {} });
    const err = await handler({ isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { last: '', next: '', lastUpdated: '' } }, context).catch((e) => e);
    expect(err.message).toContain('DATAVERSE_ENVIRONMENT_URL must be an https URL');
    expect(err.message).toContain('CHANGE_TRACKING_TABLES is not valid: CHANGE_TRACKING_TABLES[0].entitySetName must be an entity set name');
    expect(err.message).toContain('CHANGE_TRACKING_SINK must be serviceBus, eventHub or blob (got kafka)');
    expect(err.message).toContain('CHANGE_TRACKING_PAGE_SIZE must be an integer from 1 to 5000 (got 9000)');
    expect(err.message).toContain('CHANGE_TRACKING_STATE__blobServiceUri is not set');
  });

  it('the README documents every app setting the function reads', () => {
    const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Change tracking runtime'), readme.indexOf('## Registering'));
    for (const name of Object.values(SETTINGS)) expect(section).toContain(`\`${name}\``);
  });

  it('azureRuntime builds the sink of each kind with the managed identity (no connection until a send)', async () => {
    const base = env([accountTable]);
    const kinds: Array<[Record<string, string>, string]> = [
      [{}, 'serviceBus'],
      [{ [SETTINGS.sink]: 'eventHub', [SETTINGS.eventHubNamespace]: 'contoso-eh.servicebus.windows.net', [SETTINGS.eventHubName]: 'changes' }, 'eventHub'],
      [
        {
          [SETTINGS.sink]: 'blob',
          [SETTINGS.outputBlobServiceUri]: 'https://contosoout.blob.core.windows.net',
          [SETTINGS.outputContainer]: 'changes',
          [SETTINGS.identityClientId]: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
        },
        'blob',
      ],
    ];
    for (const [extra, kind] of kinds) {
      const runtime = await azureRuntime(loadSettings({ ...base, ...extra }));
      expect(runtime.sink.kind).toBe(kind);
      expect(runtime.reader.initialUrl(accountTable)).toBe(`${fake.origin}/api/data/v9.2/accounts?$select=name`);
      await runtime.close();
    }
  });

  it('settings of each sink kind', () => {
    const base = env([accountTable]);
    expect(loadSettings(base).sink).toEqual({ kind: 'serviceBus', namespace: 'contoso-sb.servicebus.windows.net', entity: 'dataverse-changes' });
    expect(
      loadSettings({ ...base, [SETTINGS.sink]: 'eventHub', [SETTINGS.eventHubNamespace]: 'contoso-eh.servicebus.windows.net', [SETTINGS.eventHubName]: 'changes' }).sink,
    ).toEqual({
      kind: 'eventHub',
      namespace: 'contoso-eh.servicebus.windows.net',
      eventHub: 'changes',
    });
    expect(() => loadSettings({ ...base, [SETTINGS.sink]: 'blob' })).toThrow(/CHANGE_TRACKING_OUTPUT__blobServiceUri is not set[\s\S]*CHANGE_TRACKING_OUTPUT_CONTAINER is not set/);
    expect(() => loadSettings({ ...base, [SETTINGS.serviceBusNamespace]: 'Endpoint=sb://x/;SharedAccessKey=abc' })).toThrow(/must be a host name/);
    expect(() => loadSettings({ ...base, [SETTINGS.tables]: JSON.stringify([accountTable, accountTable]) })).toThrow(/listed twice/);
  });
});

describe('the deployable function app folder', () => {
  function load(dir: string): string {
    // A fresh process, in a folder with no node_modules above it: the bundle must be self-contained.
    return execFileSync(process.execPath, ['-e', "require('./index.js'); console.log('loaded')"], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  it('bundles from source into host.json, package.json and one index.js that loads and registers the timer', () => {
    const out = mkdtempSync(join(tmpdir(), 'ct-function-app-'));
    try {
      execFileSync(process.execPath, ['projenrc/bundle-change-tracking-function.mjs', 'src/runtime/change-tracking/function.ts', out], { stdio: 'pipe' });
      expect(JSON.parse(readFileSync(join(out, 'host.json'), 'utf8'))).toMatchObject({ version: '2.0' });
      const pkg = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
      expect(pkg).toMatchObject({ main: 'index.js', private: true });
      expect(pkg.dependencies).toBeUndefined();
      expect(readFileSync(join(out, 'THIRD_PARTY_NOTICES.txt'), 'utf8')).toMatch(/@azure\/service-bus@[\d.]+ MIT/);
      const stdout = execFileSync(process.execPath, ['-e', "require('./index.js'); console.log('loaded')"], { cwd: out, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(stdout.trim()).toBe('loaded');
      // In test mode @azure/functions says it skipped registering the timer: app.timer was called.
      const both = execFileSync('sh', ['-c', `"${process.execPath}" -e "require('./index.js')" 2>&1`], { cwd: out, encoding: 'utf8' });
      expect(both).toContain('Skipping call to register function "changeTrackingExport"');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('npm run compile produced lib/runtime/change-tracking/function-app (required in CI, which compiles first)', () => {
    const dir = join(process.cwd(), 'lib/runtime/change-tracking/function-app');
    if (!existsSync(dir) && !process.env.CI) return; // a local `npm test` without a compile
    for (const f of ['host.json', 'package.json', 'index.js']) expect(existsSync(join(dir, f))).toBe(true);
    expect(load(dir).trim()).toBe('loaded');
  });
});
