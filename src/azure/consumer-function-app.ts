import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { Construct } from 'constructs';
import { MonitoringOptions } from './alerts-options';
import { monitorFunctionApp } from './alerts-wiring';
import { FunctionApp, FunctionAppOptions } from './function-app';
import { AppHost, createAppHost, createFlexApp } from './function-host';
import { requireProps } from './imports';
import { ApplicationInsights, ILogAnalyticsWorkspace, LogAnalyticsWorkspaceOptions } from './monitoring';
import { checkExistingOrNew } from './props';
import { ResourceGroupReference } from './resource-group';
import { StorageAccount, StorageAccountOptions } from './storage-account';
import { addValidator, quote } from '../core/problems';

/** How a consumer Function App is created: the options `addFunctionConsumer` passes through. */
export interface ConsumerFunctionAppOptions {
  /**
   * Function App options (name, runtime, version, instances, memory, app settings of your own).
   * `DATAVERSE_CONSUMER_*` and the connection settings are the construct's.
   * @default - the FunctionApp defaults (Node 20, 2048 MB, up to 100 instances)
   */
  readonly appOptions?: FunctionAppOptions;
  /**
   * Options of the storage account the app runs from.
   * @default - the StorageAccount defaults (shared keys off)
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
   * Grant the identity that runs Terraform "Storage Blob Data Contributor" on the storage account,
   * to upload the code package. Turn it off when your pipeline identity already has it.
   * @default true
   */
  readonly grantDeployerAccess?: boolean;
  /**
   * Tags of every resource of the app.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
  /**
   * Alerts and diagnostics of the app: failed executions (`functionFailures`, from Application
   * Insights) and the app's diagnostic settings to its workspace. `addFunctionConsumer` passes the
   * integration's `monitoring` (an action group made from `emailReceivers` is then created once
   * for the integration and once for the app; pass `actionGroup` to share one).
   * @default - the integration's monitoring (addFunctionConsumer); none for an app created directly
   */
  readonly monitoring?: MonitoringOptions;
}

/** Properties of a ConsumerFunctionApp. */
export interface ConsumerFunctionAppProps extends ConsumerFunctionAppOptions {
  /** Resource group (name and location). */
  readonly resourceGroup: ResourceGroupReference;
  /**
   * Local folder with the function app code, as deployed: `host.json` at its root, plus the
   * functions and any `node_modules` they need. Zipped at synth as a Terraform asset.
   */
  readonly code: string;
  /**
   * Text mixed into the generated names of the globally unique resources (app, storage account),
   * so that two organisations deploying the same code do not collide; the integrations pass their
   * environment URL.
   * @default - the construct path only
   */
  readonly nameSeed?: string;
}

const RESERVED_SETTINGS = /^DATAVERSE_CONSUMER_/i;

/**
 * A Function App on the Flex Consumption plan that consumes what Dataverse sends to Service Bus
 * or Event Hubs: the app `addFunctionConsumer` creates from `code`, or one you create and pass as
 * `functionApp` to several consumers, which then share it (one connection each).
 *
 * Default settings (the blocks' own defaults, see FunctionApp and StorageAccount):
 * - Flex Consumption plan (FC1, Linux), Node 20, 2048 MB instances, up to 100 instances; HTTPS
 *   only, TLS 1.2, basic-auth publishing off; system-assigned identity; public network access off
 *   (the triggers pull, the package comes from blob storage: nothing calls the app).
 * - Storage account with shared keys off, reached with the identity ("Storage Blob Data Owner"):
 *   the host's storage (Event Hubs checkpoints, Service Bus nothing) and the code package
 *   `released-package.zip` in the `app-package` container; `DATAVERSE_CONSUMER_PACKAGE_HASH`
 *   changes with the code, so a new package restarts the app.
 * - Application Insights backed by a Log Analytics workspace (created with 30 days retention, or existing).
 * - The identity that runs Terraform gets "Storage Blob Data Contributor" on the storage account.
 * - Each consumer adds an identity-based connection (`<connection>__fullyQualifiedNamespace`) and
 *   its entity settings; no connection string, no key in any setting.
 */
export class ConsumerFunctionApp extends Construct {
  /** The Function App. */
  public readonly functionApp: FunctionApp;
  /** The storage account the app runs from. */
  public readonly storageAccount: StorageAccount;
  /** Application Insights. */
  public readonly applicationInsights: ApplicationInsights;
  /** The Log Analytics workspace: the created one, or existingLogAnalyticsWorkspace. */
  public readonly logAnalyticsWorkspace: ILogAnalyticsWorkspace;

  /** Connection names (lower case → as given) and the consumers that own them (lower case → path). */
  private readonly connections = new Map<string, string>();
  private readonly owners = new Map<string, string>();
  private readonly settingNames = new Map<string, string>();
  private readonly connectionProblems: string[] = [];

  constructor(scope: Construct, id: string, props: ConsumerFunctionAppProps) {
    super(scope, id);
    requireProps(this, 'ConsumerFunctionApp', props, ['resourceGroup', 'code']);
    const seed = props.nameSeed ?? this.node.path;
    const appOptions = props.appOptions ?? {};
    const client = new DataAzurermClientConfig(this, 'client');
    const host: AppHost = createAppHost(this, {
      seed,
      resourceGroup: props.resourceGroup,
      code: props.code,
      runtimeName: appOptions.runtimeName ?? 'node',
      client,
      grantDeployerAccess: props.grantDeployerAccess ?? true,
      storageAccount: props.storageAccount,
      logAnalyticsWorkspace: props.logAnalyticsWorkspace,
      existingLogAnalyticsWorkspace: props.existingLogAnalyticsWorkspace,
      tags: props.tags,
    });
    this.logAnalyticsWorkspace = host.logAnalyticsWorkspace;
    this.applicationInsights = host.applicationInsights;
    this.storageAccount = host.storageAccount;
    this.functionApp = createFlexApp(this, {
      seed,
      resourceGroup: props.resourceGroup,
      host,
      options: appOptions,
      // Changes with the code: a new package restarts the app so that instances load it.
      appSettings: { DATAVERSE_CONSUMER_PACKAGE_HASH: host.pkg?.hash ?? 'none' },
      // Triggers pull from Service Bus / Event Hubs and the package comes from blob storage: no inbound traffic.
      publicNetworkAccess: false,
      tags: props.tags,
    });
    for (const name of Object.keys(this.functionApp.resource.appSettingsInput ?? {})) this.settingNames.set(name.toLowerCase(), name);
    monitorFunctionApp(this, props, this.applicationInsights, this.functionApp.functionAppId, this.logAnalyticsWorkspace);

    addValidator(this, (problems) => {
      if (host.codeProblem) problems.add(host.codeProblem);
      checkExistingOrNew(problems, [['existingLogAnalyticsWorkspace', props.existingLogAnalyticsWorkspace, 'logAnalyticsWorkspace', props.logAnalyticsWorkspace]]);
      for (const name of Object.keys(appOptions.appSettings ?? {})) {
        problems.check(!RESERVED_SETTINGS.test(name), `appOptions.appSettings: ${quote(name)} is set by the construct (package setting). Fix: remove it or rename it.`);
      }
      this.connectionProblems.forEach((p) => problems.add(p));
    });
  }

  /** Name of the Function App. */
  public get functionAppName(): string {
    return this.functionApp.functionAppName;
  }

  /** Principal id of the app's system-assigned identity (what the consumers' receive roles are granted to). */
  public get principalId(): string {
    return this.functionApp.principalId!;
  }

  /** The connection names of the consumers on this app, in the order they were added. */
  public get connectionNames(): string[] {
    return [...this.connections.values()];
  }

  /**
   * Adds one consumer's connection and settings. A connection name used twice on the app, or one
   * that equals a setting name (the host would read that setting as a connection string), is
   * reported at synth, naming the consumer.
   * @internal
   */
  public _addConnection(consumer: Construct, connectionName: string, settings: { [name: string]: string }): void {
    const key = connectionName.toLowerCase();
    const fix = 'Fix: pass another connectionName to addFunctionConsumer (each consumer on a shared app needs its own).';
    const earlier = this.owners.get(key);
    if (earlier !== undefined) {
      this.connectionProblems.push(`connection ${quote(connectionName)} of ${consumer.node.path} is already used on this app by ${earlier}. ${fix}`);
      return;
    }
    const clash = this.settingNames.get(key) ?? Object.keys(settings).find((n) => n.toLowerCase() === key);
    const shadowed = [...this.connections.keys()].find((c) => Object.keys(settings).some((n) => n.toLowerCase() === c));
    if (clash !== undefined || shadowed !== undefined) {
      const what = clash !== undefined ? `equals the app setting ${quote(clash)}` : `adds a setting named like the connection ${quote(shadowed)}`;
      this.connectionProblems.push(
        `connection ${quote(connectionName)} of ${consumer.node.path} ${what}: the Functions host would read that setting as a connection string instead of the identity-based connection. ${fix}`,
      );
      return;
    }
    this.connections.set(key, connectionName);
    this.owners.set(key, consumer.node.path);
    for (const name of Object.keys(settings)) this.settingNames.set(name.toLowerCase(), name);
    this.functionApp.addAppSettings(settings);
  }
}
