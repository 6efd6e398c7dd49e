import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { FakeDataverse } from './fake-dataverse';
import { cli, orders, recordingIo, startFake, synthOrders } from './harness';
import { fakePerTest } from './per-test';
import { defaultTokenProvider } from '../../src/cli/io';
import { run } from '../../src/cli/run';

let fake: FakeDataverse;
fakePerTest(
  (f) => (fake = f),
  () => fake,
);

describe('errors', () => {
  it('unknown table/message pair: names the table and the fix', async () => {
    const s = orders([{ table: 'salesorderx', message: 'Create' }]);
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain("the sdkmessagefilter for table 'salesorderx', message 'Create' does not exist in");
    expect(r.errors()).toContain("check the table logical name 'salesorderx'");
  });

  it('a lookup that matches several rows is an error', async () => {
    fake.seed('sdkmessages', [{ id: '20bebb1b-ea3e-db11-86a7-000a3a547400', sdkmessageid: '20bebb1b-ea3e-db11-86a7-000a3a547400', name: 'Create' }]);
    const s = orders([{ table: 'salesorder', message: 'Create' }]);
    const r = await cli(fake, ['plan', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain("the sdkmessage for message 'Create' is ambiguous");
  });

  it('missing output: names the output, the record and the environment variable', async () => {
    const s = synthOrders();
    const r = await cli(fake, ['plan', '--manifest', s.dir]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain(`output '${s.outputName}' (serviceendpoint.saskey of test/orders/endpoint; or set CDKTF_DATAVERSE_OUTPUT_`);
    expect(r.errors()).toContain('terraform output -json > outputs.json');
    expect(fake.requests).toHaveLength(0);
  });

  it('an output can come from an environment variable (which wins over the file)', async () => {
    const s = synthOrders();
    const name = `CDKTF_DATAVERSE_OUTPUT_${s.outputName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    const r = await cli(fake, ['apply', '--manifest', s.dir], recordingIo({ [name]: 'from-env' }));
    expect(r.code).toBe(0);
    expect(fake.secretsOf('serviceendpoints', s.manifest.records[0].id).saskey).toBe('from-env');
  });

  it('a manifest of an unknown version is refused', async () => {
    const s = orders();
    fs.writeFileSync(s.manifestFile, JSON.stringify({ ...s.manifest, manifestVersion: 99 }));
    const r = await cli(fake, ['plan', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain('has manifestVersion 99, but this cdktf-dataverse reads version 1 only');
  });

  it('--manifest: a folder without a manifest, and a path that does not exist', async () => {
    const s = orders();
    const empty = path.join(s.dir, 'empty');
    fs.mkdirSync(empty);
    expect((await cli(fake, ['plan', '--manifest', empty])).errors()).toContain('has no dataverse-registrations.json');
    expect((await cli(fake, ['plan', '--manifest', path.join(s.dir, 'nope')])).errors()).toContain('does not exist');
  });

  it('401: explains the application user', async () => {
    const s = orders();
    fake.acceptedToken = 'another-token';
    const r = await cli(fake, ['plan', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain('401 Unauthorized');
    expect(r.errors()).toContain('Application users');
  });

  it('403: explains the security role', async () => {
    const s = orders();
    fake.forbidden = true;
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain('403 Forbidden');
    expect(r.errors()).toContain('missing prvReadSdkMessage privilege');
    expect(r.errors()).toContain('security role');
  });

  it('an unreachable environment URL', async () => {
    const s = orders();
    const url = fake.url;
    await fake.close();
    const r = recordingIo();
    const code = await run(['plan', ...s.args, '--environment-url', url], r.io);
    expect(code).toBe(1);
    expect(r.errors()).toContain(`cannot reach ${url} (ECONNREFUSED)`);
    fake = await startFake();
  });

  it('refuses a plain-http environment URL that is not loopback', async () => {
    const s = orders();
    const r = recordingIo();
    expect(await run(['plan', ...s.args, '--environment-url', 'http://contoso.crm4.dynamics.com'], r.io)).toBe(1);
    expect(r.errors()).toContain('is not https');
  });

  it('unknown command and option; --help', async () => {
    const r = recordingIo();
    expect(await run(['deploy'], r.io)).toBe(1);
    expect(await run(['plan', '--manifest', 'x', '--force'], r.io)).toBe(1);
    expect(r.errors()).toContain("unknown command 'deploy'");
    expect(r.errors()).toContain("unknown option '--force'");
    const h = recordingIo();
    expect(await run(['--help'], h.io)).toBe(0);
    expect(h.text()).toContain('Usage: cdktf-dataverse <command> [options]');
    for (const c of ['plan', 'apply', 'prune']) expect(h.text()).toContain(`  ${c} `);
  });
});

describe('auth and environment', () => {
  it('asks the token provider for <environment url>/.default; --environment-url overrides the manifest', async () => {
    const s = orders();
    const r = await cli(fake, ['plan', ...s.args]);
    expect(r.scopes[0]).toBe(`${fake.url}/.default`);
    expect(r.errors()).toContain(`Using ${fake.url} instead of the manifest's https://contoso.crm4.dynamics.com`);
    for (const q of fake.requests) expect(q.headers.authorization).toBe('Bearer fake-token');
  });
});

describe('default settings', () => {
  it('without --environment-url the token is asked for the manifest URL', async () => {
    const s = orders();
    const r = recordingIo();
    const scopes: string[] = [];
    const io = {
      ...r.io,
      tokenProvider: {
        getToken: async (scope: string) => {
          scopes.push(scope);
          throw new Error('offline test');
        },
      },
    };
    expect(await run(['plan', ...s.args], io)).toBe(1);
    expect(scopes).toEqual(['https://contoso.crm4.dynamics.com/.default']);
    expect(r.errors()).toContain('could not get an access token for https://contoso.crm4.dynamics.com/.default from the token provider: offline test');
  });

  it('the default token provider is DefaultAzureCredential (imported on first use)', async () => {
    const provider = await defaultTokenProvider();
    expect(typeof provider.getToken).toBe('function');
  });

  it('an environment variable wins over the outputs file', async () => {
    const s = orders();
    const name = `CDKTF_DATAVERSE_OUTPUT_${s.outputName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    expect((await cli(fake, ['apply', ...s.args], recordingIo({ [name]: 'env-wins' }))).code).toBe(0);
    expect(fake.secretsOf('serviceendpoints', s.manifest.records[0].id).saskey).toBe('env-wins');
  });

  it('parallelism defaults to 4', async () => {
    const s = orders(['salesorder', 'account', 'contact'].flatMap((table) => ['Create', 'Update'].map((message) => ({ table, message }))));
    fake.patchBarrier = 5;
    expect((await cli(fake, ['apply', ...s.args, '--no-batch'])).code).toBe(0);
    expect(fake.maxPatchInFlight).toBe(4);
  });

  it('retries default to 5, backing off 1 s, 2 s, 4 s … up to 60 s', async () => {
    const s = orders();
    fake.inject({ status: 503, method: 'PATCH', pathIncludes: 'serviceendpoints', inBatch: true, times: 100 });
    const r = recordingIo();
    expect(await run(['apply', ...s.args, '--environment-url', fake.url], r.io)).toBe(1);
    expect(r.sleeps).toEqual([1000, 2000, 4000, 8000, 16000]);
    const r2 = recordingIo();
    expect(await run(['apply', ...s.args, '--environment-url', fake.url, '--max-retries', '8'], r2.io)).toBe(1);
    expect(r2.sleeps).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });
});

describe('main', () => {
  it('starts with a shebang and only binds run() to the process', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../src/cli/main.ts'), 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(text).toContain('run(process.argv.slice(2), nodeIo())');
  });

  it('console is used only by the io module', () => {
    const dir = path.join(__dirname, '../../src');
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const full = path.join(d, e.name);
        if (e.isDirectory()) {
          walk(full);
        } else if (full.endsWith('.ts') && /console\.(log|error|warn|info)/.test(fs.readFileSync(full, 'utf8')) && !full.endsWith(path.join('cli', 'io.ts'))) {
          offenders.push(full);
        }
      }
    };
    walk(dir);
    expect(offenders).toEqual([]);
  });
});
