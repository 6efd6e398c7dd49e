import { Eventhub } from '@cdktf/provider-azurerm/lib/eventhub';
import { EventhubAuthorizationRule } from '@cdktf/provider-azurerm/lib/eventhub-authorization-rule';
import { EventhubConsumerGroup } from '@cdktf/provider-azurerm/lib/eventhub-consumer-group';
import { EventhubNamespace } from '@cdktf/provider-azurerm/lib/eventhub-namespace';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Construct } from 'constructs';
import { PolicySuppressions } from '../policy/suppressions';
import { grantRole } from '../azure/grants';
import { checkName, generateName, NAME_RULES, NameRule } from '../azure/naming';
import { Problems, addValidator, annotate, isUnresolved, quote } from '../core/problems';
import { checkExistingOrNew, checkInteger } from '../azure/props';
import { ResourceGroupReference } from '../azure/resource-group';
import { isResourceIdOf, resourceGroupOfId } from '../azure/resource-id';
import { MessageFormat, ServiceEndpointAuthType, ServiceEndpointContract, UserClaim } from '../dataverse/enums';
import { DataverseEnvironment } from '../dataverse/environment';
import { ProcessingStep, StepDefinition } from '../dataverse/processing-step';
import { ServiceEndpoint } from '../dataverse/service-endpoint';
import { bindOutbound } from '../dataverse/outbound-binding';

/**
 * Event Hubs tier. Basic is not offered: it has a single consumer group (no fan-out) and no capture.
 */
export enum EventHubSku {
  /** Throughput units (1–40), optional auto-inflate; up to 32 partitions, 7 days retention, 20 consumer groups. */
  STANDARD = 'Standard',
  /** Processing units (1, 2, 4, 8, 16); up to 100 partitions, 90 days retention, 100 consumer groups. */
  PREMIUM = 'Premium',
  /** A namespace in an Event Hubs Dedicated cluster; up to 1024 partitions, 90 days retention, 1000 consumer groups. */
  DEDICATED = 'Dedicated',
}

/** File format of captured events. */
export enum CaptureEncoding {
  /** Apache Avro. */
  AVRO = 'Avro',
  /** Apache Avro with deflate compression. */
  AVRO_DEFLATE = 'AvroDeflate',
}

/** Options for the Event Hubs namespace the pattern creates. */
export interface EventHubNamespaceOptions {
  /**
   * Namespace name (6–50 letters, digits, hyphens; globally unique).
   * @default - generated from the construct path and a hash of the environment URL
   */
  readonly name?: string;
  /**
   * Tier.
   * @default EventHubSku.STANDARD
   */
  readonly sku?: EventHubSku;
  /**
   * Standard: throughput units (1–40). Premium: processing units (1, 2, 4, 8 or 16).
   * Not with Dedicated (the cluster's capacity applies).
   * @default 1
   */
  readonly capacity?: number;
  /**
   * Let Azure add throughput units under load, up to maximumThroughputUnits (Standard only).
   * @default false
   */
  readonly autoInflateEnabled?: boolean;
  /**
   * Upper bound of auto-inflate (Standard only, with autoInflateEnabled): more than capacity, at most 40.
   * @default - none (required when autoInflateEnabled is true)
   */
  readonly maximumThroughputUnits?: number;
  /**
   * Resource id of the Event Hubs Dedicated cluster (Dedicated only, and required there).
   * @default - none
   */
  readonly dedicatedClusterId?: string;
  /**
   * Public network access. Dataverse delivers from its service over the internet, so the namespace
   * must accept public traffic unless your environment reaches it through a Power Platform
   * virtual network.
   * @default true
   */
  readonly publicNetworkAccessEnabled?: boolean;
}

/** An Event Hubs namespace that already exists. A data source of one fits. */
export interface EventHubNamespaceReference {
  /** Resource id of the namespace (its resource group is read from it). */
  readonly id: string;
  /** Namespace name. */
  readonly name: string;
  /**
   * Tier of the namespace, used to check partition count, retention and the number of consumer groups.
   * @default EventHubSku.STANDARD
   */
  readonly sku?: EventHubSku;
}

/** Options for the event hub. */
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

/** Capture of every event into Avro files in a blob container. */
export interface EventHubCaptureOptions {
  /**
   * Capture into this storage account (resource id) instead of a created one. The container
   * named by containerName must exist in it.
   * @default - a storage account and a container are created
   */
  readonly existingStorageAccountId?: string;
  /**
   * Name of the created storage account (3–24 lowercase letters and digits; globally unique).
   * Not with existingStorageAccountId.
   * @default - generated from the construct path and a hash of the environment URL
   */
  readonly storageAccountName?: string;
  /**
   * Blob container name (3–63 lowercase letters, digits and hyphens). Required with existingStorageAccountId.
   * @default 'eventhub-capture' (created)
   */
  readonly containerName?: string;
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

/** Options of addSubscriber. */
export interface EventHubSubscriberOptions {
  /**
   * Grant this principal (object id) "Azure Event Hubs Data Receiver" on the event hub.
   * @default - no role assignment
   */
  readonly principalId?: string;
  /**
   * `principal_type` of the role assignment (User, Group, ServicePrincipal); only with principalId.
   * @default - Azure looks it up
   */
  readonly principalType?: string;
  /**
   * User metadata of the consumer group (at most 1024 characters).
   * @default - none
   */
  readonly userMetadata?: string;
}

/** What addSubscriber created. */
export interface EventHubSubscriber {
  /** The subscriber's name (the consumer group name). */
  readonly name: string;
  /** The subscriber's consumer group. */
  readonly consumerGroup: EventhubConsumerGroup;
  /** The "Azure Event Hubs Data Receiver" role assignment, when principalId was given. */
  readonly roleAssignment?: RoleAssignment;
}

/** Properties of an EventHubFanout. */
export interface EventHubFanoutProps {
  /** The Dataverse environment that sends the events. */
  readonly dataverse: DataverseEnvironment;
  /** Resource group (name and location) of the created resources. */
  readonly resourceGroup: ResourceGroupReference;
  /** The events to publish: one processing step each, post-operation and asynchronous (the only mode Event Hubs accepts). */
  readonly steps: StepDefinition[];
  /**
   * Options of the namespace to create (not with existingNamespace).
   * @default - a Standard namespace with 1 throughput unit and a generated name
   */
  readonly namespaceOptions?: EventHubNamespaceOptions;
  /**
   * Use this namespace instead of creating one. It must keep local (SAS) authentication enabled.
   * @default - a namespace is created
   */
  readonly existingNamespace?: EventHubNamespaceReference;
  /**
   * Event hub options.
   * @default - see EventHubOptions
   */
  readonly eventHub?: EventHubOptions;
  /**
   * Capture every event into a blob container (Avro).
   * @default - no capture
   */
  readonly capture?: EventHubCaptureOptions;
  /**
   * Name of the Send-only authorization rule Dataverse uses.
   * @default 'dataverse-send'
   */
  readonly authorizationRuleName?: string;
  /**
   * Service endpoint name in Dataverse.
   * @default - the construct path
   */
  readonly endpointName?: string;
  /**
   * Service endpoint description.
   * @default - names the construct
   */
  readonly endpointDescription?: string;
  /**
   * Message format of the service endpoint.
   * @default MessageFormat.JSON
   */
  readonly messageFormat?: MessageFormat;
  /**
   * User information sent with each message.
   * @default UserClaim.NONE
   */
  readonly userClaim?: UserClaim;
  /**
   * Tags of the created Azure resources.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

const RECEIVER_ROLE = 'Azure Event Hubs Data Receiver';
const DEFAULT_CONSUMER_GROUP = '$Default';
const DEFAULT_ARCHIVE_NAME_FORMAT = '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}';
const ARCHIVE_PLACEHOLDERS = ['{Namespace}', '{EventHub}', '{PartitionId}', '{Year}', '{Month}', '{Day}', '{Hour}', '{Minute}', '{Second}'];

/** Limits per tier (Microsoft Learn, "Azure Event Hubs quotas and limits"). */
const LIMITS: { [sku: string]: { partitions: number; retentionDays: number; consumerGroups: number } } = {
  [EventHubSku.STANDARD]: { partitions: 32, retentionDays: 7, consumerGroups: 20 },
  [EventHubSku.PREMIUM]: { partitions: 100, retentionDays: 90, consumerGroups: 100 },
  [EventHubSku.DEDICATED]: { partitions: 1024, retentionDays: 90, consumerGroups: 1000 },
};

const CONSUMER_GROUP_RULE: NameRule = { ...NAME_RULES.subscription, kind: 'consumer group name' };
const CONTAINER_RULE: NameRule = {
  kind: 'blob container name',
  min: 3,
  max: 63,
  pattern: /^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/,
  describe: 'lowercase letters, digits and single hyphens, starting and ending with a letter or digit',
};

/**
 * Dataverse publishes each registered event to one event hub (contract EventHub); many systems
 * read them independently, each through its own consumer group, at their own pace.
 *
 * Default settings:
 * - Standard namespace with 1 throughput unit, no auto-inflate, and a generated, deterministic name;
 *   TLS 1.2 minimum; public network access on (Dataverse delivers over the internet); local (SAS)
 *   auth on, because Dataverse service endpoints cannot use a managed identity (recorded as an
 *   info Annotation).
 * - One event hub with 4 partitions and 7 days retention.
 * - Dataverse gets a Send-only authorization rule on that event hub only, never a namespace key.
 * - A service endpoint (contract EventHub (7), SAS key auth, JSON, no user claim, address
 *   `sb://<namespace>.servicebus.windows.net/`, path = the hub name) whose key comes from a
 *   sensitive Terraform output.
 * - One processing step per entry of `steps`: post-operation, asynchronous, rank 1, system job
 *   deleted on success. A synchronous step is allowed with a warning: the event is sent at once
 *   and cannot be recalled when the operation rolls back.
 * - `addSubscriber(name)` adds one consumer group per subscriber; with `principalId` also
 *   "Azure Event Hubs Data Receiver" scoped to the event hub.
 * - No capture; with `capture`, Avro files every 300 s or 314572800 bytes, empty windows skipped,
 *   named `{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}`, in a
 *   container `eventhub-capture` of a created StorageV2 account (Standard LRS, HTTPS only, TLS 1.2,
 *   no public blob access).
 */
export class EventHubFanout extends Construct {
  /** Tier of the namespace (as given for an existing one). */
  public readonly sku: EventHubSku;
  /** Namespace name. */
  public readonly namespaceName: string;
  /** Namespace resource id. */
  public readonly namespaceId: string;
  /** The created namespace (undefined with existingNamespace). */
  public readonly eventHubNamespace?: EventhubNamespace;
  /** The event hub. */
  public readonly eventHub: Eventhub;
  /** Event hub name. */
  public readonly eventHubName: string;
  /** Event hub resource id. */
  public readonly eventHubId: string;
  /** The Send-only rule Dataverse uses. */
  public readonly authorizationRule: EventhubAuthorizationRule;
  /** The Dataverse service endpoint. */
  public readonly endpoint: ServiceEndpoint;
  /** The Dataverse processing steps, in the order of `steps`. */
  public readonly steps: ProcessingStep[];
  /** Name of the sensitive Terraform output holding the key Dataverse sends with. */
  public readonly sasKeyOutputName: string;
  /** The created capture storage account (capture without existingStorageAccountId). */
  public readonly captureStorageAccount?: StorageAccount;
  /** The created capture container (capture without existingStorageAccountId). */
  public readonly captureContainer?: StorageContainer;

  private readonly resourceGroupName: string;
  private readonly subscriberList: EventHubSubscriber[] = [];
  private readonly subscriberNames = new Set<string>();

  constructor(scope: Construct, id: string, props: EventHubFanoutProps) {
    super(scope, id);
    const existing = props.existingNamespace;
    const ns = props.namespaceOptions ?? {};
    this.sku = existing ? (existing.sku ?? EventHubSku.STANDARD) : (ns.sku ?? EventHubSku.STANDARD);
    const seed = props.dataverse.url;

    // Namespace: created or existing.
    if (existing) {
      this.namespaceName = existing.name;
      this.namespaceId = existing.id;
      this.resourceGroupName = resourceGroupOfId(existing.id) ?? props.resourceGroup.name;
    } else {
      const standard = this.sku === EventHubSku.STANDARD;
      const autoInflate = standard ? (ns.autoInflateEnabled ?? false) : undefined;
      this.namespaceName = ns.name ?? generateName(this, NAME_RULES.eventHubsNamespace, 'evhns', seed);
      this.eventHubNamespace = new EventhubNamespace(this, 'namespace', {
        name: this.namespaceName,
        location: props.resourceGroup.location,
        resourceGroupName: props.resourceGroup.name,
        // A namespace in a Dedicated cluster is a Standard namespace with the cluster's id.
        sku: this.sku === EventHubSku.PREMIUM ? 'Premium' : 'Standard',
        capacity: this.sku === EventHubSku.DEDICATED ? undefined : (ns.capacity ?? 1),
        autoInflateEnabled: autoInflate,
        maximumThroughputUnits: autoInflate ? ns.maximumThroughputUnits : undefined,
        dedicatedClusterId: ns.dedicatedClusterId,
        minimumTlsVersion: '1.2',
        localAuthenticationEnabled: true,
        publicNetworkAccessEnabled: ns.publicNetworkAccessEnabled ?? true,
        tags: props.tags,
      });
      this.namespaceId = this.eventHubNamespace.id;
      this.resourceGroupName = props.resourceGroup.name;
      const suppressions = PolicySuppressions.of(this.eventHubNamespace).add(
        'DV_EVENTHUB_LOCAL_AUTH',
        'Dataverse service endpoints authenticate with a SAS key only (no managed identity), so local auth stays on; Dataverse gets a Send-only key on this event hub only, and subscribers use Entra ID (addSubscriber with principalId).',
      );
      if (ns.publicNetworkAccessEnabled ?? true) {
        suppressions.add(
          'DV_EVENTHUB_PUBLIC_ACCESS',
          'Dataverse delivers from its cloud service over the internet; set namespaceOptions.publicNetworkAccessEnabled: false when the environment reaches Azure through a Power Platform virtual network.',
        );
      }
    }

    // Optional capture destination.
    const capture = props.capture;
    let captureDestination: { storageAccountId: string; blobContainerName: string } | undefined;
    if (capture) {
      const containerName = capture.containerName ?? 'eventhub-capture';
      if (capture.existingStorageAccountId !== undefined) {
        captureDestination = { storageAccountId: capture.existingStorageAccountId, blobContainerName: containerName };
      } else {
        this.captureStorageAccount = new StorageAccount(this, 'capture-storage', {
          name: capture.storageAccountName ?? generateName(this, NAME_RULES.storageAccount, 'stcap', seed),
          location: props.resourceGroup.location,
          resourceGroupName: props.resourceGroup.name,
          accountKind: 'StorageV2',
          accountTier: 'Standard',
          accountReplicationType: 'LRS',
          httpsTrafficOnlyEnabled: true,
          minTlsVersion: 'TLS1_2',
          allowNestedItemsToBePublic: false,
          tags: props.tags,
        });
        PolicySuppressions.of(this.captureStorageAccount)
          .add(
            'CKV2_AZURE_40',
            "The capture destination is configured without a managed identity (azurerm's capture block takes none), so the account keeps Azure's default shared-key access; pass capture.existingStorageAccountId for an account you harden yourself.",
          )
          .add(
            'CKV_AZURE_59',
            'Event Hubs Capture reaches the account over its public endpoint; pass capture.existingStorageAccountId for an account behind network rules.',
          )
          .add(
            'CKV_AZURE_206',
            'Capture archives are a copy of events the subscribers already receive, so locally redundant storage is the default; pass capture.existingStorageAccountId for a geo-redundant account.',
          )
          .add('CKV_AZURE_33', 'Capture writes blobs only; the account has no queues whose requests could be logged.');
        this.captureContainer = new StorageContainer(this, 'capture-container', {
          name: containerName,
          storageAccountId: this.captureStorageAccount.id,
          containerAccessType: 'private',
        });
        captureDestination = { storageAccountId: this.captureStorageAccount.id, blobContainerName: this.captureContainer.name };
      }
    }

    // The event hub and the Send-only rule for Dataverse.
    const hub = props.eventHub ?? {};
    this.eventHubName = hub.name ?? generateName(this, NAME_RULES.messagingEntity, 'dataverse', seed);
    this.eventHub = new Eventhub(this, 'event-hub', {
      name: this.eventHubName,
      namespaceId: this.namespaceId,
      partitionCount: hub.partitionCount ?? 4,
      messageRetention: hub.messageRetentionInDays ?? 7,
      captureDescription:
        capture && captureDestination
          ? {
            enabled: true,
            encoding: capture.encoding ?? CaptureEncoding.AVRO,
            intervalInSeconds: capture.intervalInSeconds ?? 300,
            sizeLimitInBytes: capture.sizeLimitInBytes ?? 314572800,
            skipEmptyArchives: capture.skipEmptyArchives ?? true,
            destination: {
              name: 'EventHubArchive.AzureBlockBlob',
              archiveNameFormat: capture.archiveNameFormat ?? DEFAULT_ARCHIVE_NAME_FORMAT,
              blobContainerName: captureDestination.blobContainerName,
              storageAccountId: captureDestination.storageAccountId,
            },
          }
          : undefined,
    });
    this.eventHubId = this.eventHub.id;
    const ruleName = props.authorizationRuleName ?? 'dataverse-send';
    this.authorizationRule = new EventhubAuthorizationRule(this, 'dataverse-send', {
      name: ruleName,
      namespaceName: this.namespaceName,
      resourceGroupName: this.resourceGroupName,
      eventhubName: this.eventHub.name,
      send: true,
      listen: false,
      manage: false,
    });

    // Dataverse side: the endpoint and its steps.
    const binding = bindOutbound(this, 'EventHubFanout', props, {
      defaultDescription: `Event Hubs fan-out for ${this.node.path} (cdktf-dataverse)`,
      contract: ServiceEndpointContract.EVENT_HUB,
      authType: ServiceEndpointAuthType.SAS_KEY,
      messageFormat: props.messageFormat ?? MessageFormat.JSON,
      namespaceAddress: `sb://${this.namespaceName}.servicebus.windows.net/`,
      solutionNamespace: this.namespaceName,
      path: this.eventHubName,
      sasKeyName: ruleName,
      sasKey: this.authorizationRule.primaryKey,
    });
    this.endpoint = binding.endpoint;
    this.steps = binding.steps;
    this.sasKeyOutputName = binding.secretOutputName;

    annotate(
      this,
      'info',
      `Local (SAS) authentication stays enabled on Event Hubs namespace ${this.namespaceName}: Dataverse service endpoints cannot authenticate with a managed identity. Dataverse gets a Send-only key on event hub ${this.eventHubName} only; subscribers should read with Entra ID (addSubscriber with principalId).`,
    );
    addValidator(this, (problems) => this.validate(problems, props));
  }

  /** The consumer groups added with addSubscriber, in order. */
  public get consumerGroups(): EventhubConsumerGroup[] {
    return this.subscriberList.map((s) => s.consumerGroup);
  }

  /** What addSubscriber created, in order. */
  public get subscribers(): EventHubSubscriber[] {
    return [...this.subscriberList];
  }

  /**
   * Adds a subscriber: its own consumer group on the event hub, so that it reads every event at
   * its own pace; with `principalId` also "Azure Event Hubs Data Receiver" scoped to the event hub.
   * Returns what it created. Each name may be used once; `$Default` is reserved.
   */
  public addSubscriber(name: string, options: EventHubSubscriberOptions = {}): EventHubSubscriber {
    const key = isUnresolved(name) ? `${name}` : name.toLowerCase();
    const repeated = this.subscriberNames.has(key);
    this.subscriberNames.add(key);
    const safe = isUnresolved(name) ? `${this.subscriberList.length + 1}` : name.replace(/[^A-Za-z0-9_.-]/g, '_');
    let id = `subscriber-${safe}`;
    if (repeated || this.node.tryFindChild(id)) id = `${id}-repeat-${this.subscriberList.length + 1}`;
    const scope = new Construct(this, id);
    const consumerGroup = new EventhubConsumerGroup(scope, 'consumer-group', {
      name,
      namespaceName: this.namespaceName,
      resourceGroupName: this.resourceGroupName,
      eventhubName: this.eventHub.name,
      userMetadata: options.userMetadata,
    });
    const roleAssignment =
      options.principalId !== undefined
        ? grantRole(scope, 'receive', RECEIVER_ROLE, this.eventHubId, options.principalId, {
          principalType: options.principalType,
          description: `${RECEIVER_ROLE} for subscriber ${name} of ${this.node.path} (cdktf-dataverse)`,
        })
        : undefined;
    const subscriber: EventHubSubscriber = { name, consumerGroup, roleAssignment };
    this.subscriberList.push(subscriber);

    addValidator(scope, (problems) => {
      problems.check(!repeated, `subscriber ${quote(name)} is added twice. Fix: give each subscriber its own name (consumer group names are case-insensitive).`);
      if (!isUnresolved(name)) {
        problems.check(
          name.toLowerCase() !== DEFAULT_CONSUMER_GROUP.toLowerCase(),
          `subscriber ${quote(name)}: '$Default' is the consumer group every event hub already has. Fix: give the subscriber its own name, e.g. 'analytics'.`,
        );
        if (name.toLowerCase() !== DEFAULT_CONSUMER_GROUP.toLowerCase()) checkName(problems, CONSUMER_GROUP_RULE, 'addSubscriber name', name);
      }
      problems.length('userMetadata', options.userMetadata, 0, 1024);
      problems.check(
        options.principalType === undefined || options.principalId !== undefined,
        `subscriber ${quote(name)}: principalType is set without principalId. Fix: pass principalId too, or remove principalType.`,
      );
    });
    return subscriber;
  }

  private validate(problems: Problems, props: EventHubFanoutProps): void {
    const ns = props.namespaceOptions;
    const existing = props.existingNamespace;
    checkExistingOrNew(problems, [['existingNamespace', existing, 'namespaceOptions', ns]]);
    const sku = this.sku;
    const limits = LIMITS[sku];
    const where = existing ? 'existingNamespace.sku' : 'namespaceOptions.sku';
    problems.check(
      limits !== undefined,
      `${where} ${quote(sku)} is not supported. Fix: use EventHubSku.STANDARD, PREMIUM or DEDICATED (Basic has a single consumer group, so no fan-out, and no capture).`,
    );
    if (existing && !isUnresolved(existing.id)) {
      problems.check(
        isResourceIdOf(existing.id, 'Microsoft.EventHub/namespaces'),
        `existingNamespace.id ${quote(existing.id)} is not the resource id of an Event Hubs namespace. Fix: pass '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.EventHub/namespaces/<name>' (a data source's id fits).`,
      );
    }
    checkName(problems, NAME_RULES.eventHubsNamespace, 'namespaceOptions.name', ns?.name);
    checkName(problems, NAME_RULES.messagingEntity, 'eventHub.name', props.eventHub?.name);
    checkName(problems, NAME_RULES.authorizationRule, 'authorizationRuleName', props.authorizationRuleName);

    if (ns) this.validateNamespaceOptions(problems, ns, sku);

    if (limits) {
      const hub = props.eventHub ?? {};
      checkInteger(problems, `eventHub.partitionCount (${sku})`, hub.partitionCount, 1, limits.partitions);
      checkInteger(problems, `eventHub.messageRetentionInDays (${sku})`, hub.messageRetentionInDays, 1, limits.retentionDays);
      const count = this.subscriberList.length + 1;
      problems.check(
        count <= limits.consumerGroups,
        `${this.subscriberList.length} subscribers need ${count} consumer groups (with '$Default'), more than the ${limits.consumerGroups} a ${sku} event hub allows. Fix: remove subscribers, or use a higher tier.`,
      );
    }
    if (props.capture) this.validateCapture(problems, props.capture);
  }

  private validateNamespaceOptions(problems: Problems, ns: EventHubNamespaceOptions, sku: EventHubSku): void {
    if (sku === EventHubSku.STANDARD) {
      checkInteger(problems, 'namespaceOptions.capacity (throughput units)', ns.capacity, 1, 40);
      if (ns.autoInflateEnabled === true) {
        problems.check(
          ns.maximumThroughputUnits !== undefined,
          'namespaceOptions.autoInflateEnabled is true but maximumThroughputUnits is not set. Fix: set maximumThroughputUnits (more than capacity, at most 40).',
        );
      } else {
        problems.check(
          ns.maximumThroughputUnits === undefined,
          `namespaceOptions.maximumThroughputUnits ${ns.maximumThroughputUnits} applies only with auto-inflate. Fix: set autoInflateEnabled: true, or remove maximumThroughputUnits.`,
        );
      }
      const max = ns.maximumThroughputUnits;
      if (max !== undefined && !isUnresolved(max)) {
        const capacity = ns.capacity ?? 1;
        problems.check(
          Number.isInteger(max) && max <= 40 && (isUnresolved(capacity) || max > capacity),
          `namespaceOptions.maximumThroughputUnits ${max} must be a whole number more than capacity (${capacity}) and at most 40. Fix: choose a value in that range.`,
        );
      }
    } else {
      for (const [prop, value] of [['autoInflateEnabled', ns.autoInflateEnabled], ['maximumThroughputUnits', ns.maximumThroughputUnits]] as const) {
        problems.check(
          value === undefined,
          `namespaceOptions.${prop} applies to Standard namespaces only (auto-inflate of throughput units), not ${sku}. Fix: remove ${prop}, or use EventHubSku.STANDARD.`,
        );
      }
    }
    if (sku === EventHubSku.PREMIUM) {
      checkInteger(problems, 'namespaceOptions.capacity (processing units)', ns.capacity, 1, 16, [1, 2, 4, 8, 16]);
    }
    if (sku === EventHubSku.DEDICATED) {
      problems.check(
        ns.dedicatedClusterId !== undefined,
        'namespaceOptions.sku is DEDICATED but dedicatedClusterId is not set. Fix: pass the resource id of your Event Hubs Dedicated cluster.',
      );
      problems.check(
        ns.capacity === undefined,
        `namespaceOptions.capacity ${ns.capacity} does not apply to a namespace in a Dedicated cluster (the cluster's capacity units do). Fix: remove capacity.`,
      );
    } else {
      problems.check(
        ns.dedicatedClusterId === undefined,
        `namespaceOptions.dedicatedClusterId is set but sku is ${sku}. Fix: set sku: EventHubSku.DEDICATED, or remove dedicatedClusterId.`,
      );
    }
  }

  private validateCapture(problems: Problems, c: EventHubCaptureOptions): void {
    checkExistingOrNew(problems, [['capture.existingStorageAccountId', c.existingStorageAccountId, 'capture.storageAccountName', c.storageAccountName]]);
    if (c.existingStorageAccountId !== undefined) {
      problems.check(
        c.containerName !== undefined,
        'capture.existingStorageAccountId is set but capture.containerName is not. Fix: name the existing blob container that captured files go to.',
      );
      if (!isUnresolved(c.existingStorageAccountId)) {
        problems.check(
          isResourceIdOf(c.existingStorageAccountId, 'Microsoft.Storage/storageAccounts'),
          `capture.existingStorageAccountId ${quote(c.existingStorageAccountId)} is not the resource id of a storage account. Fix: pass '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>'.`,
        );
      }
    }
    checkName(problems, NAME_RULES.storageAccount, 'capture.storageAccountName', c.storageAccountName);
    checkName(problems, CONTAINER_RULE, 'capture.containerName', c.containerName);
    problems.check(
      c.encoding === undefined || Object.values(CaptureEncoding).includes(c.encoding),
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
}
