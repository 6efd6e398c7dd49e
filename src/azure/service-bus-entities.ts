import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { ServicebusQueue } from '@cdktf/provider-azurerm/lib/servicebus-queue';
import { ServicebusTopic } from '@cdktf/provider-azurerm/lib/servicebus-topic';
import { Construct } from 'constructs';
import { GrantOptions } from './grants-api';
import { importedName, requireProps } from './imports';
import { IServiceBusEntityMetrics } from './metrics';
import { generateName, NAME_RULES } from './naming';
import { checkDuration, checkInteger } from './props';
import { SERVICE_BUS_PROVIDER } from './service-bus-base';
import { checkEntityOptions, entitySettings, ServiceBusEntityBase, ServiceBusEntityOptions } from './service-bus-entity-base';
import { IServiceBusNamespace } from './service-bus-namespace';
import { ServiceBusQueueSendRule, ServiceBusTopicSendRule } from './service-bus-rules';
import { addValidator } from '../core/problems';

export type { ServiceBusEntityOptions } from './service-bus-entity-base';

/** How a queue is created: the options a pattern passes through. */
export interface ServiceBusQueueOptions extends ServiceBusEntityOptions {
  /**
   * Deliveries before a message is dead-lettered.
   * @default 10
   */
  readonly maxDeliveryCount?: number;
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
   * Session-aware queue. Only messages that carry a SessionId are accepted.
   * @default false
   */
  readonly requiresSession?: boolean;
}

/** How a topic is created: the options a pattern passes through (per-consumer options are on its subscriptions). */
export interface ServiceBusTopicOptions extends ServiceBusEntityOptions {}

/** Properties of a ServiceBusQueue. */
export interface ServiceBusQueueProps extends ServiceBusQueueOptions {
  /** The namespace of the queue. */
  readonly serviceBusNamespace: IServiceBusNamespace;
}

/** Properties of a ServiceBusTopic. */
export interface ServiceBusTopicProps extends ServiceBusTopicOptions {
  /** The namespace of the topic. */
  readonly serviceBusNamespace: IServiceBusNamespace;
}

/** A Service Bus queue: one this stack creates, or one that exists (`ServiceBusQueue.fromServiceBusQueueAttributes`). */
export interface IServiceBusQueue extends IServiceBusEntityMetrics {
  /** Resource id. */
  readonly queueId: string;
  /** Queue name: the literal name given to the resource (Dataverse's service endpoint carries it). */
  readonly queueName: string;
  /** The namespace of the queue. */
  readonly serviceBusNamespace: IServiceBusNamespace;
  /** Grants "Azure Service Bus Data Sender" on the queue; returns the role assignment. */
  grantSend(principalId: string, options?: GrantOptions): RoleAssignment;
  /** Grants "Azure Service Bus Data Receiver" on the queue; returns the role assignment. */
  grantReceive(principalId: string, options?: GrantOptions): RoleAssignment;
  /**
   * Adds a shared access rule with the Send right only, on this queue only (what Dataverse
   * authenticates with). `scope` places it in the construct tree.
   */
  addSendOnlyRule(id: string, name: string, scope?: Construct): ServiceBusQueueSendRule;
}

/** A Service Bus topic: one this stack creates, or one that exists (`ServiceBusTopic.fromServiceBusTopicAttributes`). */
export interface IServiceBusTopic extends IServiceBusEntityMetrics {
  /** Resource id. */
  readonly topicId: string;
  /** Topic name: the literal name given to the resource (Dataverse's service endpoint carries it). */
  readonly topicName: string;
  /** The namespace of the topic. */
  readonly serviceBusNamespace: IServiceBusNamespace;
  /** Grants "Azure Service Bus Data Sender" on the topic; returns the role assignment. */
  grantSend(principalId: string, options?: GrantOptions): RoleAssignment;
  /** Grants "Azure Service Bus Data Receiver" on the topic (every subscription); returns the role assignment. */
  grantReceive(principalId: string, options?: GrantOptions): RoleAssignment;
  /**
   * Adds a shared access rule with the Send right only, on this topic only (what Dataverse
   * authenticates with). `scope` places it in the construct tree.
   */
  addSendOnlyRule(id: string, name: string, scope?: Construct): ServiceBusTopicSendRule;
}

/** Attributes of a queue that exists. */
export interface ServiceBusQueueAttributes {
  /** The namespace of the queue (created, or imported with `ServiceBusNamespace.fromServiceBusNamespaceAttributes`). */
  readonly serviceBusNamespace: IServiceBusNamespace;
  /** Resource id: `<namespace id>/queues/<name>`. */
  readonly queueId: string;
  /**
   * Queue name. Required when the id is a Terraform reference.
   * @default - read from the literal id
   */
  readonly queueName?: string;
}

/** Attributes of a topic that exists. */
export interface ServiceBusTopicAttributes {
  /** The namespace of the topic (created, or imported with `ServiceBusNamespace.fromServiceBusNamespaceAttributes`). */
  readonly serviceBusNamespace: IServiceBusNamespace;
  /** Resource id: `<namespace id>/topics/<name>`. */
  readonly topicId: string;
  /**
   * Topic name. Required when the id is a Terraform reference.
   * @default - read from the literal id
   */
  readonly topicName?: string;
}

abstract class ServiceBusQueueBase extends ServiceBusEntityBase implements IServiceBusQueue {
  public abstract readonly queueId: string;
  public abstract readonly queueName: string;
  public abstract readonly serviceBusNamespace: IServiceBusNamespace;

  public addSendOnlyRule(id: string, name: string, scope?: Construct): ServiceBusQueueSendRule {
    return new ServiceBusQueueSendRule(scope ?? this, id, { queue: this, name });
  }

  /** @internal */
  protected get _metricEntityName(): string {
    return this.queueName;
  }

  /** @internal */
  protected get _grantScopeId(): string {
    return this.queueId;
  }
}

/**
 * A Service Bus queue with the library's defaults for queues.
 *
 * Default settings:
 * - Dead-lettering on expiration, 10 deliveries, 14-day time to live, 1-minute lock.
 * - No duplicate detection (a 10-minute window when turned on), no sessions.
 * - 1024 MB; not partitioned on Standard (Premium partitions the namespace).
 */
export class ServiceBusQueue extends ServiceBusQueueBase {
  /** Imports a queue that exists. */
  public static fromServiceBusQueueAttributes(scope: Construct, id: string, attrs: ServiceBusQueueAttributes): IServiceBusQueue {
    return new ImportedServiceBusQueue(scope, id, attrs);
  }

  public readonly queueId: string;
  public readonly queueName: string;
  public readonly serviceBusNamespace: IServiceBusNamespace;
  /** The azurerm_servicebus_queue resource. */
  public readonly resource: ServicebusQueue;

  constructor(scope: Construct, id: string, props: ServiceBusQueueProps) {
    super(scope, id);
    requireProps(this, 'ServiceBusQueue', props, ['serviceBusNamespace']);
    this.serviceBusNamespace = props.serviceBusNamespace;
    this.queueName = props.name ?? generateName(this, NAME_RULES.messagingEntity, 'sbq', this.node.path);
    this.resource = new ServicebusQueue(this, 'Default', {
      ...entitySettings(props, this.queueName, props.serviceBusNamespace),
      maxDeliveryCount: props.maxDeliveryCount ?? 10,
      lockDuration: props.lockDuration ?? 'PT1M',
      deadLetteringOnMessageExpiration: props.deadLetteringOnMessageExpiration ?? true,
      requiresSession: props.requiresSession ?? false,
    });
    this.queueId = this.resource.id;
    addValidator(this, (problems) => {
      checkEntityOptions(problems, props, props.serviceBusNamespace.sku);
      checkInteger(problems, 'maxDeliveryCount', props.maxDeliveryCount, 1, 2000);
      checkDuration(problems, 'lockDuration', props.lockDuration, 5, 300, 'from 5 seconds to 5 minutes');
    });
  }
}

class ImportedServiceBusQueue extends ServiceBusQueueBase {
  public readonly queueId: string;
  public readonly queueName: string;
  public readonly serviceBusNamespace: IServiceBusNamespace;

  constructor(scope: Construct, id: string, attrs: ServiceBusQueueAttributes) {
    super(scope, id);
    const importer = 'ServiceBusQueue.fromServiceBusQueueAttributes';
    requireProps(this, importer, attrs, ['serviceBusNamespace', 'queueId']);
    this.queueId = attrs.queueId;
    this.serviceBusNamespace = attrs.serviceBusNamespace;
    this.queueName = importedName(this, {
      provider: SERVICE_BUS_PROVIDER,
      importer,
      idProp: 'queueId',
      id: attrs.queueId,
      nameProp: 'queueName',
      name: attrs.queueName,
      kinds: ['namespaces', 'queues'],
      parentProp: 'serviceBusNamespace',
      parentId: attrs.serviceBusNamespace.serviceBusNamespaceId,
    });
  }
}

abstract class ServiceBusTopicBase extends ServiceBusEntityBase implements IServiceBusTopic {
  public abstract readonly topicId: string;
  public abstract readonly topicName: string;
  public abstract readonly serviceBusNamespace: IServiceBusNamespace;

  public addSendOnlyRule(id: string, name: string, scope?: Construct): ServiceBusTopicSendRule {
    return new ServiceBusTopicSendRule(scope ?? this, id, { topic: this, name });
  }

  /** @internal */
  protected get _metricEntityName(): string {
    return this.topicName;
  }

  /** @internal */
  protected get _grantScopeId(): string {
    return this.topicId;
  }
}

/**
 * A Service Bus topic with the library's defaults for topics (one subscription per consumer:
 * `ServiceBusSubscription`).
 *
 * Default settings:
 * - 14-day time to live; no duplicate detection (a 10-minute window when turned on).
 * - 1024 MB; not partitioned on Standard (Premium partitions the namespace).
 */
export class ServiceBusTopic extends ServiceBusTopicBase {
  /** Imports a topic that exists. */
  public static fromServiceBusTopicAttributes(scope: Construct, id: string, attrs: ServiceBusTopicAttributes): IServiceBusTopic {
    return new ImportedServiceBusTopic(scope, id, attrs);
  }

  public readonly topicId: string;
  public readonly topicName: string;
  public readonly serviceBusNamespace: IServiceBusNamespace;
  /** The azurerm_servicebus_topic resource. */
  public readonly resource: ServicebusTopic;

  constructor(scope: Construct, id: string, props: ServiceBusTopicProps) {
    super(scope, id);
    requireProps(this, 'ServiceBusTopic', props, ['serviceBusNamespace']);
    this.serviceBusNamespace = props.serviceBusNamespace;
    this.topicName = props.name ?? generateName(this, NAME_RULES.messagingEntity, 'sbt', this.node.path);
    this.resource = new ServicebusTopic(this, 'Default', entitySettings(props, this.topicName, props.serviceBusNamespace));
    this.topicId = this.resource.id;
    addValidator(this, (problems) => checkEntityOptions(problems, props, props.serviceBusNamespace.sku));
  }
}

class ImportedServiceBusTopic extends ServiceBusTopicBase {
  public readonly topicId: string;
  public readonly topicName: string;
  public readonly serviceBusNamespace: IServiceBusNamespace;

  constructor(scope: Construct, id: string, attrs: ServiceBusTopicAttributes) {
    super(scope, id);
    const importer = 'ServiceBusTopic.fromServiceBusTopicAttributes';
    requireProps(this, importer, attrs, ['serviceBusNamespace', 'topicId']);
    this.topicId = attrs.topicId;
    this.serviceBusNamespace = attrs.serviceBusNamespace;
    this.topicName = importedName(this, {
      provider: SERVICE_BUS_PROVIDER,
      importer,
      idProp: 'topicId',
      id: attrs.topicId,
      nameProp: 'topicName',
      name: attrs.topicName,
      kinds: ['namespaces', 'topics'],
      parentProp: 'serviceBusNamespace',
      parentId: attrs.serviceBusNamespace.serviceBusNamespaceId,
    });
  }
}
