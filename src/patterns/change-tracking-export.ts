import * as fs from 'fs';
import * as path from 'path';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Construct } from 'constructs';
import { checkExportProps } from './change-tracking-export-checks';
import { ChangeTrackingExportProps, ChangeTrackingTableOptions } from './change-tracking-export-props';
import { monitorFunctionApp } from '../azure/alerts-wiring';
import { FunctionApp } from '../azure/function-app';
import { createAppHost, createFlexApp } from '../azure/function-host';
import { grantRole } from '../azure/grants';
import { requireBlock, requireProps } from '../azure/imports';
import { IUserAssignedIdentity, UserAssignedIdentity } from '../azure/managed-identity';
import { ApplicationInsights, ILogAnalyticsWorkspace } from '../azure/monitoring';
import { generateName, NAME_RULES } from '../azure/naming';
import { checkExistingOrNew } from '../azure/props';
import { STORAGE_ROLES, StorageAccount } from '../azure/storage-account';
import { addValidator, Problems, quote } from '../core/problems';
import { ApplicationUser } from '../dataverse/application-user';
import { TableChangeTracking } from '../dataverse/change-tracking';
import { DataverseEnvironment } from '../dataverse/environment';
import { LOGICAL_NAME } from '../dataverse/names';
import { DEFAULT_SCHEDULE, SETTINGS } from '../runtime/change-tracking/settings';

export * from './change-tracking-export-props';

/** The container of the delta tokens, in the function's storage account. */
const STATE_CONTAINER = 'change-tracking-state';
const RESERVED_SETTINGS = /^(CHANGE_TRACKING_|DATAVERSE_ENVIRONMENT_URL$)/i;

/** The function app folder `npm run compile` bundles (lib/), from the compiled file or from src/ (tests). */
function bundledFunctionFolder(): string {
  const candidates = [
    path.join(__dirname, '..', 'runtime', 'change-tracking', 'function-app'),
    path.join(__dirname, '..', '..', 'lib', 'runtime', 'change-tracking', 'function-app'),
  ];
  return candidates.find((c) => fs.existsSync(path.join(c, 'host.json'))) ?? candidates[0];
}

/** Blob container scope of a role assignment (Microsoft Learn, "Assign an Azure role for access to blob data"). */
function containerScope(storageAccountId: string, containerName: string): string {
  return `${storageAccountId}/blobServices/default/containers/${containerName}`;
}

/**
 * Outbound pull: a timer function asks Dataverse what changed in each table since its last run
 * (the Web API's change tracking) and publishes every new, updated and deleted row to a Service Bus
 * queue or topic, an event hub, or JSON Lines files in a blob container.
 *
 * Default settings:
 * - Change tracking enabled on each table (a `TableChangeTracking` record per table, shared by the
 *   exports of one environment): the table definition is updated in place, never recreated, and
 *   only when it is off. Permanent: prune forgets the record, Dataverse cannot turn it off.
 * - A Flex Consumption function app (the FunctionApp defaults: Node 20, HTTPS only, TLS 1.2, no
 *   basic-auth publishing) running the change-tracking function shipped in this package (no build
 *   step), every 5 minutes (`schedule`), reading 5000 rows per page; a failed table fails the run.
 * - A user-assigned identity (or `existingIdentity`) that the function uses for everything: it is a
 *   Dataverse application user (root business unit) with `securityRoleName`; it gets "Storage
 *   Blob Data Contributor" on the delta-token container only, and "Azure Service Bus Data Sender"
 *   on the queue or topic, "Azure Event Hubs Data Sender" on the event hub, or "Storage Blob Data
 *   Contributor" on the output container. No keys or connection strings anywhere: the settings
 *   name hosts and URIs (`__fullyQualifiedNamespace`, `__blobServiceUri`).
 * - The app's own storage account (shared keys off), reached by the system-assigned identity
 *   ("Storage Blob Data Owner") for the host and the package; the delta tokens in its
 *   `change-tracking-state` container, one blob per table, written with ETag conditions so two
 *   overlapping runs never both advance a token.
 * - Messages: id = `<table>:<row id>:<version>` (Service Bus MessageId / Event Hubs messageId):
 *   delivery is at least once, consumers drop duplicates by id. An expired or unusable token
 *   makes a full re-read, marked `fullRead` with its reason and closed by a `full-read-complete`
 *   message, never a silent gap.
 * - Application Insights on a Log Analytics workspace (created with 30 days retention, or
 *   existing); each run logs its counts per table.
 */
export class ChangeTrackingExport extends Construct {
  /** The Function App. */
  public readonly functionApp: FunctionApp;
  /** The storage account the app runs from (and that holds the delta tokens). */
  public readonly storageAccount: StorageAccount;
  /** Name of the delta-token container in storageAccount. */
  public readonly stateContainerName: string = STATE_CONTAINER;
  /** The identity the function works with: the created one, or existingIdentity. */
  public readonly identity: IUserAssignedIdentity;
  /** The Dataverse application user of the identity. */
  public readonly applicationUser: ApplicationUser;
  /** The change-tracking record of each table, in the order of `tables` (each table once). */
  public readonly changeTracking: TableChangeTracking[];
  /** The NCRONTAB schedule of the function. */
  public readonly schedule: string;
  /** The app settings the construct sets (no secrets: names, hosts and URIs). */
  public readonly appSettings: { [name: string]: string };
  /** Application Insights. */
  public readonly applicationInsights: ApplicationInsights;
  /** The Log Analytics workspace: the created one, or existingLogAnalyticsWorkspace. */
  public readonly logAnalyticsWorkspace: ILogAnalyticsWorkspace;
  /** The Dataverse environment. */
  public readonly dataverse: DataverseEnvironment;

  constructor(scope: Construct, id: string, props: ChangeTrackingExportProps) {
    super(scope, id);
    requireProps(this, 'ChangeTrackingExport', props, ['dataverse', 'resourceGroup', 'tables', 'securityRoleName']);
    requireBlock(this, props.existingIdentity, {
      construct: 'ChangeTrackingExport',
      prop: 'existingIdentity',
      attribute: 'userAssignedIdentityId',
      importer: 'UserAssignedIdentity.fromUserAssignedIdentityAttributes',
      kind: 'managed identity',
    });
    requireBlock(this, props.serviceBusQueue, {
      construct: 'ChangeTrackingExport',
      prop: 'serviceBusQueue',
      attribute: 'queueId',
      importer: 'ServiceBusQueue.fromServiceBusQueueAttributes',
      kind: 'Service Bus queue',
    });
    requireBlock(this, props.serviceBusTopic, {
      construct: 'ChangeTrackingExport',
      prop: 'serviceBusTopic',
      attribute: 'topicId',
      importer: 'ServiceBusTopic.fromServiceBusTopicAttributes',
      kind: 'Service Bus topic',
    });
    requireBlock(this, props.eventHub, {
      construct: 'ChangeTrackingExport',
      prop: 'eventHub',
      attribute: 'eventHubId',
      importer: 'EventHub.fromEventHubAttributes',
      kind: 'event hub',
    });
    requireBlock(this, props.storageContainer?.storageAccount, {
      construct: 'ChangeTrackingExport',
      prop: 'storageContainer.storageAccount',
      attribute: 'storageAccountId',
      importer: 'StorageAccount.fromStorageAccountAttributes',
      kind: 'storage account',
    });
    this.dataverse = props.dataverse;
    const seed = props.dataverse.url;
    const rg = props.resourceGroup;
    const tags = props.tags;
    const appOptions = props.functionApp ?? {};
    this.schedule = props.schedule ?? DEFAULT_SCHEDULE;
    const code = props.functionCode ?? bundledFunctionFolder();
    const client = new DataAzurermClientConfig(this, 'client');

    // Dataverse: change tracking per table; the identity as an application user with the role.
    const tables = props.tables ?? [];
    // Only tables whose names pass the checks get a record (a wrong name is reported once, by the checks).
    const named = (t: ChangeTrackingTableOptions | undefined) =>
      t !== null &&
      typeof t === 'object' &&
      typeof t.logicalName === 'string' &&
      LOGICAL_NAME.test(t.logicalName) &&
      (t.entitySetName === undefined || LOGICAL_NAME.test(t.entitySetName));
    this.changeTracking = [...new Set(tables.filter(named).map((t) => TableChangeTracking.forTable(props.dataverse, t.logicalName, t.entitySetName)))];
    this.identity = props.existingIdentity ?? new UserAssignedIdentity(this, 'identity', { name: generateName(this, NAME_RULES.generic, 'id', seed), resourceGroup: rg, tags });
    this.applicationUser = new ApplicationUser(this, 'application-user', {
      environment: props.dataverse,
      applicationId: this.identity.clientId,
      securityRoleNames: [props.securityRoleName],
    });

    // Monitoring, the app's storage (package and delta tokens).
    const host = createAppHost(this, {
      seed,
      resourceGroup: rg,
      code,
      runtimeName: 'node',
      client,
      grantDeployerAccess: props.grantDeployerAccess ?? true,
      storageAccount: props.storageAccount,
      logAnalyticsWorkspace: props.logAnalyticsWorkspace,
      existingLogAnalyticsWorkspace: props.existingLogAnalyticsWorkspace,
      tags,
    });
    this.logAnalyticsWorkspace = host.logAnalyticsWorkspace;
    this.applicationInsights = host.applicationInsights;
    this.storageAccount = host.storageAccount;
    const pkg = host.pkg;
    const stateContainer = this.storageAccount.addContainer(this, 'state-container', STATE_CONTAINER);

    // The identity's data roles: the token container, the sink entity.
    const principalId = this.identity.principalId;
    const grant = { principalType: 'ServicePrincipal' };
    grantRole(this, 'state-blob', STORAGE_ROLES.blobDataContributor, containerScope(this.storageAccount.storageAccountId, stateContainer.name), principalId, {
      ...grant,
      id: 'state-blob',
      description: `Delta tokens of ${this.node.path} (cdktf-dataverse)`,
    });
    const sinkSettings = this.sink(props, principalId);

    const tableSetting = tables.filter(named).map((t) => ({
      name: t.logicalName,
      entitySetName: this.recordOf(t.logicalName)!.trackedEntitySetName,
      columns: t.columns ?? [t.idColumn ?? `${t.logicalName}id`],
      ...(t.idColumn ? { idColumn: t.idColumn } : {}),
    }));
    this.appSettings = {
      [SETTINGS.environmentUrl]: props.dataverse.url,
      [SETTINGS.tables]: JSON.stringify(tableSetting),
      [SETTINGS.schedule]: this.schedule,
      ...(props.pageSize !== undefined ? { [SETTINGS.pageSize]: String(props.pageSize) } : {}),
      ...sinkSettings,
      [SETTINGS.stateBlobServiceUri]: this.storageAccount.primaryBlobEndpoint,
      [SETTINGS.stateContainer]: STATE_CONTAINER,
      [SETTINGS.identityClientId]: this.identity.clientId,
      // Changes with the code: a new package restarts the app so that instances load it.
      CHANGE_TRACKING_PACKAGE_HASH: pkg?.hash ?? 'none',
    };

    this.functionApp = createFlexApp(this, {
      seed,
      resourceGroup: rg,
      host,
      options: appOptions,
      appSettings: this.appSettings,
      userAssignedIdentityIds: [this.identity.userAssignedIdentityId],
      // A timer function: nothing calls it, so it accepts no traffic from the internet.
      publicNetworkAccess: false,
      tags,
    });
    // A failing run fails its execution (the runtime throws): the functionFailures alert sees it.
    monitorFunctionApp(this, { resourceGroup: rg, tags, monitoring: props.monitoring }, this.applicationInsights, this.functionApp.functionAppId, this.logAnalyticsWorkspace);
    addValidator(this, (problems) => this.validate(problems, props, host.codeProblem));
  }

  private recordOf(table: string): TableChangeTracking | undefined {
    return this.changeTracking.find((r) => r.trackedTable === table);
  }

  /** The sink's settings and the identity's send role on the sink entity. */
  private sink(props: ChangeTrackingExportProps, principalId: string): { [name: string]: string } {
    const options = { principalType: 'ServicePrincipal', description: `Change tracking export of ${this.node.path} (cdktf-dataverse)` };
    const queue = props.serviceBusQueue;
    const topic = props.serviceBusTopic;
    if (queue ?? topic) {
      (queue ?? topic)!.grantSend(principalId, options);
      return {
        [SETTINGS.sink]: 'serviceBus',
        [SETTINGS.serviceBusNamespace]: (queue ?? topic)!.serviceBusNamespace.fullyQualifiedNamespace,
        [SETTINGS.serviceBusEntity]: queue ? queue.queueName : topic!.topicName,
      };
    }
    if (props.eventHub) {
      props.eventHub.grantSend(principalId, options);
      return {
        [SETTINGS.sink]: 'eventHub',
        [SETTINGS.eventHubNamespace]: props.eventHub.eventHubNamespace.fullyQualifiedNamespace,
        [SETTINGS.eventHubName]: props.eventHub.eventHubName,
      };
    }
    const c = props.storageContainer;
    if (!c) return {};
    // A reference to the created container, so that the role waits for it.
    const container =
      (c.createContainer ?? true)
        ? new StorageContainer(this, 'output-container', { name: c.containerName, storageAccountId: c.storageAccount.storageAccountId, containerAccessType: 'private' }).name
        : c.containerName;
    grantRole(this, 'output-blob', STORAGE_ROLES.blobDataContributor, containerScope(c.storageAccount.storageAccountId, container), principalId, { ...options, id: 'output-blob' });
    return { [SETTINGS.sink]: 'blob', [SETTINGS.outputBlobServiceUri]: c.storageAccount.primaryBlobEndpoint, [SETTINGS.outputContainer]: c.containerName };
  }

  private validate(problems: Problems, props: ChangeTrackingExportProps, codeProblem: string | undefined): void {
    if (codeProblem) {
      problems.add(
        props.functionCode === undefined
          ? `the change-tracking function app is missing from this package (${codeProblem.split(' Fix:')[0]}); npm run compile builds it into lib/runtime/change-tracking/function-app. Fix: reinstall cdktf-dataverse, or pass functionCode with the folder of a built function app.`
          : `functionCode: ${codeProblem}`,
      );
    }
    checkExistingOrNew(problems, [['existingLogAnalyticsWorkspace', props.existingLogAnalyticsWorkspace, 'logAnalyticsWorkspace', props.logAnalyticsWorkspace]]);
    checkExportProps(problems, props);
    for (const name of Object.keys(props.functionApp?.appSettings ?? {})) {
      problems.check(
        !RESERVED_SETTINGS.test(name),
        `functionApp.appSettings: ${quote(name)} is set by the construct (the change-tracking settings). Fix: remove it, or set the matching prop (tables, schedule, pageSize, the sink).`,
      );
    }
    (props.tables ?? []).forEach((t, i) => {
      const record = typeof t?.logicalName === 'string' ? this.recordOf(t.logicalName) : undefined;
      if (!record || t.entitySetName === undefined || record.trackedEntitySetName === t.entitySetName) return;
      problems.add(
        `tables[${i}]: the table ${quote(t.logicalName)} is exported elsewhere in this environment with the entity set name ${quote(record.trackedEntitySetName)}, here with ${quote(t.entitySetName)}. Fix: give both the table's real EntitySetName.`,
      );
    });
  }
}
