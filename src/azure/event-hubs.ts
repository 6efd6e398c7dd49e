import { Eventhub } from '@cdktf/provider-azurerm/lib/eventhub';
import { EventhubAuthorizationRule } from '@cdktf/provider-azurerm/lib/eventhub-authorization-rule';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { eventHubsMetric } from './alerts-catalogue';
import { MetricCriteria, MetricOptions } from './alerts-criteria';
import { BLOB_CONTAINER_RULE, CONSUMER_GROUPS, EVENT_HUBS_LIMITS, EventHubsGrantable, hubNameReference, EVENT_HUBS_PROVIDER } from './event-hubs-base';
import { IEventHubNamespace } from './event-hubs-namespace';
import { GrantOptions } from './grants-api';
import { importedName, requireProps } from './imports';
import { IEventHubMetrics } from './metrics';
import { checkName, generateName, NAME_RULES } from './naming';
import { checkInteger } from './props';
import { ISharedAccessRule } from './shared-access';
import { IStorageAccount } from './storage-account';
import { Problems, addValidator, isUnresolved, quote } from '../core/problems';

/** File format of captured events. */
export enum CaptureEncoding {
  /** Apache Avro. */
  AVRO = 'Avro',
  /** Apache Avro with deflate compression. */
  AVRO_DEFLATE = 'AvroDeflate',
}

/** How Event Hubs Capture writes files: the settings shared by the block and EventHubFanout. */
export interface EventHubCaptureSettings {
  /**
   * File format.
   * @default CaptureEncoding.AVRO
   */
  readonly encoding?: CaptureEncoding;
  /**
   * Time window of one capture file, in seconds (60–900).
   * @default 300
   */
  readonly intervalInSeconds?: number;
  /**
   * Size window of one capture file, in bytes (10485760–524288000).
   * @default 314572800
   */
  readonly sizeLimitInBytes?: number;
  /**
   * Do not write a file for a window without events.
   * @default true
   */
  readonly skipEmptyArchives?: boolean;
  /**
   * Blob name pattern; it must contain {Namespace}, {EventHub}, {PartitionId}, {Year}, {Month},
   * {Day}, {Hour}, {Minute} and {Second}.
   * @default '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}'
   */
  readonly archiveNameFormat?: string;
}

/**
 * Capture of every event of a hub into files in a blob container. Capture signs in to the account
 * with a shared access signature (azurerm 4.55 cannot select the namespace's managed identity), so
 * the account must allow shared keys and be in the namespace's subscription.
 */
export interface EventHubCapture extends EventHubCaptureSettings {
  /** The storage account the files go to. */
  readonly storageAccount: IStorageAccount;
  /** Name of the blob container (it must exist: `StorageAccount.addContainer`). */
  readonly containerName: string;
}

/** An event hub: one this stack creates, or one that exists (`EventHub.fromEventHubAttributes`). */
export interface IEventHub extends IEventHubMetrics {
  /** Resource id. */
  readonly eventHubId: string;
  /** Event hub name: the literal name given to the resource (Dataverse's service endpoint carries it). */
  readonly eventHubName: string;
  /** The namespace of the event hub. */
  readonly eventHubNamespace: IEventHubNamespace;
  /** Grants "Azure Event Hubs Data Sender" on this event hub; returns the role assignment. */
  grantSend(principalId: string, options?: GrantOptions): RoleAssignment;
  /**
   * Grants "Azure Event Hubs Data Receiver" on this event hub (every consumer group: a consumer
   * group is not a scope receivers can use); returns the role assignment.
   */
  grantReceive(principalId: string, options?: GrantOptions): RoleAssignment;
  /**
   * Adds a shared access rule with the Send right only, on this event hub only (what Dataverse
   * authenticates with). `scope` places it in the construct tree.
   */
  addSendOnlyRule(id: string, name: string, scope?: Construct): EventHubSendRule;
}

/** Attributes of an event hub that exists. */
export interface EventHubAttributes {
  /** The namespace of the hub (created, or imported with `EventHubNamespace.fromEventHubNamespaceAttributes`). */
  readonly eventHubNamespace: IEventHubNamespace;
  /** Resource id: `<namespace id>/eventhubs/<name>`. */
  readonly eventHubId: string;
  /**
   * Event hub name. Required when the id is a Terraform reference.
   * @default - read from the literal id
   */
  readonly eventHubName?: string;
}

/** How an event hub is created: the options a pattern passes through. */
export interface EventHubOptions {
  /**
   * Event hub name.
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Partitions: Standard 1–32, Premium 1–100, Dedicated 1–1024. Cannot be changed later on Standard.
   * @default 4
   */
  readonly partitionCount?: number;
  /**
   * Days an event is kept: Standard 1–7, Premium and Dedicated 1–90.
   * @default 7
   */
  readonly messageRetentionInDays?: number;
}

/** Properties of an EventHub. */
export interface EventHubProps extends EventHubOptions {
  /** The namespace the hub is created in. */
  readonly eventHubNamespace: IEventHubNamespace;
  /**
   * Capture every event into a blob container.
   * @default - no capture
   */
  readonly capture?: EventHubCapture;
}

const DEFAULT_ARCHIVE_NAME_FORMAT = '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}';
const ARCHIVE_PLACEHOLDERS = ['{Namespace}', '{EventHub}', '{PartitionId}', '{Year}', '{Month}', '{Day}', '{Hour}', '{Minute}', '{Second}'];
/** The attributes, grants and rules every event hub has, created or imported. */
abstract class EventHubBase extends EventHubsGrantable implements IEventHub {
  public abstract readonly eventHubId: string;
  public abstract readonly eventHubName: string;
  public abstract readonly eventHubNamespace: IEventHubNamespace;

  /**
   * The name as rules and consumer groups refer to it: the resource's name attribute for a
   * created hub, so that Terraform creates the hub first.
   * @internal
   */
  public abstract readonly _nameReference: string;

  public addSendOnlyRule(id: string, name: string, scope?: Construct): EventHubSendRule {
    return new EventHubSendRule(scope ?? this, id, { eventHub: this, name });
  }

  public metricThrottledRequests(options?: MetricOptions): MetricCriteria {
    return eventHubsMetric(this.eventHubNamespace.eventHubNamespaceId, 'throttledRequests', this.eventHubName, options);
  }

  public metricServerErrors(options?: MetricOptions): MetricCriteria {
    return eventHubsMetric(this.eventHubNamespace.eventHubNamespaceId, 'serverErrors', this.eventHubName, options);
  }

  public metricQuotaExceededErrors(options?: MetricOptions): MetricCriteria {
    return eventHubsMetric(this.eventHubNamespace.eventHubNamespaceId, 'quotaExceededErrors', this.eventHubName, options);
  }

  /** @internal */
  protected get _grantScopeId(): string {
    return this.eventHubId;
  }

  /** Reports more consumer groups than the namespace's tier allows on one hub. @internal */
  protected _checkConsumerGroups(problems: Problems): void {
    const sku = this.eventHubNamespace.sku;
    const limit = EVENT_HUBS_LIMITS[sku]?.consumerGroups;
    const added = (CONSUMER_GROUPS.get(this) ?? []).length;
    problems.check(
      limit === undefined || added + 1 <= limit,
      `${added} consumer groups and '$Default' make ${added + 1}, more than the ${limit} a ${sku} event hub allows. Fix: remove consumer groups (EventHubFanout: subscribers), or use a higher tier.`,
    );
  }
}

/**
 * An event hub.
 *
 * Default settings:
 * - 4 partitions and 7 days retention, checked against the namespace's tier.
 * - No capture. With `capture`: Avro, a file every 300 s or 314572800 bytes, empty windows
 *   skipped, named `{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}`,
 *   into the given container (destination `EventHubArchive.AzureBlockBlob`).
 * - No shared access rule: `addSendOnlyRule` adds a Send-only one (what Dataverse needs).
 */
export class EventHub extends EventHubBase {
  /** Imports an event hub that exists. */
  public static fromEventHubAttributes(scope: Construct, id: string, attrs: EventHubAttributes): IEventHub {
    return new ImportedEventHub(scope, id, attrs);
  }

  public readonly eventHubId: string;
  public readonly eventHubName: string;
  public readonly eventHubNamespace: IEventHubNamespace;
  /** @internal */
  public readonly _nameReference: string;
  /** The azurerm_eventhub resource. */
  public readonly resource: Eventhub;

  constructor(scope: Construct, id: string, props: EventHubProps) {
    super(scope, id);
    requireProps(this, 'EventHub', props, ['eventHubNamespace']);
    if (props.capture !== undefined) requireProps(this, 'EventHub capture', props.capture, ['storageAccount', 'containerName']);
    this.eventHubNamespace = props.eventHubNamespace;
    this.eventHubName = props.name ?? generateName(this, NAME_RULES.messagingEntity, 'evh', this.node.path);
    const capture = props.capture;
    // 'Default' keeps the Terraform address of the hub that of this construct.
    this.resource = new Eventhub(this, 'Default', {
      name: this.eventHubName,
      namespaceId: this.eventHubNamespace.eventHubNamespaceId,
      partitionCount: props.partitionCount ?? 4,
      messageRetention: props.messageRetentionInDays ?? 7,
      // azurerm 4.55 internal/services/eventhub/eventhub_resource.go, expandEventHubCaptureDescription:
      // the destination carries name, archive name format, container and account id only (no
      // identity), so Capture signs in with SAS (Microsoft Learn, "Authenticate modes for capturing
      // events to destinations in Azure Event Hubs": SAS is the default mode).
      captureDescription: capture
        ? {
            enabled: true,
            encoding: capture.encoding ?? CaptureEncoding.AVRO,
            intervalInSeconds: capture.intervalInSeconds ?? 300,
            sizeLimitInBytes: capture.sizeLimitInBytes ?? 314572800,
            skipEmptyArchives: capture.skipEmptyArchives ?? true,
            destination: {
              name: 'EventHubArchive.AzureBlockBlob',
              archiveNameFormat: capture.archiveNameFormat ?? DEFAULT_ARCHIVE_NAME_FORMAT,
              blobContainerName: capture.containerName,
              storageAccountId: capture.storageAccount.storageAccountId,
            },
          }
        : undefined,
    });
    this.eventHubId = this.resource.id;
    this._nameReference = this.resource.name;
    addValidator(this, (problems) => {
      checkName(problems, NAME_RULES.messagingEntity, 'name', props.name);
      const sku = this.eventHubNamespace.sku;
      const limits = EVENT_HUBS_LIMITS[sku];
      if (limits) {
        checkInteger(problems, `partitionCount (${sku})`, props.partitionCount, 1, limits.partitions);
        checkInteger(problems, `messageRetentionInDays (${sku})`, props.messageRetentionInDays, 1, limits.retentionDays);
      }
      if (capture) checkCapture(problems, capture);
      this._checkConsumerGroups(problems);
    });
  }
}

class ImportedEventHub extends EventHubBase {
  public readonly eventHubId: string;
  public readonly eventHubName: string;
  public readonly eventHubNamespace: IEventHubNamespace;
  /** @internal */
  public readonly _nameReference: string;

  constructor(scope: Construct, id: string, attrs: EventHubAttributes) {
    super(scope, id);
    const importer = 'EventHub.fromEventHubAttributes';
    requireProps(this, importer, attrs, ['eventHubNamespace', 'eventHubId']);
    this.eventHubNamespace = attrs.eventHubNamespace;
    this.eventHubId = attrs.eventHubId;
    this.eventHubName = importedName(this, {
      provider: EVENT_HUBS_PROVIDER,
      importer,
      idProp: 'eventHubId',
      id: attrs.eventHubId,
      nameProp: 'eventHubName',
      name: attrs.eventHubName,
      kinds: ['namespaces', 'eventhubs'],
      parentProp: 'eventHubNamespace',
      parentId: attrs.eventHubNamespace.eventHubNamespaceId,
    });
    this._nameReference = this.eventHubName;
    addValidator(this, (problems) => this._checkConsumerGroups(problems));
  }
}

function checkCapture(problems: Problems, c: EventHubCapture): void {
  checkName(problems, BLOB_CONTAINER_RULE, 'capture.containerName', c.containerName);
  problems.check(
    c.encoding === undefined || isUnresolved(c.encoding) || Object.values(CaptureEncoding).includes(c.encoding),
    `capture.encoding ${quote(c.encoding)} is not supported. Fix: use CaptureEncoding.AVRO or CaptureEncoding.AVRO_DEFLATE.`,
  );
  checkInteger(problems, 'capture.intervalInSeconds', c.intervalInSeconds, 60, 900);
  checkInteger(problems, 'capture.sizeLimitInBytes', c.sizeLimitInBytes, 10485760, 524288000);
  const format = c.archiveNameFormat;
  if (format !== undefined && !isUnresolved(format)) {
    const missing = ARCHIVE_PLACEHOLDERS.filter((p) => !format.includes(p));
    problems.check(
      missing.length === 0,
      `capture.archiveNameFormat ${quote(format)} lacks ${missing.join(', ')}. Fix: include all of ${ARCHIVE_PLACEHOLDERS.join(', ')} (in any order), or remove it for the default.`,
    );
  }
}

/** Properties of an EventHubSendRule. */
export interface EventHubSendRuleProps {
  /** The event hub the rule is on. */
  readonly eventHub: IEventHub;
  /** Rule name (the SAS key name), 1–50 characters. */
  readonly name: string;
}

/** A shared access rule with the Send right only, on one event hub (what Dataverse authenticates with). */
export class EventHubSendRule extends Construct implements ISharedAccessRule {
  public readonly ruleName: string;
  public readonly primaryKey: string;
  /** The azurerm_eventhub_authorization_rule resource. */
  public readonly resource: EventhubAuthorizationRule;

  constructor(scope: Construct, id: string, props: EventHubSendRuleProps) {
    super(scope, id);
    requireProps(this, 'EventHubSendRule', props, ['eventHub', 'name']);
    this.ruleName = props.name;
    const hub = props.eventHub;
    this.resource = new EventhubAuthorizationRule(this, 'Default', {
      name: props.name,
      namespaceName: hub.eventHubNamespace.eventHubNamespaceName,
      resourceGroupName: hub.eventHubNamespace.resourceGroupName,
      eventhubName: hubNameReference(hub),
      send: true,
      listen: false,
      manage: false,
    });
    this.primaryKey = this.resource.primaryKey;
    addValidator(this, (problems) => checkName(problems, NAME_RULES.authorizationRule, 'name', props.name));
  }
}
