import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { MessagingIntegrationProps } from './integration-props';
import { monitorServiceBus } from './pattern-monitoring';
import { ConsumerDefaults, logicAppConsumer, setConsumerDefaults } from '../azure/consumer-wiring';
import { FunctionConsumer, FunctionConsumerProps } from '../azure/function-consumer';
import { grantRole } from '../azure/grants';
import { GrantOptions } from '../azure/grants-api';
import { requireBlock, requireProps } from '../azure/imports';
import { LogicAppConsumer } from '../azure/logic-app';
import { ServiceBusLogicAppConsumerProps } from '../azure/logic-app-consumer';
import { generateName, NAME_RULES } from '../azure/naming';
import { checkExistingOrNew } from '../azure/props';
import { SERVICE_BUS_ROLES } from '../azure/service-bus-base';
import { IServiceBusQueue, IServiceBusTopic, ServiceBusQueue, ServiceBusQueueOptions, ServiceBusTopic, ServiceBusTopicOptions } from '../azure/service-bus-entities';
import { IServiceBusNamespace, ServiceBusNamespace, ServiceBusNamespaceOptions } from '../azure/service-bus-namespace';
import { ServiceBusSubscription, ServiceBusSubscriptionOptions } from '../azure/service-bus-subscription';
import { ISharedAccessRule } from '../azure/shared-access';
import { Problems, addValidator, annotate, quote } from '../core/problems';
import { MessageFormat, ServiceEndpointAuthType, ServiceEndpointContract } from '../dataverse/enums';
import { bindOutbound } from '../dataverse/outbound-binding';
import { ProcessingStep } from '../dataverse/processing-step';
import { ServiceEndpoint } from '../dataverse/service-endpoint';

/** Whether Dataverse posts to a queue (one consumer) or a topic (many subscriptions). */
export enum ServiceBusEntityKind {
  /** A queue: consumers compete for messages (load levelling). Service endpoint contract Queue (2). */
  QUEUE = 'queue',
  /** A topic with one subscription per consumer. Service endpoint contract Topic (5). */
  TOPIC = 'topic',
}

/** Properties of an OutboundQueueIntegration. */
export interface OutboundQueueIntegrationProps extends MessagingIntegrationProps {
  /**
   * Queue or topic.
   * @default - TOPIC with existingTopic, else QUEUE
   */
  readonly entityKind?: ServiceBusEntityKind;
  /**
   * Options of the namespace to create (not with existingNamespace, existingQueue or existingTopic).
   * @default - a Standard namespace with a generated name
   */
  readonly namespaceOptions?: ServiceBusNamespaceOptions;
  /**
   * Create the queue or topic in this namespace instead of a new one
   * (`ServiceBusNamespace.fromServiceBusNamespaceAttributes`). It must keep local (SAS)
   * authentication enabled.
   * @default - a namespace is created
   */
  readonly existingNamespace?: IServiceBusNamespace;
  /**
   * Queue options (queue mode only; not with existingQueue).
   * @default - see ServiceBusQueue
   */
  readonly queue?: ServiceBusQueueOptions;
  /**
   * Topic options (topic mode only; not with existingTopic).
   * @default - see ServiceBusTopic
   */
  readonly topic?: ServiceBusTopicOptions;
  /**
   * Post to this queue (`ServiceBusQueue.fromServiceBusQueueAttributes`): Dataverse gets a
   * Send-only rule on it; nothing else is created in Azure. Its namespace must keep local (SAS)
   * authentication enabled.
   * @default - a queue is created (queue mode)
   */
  readonly existingQueue?: IServiceBusQueue;
  /**
   * Post to this topic (`ServiceBusTopic.fromServiceBusTopicAttributes`): Dataverse gets a
   * Send-only rule on it; `addSubscription` adds subscriptions to it.
   * @default - a topic is created (topic mode)
   */
  readonly existingTopic?: IServiceBusTopic;
}

/**
 * Dataverse posts each registered event to a Service Bus queue (contract Queue) or topic
 * (contract Topic); consumers read at their own pace.
 *
 * Default settings:
 * - A ServiceBusNamespace block: Standard, with a generated, deterministic name (construct path and
 *   a hash of the environment URL); TLS 1.2 minimum; a system-assigned identity; public network
 *   access on (Dataverse delivers over the internet); local (SAS) auth on, because Dataverse service
 *   endpoints cannot use a managed identity (recorded as an info Annotation; the block's policy
 *   suppressions give the reasons).
 * - A ServiceBusQueue block (or, in topic mode, a ServiceBusTopic) with dead-lettering on
 *   expiration, 10 deliveries, 14-day TTL, 1-minute lock, no duplicate detection, no sessions, 1 GB.
 * - Dataverse gets a Send-only authorization rule on that queue or topic only, never a namespace key.
 * - A service endpoint (contract Queue or Topic, SAS key auth, JSON, no user claim) whose key comes
 *   from a sensitive Terraform output.
 * - One processing step per entry of `steps`: post-operation, asynchronous, rank 1, system job
 *   deleted on success.
 * - Consumers use Entra ID: `grantReceive` adds "Azure Service Bus Data Receiver" on the entity
 *   (`grantSend` "Azure Service Bus Data Sender"); no role assignment unless asked for.
 */
export class OutboundQueueIntegration extends Construct {
  /** Queue or topic. */
  public readonly entityKind: ServiceBusEntityKind;
  /** The namespace: created, or the one given (existingNamespace, or the existing entity's). */
  public readonly serviceBusNamespace: IServiceBusNamespace;
  /** The queue (queue mode): created, or existingQueue. */
  public readonly queue?: IServiceBusQueue;
  /** The topic (topic mode): created, or existingTopic. */
  public readonly topic?: IServiceBusTopic;
  /** Queue or topic name. */
  public readonly entityName: string;
  /** Queue or topic resource id. */
  public readonly entityId: string;
  /** The Send-only rule Dataverse sends with (a ServiceBusQueueSendRule or ServiceBusTopicSendRule). */
  public readonly authorizationRule: ISharedAccessRule;
  /** The Dataverse service endpoint. */
  public readonly endpoint: ServiceEndpoint;
  /** The Dataverse processing steps, in the order of `steps`. */
  public readonly steps: ProcessingStep[];
  /** Name of the sensitive Terraform output holding the key Dataverse sends with. */
  public readonly secretOutputName: string;

  private readonly subscriptionNames = new Set<string>();
  private readonly consumers: ConsumerDefaults;

  constructor(scope: Construct, id: string, props: OutboundQueueIntegrationProps) {
    super(scope, id);
    requireProps(this, 'OutboundQueueIntegration', props, ['dataverse', 'resourceGroup']);
    const block = { construct: 'OutboundQueueIntegration', kind: 'Service Bus', was: '{ id, name }' };
    requireBlock(this, props.existingNamespace, {
      ...block,
      prop: 'existingNamespace',
      attribute: 'serviceBusNamespaceId',
      importer: 'ServiceBusNamespace.fromServiceBusNamespaceAttributes',
    });
    requireBlock(this, props.existingQueue, { ...block, prop: 'existingQueue', attribute: 'queueId', importer: 'ServiceBusQueue.fromServiceBusQueueAttributes' });
    requireBlock(this, props.existingTopic, { ...block, prop: 'existingTopic', attribute: 'topicId', importer: 'ServiceBusTopic.fromServiceBusTopicAttributes' });
    const kind = props.entityKind ?? (props.existingTopic && !props.existingQueue ? ServiceBusEntityKind.TOPIC : ServiceBusEntityKind.QUEUE);
    this.entityKind = kind;
    const topicMode = kind === ServiceBusEntityKind.TOPIC;
    const seed = props.dataverse.url;
    this.consumers = { resourceGroup: props.resourceGroup, tags: props.tags, nameSeed: seed, monitoring: props.monitoring };
    const existingEntity = topicMode ? props.existingTopic : props.existingQueue;

    // Names are generated here, from this construct's path and the environment URL, and given to
    // the blocks as literals (the manifest carries them).
    this.serviceBusNamespace =
      existingEntity?.serviceBusNamespace ??
      props.existingNamespace ??
      new ServiceBusNamespace(this, 'namespace', {
        ...props.namespaceOptions,
        name: props.namespaceOptions?.name ?? generateName(this, NAME_RULES.serviceBusNamespace, 'sb', seed),
        resourceGroup: props.resourceGroup,
        tags: props.tags,
      });
    const entityName = (options?: { readonly name?: string }) => options?.name ?? generateName(this, NAME_RULES.messagingEntity, 'dataverse', seed);
    const serviceBusNamespace = this.serviceBusNamespace;
    const ruleName = props.authorizationRuleName ?? 'dataverse-send';
    if (topicMode) {
      const topic = props.existingTopic ?? new ServiceBusTopic(this, 'topic', { ...props.topic, name: entityName(props.topic), serviceBusNamespace });
      [this.topic, this.entityName, this.entityId] = [topic, topic.topicName, topic.topicId];
      this.authorizationRule = topic.addSendOnlyRule('dataverse-send', ruleName, this);
    } else {
      const queue = props.existingQueue ?? new ServiceBusQueue(this, 'queue', { ...props.queue, name: entityName(props.queue), serviceBusNamespace });
      [this.queue, this.entityName, this.entityId] = [queue, queue.queueName, queue.queueId];
      this.authorizationRule = queue.addSendOnlyRule('dataverse-send', ruleName, this);
    }

    const namespaceName = serviceBusNamespace.serviceBusNamespaceName;
    const binding = bindOutbound(this, 'OutboundQueueIntegration', props, {
      defaultDescription: `Service Bus ${kind} for ${this.node.path} (cdktf-dataverse)`,
      contract: topicMode ? ServiceEndpointContract.TOPIC : ServiceEndpointContract.QUEUE,
      authType: ServiceEndpointAuthType.SAS_KEY,
      messageFormat: props.messageFormat ?? MessageFormat.JSON,
      namespaceAddress: `sb://${namespaceName}.servicebus.windows.net/`,
      solutionNamespace: namespaceName,
      path: this.entityName,
      sasKeyName: ruleName,
      sasKey: this.authorizationRule.primaryKey,
    });
    this.endpoint = binding.endpoint;
    this.steps = binding.steps;
    this.secretOutputName = binding.secretOutputName;

    annotate(
      this,
      'info',
      `Local (SAS) authentication stays enabled on Service Bus namespace ${namespaceName}: Dataverse service endpoints cannot authenticate with a managed identity. Dataverse gets a Send-only key on ${kind} ${this.entityName} only; consumers should use Entra ID (grantReceive).`,
    );
    monitorServiceBus(this, props, (this.topic ?? this.queue)!, serviceBusNamespace instanceof ServiceBusNamespace ? serviceBusNamespace : undefined);
    addValidator(this, (problems) => this.validate(problems, props));
  }

  /**
   * Lets a principal read messages with Entra ID: adds "Azure Service Bus Data Receiver" scoped
   * to the queue or topic, and returns the role assignment (the first one, when repeated).
   */
  public grantReceive(principalId: string, options: GrantOptions = {}): RoleAssignment {
    // Under this construct with prefix 'listen', the Terraform address grantListen gave it.
    return grantRole(this, 'listen', SERVICE_BUS_ROLES.receiver, this.entityId, principalId, options);
  }

  /**
   * Lets a principal send messages with Entra ID: adds "Azure Service Bus Data Sender" scoped to
   * the queue or topic, and returns the role assignment (the first one, when repeated).
   */
  public grantSend(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return grantRole(this, 'send', SERVICE_BUS_ROLES.sender, this.entityId, principalId, options);
  }

  /**
   * Adds a subscription to the topic (topic mode only), optionally filtered on the table and
   * message properties Dataverse sets on each message, and optionally granting a principal
   * "Azure Service Bus Data Receiver" on it (`options.principalId`, or `grantReceive` on the result).
   */
  public addSubscription(name: string, options: ServiceBusSubscriptionOptions = {}): ServiceBusSubscription {
    if (!this.topic) {
      throw new Error(
        `[${this.node.path}] addSubscription('${name}') needs topic mode: this integration posts to a queue. Fix: set entityKind: ServiceBusEntityKind.TOPIC, or read the queue with grantReceive.`,
      );
    }
    const repeated = this.subscriptionNames.has(name);
    this.subscriptionNames.add(name);
    const id = repeated ? `subscription-${name}-repeat-${this.subscriptionNames.size}` : `subscription-${name}`;
    const subscription = new ServiceBusSubscription(this, id, { ...options, name, serviceBusTopic: this.topic });
    setConsumerDefaults(subscription, this.consumers);
    addValidator(subscription, (problems) => problems.check(!repeated, `subscription ${quote(name)} is added twice. Fix: give each consumer its own subscription name.`));
    return subscription;
  }

  /**
   * Adds an Azure Function that runs on each message of the queue (queue mode; in topic mode, call
   * it on a subscription: `addSubscription(name).addFunctionConsumer(...)`): a Flex Consumption app
   * (from `code`, or the shared `functionApp`) with an identity-based connection
   * (`<connection>__fullyQualifiedNamespace`, no key) and "Azure Service Bus Data Receiver" on the
   * queue. The trigger reads `queueName: '%<connection>_QUEUE%'`.
   */
  public addFunctionConsumer(id: string, props: FunctionConsumerProps): FunctionConsumer {
    const queue = this.requireQueue('addFunctionConsumer', id);
    return FunctionConsumer._create(
      this,
      id,
      props,
      {
        service: 'Service Bus',
        role: SERVICE_BUS_ROLES.receiver,
        grantPrefix: 'listen',
        fullyQualifiedNamespace: this.serviceBusNamespace.fullyQualifiedNamespace,
        settings: [['QUEUE', queue.queueName]],
        grant: (principalId, options) => this.grantReceive(principalId, options),
      },
      this.consumers,
    );
  }

  /**
   * Adds a Logic App (Consumption) workflow that runs on each message of the queue (queue mode; in
   * topic mode, call it on a subscription), with your actions; its identity gets "Azure Service
   * Bus Data Receiver" on the queue.
   */
  public addLogicAppConsumer(id: string, props: ServiceBusLogicAppConsumerProps): LogicAppConsumer {
    const queue = this.requireQueue('addLogicAppConsumer', id);
    return logicAppConsumer(this, id, props, { serviceBusNamespace: this.serviceBusNamespace, entityId: this.entityId, queueName: queue.queueName }, this.consumers);
  }

  private requireQueue(method: string, id: string): IServiceBusQueue {
    if (this.queue) return this.queue;
    throw new Error(
      `[${this.node.path}] ${method}('${id}') reads a queue, but this integration posts to a topic: its messages are read through subscriptions. Fix: call it on a subscription, e.g. addSubscription('${id}').${method}(...).`,
    );
  }

  private validate(problems: Problems, props: OutboundQueueIntegrationProps): void {
    const ns = props.namespaceOptions;
    checkExistingOrNew(problems, [
      ['existingNamespace', props.existingNamespace, 'namespaceOptions', ns],
      ['existingQueue', props.existingQueue, 'namespaceOptions', ns],
      ['existingTopic', props.existingTopic, 'namespaceOptions', ns],
      ['existingQueue', props.existingQueue, 'existingNamespace', props.existingNamespace],
      ['existingTopic', props.existingTopic, 'existingNamespace', props.existingNamespace],
      ['existingQueue', props.existingQueue, 'queue', props.queue],
      ['existingTopic', props.existingTopic, 'topic', props.topic],
    ]);
    problems.check(
      props.existingQueue === undefined || props.existingTopic === undefined,
      'existingQueue and existingTopic were both given; Dataverse posts to one entity. Fix: pass one of them (one integration per entity).',
    );
    const topicMode = this.entityKind === ServiceBusEntityKind.TOPIC;
    problems.check(
      !(topicMode && props.queue !== undefined),
      'queue options were given, but entityKind is TOPIC. Fix: use topic options (and per-consumer options in addSubscription), or drop entityKind for a queue.',
    );
    problems.check(
      !(!topicMode && props.topic !== undefined),
      'topic options were given, but entityKind is QUEUE (the default). Fix: set entityKind: ServiceBusEntityKind.TOPIC, or use queue options.',
    );
    problems.check(
      !(topicMode && props.existingQueue !== undefined),
      'existingQueue was given, but entityKind is TOPIC. Fix: drop entityKind (an existing queue means queue mode), or pass existingTopic.',
    );
    problems.check(
      !(!topicMode && props.existingTopic !== undefined && props.existingQueue === undefined),
      'existingTopic was given, but entityKind is QUEUE. Fix: drop entityKind (an existing topic means topic mode), or pass existingQueue.',
    );
  }
}
