import { resolve } from 'cdktf/lib/_tokens';
import { Construct } from 'constructs';
// eslint-disable-next-line import/no-extraneous-dependencies
import { describe, expect, it } from 'vitest';
import { ApiManagement, ApiManagementTier, ApplicationInsights, FlexConsumptionPlan, FunctionApp, KeyVault, LogAnalyticsWorkspace, StorageAccount, VaultSecret } from '../../src';
import { PolicySuppressions } from '../../src/policy/suppressions';
import { newStack, onlyResource, resourcesOf, synthJson, validationErrors } from '../helpers';

const PRINCIPAL = '00000000-0000-0000-0000-0000000000aa';
const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers';

function roles(synth: any): any[] {
  return Object.values(resourcesOf(synth, 'azurerm_role_assignment'));
}

function suppressed(resource: Construct): string[] {
  return (PolicySuppressions.of(resource) as any).entries.map((e: any) => e.ruleId).sort();
}

describe('StorageAccount block', () => {
  it('defaults: StorageV2, Standard, LRS, HTTPS, TLS 1.2, no public blobs, no shared keys, no cross-tenant replication, 7-day blob and container soft delete', () => {
    const { stack, rg } = newStack();
    const sa = new StorageAccount(stack, 'sa', { resourceGroup: rg });
    const r = onlyResource(synthJson(stack), 'azurerm_storage_account');
    expect(r).toMatchObject({
      account_kind: 'StorageV2',
      account_tier: 'Standard',
      account_replication_type: 'LRS',
      https_traffic_only_enabled: true,
      min_tls_version: 'TLS1_2',
      allow_nested_items_to_be_public: false,
      shared_access_key_enabled: false,
      default_to_oauth_authentication: true,
      cross_tenant_replication_enabled: false,
      blob_properties: { delete_retention_policy: { days: 7 }, container_delete_retention_policy: { days: 7 } },
    });
    expect(r).not.toHaveProperty('sas_policy');
    expect(r.name).toMatch(/^st[a-z0-9]+$/);
    // The Terraform resource carries the construct's own address.
    expect(Object.keys(resourcesOf(synthJson(stack), 'azurerm_storage_account'))[0]).toMatch(/^sa$/);
    expect(suppressed(sa.resource)).toEqual(['CKV_AZURE_206', 'CKV_AZURE_33', 'CKV_AZURE_59']);
  });

  it('what Event Hubs Capture needs: shared keys on (with a SAS expiry policy), a private container; geo replication drops the LRS suppression', () => {
    const { stack, rg } = newStack();
    const sa = new StorageAccount(stack, 'capture', { resourceGroup: rg, sharedAccessKeyEnabled: true, replicationType: 'GRS', blobSoftDeleteDays: 14 });
    sa.addContainer(stack, 'capture-container', 'eventhub-capture');
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_storage_account')).toMatchObject({
      shared_access_key_enabled: true,
      account_replication_type: 'GRS',
      min_tls_version: 'TLS1_2',
      allow_nested_items_to_be_public: false,
      sas_policy: { expiration_period: '1.00:00:00', expiration_action: 'Log' },
      blob_properties: { delete_retention_policy: { days: 14 } },
    });
    expect(onlyResource(synth, 'azurerm_storage_container')).toMatchObject({ name: 'eventhub-capture', container_access_type: 'private' });
    expect(Object.keys(resourcesOf(synth, 'azurerm_storage_container'))).toEqual(['capture-container']);
    expect(suppressed(sa.resource)).not.toContain('CKV_AZURE_206');
  });

  it('grants return the role assignment, scoped to the account', () => {
    const { stack, rg } = newStack();
    const sa = new StorageAccount(stack, 'sa', { resourceGroup: rg });
    const owner = sa.grantBlobDataOwner(PRINCIPAL);
    const reader = sa.grantBlobDataReader(PRINCIPAL, { principalType: 'User' });
    const writer = sa.grantBlobDataContributor(PRINCIPAL, { id: 'uploader' });
    expect(owner.terraformResourceType).toBe('azurerm_role_assignment');
    expect(writer.node.id).toBe('uploader');
    const all = roles(synthJson(stack));
    expect(all.find((r) => r.role_definition_name === 'Storage Blob Data Owner').principal_id).toBe(PRINCIPAL);
    expect(all.map((r) => r.role_definition_name).sort()).toEqual(['Storage Blob Data Contributor', 'Storage Blob Data Owner', 'Storage Blob Data Reader']);
    for (const r of all) expect(r.scope).toBe('${azurerm_storage_account.sa.id}');
    expect(all.find((r) => r.role_definition_name === 'Storage Blob Data Reader').principal_type).toBe('User');
    expect(reader.node.scope).toBe(sa);
  });

  it('importer: name, resource group and endpoint from the id; grants on it; a malformed id is reported', () => {
    const { stack } = newStack();
    const sa = StorageAccount.fromStorageAccountAttributes(stack, 'shared', { storageAccountId: `${SUB}/Microsoft.Storage/storageAccounts/stshared` });
    expect(sa.storageAccountName).toBe('stshared');
    expect(sa.resourceGroupName).toBe('rg-shared');
    expect(sa.primaryBlobEndpoint).toBe('https://stshared.blob.core.windows.net/');
    sa.grantBlobDataReader(PRINCIPAL);
    expect(roles(synthJson(stack))[0].scope).toBe(`${SUB}/Microsoft.Storage/storageAccounts/stshared`);
    const bad = newStack();
    StorageAccount.fromStorageAccountAttributes(bad.stack, 'shared', { storageAccountId: 'stshared' });
    expect(validationErrors(bad.stack)).toEqual([
      "[test/shared] storageAccountId 'stshared' is not the resource id of a Microsoft.Storage/storageAccounts. Fix: pass '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>'.",
    ]);
  });

  it('validation: name, replication, soft delete days; a missing resourceGroup is an error naming the construct, not a TypeError', () => {
    const { stack, rg } = newStack();
    new StorageAccount(stack, 'sa', { resourceGroup: rg, name: 'Bad_Name', replicationType: 'XRS', blobSoftDeleteDays: 0 });
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(3);
    expect(errors.join('\n')).toContain("storage account name 'Bad_Name' is not valid");
    expect(errors.join('\n')).toContain("replicationType 'XRS' is not a storage replication. Fix:");
    expect(errors.join('\n')).toContain('blobSoftDeleteDays 0 is out of range');
    expect(() => new StorageAccount(newStack().stack, 'sa', {} as any)).toThrow('test/sa: StorageAccount needs resourceGroup. Fix: pass resourceGroup');
    expect(() => new StorageAccount(newStack().stack, 'sa', undefined as any)).toThrow('StorageAccount needs props');
  });
});

describe('KeyVault block', () => {
  it('defaults: standard, RBAC, purge protection, 90-day soft delete, network deny with the trusted-services bypass', () => {
    const { stack, rg } = newStack();
    new KeyVault(stack, 'kv', { resourceGroup: rg, tenantId: '00000000-0000-0000-0000-0000000000bb' });
    expect(onlyResource(synthJson(stack), 'azurerm_key_vault')).toMatchObject({
      sku_name: 'standard',
      rbac_authorization_enabled: true,
      purge_protection_enabled: true,
      soft_delete_retention_days: 90,
      network_acls: { default_action: 'Deny', bypass: 'AzureServices' },
    });
  });

  it('network: allowed ranges and subnets with Deny; Allow without rules keeps Azure default (no block)', () => {
    const { stack, rg } = newStack();
    new KeyVault(stack, 'kv', {
      resourceGroup: rg,
      tenantId: 't',
      allowedIpRanges: ['203.0.113.0/24'],
      allowedSubnetIds: [`${SUB}/Microsoft.Network/virtualNetworks/v/subnets/s`],
    });
    new KeyVault(stack, 'open', { resourceGroup: rg, tenantId: 't', networkDefaultAction: 'Allow' });
    const vaults = resourcesOf(synthJson(stack), 'azurerm_key_vault');
    expect(vaults.kv.network_acls).toEqual({
      default_action: 'Deny',
      bypass: 'AzureServices',
      ip_rules: ['203.0.113.0/24'],
      virtual_network_subnet_ids: [`${SUB}/Microsoft.Network/virtualNetworks/v/subnets/s`],
    });
    expect(vaults.open).not.toHaveProperty('network_acls');
  });

  it('grants: read and write on the vault, read on one secret; each returns its role assignment', () => {
    const { stack, rg } = newStack();
    const kv = new KeyVault(stack, 'kv', { resourceGroup: rg, tenantId: 't' });
    const secret = new VaultSecret(stack, 'secret', { keyVault: kv, name: 'x', value: kv.resource.id, expirationDate: '2027-06-30T00:00:00Z' });
    const granted = [kv.grantSecretsRead(PRINCIPAL), kv.grantSecretsWrite(PRINCIPAL), secret.grantRead(PRINCIPAL)];
    expect(granted.map((g) => g.terraformResourceType)).toEqual(Array(3).fill('azurerm_role_assignment'));
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_key_vault_secret')).toMatchObject({ content_type: 'text/plain', expiration_date: '2027-06-30T00:00:00Z' });
    expect(
      roles(synth)
        .map((r) => r.scope)
        .sort(),
    ).toEqual(['${azurerm_key_vault.kv.id}', '${azurerm_key_vault.kv.id}', '${azurerm_key_vault_secret.secret.resource_versionless_id}']);
  });

  it('validation: a literal secret value, a malformed expiry, soft delete days, network action; importer id', () => {
    const { stack, rg } = newStack();
    const kv = new KeyVault(stack, 'kv', { resourceGroup: rg, tenantId: 't', softDeleteRetentionDays: 100, networkDefaultAction: 'Block' });
    new VaultSecret(stack, 'secret', { keyVault: kv, name: 'x', value: 'hunter2', expirationDate: 'next year' });
    KeyVault.fromKeyVaultAttributes(stack, 'other', { keyVaultId: 'kv-other' });
    const errors = validationErrors(stack).join('\n');
    expect(errors).toContain('[test/kv] softDeleteRetentionDays 100 is out of range');
    expect(errors).toContain("[test/kv] networkDefaultAction 'Block' is not 'Allow' or 'Deny'. Fix:");
    expect(errors).toContain('[test/secret] value is a literal; it would be written into cdk.tf.json. Fix:');
    expect(errors).toContain("[test/secret] expirationDate 'next year' is not an RFC 3339 time. Fix:");
    expect(errors).toContain("[test/other] keyVaultId 'kv-other' is not the resource id of a Microsoft.KeyVault/vaults");
    const imported = KeyVault.fromKeyVaultAttributes(newStack().stack, 'kv', { keyVaultId: `${SUB}/Microsoft.KeyVault/vaults/kv-shared` });
    expect([imported.keyVaultName, imported.vaultUri, imported.resourceGroupName]).toEqual(['kv-shared', 'https://kv-shared.vault.azure.net/', 'rg-shared']);
    expect(() => new KeyVault(newStack().stack, 'kv', { resourceGroup: rg } as any)).toThrow('test/kv: KeyVault needs tenantId');
  });
});

describe('Monitoring blocks', () => {
  it('a workspace (PerGB2018, 30 days) and workspace-based Application Insights; an imported workspace plugs in', () => {
    const { stack, rg } = newStack();
    const la = new LogAnalyticsWorkspace(stack, 'logs', { resourceGroup: rg });
    new ApplicationInsights(stack, 'appi', { resourceGroup: rg, workspace: la });
    const shared = LogAnalyticsWorkspace.fromLogAnalyticsWorkspaceAttributes(stack, 'shared', { workspaceId: `${SUB}/Microsoft.OperationalInsights/workspaces/law` });
    new ApplicationInsights(stack, 'appi2', { resourceGroup: rg, workspace: shared, applicationType: 'java' });
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_log_analytics_workspace')).toMatchObject({ sku: 'PerGB2018', retention_in_days: 30 });
    const insights = resourcesOf(synth, 'azurerm_application_insights');
    expect(insights.appi).toMatchObject({ application_type: 'web', workspace_id: '${azurerm_log_analytics_workspace.logs.id}' });
    expect(insights.appi2).toMatchObject({ application_type: 'java', workspace_id: `${SUB}/Microsoft.OperationalInsights/workspaces/law` });
    expect(shared.workspaceName).toBe('law');
  });

  it('validation: name, retention, importer id', () => {
    const { stack, rg } = newStack();
    new LogAnalyticsWorkspace(stack, 'logs', { resourceGroup: rg, name: 'la', retentionInDays: 10 });
    LogAnalyticsWorkspace.fromLogAnalyticsWorkspaceAttributes(stack, 'shared', { workspaceId: 'law' });
    const errors = validationErrors(stack).join('\n');
    expect(errors).toContain("[test/logs] name: Log Analytics workspace name 'la' is not valid");
    expect(errors).toContain('[test/logs] retentionInDays 10 is out of range');
    expect(errors).toContain("[test/shared] workspaceId 'law' is not the resource id of a Microsoft.OperationalInsights/workspaces");
  });
});

describe('FunctionApp block (Flex Consumption)', () => {
  function app(extra = {}) {
    const ctx = newStack();
    const storage = new StorageAccount(ctx.stack, 'st', { resourceGroup: ctx.rg });
    const fn = new FunctionApp(ctx.stack, 'fn', { resourceGroup: ctx.rg, storageAccount: storage, deploymentContainerName: 'pkg', ...extra });
    return { ...ctx, storage, fn };
  }

  it('defaults: its own FC1 plan, Node 20, identity storage, HTTPS only, TLS 1.2, no basic auth, system identity', () => {
    const { stack, fn } = app();
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_service_plan')).toMatchObject({ os_type: 'Linux', sku_name: 'FC1' });
    const r = onlyResource(synth, 'azurerm_function_app_flex_consumption');
    expect(r).toMatchObject({
      runtime_name: 'node',
      runtime_version: '20',
      https_only: true,
      storage_authentication_type: 'SystemAssignedIdentity',
      storage_container_endpoint: '${azurerm_storage_account.st.primary_blob_endpoint}pkg',
      webdeploy_publish_basic_authentication_enabled: false,
      identity: { type: 'SystemAssigned' },
      site_config: { minimum_tls_version: '1.2', scm_minimum_tls_version: '1.2', remote_debugging_enabled: false },
      app_settings: { AZUREWEBJOBSSTORAGE: '', AzureWebJobsStorage__accountName: '${azurerm_storage_account.st.name}' },
    });
    expect(fn.plan).toBeDefined();
    expect(resolve(stack, fn.functionAppName)).toBe('${azurerm_function_app_flex_consumption.fn.name}');
    expect(resolve(stack, fn.principalId)).toBe('${azurerm_function_app_flex_consumption.fn.identity[0].principal_id}');
    expect(suppressed(fn.resource)).toEqual(['CKV_AZURE_221']);
  });

  // Why AZUREWEBJOBSSTORAGE and no ignore_changes: test/azure/function-app-storage.test.ts runs the
  // settings through a model of azurerm 4.55's create, read and update.
  it('azurerm 4.55: the empty host storage override is spelled AZUREWEBJOBSSTORAGE; no ignore_changes', () => {
    const { stack } = app();
    const r = onlyResource(synthJson(stack), 'azurerm_function_app_flex_consumption');
    expect(r.app_settings.AZUREWEBJOBSSTORAGE).toBe('');
    expect(r.app_settings).not.toHaveProperty('AzureWebJobsStorage');
    expect(r.lifecycle).toBeUndefined();
  });

  it('an existing plan: none created', () => {
    const ctx = newStack();
    const storage = new StorageAccount(ctx.stack, 'st', { resourceGroup: ctx.rg });
    const plan = new FlexConsumptionPlan(ctx.stack, 'shared-plan', { resourceGroup: ctx.rg });
    const fn = new FunctionApp(ctx.stack, 'fn', { resourceGroup: ctx.rg, storageAccount: storage, deploymentContainerName: 'pkg', servicePlanId: plan.servicePlanId });
    expect(fn.plan).toBeUndefined();
    expect(Object.keys(resourcesOf(synthJson(ctx.stack), 'azurerm_service_plan'))).toEqual(['shared-plan']);
  });

  it('validation: name, runtime, instances, memory, owned settings', () => {
    const { stack } = app({ name: '-x-', runtimeName: 'ruby', maximumInstanceCount: 0, instanceMemoryInMb: 1024, appSettings: { WEBSITE_RUN_FROM_PACKAGE: '1' } });
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(5);
    expect(errors.every((e) => e.startsWith('[test/fn] ') && e.includes('Fix:'))).toBe(true);
    expect(() => new FunctionApp(newStack().stack, 'fn', { resourceGroup: { name: 'rg', location: 'westeurope' } } as any)).toThrow(
      'test/fn: FunctionApp needs storageAccount, deploymentContainerName',
    );
  });

  it('importer: name, host name and resource group from the id; malformed id and host name reported', () => {
    const { stack } = newStack();
    const fn = FunctionApp.fromFunctionAppAttributes(stack, 'f', { functionAppId: `${SUB}/Microsoft.Web/sites/func-a`, principalId: PRINCIPAL });
    expect([fn.functionAppName, fn.defaultHostName, fn.resourceGroupName, fn.principalId]).toEqual(['func-a', 'func-a.azurewebsites.net', 'rg-shared', PRINCIPAL]);
    FunctionApp.fromFunctionAppAttributes(stack, 'g', { functionAppId: 'func-a', defaultHostName: 'https://func-a.azurewebsites.net' });
    const errors = validationErrors(stack).join('\n');
    expect(errors).toContain("[test/g] functionAppId 'func-a' is not the resource id of a Microsoft.Web/sites");
    expect(errors).toContain("[test/g] defaultHostName 'https://func-a.azurewebsites.net' is not a host name");
  });
});

describe('ApiManagement block', () => {
  it('defaults: Consumption, no old TLS or CBC ciphers, public (with reasoned suppressions); identities attached', () => {
    const { stack, rg } = newStack();
    const apim = new ApiManagement(stack, 'apim', { resourceGroup: rg, publisherName: 'C', publisherEmail: 'a@contoso.com', userAssignedIdentityIds: ['/id'] });
    const r = onlyResource(synthJson(stack), 'azurerm_api_management');
    expect(r).toMatchObject({ sku_name: 'Consumption_0', public_network_access_enabled: true, identity: { type: 'UserAssigned', identity_ids: ['/id'] } });
    expect(Object.values(r.security).every((v) => v === false)).toBe(true);
    expect(Object.keys(r.security)).toHaveLength(15);
    expect(apim.gatewayUrl).toBe(`https://${r.name}.azure-api.net`);
    expect(r.name).toMatch(/^apim-test-apim-[0-9a-f]{8}$/);
    expect(suppressed(apim.resource)).toEqual(['CKV_AZURE_107', 'CKV_AZURE_152', 'CKV_AZURE_174']);
  });

  it('addSubscription on a created or an imported service returns the subscription', () => {
    const { stack, rg } = newStack();
    const apim = new ApiManagement(stack, 'apim', { resourceGroup: rg, publisherName: 'C', publisherEmail: 'a@contoso.com', tier: ApiManagementTier.DEVELOPER });
    const shared = ApiManagement.fromApiManagementAttributes(stack, 'shared', { apiManagementId: `${SUB}/Microsoft.ApiManagement/service/apim-shared` });
    expect(shared.gatewayUrl).toBe('https://apim-shared.azure-api.net');
    const a = apim.addSubscription(stack, 'erp');
    const b = shared.addSubscription(stack, 'crm', { displayName: 'CRM', apiId: '/api' });
    expect(a.terraformResourceType).toBe('azurerm_api_management_subscription');
    const subs = resourcesOf(synthJson(stack), 'azurerm_api_management_subscription');
    expect(subs.erp).toMatchObject({ api_management_name: '${azurerm_api_management.apim.name}', state: 'active', allow_tracing: false });
    expect(subs.crm).toMatchObject({ api_management_name: 'apim-shared', resource_group_name: 'rg-shared', display_name: 'CRM', api_id: '/api' });
    expect(b).toBeDefined();
  });
});
