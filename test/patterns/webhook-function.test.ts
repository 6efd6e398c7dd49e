import * as fs from 'fs';
import * as path from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { App, TerraformAsset, TerraformStack, Testing } from 'cdktf';
import { IConstruct, Node } from 'constructs';
import { describe, expect, it, vi } from 'vitest';
import {
  DataverseEnvironment,
  ServiceEndpointAuthType,
  StepMode,
  StepStage,
  WebhookFunction,
  WebhookFunctionProps,
  LogAnalyticsWorkspace,
  FunctionApp,
  StorageAccount,
  KeyVault,
} from '../../src';
import { newStack, onlyResource, readAllFiles, resourcesOf, synthJson, tempDir, validationErrors } from '../helpers';

const CODE = path.join(__dirname, '..', '..', 'examples', 'functions', 'validate-account');
const steps = [
  { table: 'account', message: 'Create', stage: StepStage.PRE_OPERATION, mode: StepMode.SYNCHRONOUS },
  { table: 'account', message: 'Update', filteringAttributes: ['creditlimit'] },
];

function build(extra: Partial<WebhookFunctionProps> = {}) {
  const env = newStack();
  const fn = new WebhookFunction(env.stack, 'validate', { dataverse: env.dataverse, resourceGroup: env.rg, code: CODE, steps, ...extra });
  return { ...env, fn };
}

function warnings(construct: IConstruct): string[] {
  return construct.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
}

/** A folder with the given files. */
function folder(files: Record<string, string>): string {
  const dir = tempDir('webhook-code-');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('WebhookFunction: default settings', () => {
  it('Flex Consumption plan (FC1, Linux), Node 20, 2048 MB instances, up to 100 instances', () => {
    const synth = synthJson(build().stack);
    expect(onlyResource(synth, 'azurerm_service_plan')).toMatchObject({ os_type: 'Linux', sku_name: 'FC1' });
    expect(onlyResource(synth, 'azurerm_function_app_flex_consumption')).toMatchObject({
      runtime_name: 'node',
      runtime_version: '20',
      instance_memory_in_mb: 2048,
      maximum_instance_count: 100,
    });
  });

  it('runtime and scale options are honoured', () => {
    const synth = synthJson(build({ functionApp: { runtimeName: 'python', runtimeVersion: '3.12', instanceMemoryInMb: 4096, maximumInstanceCount: 40 } }).stack);
    expect(onlyResource(synth, 'azurerm_function_app_flex_consumption')).toMatchObject({
      runtime_name: 'python',
      runtime_version: '3.12',
      instance_memory_in_mb: 4096,
      maximum_instance_count: 40,
    });
    expect(onlyResource(synth, 'azurerm_application_insights').application_type).toBe('web');
  });

  it('Function App: HTTPS only, TLS 1.2 (site and SCM), no remote debugging, no basic-auth publishing, system-assigned identity', () => {
    const app = onlyResource(synthJson(build().stack), 'azurerm_function_app_flex_consumption');
    expect(app).toMatchObject({
      https_only: true,
      webdeploy_publish_basic_authentication_enabled: false,
      client_certificate_enabled: false,
      identity: { type: 'SystemAssigned' },
      site_config: { minimum_tls_version: '1.2', scm_minimum_tls_version: '1.2', remote_debugging_enabled: false },
    });
    // Flex Consumption apps are Linux-only: the resource has no FTP settings at all.
    expect(JSON.stringify(app)).not.toMatch(/ftp/i);
  });

  it('Storage account: StorageV2, LRS, TLS 1.2, HTTPS only, no public blobs, no shared keys; the app uses its identity', () => {
    const synth = synthJson(build().stack);
    expect(onlyResource(synth, 'azurerm_storage_account')).toMatchObject({
      account_kind: 'StorageV2',
      account_replication_type: 'LRS',
      min_tls_version: 'TLS1_2',
      https_traffic_only_enabled: true,
      allow_nested_items_to_be_public: false,
      shared_access_key_enabled: false,
      default_to_oauth_authentication: true,
    });
    const app = onlyResource(synth, 'azurerm_function_app_flex_consumption');
    expect(app.storage_authentication_type).toBe('SystemAssignedIdentity');
    expect(app.storage_access_key).toBeUndefined();
    expect(app.storage_container_type).toBe('blobContainer');
    expect(app.storage_container_endpoint).toMatch(/^\$\{azurerm_storage_account\.\w+\.primary_blob_endpoint\}app-package$/);
    expect(app.app_settings).toMatchObject({ AZUREWEBJOBSSTORAGE: '', AzureWebJobsStorage__accountName: expect.stringMatching(/azurerm_storage_account\.\w+\.name/) });
    const owner = Object.values(resourcesOf(synth, 'azurerm_role_assignment')).find((r: any) => r.role_definition_name === 'Storage Blob Data Owner');
    expect(owner).toMatchObject({ principal_type: 'ServicePrincipal', scope: expect.stringMatching(/azurerm_storage_account\.\w+\.id/) });
    expect(owner.principal_id).toMatch(/azurerm_function_app_flex_consumption\.\w+\.identity\[0\]\.principal_id/);
  });

  it('code: packaged as an asset, uploaded as released-package.zip in the app-package container; the app waits for it', () => {
    const synth = synthJson(build().stack);
    expect(onlyResource(synth, 'azurerm_storage_container')).toMatchObject({ name: 'app-package', container_access_type: 'private' });
    const blob = onlyResource(synth, 'azurerm_storage_blob');
    expect(blob).toMatchObject({ name: 'released-package.zip', type: 'Block', content_type: 'application/zip' });
    expect(blob.source).toMatch(/^assets\/validate_code_\w+\/[0-9A-F]+\/archive\.zip$/);
    expect(blob.content_md5).toBe(`\${filemd5("${blob.source}")}`);
    const app = onlyResource(synth, 'azurerm_function_app_flex_consumption');
    expect(app.depends_on).toEqual([expect.stringMatching(/^azurerm_storage_blob\./)]);
    expect(app.app_settings.DATAVERSE_WEBHOOK_PACKAGE_HASH).toBe(blob.source.split('/')[2]);
  });

  it('a changed package changes the package hash setting (which restarts the app)', () => {
    const a = folder({ 'host.json': '{"version":"2.0"}', 'f/index.js': 'module.exports = 1;' });
    const b = folder({ 'host.json': '{"version":"2.0"}', 'f/index.js': 'module.exports = 2;' });
    const hash = (code: string) => onlyResource(synthJson(build({ code }).stack), 'azurerm_function_app_flex_consumption').app_settings.DATAVERSE_WEBHOOK_PACKAGE_HASH;
    expect(hash(a)).not.toBe(hash(b));
    expect(hash(a)).toBe(hash(a));
  });

  it('Application Insights backed by a created Log Analytics workspace with 30 days retention', () => {
    const synth = synthJson(build().stack);
    const la = onlyResource(synth, 'azurerm_log_analytics_workspace');
    expect(la).toMatchObject({ sku: 'PerGB2018', retention_in_days: 30 });
    const ai = onlyResource(synth, 'azurerm_application_insights');
    expect(ai).toMatchObject({ application_type: 'Node.JS', workspace_id: expect.stringMatching(/azurerm_log_analytics_workspace\.\w+\.id/) });
    expect(onlyResource(synth, 'azurerm_function_app_flex_consumption').site_config.application_insights_connection_string).toMatch(
      /azurerm_application_insights\.\w+\.connection_string/,
    );
  });

  it('an existing Log Analytics workspace is used as it is', () => {
    const id = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/shared';
    const env = newStack();
    const existing = LogAnalyticsWorkspace.fromLogAnalyticsWorkspaceAttributes(env.stack, 'shared-logs', { workspaceId: id });
    expect(existing.workspaceName).toBe('shared');
    const fn = new WebhookFunction(env.stack, 'validate', { dataverse: env.dataverse, resourceGroup: env.rg, code: CODE, steps, existingLogAnalyticsWorkspace: existing });
    expect(fn.logAnalyticsWorkspace).toBe(existing);
    const synth = synthJson(env.stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_log_analytics_workspace'))).toHaveLength(0);
    expect(onlyResource(synth, 'azurerm_application_insights').workspace_id).toBe(id);
  });

  it('secret: 48 random characters from Terraform, in a Key Vault (RBAC, purge protection, 90 days, open network), read by the app through a Key Vault reference', () => {
    const synth = synthJson(build().stack);
    expect(onlyResource(synth, 'random_password')).toMatchObject({ length: 48, special: false });
    expect(onlyResource(synth, 'azurerm_key_vault')).toMatchObject({
      sku_name: 'standard',
      rbac_authorization_enabled: true,
      purge_protection_enabled: true,
      soft_delete_retention_days: 90,
      tenant_id: expect.stringMatching(/data\.azurerm_client_config\.\w+\.tenant_id/),
    });
    // The app resolves its Key Vault reference from public addresses (no virtual network): the vault stays open.
    expect(onlyResource(synth, 'azurerm_key_vault')).not.toHaveProperty('network_acls');
    const secret = onlyResource(synth, 'azurerm_key_vault_secret');
    expect(secret).not.toHaveProperty('expiration_date');
    expect(onlyResource(synth, 'random_password')).not.toHaveProperty('keepers');
    expect(secret.value).toMatch(/^\$\{random_password\.[\w-]+\.result\}$/);
    const settings = onlyResource(synth, 'azurerm_function_app_flex_consumption').app_settings;
    expect(settings.DATAVERSE_WEBHOOK_SECRET).toMatch(/^@Microsoft\.KeyVault\(SecretUri=\$\{azurerm_key_vault_secret\.\w+\.versionless_id\}\)$/);
    expect(settings).toMatchObject({ DATAVERSE_WEBHOOK_AUTH_TYPE: 'HTTP_HEADER', DATAVERSE_WEBHOOK_SECRET_NAME: 'x-dataverse-webhook-secret', DATAVERSE_WEBHOOK_ROUTE: 'webhook' });
    const reader = Object.values(resourcesOf(synth, 'azurerm_role_assignment')).find((r: any) => r.role_definition_name === 'Key Vault Secrets User');
    expect(reader.scope).toMatch(/azurerm_key_vault_secret\.\w+\.resource_versionless_id/);
    expect(reader.principal_id).toMatch(/azurerm_function_app_flex_consumption\.\w+\.identity\[0\]\.principal_id/);
  });

  it('Key Vault options are honoured', () => {
    const synth = synthJson(build({ keyVault: { name: 'kv-contoso-hooks', purgeProtectionEnabled: false, softDeleteRetentionDays: 30 } }).stack);
    expect(onlyResource(synth, 'azurerm_key_vault')).toMatchObject({ name: 'kv-contoso-hooks', purge_protection_enabled: false, soft_delete_retention_days: 30 });
  });

  it('adds a random provider when the stack has none, and only one', () => {
    const { stack, rg, dataverse } = build();
    new WebhookFunction(stack, 'second', { dataverse, resourceGroup: rg, code: CODE, steps });
    const synth = synthJson(stack);
    expect(synth.provider.random).toHaveLength(1);
  });

  it("keeps the stack's own random provider", () => {
    const { stack, rg, dataverse } = newStack();
    new RandomProvider(stack, 'mine', { alias: 'custom' });
    new WebhookFunction(stack, 'validate', { dataverse, resourceGroup: rg, code: CODE, steps });
    const synth = synthJson(stack);
    expect(synth.provider.random).toEqual([{ alias: 'custom' }]);
  });

  it('webhook service endpoint: contract 8, HttpHeader, the app URL, the auth value from a sensitive output', () => {
    const { stack, dataverse, fn } = build();
    const synth = synthJson(stack);
    const endpoint = dataverse.toManifest().records.find((r) => r.table === 'serviceendpoint')!;
    expect(endpoint.columns).toMatchObject({ contract: 8, authtype: 5, userclaim: 1, connectionmode: 1 });
    expect(endpoint.columns.authvalue).toBeUndefined();
    expect(endpoint.columns.messageformat).toBeUndefined();
    expect(endpoint.writeOnly).toEqual(['authvalue']);
    const byColumn = Object.fromEntries(endpoint.fromOutputs.map((o) => [o.column, o]));
    expect(byColumn.authvalue.sensitive).toBe(true);
    expect(byColumn.url.sensitive).toBe(false);
    expect(synth.output[byColumn.url.output].value).toMatch(/^https:\/\/\$\{azurerm_function_app_flex_consumption\.\w+\.default_hostname\}\/api\/webhook$/);
    const auth = synth.output[byColumn.authvalue.output];
    expect(auth.sensitive).toBe(true);
    expect(auth.value).toMatch(/^<settings><setting name="x-dataverse-webhook-secret" value="\$\{random_password\.[\w-]+\.result\}" \/><\/settings>$/);
    expect(fn.secretOutputName).toBe(byColumn.authvalue.output);
  });

  it('one step per entry: post-operation, asynchronous, rank 1, system job deleted, unless set', () => {
    const { dataverse } = build();
    const records = dataverse.toManifest().records.filter((r) => r.table === 'sdkmessageprocessingstep');
    expect(records.map((r) => r.columns)).toEqual([
      expect.objectContaining({ stage: 20, mode: 0, rank: 1, asyncautodelete: false }),
      expect.objectContaining({ stage: 40, mode: 1, rank: 1, asyncautodelete: true, filteringattributes: 'creditlimit' }),
    ]);
  });

  it('a synchronous step gets a warning about the 60-second timeout, the 2-minute limit and the rollback; an asynchronous one does not', () => {
    const { fn } = build();
    const create = warnings(fn.steps[0]);
    expect(create).toHaveLength(1);
    expect(create[0]).toMatch(/Step Create of account is synchronous: the user's operation waits for the function/);
    expect(create[0]).toMatch(/60 seconds/);
    expect(create[0]).toMatch(/2 minutes/);
    expect(create[0]).toMatch(/rolls the operation back/);
    expect(warnings(fn.steps[1])).toEqual([]);
  });

  it('the identity that runs Terraform may write the secret and upload the package (default on)', () => {
    const synth = synthJson(build().stack);
    const roles = Object.values(resourcesOf(synth, 'azurerm_role_assignment')) as any[];
    const officer = roles.find((r) => r.role_definition_name === 'Key Vault Secrets Officer');
    const uploader = roles.find((r) => r.role_definition_name === 'Storage Blob Data Contributor');
    expect(officer.principal_id).toMatch(/data\.azurerm_client_config\.\w+\.object_id/);
    expect(uploader.principal_id).toMatch(/data\.azurerm_client_config\.\w+\.object_id/);
    expect(onlyResource(synth, 'azurerm_key_vault_secret').depends_on).toEqual([expect.stringMatching(/^azurerm_role_assignment\.validate_deployer-vault/)]);
    expect(onlyResource(synth, 'azurerm_storage_blob').depends_on).toEqual([expect.stringMatching(/^azurerm_role_assignment\.validate_deployer-blob/)]);
  });

  it('grantDeployerAccess: false leaves the deployer roles to you', () => {
    const synth = synthJson(build({ grantDeployerAccess: false }).stack);
    const roles = (Object.values(resourcesOf(synth, 'azurerm_role_assignment')) as any[]).map((r) => r.role_definition_name).sort();
    expect(roles).toEqual(['Key Vault Secrets User', 'Storage Blob Data Owner']);
    expect(onlyResource(synth, 'azurerm_key_vault_secret').depends_on).toBeUndefined();
    expect(onlyResource(synth, 'azurerm_storage_blob').depends_on).toBeUndefined();
  });

  it('turns on storage_use_azuread on the azurerm provider when unset, keeps an explicit true, rejects false', () => {
    const unset = build();
    expect(synthJson(unset.stack).provider.azurerm[0].storage_use_azuread).toBe(true);

    const make = (storageUseAzuread: boolean) => {
      const app = Testing.app();
      const stack = new TerraformStack(app, 'test');
      new AzurermProvider(stack, 'azurerm', { features: [{}], storageUseAzuread });
      const rg = new ResourceGroup(stack, 'rg', { name: 'rg-test', location: 'westeurope' });
      const dataverse = new DataverseEnvironment(stack, 'dataverse', { url: 'https://contoso.crm4.dynamics.com' });
      new WebhookFunction(stack, 'validate', { dataverse, resourceGroup: rg, code: CODE, steps });
      return stack;
    };
    expect(synthJson(make(true)).provider.azurerm[0].storage_use_azuread).toBe(true);
    const errors = validationErrors(make(false));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('the AzurermProvider sets storageUseAzuread: false');
  });
});

describe('WebhookFunction: auth types', () => {
  it('WEBHOOK_KEY: the auth value is the secret itself; the app reads the code query parameter', () => {
    const { stack, dataverse } = build({ authType: ServiceEndpointAuthType.WEBHOOK_KEY });
    const synth = synthJson(stack);
    const endpoint = dataverse.toManifest().records.find((r) => r.table === 'serviceendpoint')!;
    expect(endpoint.columns.authtype).toBe(4);
    const output = endpoint.fromOutputs.find((o) => o.column === 'authvalue')!.output;
    expect(synth.output[output].value).toMatch(/^\$\{random_password\.[\w-]+\.result\}$/);
    expect(onlyResource(synth, 'azurerm_function_app_flex_consumption').app_settings).toMatchObject({
      DATAVERSE_WEBHOOK_AUTH_TYPE: 'WEBHOOK_KEY',
      DATAVERSE_WEBHOOK_SECRET_NAME: 'code',
    });
  });

  it('HTTP_QUERY_STRING: settings XML with the query parameter name (default "secret")', () => {
    const { stack, dataverse } = build({ authType: ServiceEndpointAuthType.HTTP_QUERY_STRING });
    const synth = synthJson(stack);
    const endpoint = dataverse.toManifest().records.find((r) => r.table === 'serviceendpoint')!;
    expect(endpoint.columns.authtype).toBe(6);
    const output = endpoint.fromOutputs.find((o) => o.column === 'authvalue')!.output;
    expect(synth.output[output].value).toMatch(/^<settings><setting name="secret" value="\$\{random_password\.[\w-]+\.result\}" \/><\/settings>$/);
  });

  it('the header name is XML-escaped in the settings', () => {
    const { stack, dataverse } = build({ secretName: "x-a&b'c" });
    const synth = synthJson(stack);
    const output = dataverse
      .toManifest()
      .records.find((r) => r.table === 'serviceendpoint')!
      .fromOutputs.find((o) => o.column === 'authvalue')!.output;
    expect(synth.output[output].value).toContain('name="x-a&amp;b&apos;c"');
  });

  it('a custom route changes the URL and the route setting', () => {
    const { stack, fn } = build({ route: 'dataverse/accounts' });
    const synth = synthJson(stack);
    expect(fn.url).toMatch(/\/api\/dataverse\/accounts$/);
    expect(onlyResource(synth, 'azurerm_function_app_flex_consumption').app_settings.DATAVERSE_WEBHOOK_ROUTE).toBe('dataverse/accounts');
  });
});

describe('WebhookFunction: validation', () => {
  const errorsOf = (extra: Partial<WebhookFunctionProps>) => validationErrors(build(extra).stack);
  const expectError = (extra: Partial<WebhookFunctionProps>, pattern: RegExp) => {
    const errors = errorsOf(extra);
    expect(
      errors.some((e) => pattern.test(e)),
      `expected ${pattern} in:\n${errors.join('\n')}`,
    ).toBe(true);
  };

  it('accepts the defaults', () => {
    expect(errorsOf({})).toEqual([]);
  });

  it('code: a missing folder', () => {
    expectError({ code: path.join(CODE, 'missing') }, /code '.*missing' does not exist\. Fix: point code at the folder that holds host\.json/);
  });

  it('code: a file instead of a folder', () => {
    expectError({ code: path.join(CODE, 'host.json') }, /code '.*host\.json' is a file, not a folder/);
  });

  it('code: a folder without host.json', () => {
    expectError({ code: folder({ 'index.js': '' }) }, /has no host\.json, so it is not a function app/);
  });

  it('code: empty', () => {
    expectError({ code: '' }, /code is empty/);
  });

  it('existingLogAnalyticsWorkspace with logAnalyticsWorkspace', () => {
    expectError(
      { existingLogAnalyticsWorkspace: { workspaceId: '/x', workspaceName: 'log' }, logAnalyticsWorkspace: { retentionInDays: 60 } },
      /conflicting props: existingLogAnalyticsWorkspace with logAnalyticsWorkspace/,
    );
  });

  it('names: Function App, storage account, Key Vault, Log Analytics workspace', () => {
    expectError({ functionApp: { name: '-bad-' } }, /\[test\/validate\/app\] name: Function App name '-bad-' is not valid/);
    expectError({ storageAccount: { name: 'Bad_Name' } }, /\[test\/validate\/storage\] name: storage account name 'Bad_Name' is not valid/);
    expectError({ keyVault: { name: 'kv--double' } }, /\[test\/validate\/vault\] name: Key Vault name 'kv--double' is not valid/);
    expectError({ keyVault: { name: 'kv-this-name-is-far-too-long' } }, /\[test\/validate\/vault\] name: .* must be 3 to 24/);
    expectError({ logAnalyticsWorkspace: { name: 'la' } }, /\[test\/validate\/logs\] name: Log Analytics workspace name 'la' is not valid/);
  });

  it('numbers: instance count, instance memory, soft delete days, retention', () => {
    expectError({ functionApp: { maximumInstanceCount: 0 } }, /\[test\/validate\/app\] maximumInstanceCount 0 is out of range/);
    expectError({ functionApp: { instanceMemoryInMb: 1024 } }, /\[test\/validate\/app\] instanceMemoryInMb 1024 is not allowed: use one of 512, 2048, 4096/);
    expectError({ keyVault: { softDeleteRetentionDays: 3 } }, /\[test\/validate\/vault\] softDeleteRetentionDays 3 is out of range/);
    expectError({ logAnalyticsWorkspace: { retentionInDays: 7 } }, /\[test\/validate\/logs\] retentionInDays 7 is out of range/);
  });

  it('runtimeName', () => {
    expectError({ functionApp: { runtimeName: 'ruby' } }, /\[test\/validate\/app\] runtimeName 'ruby' is not a Flex Consumption runtime/);
  });

  it('app settings the construct owns', () => {
    expectError({ functionApp: { appSettings: { DATAVERSE_WEBHOOK_SECRET: 'x' } } }, /'DATAVERSE_WEBHOOK_SECRET' is set by the construct/);
    expectError({ functionApp: { appSettings: { AzureWebJobsStorage: 'x' } } }, /'AzureWebJobsStorage' is set by the construct/);
  });

  it('authType that is not a webhook auth type', () => {
    expectError({ authType: ServiceEndpointAuthType.SAS_KEY }, /authType SAS_KEY is not a webhook auth type/);
  });

  it('secretName with WEBHOOK_KEY', () => {
    expectError({ authType: ServiceEndpointAuthType.WEBHOOK_KEY, secretName: 'x-key' }, /secretName 'x-key' cannot be used with authType WEBHOOK_KEY/);
  });

  it('secretName: not a header name, or a reserved header', () => {
    expectError({ secretName: 'x secret' }, /secretName 'x secret' is not an HTTP header name/);
    expectError({ secretName: 'Authorization' }, /secretName 'Authorization' is a header Dataverse, HTTP or Azure already uses/);
    expectError({ secretName: 'x-ms-dynamics-key' }, /already uses/);
  });

  it('secretName: not a query parameter name, or code', () => {
    expectError({ authType: ServiceEndpointAuthType.HTTP_QUERY_STRING, secretName: 'a=b' }, /secretName 'a=b' is not a usable query parameter name/);
    expectError({ authType: ServiceEndpointAuthType.HTTP_QUERY_STRING, secretName: 'code' }, /not 'code'/);
  });

  it('route', () => {
    expectError({ route: '/api/webhook' }, /route '\/api\/webhook' is not a fixed function route/);
    expectError({ route: 'hooks/{id}' }, /route 'hooks\/\{id\}' is not a fixed function route/);
  });

  it('an asynchronous step before post-operation (the model rule)', () => {
    expectError({ steps: [{ table: 'account', message: 'Create', stage: StepStage.PRE_OPERATION }] }, /an asynchronous step must be registered at stage POST_OPERATION/);
  });

  it('synchronous steps at every stage are accepted', () => {
    const errors = errorsOf({
      steps: [
        { table: 'account', message: 'Create', stage: StepStage.PRE_VALIDATION, mode: StepMode.SYNCHRONOUS },
        { table: 'account', message: 'Update', stage: StepStage.PRE_OPERATION, mode: StepMode.SYNCHRONOUS },
        { table: 'account', message: 'Delete', stage: StepStage.POST_OPERATION, mode: StepMode.SYNCHRONOUS },
      ],
    });
    expect(errors).toEqual([]);
  });

  it('no steps', () => {
    expectError({ steps: [] }, /steps is empty/);
  });
});

describe('WebhookFunction: synthesized files', () => {
  function fullSynth(extraSibling = false): Record<string, string> {
    const outdir = tempDir('webhook-synth-');
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'hooks');
    new AzurermProvider(stack, 'azurerm', { features: [{}], storageUseAzuread: true });
    const rg = new ResourceGroup(stack, 'rg', { name: 'rg-hooks', location: 'westeurope' });
    const dataverse = new DataverseEnvironment(stack, 'dataverse', { url: 'https://contoso.crm4.dynamics.com', solutionUniqueName: 'Hooks' });
    if (extraSibling) new WebhookFunction(stack, 'another', { dataverse, resourceGroup: rg, code: CODE, steps: [{ table: 'contact', message: 'Create' }] });
    new WebhookFunction(stack, 'validate', { dataverse, resourceGroup: rg, code: CODE, steps, authType: ServiceEndpointAuthType.HTTP_QUERY_STRING });
    app.synth();
    return readAllFiles(path.join(outdir, 'stacks', 'hooks'));
  }

  it('no secret in any synthesized file: the auth value exists only as a reference to random_password', () => {
    const files = fullSynth();
    expect(Object.keys(files).sort()).toEqual(expect.arrayContaining(['cdk.tf.json', 'dataverse-registrations.json']));
    expect(Object.keys(files).some((f) => f.endsWith('archive.zip'))).toBe(true);
    let settings = 0;
    for (const [name, text] of Object.entries(files)) {
      // In cdk.tf.json the quotes of the XML are JSON-escaped.
      for (const m of text.matchAll(/<setting name=\\?"[^"\\]*\\?" value=\\?"([^"\\]*)\\?"/g)) {
        settings++;
        expect(m[1], name).toMatch(/^\$\{random_password\.[\w-]+\.result\}$/);
      }
      expect(text, name).not.toMatch(/"authvalue":\s*"/);
    }
    expect(settings).toBe(1);
    const tf = JSON.parse(files['cdk.tf.json']);
    for (const pw of Object.values(tf.resource.random_password) as any[]) expect(pw.result).toBeUndefined();
    const authOutputs = Object.entries(tf.output).filter(([k]) => k.includes('authvalue'));
    expect(authOutputs.length).toBe(1);
    expect(authOutputs.every(([, o]: [string, any]) => o.sensitive === true)).toBe(true);
    const manifest = JSON.parse(files['dataverse-registrations.json']);
    const endpoint = manifest.records.find((r: any) => r.table === 'serviceendpoint');
    expect(endpoint.columns.authvalue).toBeUndefined();
  });

  it('two synths are byte-identical', () => {
    const a = fullSynth();
    const b = fullSynth();
    expect(a['cdk.tf.json']).toBe(b['cdk.tf.json']);
    expect(a['dataverse-registrations.json']).toBe(b['dataverse-registrations.json']);
  });

  it('names and record ids stay when a sibling is added', () => {
    const pick = (files: Record<string, string>) => {
      const tf = JSON.parse(files['cdk.tf.json']);
      const manifest = JSON.parse(files['dataverse-registrations.json']);
      const names = Object.entries(tf.resource)
        .flatMap(([, rs]: [string, any]) => Object.entries(rs))
        .filter(([k]) => k.startsWith('validate_'))
        .map(([k, r]: [string, any]) => `${k}=${r.name ?? ''}`)
        .sort();
      const ids = manifest.records.filter((r: any) => r.path.startsWith('hooks/validate/')).map((r: any) => `${r.path}=${r.id}`);
      return { names, ids };
    };
    expect(pick(fullSynth(true))).toEqual(pick(fullSynth(false)));
  });

  it('snapshot of the Azure resources', () => {
    const synth = synthJson(build().stack);
    const mine = Object.fromEntries(
      Object.entries(synth.resource).map(([type, rs]: [string, any]) => [
        type,
        Object.fromEntries(
          Object.entries(rs)
            .filter(([k]) => k.startsWith('validate_'))
            .map(([k, r]: [string, any]) => [k, { ...r, '//': undefined }]),
        ),
      ]),
    );
    // The asset folder hash depends on the example's contents: keep it out of the snapshot.
    const text = JSON.stringify(mine, null, 2).replace(/[0-9A-F]{32}/g, '<hash>');
    expect(text).toContain('released-package.zip');
    expect(JSON.parse(text).azurerm_function_app_flex_consumption).toBeDefined();
    expect(text).toMatchSnapshot();
  });
});

describe('WebhookFunction: shared code and per-stack work', () => {
  const assetsOf = (stack: TerraformStack) => stack.node.findAll().filter((c) => c instanceof TerraformAsset) as TerraformAsset[];

  it('two functions on one folder share one asset (one zip); different folders give two', () => {
    const env = newStack();
    const a = new WebhookFunction(env.stack, 'a', { dataverse: env.dataverse, resourceGroup: env.rg, code: CODE, steps });
    new WebhookFunction(env.stack, 'b', { dataverse: env.dataverse, resourceGroup: env.rg, code: `${CODE}/`, steps });
    expect(assetsOf(env.stack)).toHaveLength(1);
    expect(assetsOf(env.stack)[0].node.scope).toBe(a);
    const blobs = Object.values(resourcesOf(synthJson(env.stack), 'azurerm_storage_blob')) as any[];
    expect(blobs).toHaveLength(2);
    expect(blobs[0].source).toBe(blobs[1].source);

    const other = folder({ 'host.json': '{"version":"2.0"}', 'index.js': 'module.exports = {};' });
    new WebhookFunction(env.stack, 'c', { dataverse: env.dataverse, resourceGroup: env.rg, code: other, steps });
    expect(assetsOf(env.stack)).toHaveLength(2);
  });

  it('three functions on one folder and one on another: two zips written at synth, blob sources shared by folder', () => {
    const outdir = tempDir();
    const env = newStack({}, 'test', outdir);
    const other = folder({ 'host.json': '{"version":"2.0"}', 'index.js': 'module.exports = {};' });
    for (const id of ['a', 'b', 'c']) new WebhookFunction(env.stack, id, { dataverse: env.dataverse, resourceGroup: env.rg, code: CODE, steps });
    new WebhookFunction(env.stack, 'd', { dataverse: env.dataverse, resourceGroup: env.rg, code: other, steps });
    expect(assetsOf(env.stack)).toHaveLength(2);
    env.app.synth();
    const stackDir = path.join(outdir, 'stacks', 'test');
    const zips = fs
      .readdirSync(path.join(stackDir, 'assets'))
      .flatMap((a) => fs.readdirSync(path.join(stackDir, 'assets', a)).map((h) => path.join('assets', a, h, 'archive.zip')));
    expect(zips.filter((z) => fs.existsSync(path.join(stackDir, z)))).toHaveLength(2);
    const blobs = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')).resource.azurerm_storage_blob;
    const sources = Object.values<any>(blobs).map((b) => b.source);
    expect(sources).toHaveLength(4);
    expect(new Set(sources).size).toBe(2);
    expect(sources.every((s) => zips.includes(s))).toBe(true);
  });

  it('construction is linear: the tree is searched a fixed number of times per stack, not per function', () => {
    const searches = (count: number) => {
      const env = newStack();
      const spy = vi.spyOn(Node.prototype, 'findAll');
      for (let i = 0; i < count; i++) new WebhookFunction(env.stack, `fn${i}`, { dataverse: env.dataverse, resourceGroup: env.rg, code: CODE, steps });
      const calls = spy.mock.calls.length;
      spy.mockRestore();
      return calls;
    };
    const one = searches(1);
    expect(searches(10)).toBe(one);
    expect(searches(30)).toBe(one);
  });

  it('grantInvoke: reading the shared secret (Key Vault Secrets User on that secret); returns the role assignment', () => {
    const { stack, fn } = build();
    const assignment = fn.grantInvoke('00000000-0000-0000-0000-0000000000cc');
    expect(assignment.terraformResourceType).toBe('azurerm_role_assignment');
    const r = (Object.values(resourcesOf(synthJson(stack), 'azurerm_role_assignment')) as any[]).find((x) => x.principal_id === '00000000-0000-0000-0000-0000000000cc');
    expect(r).toMatchObject({ role_definition_name: 'Key Vault Secrets User', scope: '${azurerm_key_vault_secret.validate_secret_2F00F1C9.resource_versionless_id}' });
  });

  it('exposes its blocks; secret rotation and expiry reach the password and the secret', () => {
    const { stack, fn } = build({ keyVault: { secretRotation: '2027-06', secretExpirationDate: '2027-06-30T00:00:00Z' } });
    expect(fn.functionApp).toBeInstanceOf(FunctionApp);
    expect(fn.storageAccount).toBeInstanceOf(StorageAccount);
    expect(fn.keyVault).toBeInstanceOf(KeyVault);
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'random_password').keepers).toEqual({ rotation: '2027-06' });
    expect(onlyResource(synth, 'azurerm_key_vault_secret').expiration_date).toBe('2027-06-30T00:00:00Z');
  });

  it('JavaScript callers: a missing required prop is an error naming the construct and the props', () => {
    const env = newStack();
    expect(() => new WebhookFunction(env.stack, 'x', { dataverse: env.dataverse } as any)).toThrow('test/x: WebhookFunction needs resourceGroup, code, steps.');
    const props = { dataverse: env.dataverse, resourceGroup: env.rg, code: CODE };
    expect(() => new WebhookFunction(env.stack, 'y', { ...props, steps: [null] } as any)).toThrow(
      'test/y: WebhookFunction needs steps as a list of { table, message }; steps[0] is null. Fix:',
    );
    expect(() => new WebhookFunction(env.stack, 'z', { ...props, steps: 'account' } as any)).toThrow('steps is "account". Fix:');
    expect(() => new WebhookFunction(env.stack, 'w', { ...props, steps: [{ table: 'account', message: 'Create' }, 3] } as any)).toThrow('steps[1] is 3. Fix:');
  });
});
