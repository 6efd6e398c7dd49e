import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { ConsumerFunctionApp, ConsumerFunctionAppProps, DataversePolicyChecks, LogAnalyticsWorkspace, OutboundQueueIntegration } from '../../src';
import { newStack, oneError, onlyResource, resourcesOf, synthJson, tempDir, validationErrors } from '../helpers';
import { CODE, queueIntegration } from '../patterns/consumer-fixtures';

// The ConsumerFunctionApp block: the Flex app that function consumers run in (its composition is
// WebhookFunction's, see test/patterns/webhook-function.test.ts for the shared defaults).

function build(extra: Partial<ConsumerFunctionAppProps> = {}) {
  const env = newStack();
  const app = new ConsumerFunctionApp(env.stack, 'consumers', { resourceGroup: env.rg, code: CODE, ...extra });
  return { ...env, app };
}

const roleNames = (synth: any) =>
  Object.values<any>(resourcesOf(synth, 'azurerm_role_assignment'))
    .map((r) => r.role_definition_name)
    .sort();

describe('ConsumerFunctionApp: default settings', () => {
  it('accepts no traffic from the internet (its triggers pull), so CKV_AZURE_221 holds without a suppression', () => {
    const { stack, app } = build();
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_function_app_flex_consumption').public_network_access_enabled).toBe(false);
    const rule = DataversePolicyChecks.reportOf(stack).rules.find((r) => r.id === 'CKV_AZURE_221')!;
    expect(rule).toMatchObject({ evaluated: 1, compliant: 1, nonCompliant: 0, suppressed: 0 });
    expect(app.functionApp.resource.publicNetworkAccessEnabledInput).toBe(false);
  });

  it('Flex Consumption (FC1, Linux), Node 20, 2048 MB, up to 100 instances, system identity, HTTPS only, TLS 1.2', () => {
    const synth = synthJson(build().stack);
    expect(onlyResource(synth, 'azurerm_service_plan')).toMatchObject({ os_type: 'Linux', sku_name: 'FC1' });
    expect(onlyResource(synth, 'azurerm_function_app_flex_consumption')).toMatchObject({
      runtime_name: 'node',
      runtime_version: '20',
      instance_memory_in_mb: 2048,
      maximum_instance_count: 100,
      identity: { type: 'SystemAssigned' },
      https_only: true,
      webdeploy_publish_basic_authentication_enabled: false,
      site_config: { minimum_tls_version: '1.2', scm_minimum_tls_version: '1.2', remote_debugging_enabled: false },
    });
  });

  it('storage with shared keys off, reached with the identity; the deployer uploads the package with Entra ID', () => {
    const synth = synthJson(build().stack);
    expect(onlyResource(synth, 'azurerm_storage_account').shared_access_key_enabled).toBe(false);
    expect(roleNames(synth)).toEqual(['Storage Blob Data Contributor', 'Storage Blob Data Owner']);
    expect(onlyResource(synth, 'azurerm_storage_container').name).toBe('app-package');
    expect(synth.provider.azurerm[0].storage_use_azuread).toBe(true);
  });

  it('grantDeployerAccess: false leaves the deployer role to you', () => {
    expect(roleNames(synthJson(build({ grantDeployerAccess: false }).stack))).toEqual(['Storage Blob Data Owner']);
  });

  it('Application Insights on a created workspace, or on an existing one', () => {
    const created = synthJson(build().stack);
    expect(Object.keys(resourcesOf(created, 'azurerm_log_analytics_workspace'))).toHaveLength(1);
    expect(onlyResource(created, 'azurerm_application_insights').application_type).toBe('Node.JS');
    const env = newStack();
    const existing = LogAnalyticsWorkspace.fromLogAnalyticsWorkspaceAttributes(env.stack, 'logs', {
      workspaceId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/log-shared',
    });
    new ConsumerFunctionApp(env.stack, 'consumers', { resourceGroup: env.rg, code: CODE, existingLogAnalyticsWorkspace: existing });
    const synth = synthJson(env.stack);
    expect(resourcesOf(synth, 'azurerm_log_analytics_workspace')).toEqual({});
    expect(onlyResource(synth, 'azurerm_application_insights').workspace_id).toBe(existing.workspaceId);
  });

  it('DATAVERSE_CONSUMER_PACKAGE_HASH changes with the code, so a new package restarts the app', () => {
    const hash = (code: string) => {
      const { stack } = build({ code });
      return onlyResource(synthJson(stack), 'azurerm_function_app_flex_consumption').app_settings.DATAVERSE_CONSUMER_PACKAGE_HASH;
    };
    const copy = tempDir('consumer-code-');
    fs.cpSync(CODE, copy, { recursive: true });
    const before = hash(copy);
    expect(before).toBe(hash(CODE));
    fs.writeFileSync(path.join(copy, 'src', 'index.js'), '// changed\n', { flag: 'a' });
    expect(hash(copy)).not.toBe(before);
  });

  it('names from the construct path, with nameSeed mixed in; tags on every resource', () => {
    const a = synthJson(build({ nameSeed: 'https://contoso.crm4.dynamics.com', tags: { owner: 'integration' } }).stack);
    const b = synthJson(build({ nameSeed: 'https://fabrikam.crm4.dynamics.com' }).stack);
    const app = (s: any) => onlyResource(s, 'azurerm_function_app_flex_consumption');
    expect(app(a).name).toMatch(/^func-test-consumers-[0-9a-f]{8}$/);
    expect(app(a).name).not.toBe(app(b).name);
    for (const type of [
      'azurerm_function_app_flex_consumption',
      'azurerm_service_plan',
      'azurerm_storage_account',
      'azurerm_application_insights',
      'azurerm_log_analytics_workspace',
    ]) {
      expect(onlyResource(a, type).tags, type).toEqual({ owner: 'integration' });
    }
  });

  it("an integration's consumer app takes the integration's tags", () => {
    const env = newStack();
    const orders = new OutboundQueueIntegration(env.stack, 'orders', {
      dataverse: env.dataverse,
      resourceGroup: env.rg,
      steps: [{ table: 'account', message: 'Create' }],
      tags: { cost: 'crm' },
    });
    orders.addFunctionConsumer('orders-fn', { code: CODE });
    expect(onlyResource(synthJson(env.stack), 'azurerm_function_app_flex_consumption').tags).toEqual({ cost: 'crm' });
  });
});

describe('ConsumerFunctionApp: validation', () => {
  it('existingLogAnalyticsWorkspace with logAnalyticsWorkspace', () => {
    const { stack } = build({ existingLogAnalyticsWorkspace: { workspaceId: '/x', workspaceName: 'log' }, logAnalyticsWorkspace: { retentionInDays: 60 } });
    oneError(validationErrors(stack), 'conflicting props: existingLogAnalyticsWorkspace with logAnalyticsWorkspace');
  });

  it('the FunctionApp checks run on the options (runtime, memory, reserved settings)', () => {
    const { stack } = build({ appOptions: { runtimeName: 'ruby', instanceMemoryInMb: 1024, appSettings: { AzureWebJobsStorage: 'x' } } });
    const errors = validationErrors(stack);
    oneError(errors, "runtimeName 'ruby' is not a Flex Consumption runtime");
    oneError(errors, 'instanceMemoryInMb');
    oneError(errors, "appSettings: 'AzureWebJobsStorage' is set by the construct or the Flex Consumption platform");
  });

  it('an app with no consumers synthesizes (connections can be added later)', () => {
    const { stack, app } = build();
    expect(app.connectionNames).toEqual([]);
    expect(validationErrors(stack)).toEqual([]);
  });

  it('a consumer on the app from a queue integration of the same stack', () => {
    const env = newStack();
    const { orders } = queueIntegration(env);
    const app = new ConsumerFunctionApp(env.stack, 'consumers', { resourceGroup: env.rg, code: CODE });
    orders.addFunctionConsumer('orders-fn', { functionApp: app });
    expect(app.connectionNames).toEqual(['ORDERS_FN']);
    expect(validationErrors(env.stack)).toEqual([]);
  });
});
