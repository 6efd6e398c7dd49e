import * as fs from 'fs';
import * as path from 'path';
import { ApiManagement, ApiManagementConfig } from '@cdktf/provider-azurerm/lib/api-management';
import { ApiManagementBackend } from '@cdktf/provider-azurerm/lib/api-management-backend';
import { EventhubNamespace, EventhubNamespaceConfig } from '@cdktf/provider-azurerm/lib/eventhub-namespace';
import { LinuxFunctionApp, LinuxFunctionAppConfig } from '@cdktf/provider-azurerm/lib/linux-function-app';
import { RelayHybridConnection } from '@cdktf/provider-azurerm/lib/relay-hybrid-connection';
import { RelayHybridConnectionAuthorizationRule } from '@cdktf/provider-azurerm/lib/relay-hybrid-connection-authorization-rule';
import { ServicebusNamespace, ServicebusNamespaceConfig } from '@cdktf/provider-azurerm/lib/servicebus-namespace';
import { ServicebusNamespaceAuthorizationRule } from '@cdktf/provider-azurerm/lib/servicebus-namespace-authorization-rule';
import { ServicebusQueue } from '@cdktf/provider-azurerm/lib/servicebus-queue';
import { ServicebusQueueAuthorizationRule } from '@cdktf/provider-azurerm/lib/servicebus-queue-authorization-rule';
import { StorageAccount, StorageAccountConfig } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageAccountNetworkRulesA as StorageAccountNetworkRules } from '@cdktf/provider-azurerm/lib/storage-account-network-rules';
import { StorageAccountQueuePropertiesA as StorageAccountQueueProperties } from '@cdktf/provider-azurerm/lib/storage-account-queue-properties';
import { TerraformOutput, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  DataversePolicyChecks,
  DataverseEnvironment,
  PolicyLevel,
  ProcessingStep,
  ServiceEndpoint,
  ServiceEndpointAuthType,
  ServiceEndpointContract,
  StepMode,
  StepStage,
} from '../../src';
import { newStack } from '../helpers';
import { COVERAGE_CASES } from './checkov/cases';

type Build = (scope: Construct, dataverse: DataverseEnvironment) => void;

/** Synthesizes `build` in a fresh stack and returns what the report says about one rule. */
function evaluate(ruleId: string, build: Build) {
  const { stack, dataverse } = newStack({ diagram: false });
  build(new Construct(stack, 'subject'), dataverse);
  Testing.synth(stack);
  const report = DataversePolicyChecks.reportOf(stack);
  const rule = report.rules.find((r) => r.id === ruleId)!;
  expect(rule, `rule ${ruleId} exists`).toBeDefined();
  return { rule, findings: report.findings.filter((f) => f.ruleId === ruleId && f.path.startsWith('test/subject')) };
}

const rg = { resourceGroupName: 'rg-test', location: 'westeurope' };
const serviceBus =
  (config: Partial<ServicebusNamespaceConfig>): Build =>
  (s) =>
    new ServicebusNamespace(s, 'ns', { name: 'sb-policy-test', sku: 'Standard', ...rg, ...config });
const eventHubs =
  (config: Partial<EventhubNamespaceConfig>): Build =>
  (s) =>
    new EventhubNamespace(s, 'ns', { name: 'eh-policy-test', sku: 'Standard', ...rg, ...config });
const functionApp =
  (config: Partial<LinuxFunctionAppConfig>): Build =>
  (s) =>
    new LinuxFunctionApp(s, 'app', { name: 'func-policy-test', servicePlanId: 'plan-id', siteConfig: {}, ...rg, ...config });
const storage =
  (config: Partial<StorageAccountConfig>): Build =>
  (s) =>
    new StorageAccount(s, 'sa', { name: 'stpolicytest', accountTier: 'Standard', accountReplicationType: 'GZRS', ...rg, ...config });
const apim =
  (config: Partial<ApiManagementConfig>): Build =>
  (s) =>
    new ApiManagement(s, 'apim', { name: 'apim-policy-test', publisherEmail: 'a@b.c', publisherName: 'Contoso', skuName: 'Developer_1', ...rg, ...config });

const secureStorage: Partial<StorageAccountConfig> = {
  httpsTrafficOnlyEnabled: true,
  minTlsVersion: 'TLS1_2',
  allowNestedItemsToBePublic: false,
  publicNetworkAccessEnabled: false,
  sharedAccessKeyEnabled: false,
};

interface Case {
  readonly rule: string;
  readonly compliant: Build;
  readonly nonCompliant: Build;
  /** Level of the non-compliant case's finding. */
  readonly level: PolicyLevel;
}

const CASES: Case[] = [
  // Service Bus
  {
    rule: 'CKV_AZURE_199',
    compliant: serviceBus({ sku: 'Premium', capacity: 1, customerManagedKey: { keyVaultKeyId: 'kid', identityId: 'iid', infrastructureEncryptionEnabled: true } }),
    nonCompliant: serviceBus({ sku: 'Premium', capacity: 1, customerManagedKey: { keyVaultKeyId: 'kid', identityId: 'iid' } }),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'CKV_AZURE_201',
    compliant: serviceBus({ sku: 'Premium', capacity: 1, customerManagedKey: { keyVaultKeyId: 'kid', identityId: 'iid' } }),
    nonCompliant: serviceBus({}),
    level: PolicyLevel.WARNING,
  },
  { rule: 'CKV_AZURE_202', compliant: serviceBus({ identity: { type: 'SystemAssigned' } }), nonCompliant: serviceBus({}), level: PolicyLevel.WARNING },
  { rule: 'CKV_AZURE_203', compliant: serviceBus({ localAuthEnabled: false }), nonCompliant: serviceBus({ localAuthEnabled: true }), level: PolicyLevel.WARNING },
  { rule: 'CKV_AZURE_204', compliant: serviceBus({ publicNetworkAccessEnabled: false }), nonCompliant: serviceBus({}), level: PolicyLevel.WARNING },
  { rule: 'CKV_AZURE_205', compliant: serviceBus({ minimumTlsVersion: '1.2' }), nonCompliant: serviceBus({ minimumTlsVersion: '1.0' }), level: PolicyLevel.ERROR },
  // Event Hubs
  { rule: 'CKV_AZURE_223', compliant: eventHubs({ minimumTlsVersion: '1.2' }), nonCompliant: eventHubs({ minimumTlsVersion: '1.1' }), level: PolicyLevel.ERROR },
  {
    rule: 'DV_EVENTHUB_LOCAL_AUTH',
    compliant: eventHubs({ localAuthenticationEnabled: false }),
    nonCompliant: eventHubs({ localAuthenticationEnabled: true }),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'DV_EVENTHUB_PUBLIC_ACCESS',
    compliant: eventHubs({ publicNetworkAccessEnabled: false }),
    nonCompliant: eventHubs({ publicNetworkAccessEnabled: true }),
    level: PolicyLevel.WARNING,
  },
  // Function App
  { rule: 'CKV_AZURE_70', compliant: functionApp({ httpsOnly: true }), nonCompliant: functionApp({ httpsOnly: false }), level: PolicyLevel.ERROR },
  {
    rule: 'CKV_AZURE_72',
    compliant: functionApp({ siteConfig: { remoteDebuggingEnabled: false } }),
    nonCompliant: functionApp({ siteConfig: { remoteDebuggingEnabled: true } }),
    level: PolicyLevel.ERROR,
  },
  {
    rule: 'CKV_AZURE_145',
    compliant: functionApp({ siteConfig: { minimumTlsVersion: '1.2' } }),
    nonCompliant: functionApp({ siteConfig: { minimumTlsVersion: '1.1' } }),
    level: PolicyLevel.ERROR,
  },
  { rule: 'CKV_AZURE_221', compliant: functionApp({ publicNetworkAccessEnabled: false }), nonCompliant: functionApp({}), level: PolicyLevel.WARNING },
  {
    rule: 'DV_FUNCTION_FTPS',
    compliant: functionApp({ siteConfig: { ftpsState: 'Disabled' } }),
    nonCompliant: functionApp({ siteConfig: { ftpsState: 'AllAllowed' } }),
    level: PolicyLevel.ERROR,
  },
  // Storage
  { rule: 'CKV_AZURE_3', compliant: storage({ httpsTrafficOnlyEnabled: true }), nonCompliant: storage({ httpsTrafficOnlyEnabled: false }), level: PolicyLevel.ERROR },
  {
    rule: 'CKV_AZURE_33',
    compliant: storage({ queueProperties: { logging: { delete: true, read: true, write: true, version: '1.0' } } }),
    nonCompliant: storage({ queueProperties: { logging: { delete: true, read: false, write: true, version: '1.0' } } }),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'CKV_AZURE_35',
    compliant: storage({ networkRules: { defaultAction: 'Deny' } }),
    nonCompliant: storage({ networkRules: { defaultAction: 'Allow' } }),
    level: PolicyLevel.WARNING,
  },
  { rule: 'CKV_AZURE_44', compliant: storage({ minTlsVersion: 'TLS1_2' }), nonCompliant: storage({ minTlsVersion: 'TLS1_0' }), level: PolicyLevel.ERROR },
  { rule: 'CKV_AZURE_59', compliant: storage({ publicNetworkAccessEnabled: false }), nonCompliant: storage({ publicNetworkAccessEnabled: true }), level: PolicyLevel.WARNING },
  {
    rule: 'CKV_AZURE_190',
    compliant: storage({ allowNestedItemsToBePublic: false }),
    nonCompliant: storage({ allowNestedItemsToBePublic: true }),
    level: PolicyLevel.ERROR,
  },
  { rule: 'CKV_AZURE_206', compliant: storage({ accountReplicationType: 'RAGZRS' }), nonCompliant: storage({ accountReplicationType: 'LRS' }), level: PolicyLevel.WARNING },
  { rule: 'CKV2_AZURE_40', compliant: storage({ sharedAccessKeyEnabled: false }), nonCompliant: storage({ sharedAccessKeyEnabled: true }), level: PolicyLevel.WARNING },
  // API Management
  {
    rule: 'CKV_AZURE_107',
    compliant: apim({ virtualNetworkType: 'External', virtualNetworkConfiguration: { subnetId: 'subnet-id' } }),
    nonCompliant: apim({}),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'CKV_AZURE_152',
    compliant: apim({ skuName: 'Consumption_0', clientCertificateEnabled: true }),
    nonCompliant: apim({ skuName: 'Consumption_0' }),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'CKV_AZURE_173',
    compliant: apim({ security: { frontendTls10Enabled: false, backendTls11Enabled: false } }),
    nonCompliant: apim({ security: { frontendTls11Enabled: true } }),
    level: PolicyLevel.ERROR,
  },
  { rule: 'CKV_AZURE_174', compliant: apim({ publicNetworkAccessEnabled: false }), nonCompliant: apim({ publicNetworkAccessEnabled: true }), level: PolicyLevel.WARNING },
  {
    rule: 'CKV_AZURE_215',
    compliant: (s) =>
      new ApiManagementBackend(s, 'backend', { name: 'b', apiManagementName: 'apim', resourceGroupName: 'rg', protocol: 'http', url: 'https://func.azurewebsites.net/api' }),
    nonCompliant: (s) =>
      new ApiManagementBackend(s, 'backend', { name: 'b', apiManagementName: 'apim', resourceGroupName: 'rg', protocol: 'http', url: 'http://func.azurewebsites.net/api' }),
    level: PolicyLevel.ERROR,
  },
  // Relay
  {
    rule: 'DV_RELAY_CLIENT_AUTH',
    compliant: (s) => new RelayHybridConnection(s, 'hc', { name: 'hc', relayNamespaceName: 'relay', resourceGroupName: 'rg', requiresClientAuthorization: true }),
    nonCompliant: (s) => new RelayHybridConnection(s, 'hc', { name: 'hc', relayNamespaceName: 'relay', resourceGroupName: 'rg', requiresClientAuthorization: false }),
    level: PolicyLevel.ERROR,
  },
  {
    rule: 'DV_RELAY_KEY_SEPARATION',
    compliant: (s) => new RelayHybridConnectionAuthorizationRule(s, 'rule', { name: 'r', hybridConnectionName: 'hc', namespaceName: 'relay', resourceGroupName: 'rg', send: true }),
    nonCompliant: (s) =>
      new RelayHybridConnectionAuthorizationRule(s, 'rule', { name: 'r', hybridConnectionName: 'hc', namespaceName: 'relay', resourceGroupName: 'rg', send: true, listen: true }),
    level: PolicyLevel.WARNING,
  },
  // Library rules
  {
    rule: 'DV_MANAGE_KEY',
    compliant: (s) => new ServicebusQueueAuthorizationRule(s, 'rule', { name: 'r', queueId: 'qid', send: true }),
    nonCompliant: (s) => new ServicebusQueueAuthorizationRule(s, 'rule', { name: 'r', queueId: 'qid', send: true, listen: true, manage: true }),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'DV_SENSITIVE_OUTPUT',
    compliant: (s) => {
      const rule = new ServicebusQueueAuthorizationRule(s, 'rule', { name: 'r', queueId: 'qid', send: true });
      new TerraformOutput(s, 'key', { value: rule.primaryKey, sensitive: true });
    },
    nonCompliant: (s) => {
      const rule = new ServicebusQueueAuthorizationRule(s, 'rule', { name: 'r', queueId: 'qid', send: true });
      new TerraformOutput(s, 'key', { value: rule.primaryConnectionString });
    },
    level: PolicyLevel.ERROR,
  },
  {
    rule: 'DV_ENDPOINT_KEY_SCOPE',
    compliant: (s, dataverse) => {
      const queue = new ServicebusQueue(s, 'queue', { name: 'orders', namespaceId: 'nsid' });
      const rule = new ServicebusQueueAuthorizationRule(s, 'rule', { name: 'send', queueId: queue.id, send: true, listen: false, manage: false });
      endpoint(s, dataverse, 'send', rule.primaryKey);
    },
    nonCompliant: (s, dataverse) => {
      const rule = new ServicebusNamespaceAuthorizationRule(s, 'rule', { name: 'all', namespaceId: 'nsid', send: true });
      endpoint(s, dataverse, 'all', rule.primaryKey);
    },
    level: PolicyLevel.ERROR,
  },
  {
    rule: 'DV_ASYNC_ONLY',
    compliant: (s, dataverse) => {
      const e = endpoint(s, dataverse, 'send', new TerraformVariable(s, 'key', { type: 'string', sensitive: true }).stringValue, ServiceEndpointContract.ONE_WAY);
      new ProcessingStep(s, 'step', { endpoint: e, table: 'account', message: 'Create' });
    },
    nonCompliant: (s, dataverse) => {
      const e = endpoint(s, dataverse, 'send', new TerraformVariable(s, 'key', { type: 'string', sensitive: true }).stringValue, ServiceEndpointContract.ONE_WAY);
      new ProcessingStep(s, 'step', { endpoint: e, table: 'account', message: 'Create', mode: StepMode.SYNCHRONOUS, stage: StepStage.PRE_OPERATION });
    },
    level: PolicyLevel.ERROR,
  },
];

function endpoint(scope: Construct, environment: DataverseEnvironment, sasKeyName: string, sasKey: string, contract = ServiceEndpointContract.QUEUE): ServiceEndpoint {
  return new ServiceEndpoint(scope, 'endpoint', {
    environment,
    name: 'orders',
    contract,
    authType: ServiceEndpointAuthType.SAS_KEY,
    solutionNamespace: 'sb-orders',
    namespaceAddress: 'sb://sb-orders.servicebus.windows.net/',
    path: 'orders',
    sasKeyName,
    sasKey,
  });
}

describe('rule pack', () => {
  it('has a compliant and a non-compliant case for every rule', () => {
    // The checkov-coverage rules have their cases in test/policy/checkov/cases.ts.
    expect([...CASES, ...COVERAGE_CASES].map((c) => c.rule).sort()).toEqual(DataversePolicyChecks.rules().map((r) => r.id));
  });

  it('lists rules with checkov ids where checkov has the check, and the library ids otherwise', () => {
    const ids = DataversePolicyChecks.rules().map((r) => r.id);
    for (const id of ['CKV_AZURE_199', 'CKV_AZURE_201', 'CKV_AZURE_202', 'CKV_AZURE_203', 'CKV_AZURE_204', 'CKV_AZURE_205', 'CKV_AZURE_223']) {
      expect(ids).toContain(id);
    }
    for (const id of ['CKV_AZURE_70', 'CKV_AZURE_72', 'CKV_AZURE_145', 'CKV_AZURE_221', 'CKV_AZURE_3', 'CKV_AZURE_33', 'CKV_AZURE_35']) expect(ids).toContain(id);
    for (const id of ['CKV_AZURE_44', 'CKV_AZURE_59', 'CKV_AZURE_190', 'CKV_AZURE_206', 'CKV2_AZURE_40', 'CKV_AZURE_107', 'CKV_AZURE_152']) expect(ids).toContain(id);
    for (const id of ['CKV_AZURE_173', 'CKV_AZURE_174', 'CKV_AZURE_215']) expect(ids).toContain(id);
    expect(ids.filter((id) => !id.startsWith('CKV')).every((id) => id.startsWith('DV_'))).toBe(true);
  });

  it('the README documents every rule with its level', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    for (const rule of DataversePolicyChecks.rules()) {
      expect(readme, rule.id).toMatch(new RegExp(`\\| \`${rule.id}\` \\| ${rule.level}`));
    }
  });

  describe.each(CASES)('$rule', (c) => {
    it('passes the compliant resource', () => {
      const { rule, findings } = evaluate(c.rule, c.compliant);
      expect(rule.evaluated).toBeGreaterThanOrEqual(1);
      expect(rule.nonCompliant).toBe(0);
      expect(findings).toEqual([]);
    });

    it('flags the non-compliant resource', () => {
      const { rule, findings } = evaluate(c.rule, c.nonCompliant);
      expect(rule.nonCompliant).toBeGreaterThanOrEqual(1);
      expect(findings.length).toBeGreaterThanOrEqual(1);
      expect(findings[0]).toMatchObject({ level: c.level });
      expect(findings[0].detail.length).toBeGreaterThan(5);
      expect(findings[0].fix.length).toBeGreaterThan(5);
    });
  });
});

describe('rule details', () => {
  it('reports a missing attribute whose provider default is secure as a warning, an insecure value as an error', () => {
    const missing = evaluate('CKV_AZURE_205', serviceBus({}));
    expect(missing.findings[0]).toMatchObject({ level: PolicyLevel.WARNING, detail: 'minimum_tls_version is not set' });
    const explicit = evaluate('CKV_AZURE_205', serviceBus({ minimumTlsVersion: '1.1' }));
    expect(explicit.findings[0]).toMatchObject({ level: PolicyLevel.ERROR, detail: "minimum_tls_version is '1.1'" });
    expect(evaluate('CKV_AZURE_70', functionApp({})).findings[0].level).toBe(PolicyLevel.WARNING);
    expect(evaluate('DV_FUNCTION_FTPS', functionApp({})).findings[0].level).toBe(PolicyLevel.WARNING);
  });

  it('CKV_AZURE_223 and CKV_AZURE_145 pass when TLS is not set (checkov: missing passes)', () => {
    expect(evaluate('CKV_AZURE_223', eventHubs({})).rule).toMatchObject({ evaluated: 1, compliant: 1 });
    expect(evaluate('CKV_AZURE_145', functionApp({})).rule).toMatchObject({ evaluated: 1, compliant: 1 });
  });

  it('CKV_AZURE_70 fails when auth_settings_v2 does not require HTTPS', () => {
    const build = functionApp({ httpsOnly: true, authSettingsV2: { requireHttps: false, login: {} } });
    expect(evaluate('CKV_AZURE_70', build).findings[0].detail).toContain('require_https');
  });

  it('CKV_AZURE_33 and CKV_AZURE_35 accept the separate queue-properties and network-rules resources', () => {
    const separate: Build = (s) => {
      const account = new StorageAccount(s, 'sa', { name: 'stpolicytest', accountTier: 'Standard', accountReplicationType: 'GZRS', ...rg, ...secureStorage });
      new StorageAccountQueueProperties(s, 'queues', { storageAccountId: account.id, logging: { delete: true, read: true, write: true, version: '1.0' } });
      new StorageAccountNetworkRules(s, 'network', { storageAccountId: account.id, defaultAction: 'Deny' });
    };
    expect(evaluate('CKV_AZURE_33', separate).rule).toMatchObject({ nonCompliant: 0, compliant: 1 });
    expect(evaluate('CKV_AZURE_35', separate).rule).toMatchObject({ nonCompliant: 0, compliant: 2 });
    expect(evaluate('CKV_AZURE_33', storage({ accountKind: 'BlockBlobStorage' })).rule.evaluated).toBe(0);
  });

  it('CKV_AZURE_152 does not apply outside the Consumption tier', () => {
    expect(evaluate('CKV_AZURE_152', apim({})).rule.evaluated).toBe(0);
  });

  it('DV_ENDPOINT_KEY_SCOPE flags the namespace root key, a RootManageSharedAccessKey name and a rule that also listens', () => {
    const root = evaluate('DV_ENDPOINT_KEY_SCOPE', (s, d) => {
      const ns = new ServicebusNamespace(s, 'ns', { name: 'sb-orders', sku: 'Standard', ...rg });
      endpoint(s, d, 'dataverse', ns.defaultPrimaryKey);
    });
    expect(root.findings[0].detail).toContain('namespace root key');
    const named = evaluate('DV_ENDPOINT_KEY_SCOPE', (s, d) => {
      endpoint(s, d, 'RootManageSharedAccessKey', new ServicebusQueueAuthorizationRule(s, 'rule', { name: 'x', queueId: 'q', send: true }).primaryKey);
    });
    expect(named.findings[0].detail).toContain('RootManageSharedAccessKey');
    const listens = evaluate('DV_ENDPOINT_KEY_SCOPE', (s, d) => {
      endpoint(s, d, 'both', new ServicebusQueueAuthorizationRule(s, 'rule', { name: 'both', queueId: 'q', send: true, listen: true }).primaryKey);
    });
    expect(listens.findings[0].detail).toContain('also grants listen');
  });

  it('DV_SENSITIVE_OUTPUT ignores outputs without a secret', () => {
    const plain = evaluate('DV_SENSITIVE_OUTPUT', (s) => {
      const ns = new ServicebusNamespace(s, 'ns', { name: 'sb-orders', sku: 'Standard', ...rg });
      new TerraformOutput(s, 'id', { value: ns.id });
    });
    expect(plain.rule.evaluated).toBe(0);
  });

  it('rules skip attributes that are Terraform expressions', () => {
    const build: Build = (s) => {
      const other = new ServicebusNamespace(s, 'other', { name: 'sb-other', sku: 'Standard', ...rg, minimumTlsVersion: '1.2' });
      new ServicebusNamespace(s, 'ns', { name: 'sb-orders', sku: 'Standard', ...rg, minimumTlsVersion: other.minimumTlsVersion });
    };
    expect(evaluate('CKV_AZURE_205', build).rule).toMatchObject({ evaluated: 1, compliant: 1, nonCompliant: 0 });
  });
});
