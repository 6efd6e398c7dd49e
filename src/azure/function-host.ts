// How a Flex Consumption app is built from a code folder: monitoring, the storage it runs from (with
// the package blob), the plan, the app, and its storage role. Shared by WebhookFunction,
// ConsumerFunctionApp and ChangeTrackingExport (not exported from src/index.ts). Two steps, because WebhookFunction creates
// its Key Vault between them (the app's settings reference the secret): the construct ids and their
// order are those WebhookFunction had before the helper existed, so its Terraform output is unchanged.
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { StorageBlob } from '@cdktf/provider-azurerm/lib/storage-blob';
import { Construct } from 'constructs';
import { FlexConsumptionPlan, FunctionApp, FunctionAppOptions } from './function-app';
import { checkCodeFolder, deployFunctionPackage, useEntraIdForStorage } from './function-package';
import { grantRole } from './grants';
import { ApplicationInsights, ILogAnalyticsWorkspace, LogAnalyticsWorkspace, LogAnalyticsWorkspaceOptions } from './monitoring';
import { generateName, NAME_RULES } from './naming';
import { ResourceGroupReference } from './resource-group';
import { STORAGE_ROLES, StorageAccount, StorageAccountOptions } from './storage-account';

/** The package container of every app built here. @internal */
export const DEPLOYMENT_CONTAINER = 'app-package';

/** What the first step needs. @internal */
export interface AppHostInput {
  /** Seed of the generated names (the environment URL in patterns, the construct path in blocks). */
  readonly seed: string;
  readonly resourceGroup: ResourceGroupReference;
  readonly code: string;
  readonly runtimeName: string;
  readonly client: DataAzurermClientConfig;
  readonly grantDeployerAccess: boolean;
  readonly storageAccount?: StorageAccountOptions;
  readonly logAnalyticsWorkspace?: LogAnalyticsWorkspaceOptions;
  readonly existingLogAnalyticsWorkspace?: ILogAnalyticsWorkspace;
  readonly tags?: { [key: string]: string };
}

/** What the first step made. @internal */
export interface AppHost {
  readonly logAnalyticsWorkspace: ILogAnalyticsWorkspace;
  readonly applicationInsights: ApplicationInsights;
  readonly storageAccount: StorageAccount;
  /** The package blob and its hash; undefined when the code folder is not valid. */
  readonly pkg?: { blob: StorageBlob; hash: string };
  /** Why the code folder is not valid (reported by the caller's validation). */
  readonly codeProblem?: string;
}

/**
 * Monitoring (a workspace unless one is given, Application Insights), the storage account (shared
 * keys off), its package container and, for a valid code folder, the package blob; the identity
 * that runs Terraform gets "Storage Blob Data Contributor" on the account unless told not to.
 * @internal
 */
export function createAppHost(scope: Construct, input: AppHostInput): AppHost {
  const { seed, resourceGroup: rg, tags } = input;
  const codeProblem = checkCodeFolder(input.code);
  const la = input.logAnalyticsWorkspace ?? {};
  const logAnalyticsWorkspace =
    input.existingLogAnalyticsWorkspace ??
    new LogAnalyticsWorkspace(scope, 'logs', {
      ...la,
      resourceGroup: rg,
      name: la.name ?? generateName(scope, NAME_RULES.logAnalyticsWorkspace, 'log', seed),
      tags,
    });
  const runtimeName = input.runtimeName;
  const applicationInsights = new ApplicationInsights(scope, 'insights', {
    resourceGroup: rg,
    workspace: logAnalyticsWorkspace,
    name: generateName(scope, NAME_RULES.generic, 'appi', seed),
    applicationType: runtimeName === 'node' ? 'Node.JS' : runtimeName === 'java' ? 'java' : 'web',
    tags,
  });

  // Storage the app runs from, reached with its identity only; the code package in it.
  const storageAccount = new StorageAccount(scope, 'storage', {
    ...input.storageAccount,
    resourceGroup: rg,
    name: input.storageAccount?.name ?? generateName(scope, NAME_RULES.storageAccount, 'st', seed),
    tags,
  });
  const container = storageAccount.addContainer(scope, 'package-container', DEPLOYMENT_CONTAINER);
  // Role assignments stay children of the caller (not of the blocks): their Terraform addresses are those of earlier versions.
  const deployerBlob = input.grantDeployerAccess
    ? grantRole(scope, 'deployer-blob', STORAGE_ROLES.blobDataContributor, storageAccount.storageAccountId, input.client.objectId, {
        id: 'deployer-blob',
        description: `Lets Terraform upload the code package of ${scope.node.path} (cdktf-dataverse)`,
      })
    : undefined;
  const pkg = codeProblem === undefined ? deployFunctionPackage(scope, input.code, storageAccount, container.name, deployerBlob && [deployerBlob]) : undefined;
  return { logAnalyticsWorkspace, applicationInsights, storageAccount, pkg, codeProblem };
}

/** What the second step needs. @internal */
export interface AppInput {
  readonly seed: string;
  readonly resourceGroup: ResourceGroupReference;
  readonly host: AppHost;
  readonly options: FunctionAppOptions;
  /** The caller's settings, laid over `options.appSettings`. */
  readonly appSettings: { [name: string]: string };
  /** User-assigned identities to attach besides the system-assigned one. */
  readonly userAssignedIdentityIds?: string[];
  /** FunctionApp publicNetworkAccess (false for trigger-only apps). */
  readonly publicNetworkAccess?: boolean;
  readonly tags?: { [key: string]: string };
}

/**
 * The plan (`plan`) and the Flex Consumption app (`app`) running from the host's storage with its
 * system identity, which gets "Storage Blob Data Owner" on that account (`app-storage`).
 * @internal
 */
export function createFlexApp(scope: Construct, input: AppInput): FunctionApp {
  const { seed, resourceGroup: rg, host, options, tags } = input;
  const app = new FunctionApp(scope, 'app', {
    ...options,
    resourceGroup: rg,
    name: options.name ?? generateName(scope, NAME_RULES.functionApp, 'func', seed),
    servicePlanId: new FlexConsumptionPlan(scope, 'plan', { resourceGroup: rg, name: generateName(scope, NAME_RULES.functionApp, 'plan', seed), tags }).servicePlanId,
    storageAccount: host.storageAccount,
    deploymentContainerName: DEPLOYMENT_CONTAINER,
    applicationInsightsConnectionString: host.applicationInsights.connectionString,
    appSettings: { ...(options.appSettings ?? {}), ...input.appSettings },
    userAssignedIdentityIds: input.userAssignedIdentityIds,
    publicNetworkAccess: input.publicNetworkAccess,
    dependsOn: host.pkg && [host.pkg.blob],
    tags,
  });
  grantRole(scope, 'app-storage', STORAGE_ROLES.blobDataOwner, host.storageAccount.storageAccountId, app.principalId!, {
    id: 'app-storage',
    principalType: 'ServicePrincipal',
    description: `Host storage of ${scope.node.path} through its managed identity (cdktf-dataverse)`,
  });
  if (!host.pkg) useEntraIdForStorage(scope);
  return app;
}
