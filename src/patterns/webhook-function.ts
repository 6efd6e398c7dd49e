import * as fs from 'fs';
import * as path from 'path';
import { ApplicationInsights } from '@cdktf/provider-azurerm/lib/application-insights';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { FunctionAppFlexConsumption } from '@cdktf/provider-azurerm/lib/function-app-flex-consumption';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ServicePlan } from '@cdktf/provider-azurerm/lib/service-plan';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageBlob } from '@cdktf/provider-azurerm/lib/storage-blob';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Password } from '@cdktf/provider-random/lib/password';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { Aspects, AssetType, Fn, TerraformAsset, TerraformProvider, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { PolicySuppressions } from '../policy/suppressions';
import { grantRole } from '../azure/grants';
import { checkName, generateName, NAME_RULES } from '../azure/naming';
import { Problems, addValidator, annotate, isUnresolved, quote } from '../core/problems';
import { checkExistingOrNew, checkInteger } from '../azure/props';
import { ResourceGroupReference } from '../azure/resource-group';
import { ServiceEndpointAuthType, ServiceEndpointContract, StepMode, UserClaim } from '../dataverse/enums';
import { DataverseEnvironment } from '../dataverse/environment';
import { ProcessingStep, StepDefinition } from '../dataverse/processing-step';
import { ServiceEndpoint } from '../dataverse/service-endpoint';
import { registerSteps } from '../dataverse/steps';

/** Options of the Function App (Flex Consumption plan). */
export interface WebhookFunctionAppOptions {
  /**
   * Function App name (2–60 letters, digits, hyphens; globally unique: it becomes `<name>.azurewebsites.net`).
   * @default - generated from the construct path and a hash of the environment URL
   */
  readonly name?: string;
  /**
   * Language runtime: `node`, `python`, `dotnet-isolated`, `java` or `powershell`.
   * @default 'node'
   */
  readonly runtimeName?: string;
  /**
   * Runtime version, e.g. `20` or `22` for Node.
   * @default '20'
   */
  readonly runtimeVersion?: string;
  /**
   * Highest number of instances the app scales out to (1–1000).
   * @default 100
   */
  readonly maximumInstanceCount?: number;
  /**
   * Memory per instance in MB: 512, 2048 or 4096.
   * @default 2048
   */
  readonly instanceMemoryInMb?: number;
  /**
   * Extra app settings. Names the construct sets itself (`AzureWebJobsStorage*`, `DATAVERSE_WEBHOOK_*`) cannot be overridden.
   * @default - none
   */
  readonly appSettings?: { [name: string]: string };
}

/** Options of the Key Vault that holds the shared secret. */
export interface WebhookKeyVaultOptions {
  /**
   * Vault name (3–24 letters, digits, hyphens; globally unique).
   * @default - generated from the construct path and a hash of the environment URL
   */
  readonly name?: string;
  /**
   * Purge protection: a deleted vault cannot be purged before its retention ends.
   * @default true
   */
  readonly purgeProtectionEnabled?: boolean;
  /**
   * Days a deleted vault (and secret) is kept, 7–90.
   * @default 7
   */
  readonly softDeleteRetentionDays?: number;
}

/** Options of the storage account the Function App runs from. */
export interface WebhookStorageOptions {
  /**
   * Storage account name (3–24 lowercase letters and digits; globally unique).
   * @default - generated from the construct path and a hash of the environment URL
   */
  readonly name?: string;
}

/** Options of the Log Analytics workspace created for Application Insights. */
export interface WebhookLogAnalyticsOptions {
  /**
   * Workspace name (4–63 letters, digits, hyphens).
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Retention in days (30–730).
   * @default 30
   */
  readonly retentionInDays?: number;
}

/** A Log Analytics workspace that already exists. A data source of one fits. */
export interface LogAnalyticsWorkspaceReference {
  /** Resource id of the workspace. */
  readonly id: string;
}

/** Properties of a WebhookFunction. */
export interface WebhookFunctionProps {
  /** The Dataverse environment that calls the function. */
  readonly dataverse: DataverseEnvironment;
  /** Resource group (name and location) of the created resources. */
  readonly resourceGroup: ResourceGroupReference;
  /**
   * Local folder with the function app code, as deployed: `host.json` at its root, plus the
   * functions and any `node_modules` they need. Zipped at synth as a Terraform asset.
   */
  readonly code: string;
  /** The events to send: one processing step each, post-operation and asynchronous by default. */
  readonly steps: StepDefinition[];
  /**
   * Route of the HTTP function inside the app (the part after `/api/`), as the code registers it.
   * @default 'webhook'
   */
  readonly route?: string;
  /**
   * Where Dataverse puts the shared secret: HTTP_HEADER, HTTP_QUERY_STRING or WEBHOOK_KEY (query parameter `code`).
   * @default ServiceEndpointAuthType.HTTP_HEADER
   */
  readonly authType?: ServiceEndpointAuthType;
  /**
   * Header name (HTTP_HEADER) or query parameter name (HTTP_QUERY_STRING) carrying the secret.
   * Not with WEBHOOK_KEY, which always uses `code`.
   * @default 'x-dataverse-webhook-secret' (header) or 'secret' (query string)
   */
  readonly secretName?: string;
  /**
   * Function App options.
   * @default - see WebhookFunctionAppOptions
   */
  readonly functionApp?: WebhookFunctionAppOptions;
  /**
   * Key Vault options.
   * @default - see WebhookKeyVaultOptions
   */
  readonly keyVault?: WebhookKeyVaultOptions;
  /**
   * Storage account options.
   * @default - see WebhookStorageOptions
   */
  readonly storageAccount?: WebhookStorageOptions;
  /**
   * Options of the Log Analytics workspace to create (not with existingLogAnalyticsWorkspace).
   * @default - a workspace with 30 days retention
   */
  readonly logAnalyticsWorkspace?: WebhookLogAnalyticsOptions;
  /**
   * Send telemetry to this workspace instead of creating one.
   * @default - a workspace is created
   */
  readonly existingLogAnalyticsWorkspace?: LogAnalyticsWorkspaceReference;
  /**
   * Grant the identity that runs Terraform the data-plane roles it needs to write the secret
   * ("Key Vault Secrets Officer" on the vault) and upload the package ("Storage Blob Data
   * Contributor" on the storage account). Turn it off when your pipeline identity already has them.
   * @default true
   */
  readonly grantDeployerAccess?: boolean;
  /**
   * Service endpoint name in Dataverse.
   * @default - the construct path
   */
  readonly endpointName?: string;
  /**
   * Service endpoint description.
   * @default - names the function app
   */
  readonly endpointDescription?: string;
  /**
   * User information sent with each call.
   * @default UserClaim.NONE
   */
  readonly userClaim?: UserClaim;
  /**
   * Tags of the created Azure resources.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

const RUNTIMES = ['node', 'python', 'dotnet-isolated', 'java', 'powershell'];
const WEBHOOK_AUTH_TYPES = [ServiceEndpointAuthType.WEBHOOK_KEY, ServiceEndpointAuthType.HTTP_HEADER, ServiceEndpointAuthType.HTTP_QUERY_STRING];
/** RFC 9110 token: the characters a header name may hold. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const QUERY_NAME = /^[A-Za-z0-9._~-]+$/;
const ROUTE = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
const DEPLOYMENT_CONTAINER = 'app-package';
/** The blob name the Flex Consumption platform runs from (the one its own One Deploy writes). */
const PACKAGE_BLOB = 'released-package.zip';
const RESERVED_SETTINGS = /^(AzureWebJobsStorage|DATAVERSE_WEBHOOK_|FUNCTIONS_WORKER_RUNTIME|WEBSITE_RUN_FROM_PACKAGE|DEPLOYMENT_STORAGE_CONNECTION_STRING)/i;

/**
 * Dataverse calls an Azure Function over HTTPS for each registered event, synchronously (the
 * user's operation waits and fails when the function fails) or asynchronously.
 *
 * The app runs on the Flex Consumption plan: Microsoft's recommended serverless plan (the Linux
 * Consumption plan gets no new features and is being retired), scales to zero, and reaches its
 * storage with the app's managed identity, so the storage account needs no shared keys. The code
 * is zipped at synth and uploaded by Terraform as the package blob the plan runs from.
 *
 * Default settings:
 * - Flex Consumption plan (FC1, Linux), Node 20, 2048 MB instances, up to 100 instances.
 * - Function App: HTTPS only, TLS 1.2 minimum (site and SCM), remote debugging off, basic-auth
 *   (WebDeploy/SCM) publishing off; FTP does not exist on Linux Flex apps; system-assigned identity.
 * - Storage account: StorageV2, LRS, TLS 1.2, HTTPS only, no public blob access, shared keys off
 *   (Entra ID only), the app reaches it with its identity ("Storage Blob Data Owner").
 * - The code folder (must hold host.json) is packaged as a Terraform asset and uploaded as
 *   `released-package.zip` to the `app-package` container; a changed package restarts the app.
 * - Application Insights backed by a Log Analytics workspace (created with 30 days retention, or existing).
 * - A 48-character random secret generated by Terraform, stored in a Key Vault (RBAC authorization,
 *   purge protection, 7-day soft delete); the app reads it through a Key Vault reference, with
 *   "Key Vault Secrets User" on that secret only.
 * - A webhook service endpoint (contract 8) at `https://<app>/api/webhook`, auth type HttpHeader
 *   (header `x-dataverse-webhook-secret`), the secret from a sensitive Terraform output.
 * - One processing step per entry of `steps`: post-operation, asynchronous, rank 1, system job
 *   deleted on success; synchronous steps get a warning about Dataverse's time limits.
 * - The identity that runs Terraform gets "Key Vault Secrets Officer" on the vault and
 *   "Storage Blob Data Contributor" on the storage account, to write the secret and the package.
 */
export class WebhookFunction extends Construct {
  /** The Function App. */
  public readonly functionApp: FunctionAppFlexConsumption;
  /** The Flex Consumption plan. */
  public readonly servicePlan: ServicePlan;
  /** Function App name. */
  public readonly functionAppName: string;
  /** The storage account the app runs from. */
  public readonly storageAccount: StorageAccount;
  /** Application Insights. */
  public readonly applicationInsights: ApplicationInsights;
  /** The created Log Analytics workspace (undefined with existingLogAnalyticsWorkspace). */
  public readonly logAnalyticsWorkspace?: LogAnalyticsWorkspace;
  /** The Key Vault holding the shared secret. */
  public readonly keyVault: KeyVault;
  /** The Key Vault secret holding the shared secret. */
  public readonly secret: KeyVaultSecret;
  /** The URL Dataverse calls. */
  public readonly url: string;
  /** Where Dataverse puts the secret. */
  public readonly authType: ServiceEndpointAuthType;
  /** Header or query parameter name carrying the secret. */
  public readonly secretName: string;
  /** The Dataverse service endpoint. */
  public readonly endpoint: ServiceEndpoint;
  /** The Dataverse processing steps, in the order of `steps`. */
  public readonly steps: ProcessingStep[];
  /** Name of the sensitive Terraform output holding the endpoint's auth value. */
  public readonly authValueOutputName: string;
  /** Principal id of the app's system-assigned identity. */
  public readonly principalId: string;

  constructor(scope: Construct, id: string, props: WebhookFunctionProps) {
    super(scope, id);
    const seed = props.dataverse.url;
    const rg = props.resourceGroup;
    const appOptions = props.functionApp ?? {};
    const kvOptions = props.keyVault ?? {};
    const grantDeployer = props.grantDeployerAccess ?? true;
    this.authType = props.authType ?? ServiceEndpointAuthType.HTTP_HEADER;
    this.secretName =
      this.authType === ServiceEndpointAuthType.WEBHOOK_KEY
        ? 'code'
        : (props.secretName ?? (this.authType === ServiceEndpointAuthType.HTTP_QUERY_STRING ? 'secret' : 'x-dataverse-webhook-secret'));
    const route = props.route ?? 'webhook';
    const runtimeName = appOptions.runtimeName ?? 'node';
    const codeProblem = checkCodeFolder(props.code);

    const stack = TerraformStack.of(this);
    ensureRandomProvider(stack);
    const client = new DataAzurermClientConfig(this, 'client');

    // Monitoring.
    if (props.existingLogAnalyticsWorkspace === undefined) {
      const la = props.logAnalyticsWorkspace ?? {};
      this.logAnalyticsWorkspace = new LogAnalyticsWorkspace(this, 'logs', {
        name: la.name ?? generateName(this, NAME_RULES.logAnalyticsWorkspace, 'log', seed),
        location: rg.location,
        resourceGroupName: rg.name,
        sku: 'PerGB2018',
        retentionInDays: la.retentionInDays ?? 30,
        tags: props.tags,
      });
    }
    this.applicationInsights = new ApplicationInsights(this, 'insights', {
      name: generateName(this, NAME_RULES.generic, 'appi', seed),
      location: rg.location,
      resourceGroupName: rg.name,
      applicationType: runtimeName === 'node' ? 'Node.JS' : runtimeName === 'java' ? 'java' : 'web',
      workspaceId: props.existingLogAnalyticsWorkspace?.id ?? this.logAnalyticsWorkspace!.id,
      tags: props.tags,
    });

    // Storage the app runs from, reached with its identity only.
    this.storageAccount = new StorageAccount(this, 'storage', {
      name: props.storageAccount?.name ?? generateName(this, NAME_RULES.storageAccount, 'st', seed),
      location: rg.location,
      resourceGroupName: rg.name,
      accountKind: 'StorageV2',
      accountTier: 'Standard',
      accountReplicationType: 'LRS',
      minTlsVersion: 'TLS1_2',
      httpsTrafficOnlyEnabled: true,
      allowNestedItemsToBePublic: false,
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      crossTenantReplicationEnabled: false,
      publicNetworkAccessEnabled: true,
      tags: props.tags,
    });
    PolicySuppressions.of(this.storageAccount)
      .add(
        'CKV_AZURE_59',
        'The Flex Consumption app reaches its storage over the public endpoint unless it is integrated in a virtual network; shared keys are off, so only Entra ID identities holding a data role can use the account.',
      )
      .add(
        'CKV_AZURE_206',
        'The account holds only the deployment package and the Functions host state, both recreated by a deploy; locally redundant storage is enough for them.',
      )
      .add(
        'CKV_AZURE_33',
        'Queue logging needs the queue service configured with shared keys, which are off; the Functions host logs to Application Insights instead.',
      );
    const container = new StorageContainer(this, 'package-container', {
      name: DEPLOYMENT_CONTAINER,
      storageAccountId: this.storageAccount.id,
      containerAccessType: 'private',
    });
    const deployerBlob = grantDeployer
      ? grantRole(this, 'deployer-blob', 'Storage Blob Data Contributor', this.storageAccount.id, client.objectId, {
        id: 'deployer-blob',
        description: `Lets Terraform upload the code package of ${this.node.path} (cdktf-dataverse)`,
      })
      : undefined;
    let packageBlob: StorageBlob | undefined;
    let packageHash = 'none';
    if (codeProblem === undefined) {
      const asset = new TerraformAsset(this, 'code', { path: path.resolve(props.code), type: AssetType.ARCHIVE });
      packageHash = asset.assetHash;
      packageBlob = new StorageBlob(this, 'package', {
        name: PACKAGE_BLOB,
        storageAccountName: this.storageAccount.name,
        storageContainerName: container.name,
        type: 'Block',
        source: asset.path,
        contentMd5: Fn.filemd5(asset.path),
        contentType: 'application/zip',
        dependsOn: deployerBlob ? [deployerBlob] : undefined,
      });
    }

    // The shared secret: generated by Terraform, kept in Key Vault.
    const password = new Password(this, 'secret-value', { length: 48, special: false, minLower: 4, minUpper: 4, minNumeric: 4 });
    this.keyVault = new KeyVault(this, 'vault', {
      name: kvOptions.name ?? generateName(this, NAME_RULES.keyVault, 'kv', seed),
      location: rg.location,
      resourceGroupName: rg.name,
      tenantId: client.tenantId,
      skuName: 'standard',
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: kvOptions.purgeProtectionEnabled ?? true,
      softDeleteRetentionDays: kvOptions.softDeleteRetentionDays ?? 7,
      publicNetworkAccessEnabled: true,
      tags: props.tags,
    });
    const deployerVault = grantDeployer
      ? grantRole(this, 'deployer-vault', 'Key Vault Secrets Officer', this.keyVault.id, client.objectId, {
        id: 'deployer-vault',
        description: `Lets Terraform write the webhook secret of ${this.node.path} (cdktf-dataverse)`,
      })
      : undefined;
    this.secret = new KeyVaultSecret(this, 'secret', {
      name: 'dataverse-webhook-secret',
      keyVaultId: this.keyVault.id,
      value: password.result,
      contentType: 'text/plain',
      dependsOn: deployerVault ? [deployerVault] : undefined,
    });

    // The app.
    this.functionAppName = appOptions.name ?? generateName(this, NAME_RULES.functionApp, 'func', seed);
    this.servicePlan = new ServicePlan(this, 'plan', {
      name: generateName(this, NAME_RULES.functionApp, 'plan', seed),
      location: rg.location,
      resourceGroupName: rg.name,
      osType: 'Linux',
      skuName: 'FC1',
      tags: props.tags,
    });
    this.functionApp = new FunctionAppFlexConsumption(this, 'app', {
      name: this.functionAppName,
      location: rg.location,
      resourceGroupName: rg.name,
      servicePlanId: this.servicePlan.id,
      runtimeName,
      runtimeVersion: appOptions.runtimeVersion ?? '20',
      maximumInstanceCount: appOptions.maximumInstanceCount ?? 100,
      instanceMemoryInMb: appOptions.instanceMemoryInMb ?? 2048,
      storageContainerType: 'blobContainer',
      storageContainerEndpoint: `${this.storageAccount.primaryBlobEndpoint}${DEPLOYMENT_CONTAINER}`,
      storageAuthenticationType: 'SystemAssignedIdentity',
      identity: { type: 'SystemAssigned' },
      httpsOnly: true,
      publicNetworkAccessEnabled: true,
      webdeployPublishBasicAuthenticationEnabled: false,
      clientCertificateEnabled: false,
      siteConfig: {
        minimumTlsVersion: '1.2',
        scmMinimumTlsVersion: '1.2',
        remoteDebuggingEnabled: false,
        http2Enabled: true,
        applicationInsightsConnectionString: this.applicationInsights.connectionString,
      },
      appSettings: {
        ...(appOptions.appSettings ?? {}),
        // azurerm 4.x writes a key-based AzureWebJobsStorage even for identity storage; an empty
        // value plus __accountName makes the host use the managed identity.
        AzureWebJobsStorage: '',
        AzureWebJobsStorage__accountName: this.storageAccount.name,
        DATAVERSE_WEBHOOK_AUTH_TYPE: ServiceEndpointAuthType[this.authType] ?? String(this.authType),
        DATAVERSE_WEBHOOK_SECRET_NAME: this.secretName,
        DATAVERSE_WEBHOOK_SECRET: `@Microsoft.KeyVault(SecretUri=${this.secret.versionlessId})`,
        DATAVERSE_WEBHOOK_ROUTE: route,
        // Changes with the code: a new package restarts the app so that instances load it.
        DATAVERSE_WEBHOOK_PACKAGE_HASH: packageHash,
      },
      dependsOn: packageBlob ? [packageBlob] : undefined,
      tags: props.tags,
    });
    this.principalId = this.functionApp.identity.principalId;
    grantRole(this, 'app-storage', 'Storage Blob Data Owner', this.storageAccount.id, this.principalId, {
      id: 'app-storage',
      principalType: 'ServicePrincipal',
      description: `Host storage of ${this.node.path} through its managed identity (cdktf-dataverse)`,
    });
    grantRole(this, 'app-secret', 'Key Vault Secrets User', this.secret.resourceVersionlessId, this.principalId, {
      id: 'app-secret',
      principalType: 'ServicePrincipal',
      description: `Webhook secret of ${this.node.path}, read through a Key Vault reference (cdktf-dataverse)`,
    });

    PolicySuppressions.of(this.functionApp).add(
      'CKV_AZURE_221',
      'Dataverse calls the webhook from its cloud service over the internet, so the app accepts public traffic; every call must carry the shared secret, which the receiver checks before reading the body.',
    );

    // Dataverse side.
    this.url = `https://${this.functionApp.defaultHostname}/api/${route}`;
    const authValue =
      this.authType === ServiceEndpointAuthType.WEBHOOK_KEY
        ? password.result
        : `<settings><setting name="${xmlAttribute(this.secretName)}" value="${password.result}" /></settings>`;
    this.endpoint = new ServiceEndpoint(this, 'endpoint', {
      environment: props.dataverse,
      name: props.endpointName ?? this.node.path,
      description: props.endpointDescription ?? `Azure Function ${this.functionAppName} for ${this.node.path} (cdktf-dataverse)`,
      contract: ServiceEndpointContract.WEBHOOK,
      authType: this.authType,
      userClaim: props.userClaim ?? UserClaim.NONE,
      url: this.url,
      authValue,
    });
    this.steps = registerSteps(this, this.endpoint, props.steps);
    this.authValueOutputName = this.endpoint.secretOutputName!;

    for (const step of this.steps) {
      if (step.mode === StepMode.SYNCHRONOUS) {
        annotate(
          step,
          'warning',
          `Step ${step.message} of ${step.table} calls the webhook synchronously: the user's operation waits for the function. Dataverse gives a webhook 60 seconds and the whole operation, all synchronous steps included, 2 minutes; any answer other than 2xx (or a timeout) fails the step and rolls the operation back. Keep the function fast, and make it asynchronous unless it must be able to reject the operation.`,
        );
      }
    }
    useEntraIdForStorage(stack);
    addValidator(this, (problems) => this.validate(problems, props, codeProblem, route));
  }

  private validate(problems: Problems, props: WebhookFunctionProps, codeProblem: string | undefined, route: string): void {
    if (codeProblem) problems.add(codeProblem);
    const provider = findProvider(TerraformStack.of(this), 'azurerm') as AzurermProvider | undefined;
    problems.check(
      provider?.storageUseAzuread !== false,
      'the AzurermProvider sets storageUseAzuread: false, but the storage account has shared keys off, so Terraform could not upload the code package (released-package.zip). Fix: remove storageUseAzuread from the provider or set it to true.',
    );
    checkExistingOrNew(problems, [['existingLogAnalyticsWorkspace', props.existingLogAnalyticsWorkspace, 'logAnalyticsWorkspace', props.logAnalyticsWorkspace]]);
    const app = props.functionApp ?? {};
    checkName(problems, NAME_RULES.functionApp, 'functionApp.name', app.name);
    checkName(problems, NAME_RULES.storageAccount, 'storageAccount.name', props.storageAccount?.name);
    checkName(problems, NAME_RULES.keyVault, 'keyVault.name', props.keyVault?.name);
    checkName(problems, NAME_RULES.logAnalyticsWorkspace, 'logAnalyticsWorkspace.name', props.logAnalyticsWorkspace?.name);
    checkInteger(problems, 'functionApp.maximumInstanceCount', app.maximumInstanceCount, 1, 1000);
    checkInteger(problems, 'functionApp.instanceMemoryInMb', app.instanceMemoryInMb, 512, 4096, [512, 2048, 4096]);
    checkInteger(problems, 'keyVault.softDeleteRetentionDays', props.keyVault?.softDeleteRetentionDays, 7, 90);
    checkInteger(problems, 'logAnalyticsWorkspace.retentionInDays', props.logAnalyticsWorkspace?.retentionInDays, 30, 730);
    if (app.runtimeName !== undefined && !isUnresolved(app.runtimeName)) {
      problems.check(
        RUNTIMES.includes(app.runtimeName),
        `functionApp.runtimeName ${quote(app.runtimeName)} is not a Flex Consumption runtime. Fix: use one of ${RUNTIMES.join(', ')}.`,
      );
    }
    for (const name of Object.keys(app.appSettings ?? {})) {
      problems.check(
        !RESERVED_SETTINGS.test(name),
        `functionApp.appSettings: ${quote(name)} is set by the construct (storage, secret and package settings). Fix: remove it or rename it.`,
      );
    }
    problems.check(
      WEBHOOK_AUTH_TYPES.includes(this.authType),
      `authType ${ServiceEndpointAuthType[this.authType] ?? this.authType} is not a webhook auth type. Fix: use ServiceEndpointAuthType.HTTP_HEADER, HTTP_QUERY_STRING or WEBHOOK_KEY.`,
    );
    if (props.secretName !== undefined && !isUnresolved(props.secretName)) {
      const name = props.secretName;
      if (this.authType === ServiceEndpointAuthType.WEBHOOK_KEY) {
        problems.add(`secretName ${quote(name)} cannot be used with authType WEBHOOK_KEY: Dataverse always sends that key as the query parameter 'code'. Fix: remove secretName, or use HTTP_HEADER / HTTP_QUERY_STRING.`);
      } else if (this.authType === ServiceEndpointAuthType.HTTP_HEADER) {
        problems.check(
          HEADER_NAME.test(name) && name.length <= 100,
          `secretName ${quote(name)} is not an HTTP header name: letters, digits and !#$%&'*+.^_\`|~- only, at most 100 characters. Fix: use a name like 'x-dataverse-webhook-secret'.`,
        );
        problems.check(
          !/^(x-ms-|authorization$|host$|content-|cookie$)/i.test(name),
          `secretName ${quote(name)} is a header Dataverse, HTTP or Azure already uses. Fix: use your own name like 'x-dataverse-webhook-secret'.`,
        );
      } else {
        problems.check(
          QUERY_NAME.test(name) && name.length <= 100 && name.toLowerCase() !== 'code',
          `secretName ${quote(name)} is not a usable query parameter name: letters, digits and ._~- only, at most 100 characters, not 'code' (reserved by Azure Functions keys). Fix: use a name like 'secret'.`,
        );
      }
    }
    if (!isUnresolved(route)) {
      problems.check(
        ROUTE.test(route) && route.length <= 200,
        `route ${quote(route)} is not a fixed function route: path segments of letters, digits, '_' and '-', separated by '/', without a leading slash, 'api/' prefix or {parameters}. Fix: use the route your function registers, e.g. 'webhook'.`,
      );
    }
  }
}

/** Returns a problem text when `code` is not a function app folder, else undefined. */
function checkCodeFolder(code: string): string | undefined {
  const fix = 'Fix: point code at the folder that holds host.json (the function app root), e.g. path.join(__dirname, \'functions\', \'my-app\').';
  if (typeof code !== 'string' || code.trim() === '') return `code is empty. ${fix}`;
  const full = path.resolve(code);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch {
    return `code ${quote(full)} does not exist. ${fix}`;
  }
  if (!stat.isDirectory()) return `code ${quote(full)} is a file, not a folder. ${fix}`;
  if (!fs.existsSync(path.join(full, 'host.json'))) return `code ${quote(full)} has no host.json, so it is not a function app. ${fix}`;
  return undefined;
}

function findProvider(stack: TerraformStack, type: string): TerraformProvider | undefined {
  return stack.node.findAll().find((c): c is TerraformProvider => TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === type);
}

/** Adds a `random` provider to the stack unless it has one (random_password needs it). */
function ensureRandomProvider(stack: TerraformStack): void {
  if (findProvider(stack, RandomProvider.tfResourceType)) return;
  const id = stack.node.tryFindChild('random') === undefined ? 'random' : 'random-provider';
  new RandomProvider(stack, id);
}

const STORAGE_AAD_MARK = Symbol.for('cdktf-dataverse.storageUseAzuread');

/**
 * The storage account has shared keys off, so Terraform must reach blobs with Entra ID: an Aspect
 * (once per stack, idempotent) turns on `storage_use_azuread` on the stack's azurerm provider when
 * the app has not set it; an explicit `false` is reported by the validation instead.
 */
function useEntraIdForStorage(stack: TerraformStack): void {
  if ((stack as any)[STORAGE_AAD_MARK]) return;
  Object.defineProperty(stack, STORAGE_AAD_MARK, { value: true });
  Aspects.of(stack).add({
    visit(node) {
      if (node instanceof AzurermProvider && node.storageUseAzuread === undefined) {
        node.storageUseAzuread = true;
        annotate(node, 'info', 'storageUseAzuread set to true by WebhookFunction: its storage account has shared keys off, so Terraform uploads the code package with Entra ID.');
      }
    },
  });
}

function xmlAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
