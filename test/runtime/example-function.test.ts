import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture } from './fixtures';

// The example function of examples/main.ts (Node.js programming model v3), called in-process the
// way the Functions host calls it: handler(context, req) → the $return response.
const folder = path.join(__dirname, '..', '..', 'examples', 'functions', 'validate-account');
const handler = createRequire(__filename)(path.join(folder, 'webhook', 'index.js')) as (context: any, req: any) => Promise<any>;
const SECRET = 'r8Ts6Uv4Wx2Yz0Ab9Cd7Ef5Gh3Ij1Kl8Mn6Op4Qr2St0Uv9W';

function context() {
  const lines: string[] = [];
  const log: any = (...a: unknown[]) => lines.push(a.join(' '));
  log.warn = log;
  log.error = log;
  return { log, lines };
}
function req(body: string, headers: Record<string, string> = { 'x-dataverse-webhook-secret': SECRET }) {
  return { method: 'POST', headers, query: {}, rawBody: body };
}

describe('examples/functions/validate-account', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.DATAVERSE_WEBHOOK_AUTH_TYPE = 'HTTP_HEADER';
    process.env.DATAVERSE_WEBHOOK_SECRET_NAME = 'x-dataverse-webhook-secret';
    process.env.DATAVERSE_WEBHOOK_SECRET = SECRET;
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('is a deployable function app folder: host.json, a v3 function with the default route, no dependencies', () => {
    const host = JSON.parse(fs.readFileSync(path.join(folder, 'host.json'), 'utf8'));
    expect(host.version).toBe('2.0');
    const fn = JSON.parse(fs.readFileSync(path.join(folder, 'webhook', 'function.json'), 'utf8'));
    expect(fn.bindings[0]).toMatchObject({ type: 'httpTrigger', route: 'webhook', authLevel: 'anonymous', methods: ['post'] });
    const pkg = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
    expect(pkg.dependencies).toBeUndefined();
    const source = fs.readFileSync(path.join(folder, 'webhook', 'index.js'), 'utf8');
    const required = [...source.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]);
    expect(required).toEqual(['crypto']);
  });

  it('accepts a valid account Create (200)', async () => {
    const res = await handler(context(), req(fixture('create.json')));
    expect(res.status).toBe(200);
  });

  it('rejects an account whose credit limit is too high (422, the operation is cancelled)', async () => {
    process.env.MAX_CREDIT_LIMIT = '1000';
    const res = await handler(context(), req(fixture('create.json')));
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body).message).toBe('Account rejected: the credit limit 50000 is above 1000.');
  });

  it('401 on a wrong secret, 400 on a malformed body, 200 on a trimmed payload, 500 when not configured', async () => {
    expect((await handler(context(), req(fixture('create.json'), { 'x-dataverse-webhook-secret': 'nope' }))).status).toBe(401);
    expect((await handler(context(), req(fixture('malformed-truncated.txt')))).status).toBe(400);
    expect((await handler(context(), req(fixture('malformed-not-context.json')))).status).toBe(400);
    const trimmed = await handler(context(), req(fixture('trimmed.json'), { 'x-dataverse-webhook-secret': SECRET, 'x-ms-dynamics-msg-size-exceeded': 'true' }));
    expect(JSON.parse(trimmed.body)).toEqual({ ok: true, trimmed: true });
    process.env.DATAVERSE_WEBHOOK_SECRET = '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/s)';
    expect((await handler(context(), req(fixture('create.json')))).status).toBe(500);
  });

  it('logs a credit limit update', async () => {
    const ctx = context();
    const res = await handler(ctx, req(fixture('update-with-images.json')));
    expect(res.status).toBe(200);
    expect(ctx.lines.join('\n')).toContain('Credit limit of contact 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 is now 2500.5.');
  });
});
