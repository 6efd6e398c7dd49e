// Compliant, non-compliant and not-applicable resources for the rules added for checkov coverage
// (src/policy/rules/checkov-coverage.ts). The attributes and blocks come from the azurerm 4.x
// schema as generated in @cdktf/provider-azurerm 14.23.1; what passes and fails follows checkov's
// check logic (bridgecrewio/checkov, checkov/terraform/checks/{resource,graph_checks}/azure).
import { KeyVault, KeyVaultConfig } from '@cdktf/provider-azurerm/lib/key-vault';
import { KeyVaultSecret, KeyVaultSecretConfig } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { LogAnalyticsStorageInsights } from '@cdktf/provider-azurerm/lib/log-analytics-storage-insights';
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { ServicePlan, ServicePlanConfig } from '@cdktf/provider-azurerm/lib/service-plan';
import { StorageAccount, StorageAccountConfig } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageAccountCustomerManagedKeyA as StorageAccountCustomerManagedKey } from '@cdktf/provider-azurerm/lib/storage-account-customer-managed-key';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Construct } from 'constructs';
import { DataverseEnvironment, PolicyLevel } from '../../../src';

export type Build = (scope: Construct, dataverse: DataverseEnvironment) => void;

export interface CoverageCase {
  readonly rule: string;
  readonly compliant: Build;
  readonly nonCompliant: Build;
  readonly level: PolicyLevel;
}

const rg = { resourceGroupName: 'rg-test', location: 'westeurope' };

export const account = (scope: Construct, config: Partial<StorageAccountConfig> = {}) =>
  new StorageAccount(scope, 'sa', { name: 'stpolicytest', accountTier: 'Standard', accountReplicationType: 'GZRS', ...rg, ...config });
const storage =
  (config: Partial<StorageAccountConfig>): Build =>
  (s) => {
    account(s, config);
  };
const vault =
  (config: Partial<KeyVaultConfig>): Build =>
  (s) => {
    new KeyVault(s, 'kv', { name: 'kv-policy-test', skuName: 'standard', tenantId: '00000000-0000-0000-0000-000000000000', ...rg, ...config });
  };
const secret =
  (config: Partial<KeyVaultSecretConfig>): Build =>
  (s) => {
    new KeyVaultSecret(s, 'secret', { name: 'webhook', keyVaultId: 'kv-id', value: 'not-a-real-secret', ...config });
  };
const plan =
  (config: Partial<ServicePlanConfig>): Build =>
  (s) => {
    new ServicePlan(s, 'plan', { name: 'plan-policy-test', osType: 'Linux', skuName: 'P1v3', ...rg, ...config });
  };
/** A private endpoint whose service connection targets `resourceId` (the way checkov sees a connection). */
export const privateEndpoint = (scope: Construct, resourceId: string, subresource: string) =>
  new PrivateEndpoint(scope, 'pe', {
    name: 'pe-policy-test',
    subnetId: 'subnet-id',
    ...rg,
    privateServiceConnection: { name: 'psc', isManualConnection: false, privateConnectionResourceId: resourceId, subresourceNames: [subresource] },
  });
/** A container in an account of the stack, optionally with storage insights naming blob containers. */
/** `access` null leaves container_access_type unset. */
export const containerWithInsights =
  (insights: boolean, access: string | null = 'private'): Build =>
  (s) => {
    const sa = account(s);
    new StorageContainer(s, 'container', { name: 'data', storageAccountId: sa.id, containerAccessType: access ?? undefined });
    if (insights) {
      new LogAnalyticsStorageInsights(s, 'insights', {
        name: 'insights',
        resourceGroupName: 'rg-test',
        workspaceId: 'workspace-id',
        storageAccountId: sa.id,
        storageAccountKey: sa.primaryAccessKey,
        blobContainerNames: ['data'],
      });
    }
  };

export const COVERAGE_CASES: CoverageCase[] = [
  {
    rule: 'CKV2_AZURE_1',
    compliant: (s) => {
      const sa = account(s, { identity: { type: 'SystemAssigned' } });
      new StorageAccountCustomerManagedKey(s, 'cmk', { storageAccountId: sa.id, keyVaultId: 'kv-id', keyName: 'storage' });
    },
    nonCompliant: storage({}),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'CKV2_AZURE_21',
    compliant: containerWithInsights(true),
    nonCompliant: containerWithInsights(false),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'CKV2_AZURE_32',
    compliant: (s) => {
      const kv = new KeyVault(s, 'kv', { name: 'kv-policy-test', skuName: 'standard', tenantId: 't', ...rg });
      privateEndpoint(s, kv.id, 'vault');
    },
    nonCompliant: vault({}),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'CKV2_AZURE_33',
    compliant: (s) => {
      privateEndpoint(s, account(s).id, 'blob');
    },
    nonCompliant: storage({}),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'CKV2_AZURE_38',
    compliant: storage({ blobProperties: { deleteRetentionPolicy: { days: 7 } } }),
    nonCompliant: storage({ blobProperties: { versioningEnabled: true } }),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'CKV2_AZURE_41',
    compliant: storage({ sharedAccessKeyEnabled: true, sasPolicy: { expirationPeriod: '1.00:00:00' } }),
    nonCompliant: storage({ sharedAccessKeyEnabled: true }),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'CKV_AZURE_41',
    compliant: secret({ expirationDate: '2027-06-30T00:00:00Z' }),
    nonCompliant: secret({}),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'CKV_AZURE_109',
    compliant: vault({ networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' } }),
    nonCompliant: vault({ networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' } }),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'CKV_AZURE_189',
    compliant: vault({ publicNetworkAccessEnabled: false }),
    nonCompliant: vault({ publicNetworkAccessEnabled: true, networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' } }),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'CKV_AZURE_212',
    compliant: plan({ workerCount: 3 }),
    nonCompliant: plan({ workerCount: 1 }),
    level: PolicyLevel.WARNING,
  },
  {
    rule: 'CKV_AZURE_225',
    compliant: plan({ zoneBalancingEnabled: true, workerCount: 3 }),
    nonCompliant: plan({ zoneBalancingEnabled: false }),
    level: PolicyLevel.WARNING,
  },
];

export { rg, storage, vault, secret, plan };
