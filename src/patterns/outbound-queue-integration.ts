import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { ServicebusNamespace } from '@cdktf/provider-azurerm/lib/servicebus-namespace';
import { ServicebusQueue } from '@cdktf/provider-azurerm/lib/servicebus-queue';
import { ServicebusQueueAuthorizationRule } from '@cdktf/provider-azurerm/lib/servicebus-queue-authorization-rule';
import { ServicebusSubscription } from '@cdktf/provider-azurerm/lib/servicebus-subscription';
import { ServicebusSubscriptionRule } from '@cdktf/provider-azurerm/lib/servicebus-subscription-rule';
import { ServicebusTopic } from '@cdktf/provider-azurerm/lib/servicebus-topic';
import { ServicebusTopicAuthorizationRule } from '@cdktf/provider-azurerm/lib/servicebus-topic-authorization-rule';
import { Construct } from 'constructs';
import { grantRole } from '../azure/grants';
import { GrantOptions } from '../azure/grants-api';
import { checkName, generateName, NAME_RULES } from '../azure/naming';
import { Problems, addValidator, annotate, isUnresolved, quote } from '../core/problems';
import { checkDuration, checkExistingOrNew, checkInteger } from '../azure/props';
import { ResourceGroupReference } from '../azure/resource-group';
import { MessageFormat, ServiceEndpointAuthType, ServiceEndpointContract, UserClaim } from '../dataverse/enums';
import { DataverseEnvironment } from '../dataverse/environment';
import { ProcessingStep, StepDefinition } from '../dataverse/processing-step';
import { ServiceEndpoint } from '../dataverse/service-endpoint';
import { bindOutbound } from '../dataverse/outbound-binding';
import { PolicySuppressions } from '../policy/suppressions';

/** Whether Dataverse posts to a queue (one consumer) or a topic (many subscriptions). */
export enum ServiceBusEntityKind {
  /** A queue: consumers compete for messages (load levelling). Service endpoint contract Queue (2). */
  QUEUE = 'queue',
  /** A topic with one subscription per consumer. Service endpoint contract Topic (5). */
  TOPIC = 'topic',
}

/** Service Bus namespace tier. Basic has no topics, no duplicate detection and no sessions. */
export enum ServiceBusSku {
  STANDARD = 'Standard',
  PREMIUM = 'Premium',
}

/** Options for the Service Bus namespace the pattern creates. */
export interface ServiceBusNamespaceOptions {
  /**
   * Namespace name (6–50 letters, digits, hyphens; globally unique).
   * @default - generated from the construct path and a hash of the environment URL
   */
  readonly name?: string;
  /**
   * Tier.
   * @default ServiceBusSku.STANDARD
   */
  readonly sku?: ServiceBusSku;
  /**
   * Messaging units (Premium only): 1, 2, 4, 8 or 16.
   * @default 1 on Premium
   */
  readonly capacity?: number;
  /**
   * Partitions (Premium only): 1, 2 or 4. Cannot change after creation.
   * @default 1 on Premium
   */
  readonly premiumMessagingPartitions?: number;
  /**
   * Public network access. Dataverse delivers from its service over the internet, so the
   * namespace must accept public traffic unless your environment reaches it through a
   * Power Platform virtual network.
   * @default true
   */
  readonly publicNetworkAccessEnabled?: boolean;
}

/** A namespace that already exists. A data source of one fits. */
export interface ServiceBusNamespaceReference {
  /** Resource id of the namespace. */
  readonly id: string;
  /** Namespace name. */
  readonly name: string;
}

/** Options for the queue (queue mode). */
export interface ServiceBusQueueOptions {
  /**
   * Queue name.
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Deliveries before a message is dead-lettered.
   * @default 10
   */
  readonly maxDeliveryCount?: number;
  /**
   * Time to live of a message (ISO 8601).
   * @default 'P14D'
   */
  readonly defaultMessageTtl?: string;
  /**
   * Peek-lock duration (ISO 8601, at most 5 minutes).
   * @default 'PT1M'
   */
  readonly lockDuration?: string;
  /**
   * Move expired messages to the dead-letter queue instead of dropping them.
   * @default true
   */
  readonly deadLetteringOnMessageExpiration?: boolean;
  /**
   * Drop messages whose MessageId was seen within the history window.
   * @default false
   */
  readonly requiresDuplicateDetection?: boolean;
  /**
   * Duplicate detection window (ISO 8601, 20 seconds to 7 days); only with requiresDuplicateDetection.
   * @default 'PT10M' when duplicate detection is on
   */
  readonly duplicateDetectionHistoryTimeWindow?: string;
  /**
   * Session-aware queue. Only messages that carry a SessionId are accepted.
   * @default false
   */
  readonly requiresSession?: boolean;
  /**
   * Maximum size in megabytes (Standard: 1024–5120 in steps of 1024).
   * @default 1024
   */
  readonly maxSizeInMegabytes?: number;
  /**
   * Partitioned entity (Standard only).
   * @default false
   */
  readonly partitioningEnabled?: boolean;
}

/** Options for the topic (topic mode). */
export interface ServiceBusTopicOptions {
  /**
   * Topic name.
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Time to live of a message (ISO 8601).
   * @default 'P14D'
   */
  readonly defaultMessageTtl?: string;
  /**
   * Drop messages whose MessageId was seen within the history window.
   * @default false
   */
  readonly requiresDuplicateDetection?: boolean;
  /**
   * Duplicate detection window (ISO 8601, 20 seconds to 7 days); only with requiresDuplicateDetection.
   * @default 'PT10M' when duplicate detection is on
   */
  readonly duplicateDetectionHistoryTimeWindow?: string;
  /**
   * Maximum size in megabytes (Standard: 1024–5120 in steps of 1024).
   * @default 1024
   */
  readonly maxSizeInMegabytes?: number;
  /**
   * Partitioned entity (Standard only).
   * @default false
   */
  readonly partitioningEnabled?: boolean;
}

/** Options of a topic subscription (one per consumer). */
export interface ServiceBusSubscriptionOptions {
  /**
   * Deliveries before a message is dead-lettered.
   * @default 10
   */
  readonly maxDeliveryCount?: number;
  /**
   * Time to live of a message (ISO 8601).
   * @default - the topic's
   */
  readonly defaultMessageTtl?: string;
  /**
   * Peek-lock duration (ISO 8601, at most 5 minutes).
   * @default 'PT1M'
   */
  readonly lockDuration?: string;
  /**
   * Move expired messages to the dead-letter queue.
   * @default true
   */
  readonly deadLetteringOnMessageExpiration?: boolean;
  /**
   * Session-aware subscription.
   * @default false
   */
  readonly requiresSession?: boolean;
  /**
   * Only messages about these tables (SQL filter on the `EntityLogicalName` property Dataverse sets).
   * @default - all tables
   */
  readonly tables?: string[];
  /**
   * Only messages of these messages (SQL filter on the `RequestName` property Dataverse sets).
   * @default - all messages
   */
  readonly messages?: string[];
  /**
   * A SQL filter of your own (not with tables / messages).
   * @default - none
   */
  readonly sqlFilter?: string;
  /**
   * Grant this principal "Azure Service Bus Data Receiver" on the subscription.
   * @default - no role assignment
   */
  readonly principalId?: string;
}

/** What addSubscription created. */
export interface ServiceBusSubscriptionResult {
  readonly subscription: ServicebusSubscription;
  /** The SQL filter rule, when tables, messages or sqlFilter were given. */
  readonly rule?: ServicebusSubscriptionRule;
  /** The role assignment, when principalId was given. */
  readonly roleAssignment?: RoleAssignment;
}

/** Properties of an OutboundQueueIntegration. */
export interface OutboundQueueIntegrationProps {
  /** The Dataverse environment that sends the events. */
  readonly dataverse: DataverseEnvironment;
  /** Resource group (name and location) of the created resources. */
  readonly resourceGroup: ResourceGroupReference;
  /** The events to send: one processing step each, post-operation and asynchronous by default. */
  readonly steps: StepDefinition[];
  /**
   * Queue or topic.
   * @default ServiceBusEntityKind.QUEUE
   */
  readonly entityKind?: ServiceBusEntityKind;
  /**
   * Options of the namespace to create (not with existingNamespace).
   * @default - a Standard namespace with a generated name
   */
  readonly namespaceOptions?: ServiceBusNamespaceOptions;
  /**
   * Use this namespace instead of creating one. It must keep local (SAS) authentication enabled.
   * @default - a namespace is created
   */
  readonly existingNamespace?: ServiceBusNamespaceReference;
  /**
   * Queue options (queue mode only).
   * @default - see ServiceBusQueueOptions
   */
  readonly queue?: ServiceBusQueueOptions;
  /**
   * Topic options (topic mode only).
   * @default - see ServiceBusTopicOptions
   */
  readonly topic?: ServiceBusTopicOptions;
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
   * @default - names the namespace and entity
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

const RECEIVER_ROLE = 'Azure Service Bus Data Receiver';
const PREMIUM_SIZES = Array.from({ length: 80 }, (_, i) => (i + 1) * 1024);
const STANDARD_SIZES = [1024, 2048, 3072, 4096, 5120];

/**
 * Dataverse posts each registered event to a Service Bus queue (contract Queue) or topic
 * (contract Topic); consumers read at their own pace.
 *
 * Default settings:
 * - Standard namespace with a generated, deterministic name; TLS 1.2 minimum; public network
 *   access on (Dataverse delivers over the internet); local (SAS) auth on, because Dataverse
 *   service endpoints cannot use a managed identity (recorded as an info Annotation).
 * - A queue (or, in topic mode, a topic) with dead-lettering on expiration, 10 deliveries,
 *   14-day TTL, 1-minute lock, no duplicate detection, no sessions, 1 GB.
 * - Dataverse gets a Send-only authorization rule on that queue or topic only, never a namespace key.
 * - A service endpoint (contract Queue or Topic, SAS key auth, JSON, no user claim) whose key comes
 *   from a sensitive Terraform output.
 * - One processing step per entry of `steps`: post-operation, asynchronous, rank 1, system job
 *   deleted on success.
 * - Consumers use Entra ID: `grantListen` adds "Azure Service Bus Data Receiver" on the entity.
 * - The policy rule pack's findings that Dataverse forces on the namespace are accepted with a
 *   reason (PolicySuppressions, listed in policy-report.json): local auth (CKV_AZURE_203), public
 *   network access while it is on (CKV_AZURE_204), no customer-managed key (CKV_AZURE_199, 201, 202).
 */
export class OutboundQueueIntegration extends Construct {
  /** Queue or topic. */
  public readonly entityKind: ServiceBusEntityKind;
  /** Namespace name. */
  public readonly namespaceName: string;
  /** Namespace resource id. */
  public readonly namespaceId: string;
  /** The created namespace (undefined with existingNamespace). */
  public readonly serviceBusNamespace?: ServicebusNamespace;
  /** The queue (queue mode). */
  public readonly queue?: ServicebusQueue;
  /** The topic (topic mode). */
  public readonly topic?: ServicebusTopic;
  /** Queue or topic name. */
  public readonly entityName: string;
  /** Queue or topic resource id. */
  public readonly entityId: string;
  /** The Send-only rule Dataverse uses (queue mode). */
  public readonly queueAuthorizationRule?: ServicebusQueueAuthorizationRule;
  /** The Send-only rule Dataverse uses (topic mode). */
  public readonly topicAuthorizationRule?: ServicebusTopicAuthorizationRule;
  /** The Dataverse service endpoint. */
  public readonly endpoint: ServiceEndpoint;
  /** The Dataverse processing steps, in the order of `steps`. */
  public readonly steps: ProcessingStep[];
  /** Name of the sensitive Terraform output holding the key Dataverse sends with. */
  public readonly sasKeyOutputName: string;

  private readonly subscriptionNames = new Set<string>();

  constructor(scope: Construct, id: string, props: OutboundQueueIntegrationProps) {
    super(scope, id);
    const kind = props.entityKind ?? ServiceBusEntityKind.QUEUE;
    this.entityKind = kind;
    const ns = props.namespaceOptions ?? {};
    const sku = ns.sku ?? ServiceBusSku.STANDARD;
    const seed = props.dataverse.url;

    // Namespace: created or existing.
    if (props.existingNamespace) {
      this.namespaceName = props.existingNamespace.name;
      this.namespaceId = props.existingNamespace.id;
    } else {
      const premium = sku === ServiceBusSku.PREMIUM;
      // Names are kept as the literal values given to the resources, so that the manifest can
      // carry them (a resource attribute would only be known after deploy).
      this.namespaceName = ns.name ?? generateName(this, NAME_RULES.serviceBusNamespace, 'sb', seed);
      this.serviceBusNamespace = new ServicebusNamespace(this, 'namespace', {
        name: this.namespaceName,
        location: props.resourceGroup.location,
        resourceGroupName: props.resourceGroup.name,
        sku,
        capacity: premium ? (ns.capacity ?? 1) : undefined,
        premiumMessagingPartitions: premium ? (ns.premiumMessagingPartitions ?? 1) : undefined,
        minimumTlsVersion: '1.2',
        localAuthEnabled: true,
        publicNetworkAccessEnabled: ns.publicNetworkAccessEnabled ?? true,
        tags: props.tags,
      });
      this.namespaceId = this.serviceBusNamespace.id;
      suppressNamespaceFindings(this.serviceBusNamespace, ns.publicNetworkAccessEnabled ?? true);
    }

    // Entity and the Send-only rule for Dataverse.
    const ruleName = props.authorizationRuleName ?? 'dataverse-send';
    let sasKey: string;
    if (kind === ServiceBusEntityKind.QUEUE) {
      const q = props.queue ?? {};
      const dedupe = q.requiresDuplicateDetection ?? false;
      this.entityName = q.name ?? generateName(this, NAME_RULES.messagingEntity, 'dataverse', seed);
      this.queue = new ServicebusQueue(this, 'queue', {
        name: this.entityName,
        namespaceId: this.namespaceId,
        maxDeliveryCount: q.maxDeliveryCount ?? 10,
        defaultMessageTtl: q.defaultMessageTtl ?? 'P14D',
        lockDuration: q.lockDuration ?? 'PT1M',
        deadLetteringOnMessageExpiration: q.deadLetteringOnMessageExpiration ?? true,
        requiresDuplicateDetection: dedupe,
        duplicateDetectionHistoryTimeWindow: dedupe ? (q.duplicateDetectionHistoryTimeWindow ?? 'PT10M') : undefined,
        requiresSession: q.requiresSession ?? false,
        maxSizeInMegabytes: q.maxSizeInMegabytes ?? 1024,
        partitioningEnabled: sku === ServiceBusSku.PREMIUM ? undefined : (q.partitioningEnabled ?? false),
      });
      this.entityId = this.queue.id;
      this.queueAuthorizationRule = new ServicebusQueueAuthorizationRule(this, 'dataverse-send', {
        name: ruleName,
        queueId: this.entityId,
        send: true,
        listen: false,
        manage: false,
      });
      sasKey = this.queueAuthorizationRule.primaryKey;
    } else {
      const t = props.topic ?? {};
      const dedupe = t.requiresDuplicateDetection ?? false;
      this.entityName = t.name ?? generateName(this, NAME_RULES.messagingEntity, 'dataverse', seed);
      this.topic = new ServicebusTopic(this, 'topic', {
        name: this.entityName,
        namespaceId: this.namespaceId,
        defaultMessageTtl: t.defaultMessageTtl ?? 'P14D',
        requiresDuplicateDetection: dedupe,
        duplicateDetectionHistoryTimeWindow: dedupe ? (t.duplicateDetectionHistoryTimeWindow ?? 'PT10M') : undefined,
        maxSizeInMegabytes: t.maxSizeInMegabytes ?? 1024,
        partitioningEnabled: sku === ServiceBusSku.PREMIUM ? undefined : (t.partitioningEnabled ?? false),
      });
      this.entityId = this.topic.id;
      this.topicAuthorizationRule = new ServicebusTopicAuthorizationRule(this, 'dataverse-send', {
        name: ruleName,
        topicId: this.entityId,
        send: true,
        listen: false,
        manage: false,
      });
      sasKey = this.topicAuthorizationRule.primaryKey;
    }

    // Dataverse side: the endpoint and its steps.
    const topicMode = kind === ServiceBusEntityKind.TOPIC;
    const binding = bindOutbound(this, 'OutboundQueueIntegration', props, {
      defaultDescription: `Service Bus ${kind} for ${this.node.path} (cdktf-dataverse)`,
      contract: topicMode ? ServiceEndpointContract.TOPIC : ServiceEndpointContract.QUEUE,
      authType: ServiceEndpointAuthType.SAS_KEY,
      messageFormat: props.messageFormat ?? MessageFormat.JSON,
      namespaceAddress: `sb://${this.namespaceName}.servicebus.windows.net/`,
      solutionNamespace: this.namespaceName,
      path: this.entityName,
      sasKeyName: ruleName,
      sasKey: sasKey,
    });
    this.endpoint = binding.endpoint;
    this.steps = binding.steps;
    this.sasKeyOutputName = binding.secretOutputName;

    annotate(
      this,
      'info',
      `Local (SAS) authentication stays enabled on Service Bus namespace ${this.namespaceName}: Dataverse service endpoints cannot authenticate with a managed identity. Dataverse gets a Send-only key on ${kind} ${this.entityName} only; consumers should use Entra ID (grantListen).`,
    );
    addValidator(this, (problems) => this.validate(problems, props, sku));
  }

  /**
   * Lets a principal read messages with Entra ID: adds "Azure Service Bus Data Receiver" scoped
   * to the queue or topic, and returns the role assignment.
   */
  public grantListen(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return grantRole(this, 'listen', RECEIVER_ROLE, this.entityId, principalId, options);
  }

  /**
   * Adds a subscription to the topic (topic mode only), optionally filtered on the table and
   * message properties Dataverse sets on each message, and optionally granting a principal
   * "Azure Service Bus Data Receiver" on it.
   */
  public addSubscription(name: string, options: ServiceBusSubscriptionOptions = {}): ServiceBusSubscriptionResult {
    if (!this.topic) {
      throw new Error(
        `[${this.node.path}] addSubscription('${name}') needs topic mode: this integration posts to a queue. Fix: set entityKind: ServiceBusEntityKind.TOPIC, or read the queue with grantListen.`,
      );
    }
    const repeated = this.subscriptionNames.has(name);
    this.subscriptionNames.add(name);
    const id = repeated ? `subscription-${name}-repeat-${this.subscriptionNames.size}` : `subscription-${name}`;
    const scope = new Construct(this, id);
    const subscription = new ServicebusSubscription(scope, 'subscription', {
      name,
      topicId: this.topic.id,
      maxDeliveryCount: options.maxDeliveryCount ?? 10,
      defaultMessageTtl: options.defaultMessageTtl,
      lockDuration: options.lockDuration ?? 'PT1M',
      deadLetteringOnMessageExpiration: options.deadLetteringOnMessageExpiration ?? true,
      requiresSession: options.requiresSession ?? false,
    });
    const filter = options.sqlFilter ?? subscriptionFilter(options.tables, options.messages);
    const rule = filter
      ? new ServicebusSubscriptionRule(scope, 'filter', {
        name: 'dataverse-filter',
        subscriptionId: subscription.id,
        filterType: 'SqlFilter',
        sqlFilter: filter,
      })
      : undefined;
    const roleAssignment = options.principalId
      ? grantRole(scope, 'listen', RECEIVER_ROLE, subscription.id, options.principalId)
      : undefined;

    addValidator(scope, (problems) => {
      problems.check(!repeated, `subscription ${quote(name)} is added twice. Fix: give each consumer its own subscription name.`);
      checkName(problems, NAME_RULES.subscription, 'name', name);
      checkInteger(problems, 'maxDeliveryCount', options.maxDeliveryCount, 1, 2000);
      checkDuration(problems, 'lockDuration', options.lockDuration, 5, 300, 'from 5 seconds to 5 minutes');
      checkDuration(problems, 'defaultMessageTtl', options.defaultMessageTtl, 1, 10675199 * 86400, 'at least 1 second');
      problems.check(
        options.sqlFilter === undefined || (options.tables === undefined && options.messages === undefined),
        'sqlFilter cannot be combined with tables or messages. Fix: use either your own sqlFilter or the tables/messages shorthand.',
      );
      for (const table of options.tables ?? []) {
        if (isUnresolved(table)) continue;
        problems.check(/^[a-z][a-z0-9_]*$/.test(table), `tables: ${quote(table)} is not a table logical name. Fix: use the lowercase logical name, e.g. 'account'.`);
      }
      for (const message of options.messages ?? []) {
        if (isUnresolved(message)) continue;
        problems.check(/^[A-Za-z][A-Za-z0-9_]*$/.test(message), `messages: ${quote(message)} is not a message name. Fix: use e.g. 'Create' or 'Update'.`);
      }
    });
    return { subscription, rule, roleAssignment };
  }

  private validate(problems: Problems, props: OutboundQueueIntegrationProps, sku: ServiceBusSku): void {
    const ns = props.namespaceOptions;
    checkExistingOrNew(problems, [['existingNamespace', props.existingNamespace, 'namespaceOptions', ns]]);
    problems.check(
      Object.values(ServiceBusSku).includes(sku),
      `namespaceOptions.sku ${quote(sku)} is not supported. Fix: use ServiceBusSku.STANDARD or ServiceBusSku.PREMIUM (Basic has no topics, duplicate detection or sessions).`,
    );
    checkName(problems, NAME_RULES.serviceBusNamespace, 'namespaceOptions.name', ns?.name);
    checkName(problems, NAME_RULES.authorizationRule, 'authorizationRuleName', props.authorizationRuleName);
    const premium = sku === ServiceBusSku.PREMIUM;
    if (!premium) {
      problems.check(ns?.capacity === undefined, `namespaceOptions.capacity ${ns?.capacity} applies to Premium namespaces only. Fix: remove capacity, or set sku: ServiceBusSku.PREMIUM.`);
      problems.check(
        ns?.premiumMessagingPartitions === undefined,
        `namespaceOptions.premiumMessagingPartitions ${ns?.premiumMessagingPartitions} applies to Premium namespaces only. Fix: remove it, or set sku: ServiceBusSku.PREMIUM.`,
      );
    }
    checkInteger(problems, 'namespaceOptions.capacity', ns?.capacity, 1, 16, [1, 2, 4, 8, 16]);
    checkInteger(problems, 'namespaceOptions.premiumMessagingPartitions', ns?.premiumMessagingPartitions, 1, 4, [1, 2, 4]);

    const topicMode = this.entityKind === ServiceBusEntityKind.TOPIC;
    problems.check(
      !(topicMode && props.queue !== undefined),
      'queue options were given, but entityKind is TOPIC. Fix: use topic options (and per-consumer options in addSubscription), or drop entityKind for a queue.',
    );
    problems.check(
      !(!topicMode && props.topic !== undefined),
      'topic options were given, but entityKind is QUEUE (the default). Fix: set entityKind: ServiceBusEntityKind.TOPIC, or use queue options.',
    );
    const entity = topicMode ? props.topic : props.queue;
    const prefix = topicMode ? 'topic' : 'queue';
    checkName(problems, NAME_RULES.messagingEntity, `${prefix}.name`, entity?.name);
    checkDuration(problems, `${prefix}.defaultMessageTtl`, entity?.defaultMessageTtl, 1, 10675199 * 86400, 'at least 1 second');
    checkDuration(problems, `${prefix}.duplicateDetectionHistoryTimeWindow`, entity?.duplicateDetectionHistoryTimeWindow, 20, 7 * 86400, 'from 20 seconds to 7 days');
    problems.check(
      entity?.duplicateDetectionHistoryTimeWindow === undefined || entity.requiresDuplicateDetection === true,
      `${prefix}.duplicateDetectionHistoryTimeWindow is set but duplicate detection is off. Fix: set requiresDuplicateDetection: true, or remove the window.`,
    );
    const sizes = premium ? PREMIUM_SIZES : STANDARD_SIZES;
    if (entity?.maxSizeInMegabytes !== undefined && !isUnresolved(entity.maxSizeInMegabytes)) {
      problems.check(
        sizes.includes(entity.maxSizeInMegabytes),
        `${prefix}.maxSizeInMegabytes ${entity.maxSizeInMegabytes} is not a ${sku} size. Fix: use ${premium ? 'a multiple of 1024 up to 81920' : 'one of 1024, 2048, 3072, 4096, 5120'}.`,
      );
    }
    problems.check(
      !(premium && entity?.partitioningEnabled !== undefined),
      `${prefix}.partitioningEnabled applies to Standard namespaces; Premium partitions the namespace instead. Fix: remove it and set namespace.premiumMessagingPartitions.`,
    );
    if (!topicMode) {
      const q = props.queue;
      checkInteger(problems, 'queue.maxDeliveryCount', q?.maxDeliveryCount, 1, 2000);
      checkDuration(problems, 'queue.lockDuration', q?.lockDuration, 5, 300, 'from 5 seconds to 5 minutes');
    }
  }
}

/**
 * Where Dataverse forces a choice on the namespace, the policy rule pack is told why
 * (the reasons appear in policy-report.json).
 */
function suppressNamespaceFindings(namespace: ServicebusNamespace, publicNetworkAccess: boolean): void {
  const suppressions = PolicySuppressions.of(namespace)
    .add(
      'CKV_AZURE_203',
      'Dataverse service endpoints authenticate with a SAS key only (no managed identity), so local auth stays on; Dataverse gets a Send-only key on one queue or topic, and consumers use Entra ID (grantListen).',
    )
    .add(
      'CKV_AZURE_201',
      'Customer-managed keys need a Premium namespace and a Key Vault key, which this pattern does not create; data at rest is encrypted with Microsoft-managed keys.',
    )
    .add(
      'CKV_AZURE_199',
      'Infrastructure (double) encryption comes with a customer-managed key, which this pattern does not configure; data at rest is encrypted with Microsoft-managed keys.',
    )
    .add(
      'CKV_AZURE_202',
      'A namespace identity only serves to read a customer-managed key, which this pattern does not configure; clients authenticate to the namespace, not the other way round.',
    );
  if (publicNetworkAccess) {
    suppressions.add(
      'CKV_AZURE_204',
      'Dataverse delivers from its cloud service over the internet; set namespaceOptions.publicNetworkAccessEnabled: false when the environment reaches Azure through a Power Platform virtual network.',
    );
  }
}

/** The SQL filter on the properties Dataverse sets on every Service Bus message. */
function subscriptionFilter(tables?: string[], messages?: string[]): string | undefined {
  const clause = (property: string, values?: string[]) => {
    if (!values || values.length === 0) return undefined;
    const quoted = values.map((v) => `'${v.replace(/'/g, "''")}'`);
    const name = `"http://schemas.microsoft.com/xrm/2011/Claims/${property}"`;
    return quoted.length === 1 ? `${name} = ${quoted[0]}` : `${name} IN (${quoted.join(', ')})`;
  };
  const parts = [clause('EntityLogicalName', tables), clause('RequestName', messages)].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(' AND ') : undefined;
}
