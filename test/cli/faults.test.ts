// No false success: answers that are not Dataverse's (a proxy's HTML page, JSON of another shape,
// a next-page link to another host), a server that never answers, Retry-After values that are
// huge, negative or garbage, and sign-in failures (issue 13, part 2).
import { AggregateAuthenticationError, CredentialUnavailableError } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { FakeDataverse } from './fake-dataverse';
import { cli, orders, recordingIo, SAS } from './harness';
import { fakePerTest } from './per-test';
import { DEFAULT_CREDENTIAL_CHAIN, defaultTokenProvider } from '../../src/cli/io';
import { parseOptions } from '../../src/cli/options';
import { run, version } from '../../src/cli/run';

let fake: FakeDataverse;
fakePerTest(
  (f) => (fake = f),
  () => fake,
);

describe('answers that are not Dataverse', () => {
  it('a proxy answering 200 with an HTML page: error naming URL, status and first bytes; nothing done, nothing recorded', async () => {
    const s = orders();
    fake.inject({ kind: 'html', times: 1000 });
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toMatch(new RegExp(`unexpected answer from ${fake.url}/api/data/v9\\.2/(WhoAmI|annotations\\?)`));
    expect(r.errors()).toContain("status 200, Content-Type 'text/html; charset=utf-8', not JSON");
    expect(r.errors()).toContain('the body starts with "<!DOCTYPE html><html><head><title>Sign in to continue');
    expect(r.text()).not.toContain('Apply complete');
    expect(fake.rows('serviceendpoints')).toEqual([]);
    expect(fake.rows('annotations')).toEqual([]);
  });

  it('HTML 200 only for the $batch of writes: apply fails, no summary of success, no ownership note written', async () => {
    const s = orders();
    fake.inject({ kind: 'html', method: 'POST', pathIncludes: '$batch', times: 1000 });
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain(`unexpected answer from ${fake.url}/api/data/v9.2/$batch: status 200`);
    expect(r.errors()).toContain('Nothing was taken as done');
    expect(r.text()).not.toMatch(/Apply complete|created/);
    // one batch, no retry (a proxy page is not transient), and no note written around it
    expect(fake.requestsOf('POST', '$batch')).toHaveLength(1);
    expect(fake.writes()).toEqual([]);
  });

  it('--no-batch: an HTML 200 to a record write stops the run and records no digest', async () => {
    const s = orders();
    fake.inject({ kind: 'html', method: 'PATCH', pathIncludes: 'serviceendpoints', times: 1000 });
    const r = await cli(fake, ['apply', ...s.args, '--no-batch']);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain(`unexpected answer from ${fake.url}/api/data/v9.2/serviceendpoints(`);
    expect(r.text()).toContain('Apply stopped: 0 created');
    const notes = fake.rows('annotations');
    expect(notes).toHaveLength(1); // the claim written before any record
    expect(JSON.parse(notes[0].notetext).records.some((e: any) => e.digests)).toBe(false);
    expect(fake.rows('sdkmessageprocessingsteps')).toEqual([]);
  });

  it('a 404 HTML page on a table query is an error, not "no rows"', async () => {
    const s = orders();
    fake.inject({ kind: 'html', status: 404, method: 'GET', pathIncludes: 'serviceendpoints', times: 10 });
    const r = await cli(fake, ['plan', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain('Dataverse answered 404 to GET serviceendpoints; the body starts with "<!DOCTYPE html>');
    expect(r.text()).not.toContain('Plan:');
  });

  it.each([
    [
      'JSON of another shape (no value list)',
      'shape',
      'sdkmessageprocessingsteps',
      'JSON without the collection\'s \'value\' list of objects; the body starts with "{\\"ok\\":true}"',
    ],
    [
      'a next-page link to another host (never gets the access token)',
      'nextlink',
      'serviceendpoints',
      'refusing to send the access token to https://collector.example.net/api/data/v9.2/serviceendpoints',
    ],
  ] as const)('%s is refused', async (_, kind, path, message) => {
    const s = orders();
    fake.inject({ kind, method: 'GET', pathIncludes: path, times: 10 });
    const r = await cli(fake, ['plan', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain(message);
  });
});

describe('a server that never answers', () => {
  it('each attempt times out after --request-timeout, counts as transient, and the retry budget holds', async () => {
    const s = orders();
    fake.inject({ kind: 'hang', method: 'GET', pathIncludes: 'WhoAmI', times: 100 });
    const started = Date.now();
    const r = await cli(fake, ['plan', ...s.args, '--request-timeout', '0.2', '--max-retries', '2']);
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.sleeps).toEqual([1000, 2000]);
    expect(r.errors()).toContain('no answer within 0.2 s on GET WhoAmI; retry 1/2');
    expect(r.errors()).toContain(`${fake.url} gave no answer to GET WhoAmI within 0.2 s, 3 time(s)`);
    expect(r.errors()).toContain('raise --request-timeout');
  });

  it('a request that hangs once is retried and the run succeeds', async () => {
    const s = orders();
    fake.inject({ kind: 'hang', method: 'POST', pathIncludes: '$batch', times: 1 });
    const r = await cli(fake, ['apply', ...s.args, '--request-timeout', '0.3']);
    expect(r.code).toBe(0);
    expect(r.sleeps).toEqual([1000]);
    expect(r.text()).toContain('Apply complete: 3 created');
  });

  it('the request timeout defaults to 60 s and must be a positive number of seconds', async () => {
    const s = orders();
    for (const bad of ['0', '-1', 'soon']) {
      const r = await cli(fake, ['plan', ...s.args, '--request-timeout', bad]);
      expect(r.code).toBe(1);
      expect(r.errors()).toContain(`--request-timeout '${bad}' is not a number of seconds (more than 0 to 86400)`);
    }
    expect(fake.httpRequests).toBe(0);
    expect(parseOptions('apply', ['--manifest', 'x']).requestTimeoutMs).toBe(60_000);
    expect(parseOptions('apply', ['--manifest', 'x']).maxRetryAfterMs).toBe(300_000);
  });
});

describe('Retry-After', () => {
  const limited = async (retryAfter: string, extra: string[] = [], times = 1) => {
    const s = orders();
    fake.inject({ status: 429, retryAfter, method: 'GET', pathIncludes: 'WhoAmI', times });
    return cli(fake, ['plan', ...s.args, ...extra]);
  };

  it('a huge value waits at most --max-retry-after (default 300 s)', async () => {
    expect((await limited('86400')).sleeps).toEqual([300_000]);
    expect((await limited('86400', ['--max-retry-after', '10'])).sleeps).toEqual([10_000]);
  });

  it('negative or unparsable values fall back to the exponential back-off', async () => {
    expect((await limited('-5')).sleeps).toEqual([1000]);
    expect((await limited('soon')).sleeps).toEqual([1000]);
    expect((await limited('Wed, 32 Foo 2026 00:00:00 GMT')).sleeps).toEqual([1000]);
  });

  it('an HTTP date is honoured (capped), and the retry budget is kept however short the waits', async () => {
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    const [wait] = (await limited(inTwoMinutes)).sleeps;
    expect(wait).toBeGreaterThan(100_000);
    expect(wait).toBeLessThanOrEqual(120_000);
    const r = await limited('0', ['--max-retries', '2'], 100);
    expect(r.code).toBe(1);
    expect(r.sleeps).toEqual([0, 0]);
    expect(r.errors()).toContain('answered 429 to GET WhoAmI 3 times');
  });
});

describe('sign-in failures', () => {
  it("report the credential chain tried and each credential's own message, not a network problem", async () => {
    const s = orders();
    const r = recordingIo();
    // The error @azure/identity's ChainedTokenCredential throws when every credential is unavailable.
    const failure = new AggregateAuthenticationError(
      [
        new CredentialUnavailableError('EnvironmentCredential is unavailable. No underlying credential could be used.'),
        new CredentialUnavailableError('ManagedIdentityCredential: Authentication failed. Message Attempted to use the IMDS endpoint, but it is not available.'),
        new CredentialUnavailableError(
          "Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.",
        ),
      ],
      'ChainedTokenCredential authentication failed.',
    );
    const io = { ...r.io, tokenProvider: { description: DEFAULT_CREDENTIAL_CHAIN, getToken: async () => Promise.reject(failure) } };
    expect(await run(['plan', ...s.args, '--environment-url', fake.url], io)).toBe(1);
    const text = r.errors();
    expect(text).toContain(
      `could not get an access token for ${fake.url}/.default from DefaultAzureCredential (tried in order: EnvironmentCredential, WorkloadIdentityCredential, ManagedIdentityCredential`,
    );
    expect(text).toContain('ChainedTokenCredential authentication failed.');
    expect(text).toContain('  - CredentialUnavailableError: EnvironmentCredential is unavailable.');
    expect(text).toContain('  - CredentialUnavailableError: Azure CLI could not be found.');
    expect(text).not.toContain('cannot reach');
    expect(text).not.toContain(SAS);
    expect(fake.httpRequests).toBe(0);
  });

  it('the default provider says which chain it is', async () => {
    expect((await defaultTokenProvider()).description).toBe(DEFAULT_CREDENTIAL_CHAIN);
  });
});

describe('command line basics', () => {
  it('--version prints the package version', async () => {
    const r = recordingIo();
    expect(await run(['--version'], r.io)).toBe(0);
    expect(r.out).toEqual([version()]);
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('no command prints the help on standard error and exits 1', async () => {
    const r = recordingIo();
    expect(await run([], r.io)).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.errors()).toContain('Usage: cdktf-dataverse <command> [options]');
  });
});
