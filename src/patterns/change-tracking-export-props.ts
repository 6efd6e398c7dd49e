// Properties of ChangeTrackingExport (change-tracking-export.ts).
import { IntegrationBaseProps } from './integration-props';
import { IEventHub } from '../azure/event-hubs';
import { FunctionAppOptions } from '../azure/function-app';
import { IUserAssignedIdentity } from '../azure/managed-identity';
import { ILogAnalyticsWorkspace, LogAnalyticsWorkspaceOptions } from '../azure/monitoring';
import { IServiceBusQueue, IServiceBusTopic } from '../azure/service-bus-entities';
import { IStorageAccount, StorageAccountOptions } from '../azure/storage-account';

/** One table to export. */
export interface ChangeTrackingTableOptions {
  /** Logical name of the table, e.g. `account`. Change tracking is enabled on it (permanently). */
  readonly logicalName: string;
  /**
   * Columns each message carries (logical names; lookups as `_<column>_value`).
   * @default - the primary key only: messages say which rows changed (id and version) and consumers read what they need
   */
  readonly columns?: string[];
  /**
   * The table's Web API entity set name. `cdktf-dataverse apply` checks it against the table definition.
   * @default - the English plural of the logical name (`account` → `accounts`, `opportunity` → `opportunities`)
   */
  readonly entitySetName?: string;
  /**
   * The table's primary key column.
   * @default `<logicalName>id` (activity tables: set `activityid`)
   */
  readonly idColumn?: string;
}

/** JSON Lines files in a blob container: the storage sink. */
export interface ChangeTrackingStorageSink {
  /** The storage account: a StorageAccount block, or `StorageAccount.fromStorageAccountAttributes`. */
  readonly storageAccount: IStorageAccount;
  /** The container of the files (3–63 lowercase letters, digits and hyphens). */
  readonly containerName: string;
  /**
   * Create the container (as a private container of the account).
   * @default true
   */
  readonly createContainer?: boolean;
}

/** Properties of a ChangeTrackingExport. Exactly one sink: serviceBusQueue, serviceBusTopic, eventHub or storageContainer. */
export interface ChangeTrackingExportProps extends IntegrationBaseProps {
  /** The tables to export (1 to 50, each once). */
  readonly tables: ChangeTrackingTableOptions[];
  /**
   * The Dataverse security role of the function's application user, by name (root business
   * unit). It needs Read (organization level) on each exported table; the Web API calls need
   * nothing else (Basic User rights are not required). Create the role in your solution, e.g.
   * "Change tracking export" with Read on Account.
   */
  readonly securityRoleName: string;
  /**
   * When the function runs: an NCRONTAB expression of six fields
   * (`{second} {minute} {hour} {day} {month} {day-of-week}`).
   * @default - every 5 minutes at second 0 (the runtime's DEFAULT_SCHEDULE)
   */
  readonly schedule?: string;
  /**
   * Rows per Web API page (`Prefer: odata.maxpagesize`), 1 to 5000.
   * @default 5000
   */
  readonly pageSize?: number;
  /**
   * Sink: a Service Bus queue (created with the ServiceBusQueue block, or imported with
   * `ServiceBusQueue.fromServiceBusQueueAttributes`).
   * @default - another sink
   */
  readonly serviceBusQueue?: IServiceBusQueue;
  /**
   * Sink: a Service Bus topic (created or imported).
   * @default - another sink
   */
  readonly serviceBusTopic?: IServiceBusTopic;
  /**
   * Sink: an event hub (created or imported).
   * @default - another sink
   */
  readonly eventHub?: IEventHub;
  /**
   * Sink: JSON Lines files in a blob container (one file per table per run).
   * @default - another sink
   */
  readonly storageContainer?: ChangeTrackingStorageSink;
  /**
   * The identity the function reads Dataverse and writes the sink with (it becomes the
   * Dataverse application user). A UserAssignedIdentity block or
   * `UserAssignedIdentity.fromUserAssignedIdentityAttributes`.
   * @default - a user-assigned identity is created
   */
  readonly existingIdentity?: IUserAssignedIdentity;
  /**
   * Folder of the function app to deploy (host.json at its root).
   * @default - the change-tracking function bundled in this package (lib/runtime/change-tracking/function-app)
   */
  readonly functionCode?: string;
  /**
   * Function App options. The `CHANGE_TRACKING_*` and `DATAVERSE_ENVIRONMENT_URL` app settings are the construct's.
   * @default - the FunctionApp defaults
   */
  readonly functionApp?: FunctionAppOptions;
  /**
   * Options of the storage account the function runs from (it also holds the delta tokens).
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
   * Grant the identity that runs Terraform "Storage Blob Data Contributor" on the function's
   * storage account, to upload the code package. Turn it off when your pipeline identity has it.
   * @default true
   */
  readonly grantDeployerAccess?: boolean;
}
