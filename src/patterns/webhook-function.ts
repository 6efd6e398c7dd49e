import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Password } from '@cdktf/provider-random/lib/password';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { Construct } from 'constructs';
import { OutboundIntegrationProps } from './integration-props';
import { monitorWebhookFunction } from './pattern-monitoring';
import { FunctionApp, FunctionAppOptions } from '../azure/function-app';
import { createAppHost, createFlexApp } from '../azure/function-host';
import { grantRole } from '../azure/grants';
import { GrantOptions } from '../azure/grants-api';
import { requireProps } from '../azure/imports';
import { KEY_VAULT_ROLES, KeyVault, KeyVaultOptions, VaultSecret } from '../azure/key-vault';
import { ApplicationInsights, ILogAnalyticsWorkspace, LogAnalyticsWorkspaceOptions } from '../azure/monitoring';
import { generateName, NAME_RULES } from '../azure/naming';
import { checkExistingOrNew } from '../azure/props';
import { StorageAccount, StorageAccountOptions } from '../azure/storage-account';
import { Problems, addValidator, isUnresolved, quote } from '../core/problems';
import { ensureProvider } from '../core/providers';
import { ServiceEndpointAuthType, ServiceEndpointContract } from '../dataverse/enums';
import { bindOutbound, checkStepList } from '../dataverse/outbound-binding';
import { ProcessingStep } from '../dataverse/processing-step';
import { ServiceEndpoint } from '../dataverse/service-endpoint';
import { checkWebhookSecret, webhookAuthValue, webhookSecretName } from '../dataverse/webhook-secret';

/** Options of the Key Vault that holds the shared secret. */
export interface WebhookKeyVaultOptions extends KeyVaultOptions {
  /**
   * Expiry of the secret, RFC 3339. Rotate before it: change `secretRotation` (a new value is
   * generated, written to the vault and, by `cdktf-dataverse apply`, to the service endpoint) and
   * move the date.
   * @default - no expiry
   */
  readonly secretExpirationDate?: string;
  /**
   * Any text; changing it makes Terraform generate a new secret (rotation), e.g. '2027-06'.
   * @default - the secret is generated once
   */
  readonly secretRotation?: string;
}

/** Properties of a WebhookFunction. */
export interface WebhookFunctionProps extends OutboundIntegrationProps {
  /**
   * Local folder with the function app code, as deployed: `host.json` at its root, plus the
   * functions and any `node_modules` they need. Zipped at synth as a Terraform asset.
   */
  readonly code: string;
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
   * Function App options. `DATAVERSE_WEBHOOK_*` app settings are the construct's.
   * @default - the FunctionApp defaults
   */
  readonly functionApp?: FunctionAppOptions;
  /**
   * Key Vault options. The vault is open to every network by default (`networkDefaultAction:
   * 'Allow'`): the app resolves its Key Vault reference from its own outbound addresses, which the
   * trusted-services bypass does not cover; `Deny` needs a virtual network integration of the app
   * whose subnet is allowed, and Terraform's own address or subnet.
   * @default - the KeyVault defaults, with networkDefaultAction 'Allow'
   */
  readonly keyVault?: WebhookKeyVaultOptions;
  /**
   * Storage account options.
   * @default - the StorageAccount defaults
   */
  readonly storageAccount?: StorageAccountOptions;
  /**
   * Options of the Log Analytics workspace to create (not with existingLogAnalyticsWorkspace).
   * @default - a workspace with 30 days retention
   */
  readonly logAnalyticsWorkspace?: LogAnalyticsWorkspaceOptions;
  /**
   * Send telemetry to this workspace instead of creating one.
   * @default - a workspace is created
   */
  readonly existingLogAnalyticsWorkspace?: ILogAnalyticsWorkspace;
  /**
   * Grant the identity that runs Terraform the data-plane roles it needs to write the secret
   * ("Key Vault Secrets Officer" on the vault) and upload the package ("Storage Blob Data
   * Contributor" on the storage account). Turn it off when your pipeline identity already has them.
   * @default true
   */
  readonly grantDeployerAccess?: boolean;
}

const ROUTE = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
const RESERVED_SETTINGS = /^DATAVERSE_WEBHOOK_/i;

/**
 * Dataverse calls an Azure Function over HTTPS for each registered event, synchronously (the
 * user's operation waits and fails when the function fails) or asynchronously.
 *
 * The app runs on the Flex Consumption plan: Microsoft's recommended serverless plan (the Linux
 * Consumption plan gets no new features and is being retired), scales to zero, and reaches its
 * storage with the app's managed identity, so the storage account needs no shared keys. The code
 * is zipped at synth and uploaded by Terraform as the package blob the plan runs from; functions
 * that share a code folder share one package asset.
 *
 * Default settings (the blocks' own defaults, see FunctionApp, StorageAccount, KeyVault):
 * - Flex Consumption plan (FC1, Linux), Node 20, 2048 MB instances, up to 100 instances.
 * - Function App: HTTPS only, TLS 1.2 minimum (site and SCM), remote debugging off, basic-auth
 *   (WebDeploy/SCM) publishing off; FTP does not exist on Linux Flex apps; system-assigned identity.
 * - Storage account: StorageV2, LRS, TLS 1.2, HTTPS only, no public blob access, shared keys off
 *   (Entra ID only), 7-day blob and container soft delete; the app reaches it with its identity
 *   ("Storage Blob Data Owner").
 * - The code folder (must hold host.json) is packaged as a Terraform asset and uploaded as
 *   `released-package.zip` to the `app-package` container; a changed package restarts the app.
 * - Application Insights backed by a Log Analytics workspace (created with 30 days retention, or existing).
 * - A 48-character random secret generated by Terraform, stored in a Key Vault (RBAC authorization,
 *   purge protection, 90-day soft delete, open network: see `keyVault.networkDefaultAction`); the
 *   app reads it through a Key Vault reference, with "Key Vault Secrets User" on that secret only.
 * - A webhook service endpoint (contract 8) at `https://<app>/api/webhook`, auth type HttpHeader
 *   (header `x-dataverse-webhook-secret`), the secret from a sensitive Terraform output.
 * - One processing step per entry of `steps`: post-operation, asynchronous, rank 1, system job
 *   deleted on success; synchronous steps get a warning about Dataverse's time limits.
 * - The identity that runs Terraform gets "Key Vault Secrets Officer" on the vault and
 *   "Storage Blob Data Contributor" on the storage account, to write the secret and the package.
 */
export class WebhookFunction extends Construct {
  /** The Function App. */
  public readonly functionApp: FunctionApp;
  /** The storage account the app runs from. */
  public readonly storageAccount: StorageAccount;
  /** Application Insights. */
  public readonly applicationInsights: ApplicationInsights;
  /** The Log Analytics workspace: the created one, or existingLogAnalyticsWorkspace. */
  public readonly logAnalyticsWorkspace: ILogAnalyticsWorkspace;
  /** The Key Vault holding the shared secret. */
  public readonly keyVault: KeyVault;
  /** The Key Vault secret holding the shared secret. */
  public readonly secret: VaultSecret;
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
  /** Name of the sensitive Terraform output holding the endpoint's auth value (the secret). */
  public readonly secretOutputName: string;

  constructor(scope: Construct, id: string, props: WebhookFunctionProps) {
    super(scope, id);
    requireProps(this, 'WebhookFunction', props, ['dataverse', 'resourceGroup', 'code', 'steps']);
    checkStepList(this, 'WebhookFunction', props.steps);
    const seed = props.dataverse.url;
    const rg = props.resourceGroup;
    const tags = props.tags;
    const appOptions = props.functionApp ?? {};
    const kvOptions = props.keyVault ?? {};
    const grantDeployer = props.grantDeployerAccess ?? true;
    this.authType = props.authType ?? ServiceEndpointAuthType.HTTP_HEADER;
    this.secretName = webhookSecretName(this.authType, props.secretName);
    const route = props.route ?? 'webhook';
    const runtimeName = appOptions.runtimeName ?? 'node';
    ensureProvider(this, RandomProvider.tfResourceType, (stack, providerId) => new RandomProvider(stack, providerId));
    const client = new DataAzurermClientConfig(this, 'client');

    // Monitoring, and the storage the app runs from with the code package in it.
    const host = createAppHost(this, {
      seed,
      resourceGroup: rg,
      code: props.code,
      runtimeName,
      client,
      grantDeployerAccess: grantDeployer,
      storageAccount: props.storageAccount,
      logAnalyticsWorkspace: props.logAnalyticsWorkspace,
      existingLogAnalyticsWorkspace: props.existingLogAnalyticsWorkspace,
      tags,
    });
    const { pkg, codeProblem } = host;
    this.logAnalyticsWorkspace = host.logAnalyticsWorkspace;
    this.applicationInsights = host.applicationInsights;
    this.storageAccount = host.storageAccount;

    // The shared secret: generated by Terraform, kept in Key Vault.
    const password = new Password(this, 'secret-value', {
      length: 48,
      special: false,
      minLower: 4,
      minUpper: 4,
      minNumeric: 4,
      keepers: kvOptions.secretRotation !== undefined ? { rotation: kvOptions.secretRotation } : undefined,
    });
    this.keyVault = new KeyVault(this, 'vault', {
      ...kvOptions,
      resourceGroup: rg,
      tenantId: client.tenantId,
      name: kvOptions.name ?? generateName(this, NAME_RULES.keyVault, 'kv', seed),
      networkDefaultAction: kvOptions.networkDefaultAction ?? 'Allow',
      tags,
    });
    const deployerVault = grantDeployer
      ? grantRole(this, 'deployer-vault', KEY_VAULT_ROLES.secretsOfficer, this.keyVault.keyVaultId, client.objectId, {
          id: 'deployer-vault',
          description: `Lets Terraform write the webhook secret of ${this.node.path} (cdktf-dataverse)`,
        })
      : undefined;
    this.secret = new VaultSecret(this, 'secret', {
      keyVault: this.keyVault,
      name: 'dataverse-webhook-secret',
      value: password.result,
      expirationDate: kvOptions.secretExpirationDate,
      dependsOn: deployerVault ? [deployerVault] : undefined,
    });

    // The app.
    const appName = appOptions.name ?? generateName(this, NAME_RULES.functionApp, 'func', seed);
    this.functionApp = createFlexApp(this, {
      seed,
      resourceGroup: rg,
      host,
      options: appOptions,
      appSettings: {
        DATAVERSE_WEBHOOK_AUTH_TYPE: ServiceEndpointAuthType[this.authType] ?? String(this.authType),
        DATAVERSE_WEBHOOK_SECRET_NAME: this.secretName,
        DATAVERSE_WEBHOOK_SECRET: `@Microsoft.KeyVault(SecretUri=${this.secret.versionlessUri})`,
        DATAVERSE_WEBHOOK_ROUTE: route,
        // Changes with the code: a new package restarts the app so that instances load it.
        DATAVERSE_WEBHOOK_PACKAGE_HASH: pkg?.hash ?? 'none',
      },
      tags,
    });
    const principalId = this.functionApp.principalId!;
    grantRole(this, 'app-secret', KEY_VAULT_ROLES.secretsUser, this.secret.resourceVersionlessId, principalId, {
      id: 'app-secret',
      principalType: 'ServicePrincipal',
      description: `Webhook secret of ${this.node.path}, read through a Key Vault reference (cdktf-dataverse)`,
    });

    this.url = `https://${this.functionApp.defaultHostName}/api/${route}`;
    const binding = bindOutbound(this, 'WebhookFunction', props, {
      defaultDescription: `Azure Function ${appName} for ${this.node.path} (cdktf-dataverse)`,
      contract: ServiceEndpointContract.WEBHOOK,
      authType: this.authType,
      url: this.url,
      authValue: webhookAuthValue(this.authType, this.secretName, password.result),
    });
    this.endpoint = binding.endpoint;
    this.steps = binding.steps;
    this.secretOutputName = binding.secretOutputName;
    monitorWebhookFunction(this, props, this.applicationInsights, this.functionApp, this.keyVault, this.logAnalyticsWorkspace);
    addValidator(this, (problems) => this.validate(problems, props, codeProblem, route));
  }

  /** Name of the Function App. */
  public get functionAppName(): string {
    return this.functionApp.functionAppName;
  }

  /** Principal id of the app's system-assigned identity. */
  public get principalId(): string {
    return this.functionApp.principalId!;
  }

  /**
   * Lets a principal invoke the function the way Dataverse does. The app is secured by the shared
   * secret (header, query parameter or function key), not by an Azure role, so invoking means
   * reading that secret: "Key Vault Secrets User" on the secret alone. Returns the role assignment.
   */
  public grantInvoke(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return this.secret.grantRead(principalId, options);
  }

  private validate(problems: Problems, props: WebhookFunctionProps, codeProblem: string | undefined, route: string): void {
    if (codeProblem) problems.add(codeProblem);
    checkExistingOrNew(problems, [['existingLogAnalyticsWorkspace', props.existingLogAnalyticsWorkspace, 'logAnalyticsWorkspace', props.logAnalyticsWorkspace]]);
    for (const name of Object.keys(props.functionApp?.appSettings ?? {})) {
      problems.check(
        !RESERVED_SETTINGS.test(name),
        `functionApp.appSettings: ${quote(name)} is set by the construct (storage, secret and package settings). Fix: remove it or rename it.`,
      );
    }
    checkWebhookSecret(problems, this.authType, props.secretName);
    if (!isUnresolved(route)) {
      problems.check(
        ROUTE.test(route) && route.length <= 200,
        `route ${quote(route)} is not a fixed function route: path segments of letters, digits, '_' and '-', separated by '/', without a leading slash, 'api/' prefix or {parameters}. Fix: use the route your function registers, e.g. 'webhook'.`,
      );
    }
  }
}
