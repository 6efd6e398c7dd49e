import { describe, expect, it } from 'vitest';
import { ServiceEndpointAuthType, TrimmedPayload, WebhookSecretVerifier } from '../../src';

const SECRET = 'Zq3xPp7sK2mW9vR4tY6uB8nC1dE5fG0hJ3kL7mN2pQ4rS6tU';

describe('WebhookSecretVerifier', () => {
  it('HTTP_HEADER: accepts the secret in the header, any header case; rejects others', () => {
    const v = new WebhookSecretVerifier({ authType: ServiceEndpointAuthType.HTTP_HEADER, secret: SECRET, name: 'X-Dataverse-Webhook-Secret' });
    expect(v.verify({ 'x-dataverse-webhook-secret': SECRET }, {})).toBe(true);
    expect(v.verify({ 'X-DATAVERSE-WEBHOOK-SECRET': SECRET }, {})).toBe(true);
    expect(v.verify({ 'x-dataverse-webhook-secret': `${SECRET}x` }, {})).toBe(false);
    expect(v.verify({ 'x-dataverse-webhook-secret': SECRET.slice(0, 10) }, {})).toBe(false);
    expect(v.verify({ 'x-dataverse-webhook-secret': '' }, {})).toBe(false);
    expect(v.verify({}, { 'x-dataverse-webhook-secret': SECRET })).toBe(false); // not in the query
    expect(v.verify({}, {})).toBe(false);
  });

  it('HTTP_QUERY_STRING: accepts the secret in the named query parameter only', () => {
    const v = new WebhookSecretVerifier({ authType: ServiceEndpointAuthType.HTTP_QUERY_STRING, secret: SECRET, name: 'secret' });
    expect(v.verify({}, { secret: SECRET })).toBe(true);
    expect(v.verify({ secret: SECRET }, {})).toBe(false);
    expect(v.verify({}, { Secret: SECRET })).toBe(false);
  });

  it('WEBHOOK_KEY: reads the code query parameter', () => {
    const v = new WebhookSecretVerifier({ authType: ServiceEndpointAuthType.WEBHOOK_KEY, secret: SECRET });
    expect(v.name).toBe('code');
    expect(v.verify({}, { code: SECRET })).toBe(true);
    expect(v.verify({}, { code: 'nope' })).toBe(false);
  });

  it('refuses a configuration that would accept anyone', () => {
    expect(() => new WebhookSecretVerifier({ authType: ServiceEndpointAuthType.HTTP_HEADER, secret: '', name: 'x' })).toThrow(/secret is empty/);
    expect(() => new WebhookSecretVerifier({ authType: ServiceEndpointAuthType.HTTP_HEADER, secret: SECRET })).toThrow(/needs name/);
    expect(() => new WebhookSecretVerifier({ authType: ServiceEndpointAuthType.SAS_KEY, secret: SECRET, name: 'x' })).toThrow(/not a webhook auth type/);
  });

  it('fromEnvironment reads the settings a WebhookFunction writes', () => {
    const v = WebhookSecretVerifier.fromEnvironment({
      DATAVERSE_WEBHOOK_AUTH_TYPE: 'HTTP_QUERY_STRING',
      DATAVERSE_WEBHOOK_SECRET_NAME: 'secret',
      DATAVERSE_WEBHOOK_SECRET: SECRET,
    });
    expect(v.authType).toBe(ServiceEndpointAuthType.HTTP_QUERY_STRING);
    expect(v.verify({}, { secret: SECRET })).toBe(true);
  });

  it('fromEnvironment fails loudly on a missing secret, an unresolved Key Vault reference or an unknown auth type', () => {
    expect(() => WebhookSecretVerifier.fromEnvironment({ DATAVERSE_WEBHOOK_SECRET_NAME: 'x-s' })).toThrow(/DATAVERSE_WEBHOOK_SECRET is not set/);
    expect(() =>
      WebhookSecretVerifier.fromEnvironment({
        DATAVERSE_WEBHOOK_SECRET_NAME: 'x-s',
        DATAVERSE_WEBHOOK_SECRET: '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/s)',
      }),
    ).toThrow(/unresolved Key Vault reference/);
    expect(() => WebhookSecretVerifier.fromEnvironment({ DATAVERSE_WEBHOOK_AUTH_TYPE: 'SAS_KEY', DATAVERSE_WEBHOOK_SECRET: SECRET })).toThrow(/expected WEBHOOK_KEY/);
  });

  it('compares SHA-256 digests with crypto.timingSafeEqual (equal length whatever is presented)', async () => {
    const crypto = await import('crypto');
    const source = (await import('fs')).readFileSync(require.resolve('../../src/runtime/webhook-auth.ts'), 'utf8');
    expect(source).toMatch(/timingSafeEqual\(sha256\(presented \?\? ''\), this\.digest\)/);
    expect(crypto.createHash('sha256').update('a').digest().length).toBe(crypto.createHash('sha256').update('a'.repeat(1000)).digest().length);
  });
});

describe('TrimmedPayload', () => {
  it('webhook: the x-ms-dynamics-msg-size-exceeded header marks a trimmed payload', () => {
    expect(TrimmedPayload.fromWebhookHeaders({ 'x-ms-dynamics-msg-size-exceeded': 'true' })).toBe(true);
    expect(TrimmedPayload.fromWebhookHeaders({ 'X-MS-Dynamics-Msg-Size-Exceeded': '' })).toBe(true);
    expect(TrimmedPayload.fromWebhookHeaders({ 'x-ms-dynamics-msg-size-exceeded': 'false' })).toBe(false);
    expect(TrimmedPayload.fromWebhookHeaders({ 'x-ms-dynamics-entity-name': 'account' })).toBe(false);
  });

  it('Service Bus: the MessageMaxSizeExceeded property marks a trimmed message', () => {
    expect(TrimmedPayload.fromServiceBusProperties({ MessageMaxSizeExceeded: true })).toBe(true);
    expect(TrimmedPayload.fromServiceBusProperties({ MessageMaxSizeExceeded: 'True' })).toBe(true);
    expect(TrimmedPayload.fromServiceBusProperties({ MessageMaxSizeExceeded: false })).toBe(false);
    expect(TrimmedPayload.fromServiceBusProperties({ 'http://schemas.microsoft.com/xrm/2011/Claims/EntityLogicalName': 'account' })).toBe(false);
  });
});
