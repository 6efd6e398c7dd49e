import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { ServicebusSubscription } from '@cdktf/provider-azurerm/lib/servicebus-subscription';
import { ServicebusSubscriptionRule } from '@cdktf/provider-azurerm/lib/servicebus-subscription-rule';
import { Construct } from 'constructs';
import { consumerDefaults, logicAppConsumer } from './consumer-wiring';
import { FunctionConsumer, FunctionConsumerProps } from './function-consumer';
import { GrantOptions } from './grants-api';
import { importedName, requireProps } from './imports';
import { LogicAppConsumer } from './logic-app';
import { ServiceBusLogicAppConsumerProps } from './logic-app-consumer';
import { checkName, generateName, NAME_RULES } from './naming';
import { checkDuration, checkInteger } from './props';
import { ServiceBusReceivable, SERVICE_BUS_PROVIDER, SERVICE_BUS_ROLES } from './service-bus-base';
import { IServiceBusTopic } from './service-bus-entities';
import { IServiceBusNamespace } from './service-bus-namespace';
import { addValidator, isUnresolved, quote } from '../core/problems';

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
   * Grant this principal "Azure Service Bus Data Receiver" on the subscription (a shortcut for
   * `grantReceive`).
   * @default - no role assignment
   */
  readonly principalId?: string;
}

/** Properties of a ServiceBusSubscription. */
export interface ServiceBusSubscriptionProps extends ServiceBusSubscriptionOptions {
  /** The topic the subscription reads. */
  readonly serviceBusTopic: IServiceBusTopic;
  /**
   * Subscription name (1–50 characters).
   * @default - generated from the construct path
   */
  readonly name?: string;
}

/**
 * A subscription of a Service Bus topic: one this stack creates, or one that exists
 * (`ServiceBusSubscription.fromServiceBusSubscriptionAttributes`).
 */
export interface IServiceBusSubscription {
  /** Resource id. */
  readonly subscriptionId: string;
  /** Subscription name: the literal name given to the resource. */
  readonly subscriptionName: string;
  /** The topic of the subscription. */
  readonly serviceBusTopic: IServiceBusTopic;
  /** The namespace of the topic. */
  readonly serviceBusNamespace: IServiceBusNamespace;
  /**
   * Grants "Azure Service Bus Data Receiver" on this subscription only; returns the role
   * assignment. (Nothing is sent to a subscription: senders get `grantSend` on the topic.)
   */
  grantReceive(principalId: string, options?: GrantOptions): RoleAssignment;
  /**
   * Adds an Azure Function that runs on each message of this subscription: a Flex Consumption app
   * (from `code`, or the shared `functionApp`) with an identity-based connection and "Azure
   * Service Bus Data Receiver" on this subscription. The trigger reads `%<connection>_TOPIC%` and
   * `%<connection>_SUBSCRIPTION%`.
   */
  addFunctionConsumer(id: string, props: FunctionConsumerProps): FunctionConsumer;
  /**
   * Adds a Logic App (Consumption) workflow that runs on each message of this subscription, with
   * your actions; its identity gets "Azure Service Bus Data Receiver" on this subscription.
   */
  addLogicAppConsumer(id: string, props: ServiceBusLogicAppConsumerProps): LogicAppConsumer;
}

/** Attributes of a subscription that exists. */
export interface ServiceBusSubscriptionAttributes {
  /** The topic of the subscription (created, or imported with `ServiceBusTopic.fromServiceBusTopicAttributes`). */
  readonly serviceBusTopic: IServiceBusTopic;
  /** Resource id: `<topic id>/subscriptions/<name>`. */
  readonly subscriptionId: string;
  /**
   * Subscription name. Required when the id is a Terraform reference.
   * @default - read from the literal id
   */
  readonly subscriptionName?: string;
}

/** The property names Dataverse sets on every Service Bus message it posts. */
const DATAVERSE_PROPERTY = (name: string) => `"http://schemas.microsoft.com/xrm/2011/Claims/${name}"`;

abstract class ServiceBusSubscriptionBase extends ServiceBusReceivable implements IServiceBusSubscription {
  public abstract readonly subscriptionId: string;
  public abstract readonly subscriptionName: string;
  public abstract readonly serviceBusTopic: IServiceBusTopic;

  public get serviceBusNamespace(): IServiceBusNamespace {
    return this.serviceBusTopic.serviceBusNamespace;
  }

  /** @internal */
  protected get _grantScopeId(): string {
    return this.subscriptionId;
  }

  /**
   * Adds an Azure Function that runs on each message of this subscription: a Flex Consumption app
   * (from `code`, or the shared `functionApp`) with an identity-based connection and "Azure
   * Service Bus Data Receiver" on this subscription. The trigger reads `%<connection>_TOPIC%` and
   * `%<connection>_SUBSCRIPTION%`.
   */
  public addFunctionConsumer(id: string, props: FunctionConsumerProps): FunctionConsumer {
    return FunctionConsumer._create(
      this,
      id,
      props,
      {
        service: 'Service Bus',
        role: SERVICE_BUS_ROLES.receiver,
        grantPrefix: this._receivePrefix,
        fullyQualifiedNamespace: this.serviceBusNamespace.fullyQualifiedNamespace,
        settings: [
          ['TOPIC', this.serviceBusTopic.topicName],
          ['SUBSCRIPTION', this.subscriptionName],
        ],
        grant: (principalId, options) => this.grantReceive(principalId, options),
      },
      consumerDefaults(this),
    );
  }

  /**
   * Adds a Logic App (Consumption) workflow that runs on each message of this subscription, with
   * your actions; its identity gets "Azure Service Bus Data Receiver" on this subscription.
   */
  public addLogicAppConsumer(id: string, props: ServiceBusLogicAppConsumerProps): LogicAppConsumer {
    return logicAppConsumer(
      this,
      id,
      props,
      {
        serviceBusNamespace: this.serviceBusNamespace,
        entityId: this.subscriptionId,
        topicName: this.serviceBusTopic.topicName,
        subscriptionName: this.subscriptionName,
      },
      consumerDefaults(this),
    );
  }
}

/**
 * A subscription of a Service Bus topic (one per consumer), optionally filtered on the table and
 * message properties Dataverse sets on each message.
 *
 * Default settings:
 * - 10 deliveries before dead-lettering, 1-minute lock, dead-lettering on expiration, no sessions,
 *   the topic's time to live.
 * - No filter rule (every message); `tables` / `messages` add a SQL filter rule on Dataverse's
 *   `EntityLogicalName` / `RequestName` message properties, `sqlFilter` one of your own.
 * - No role assignment; `principalId` (or `grantReceive`) adds "Azure Service Bus Data Receiver"
 *   scoped to the subscription.
 *
 * The construct ids inside (`subscription`, `filter`, `listen-*`) are those OutboundQueueIntegration's
 * subscriptions had before this block existed, so their Terraform addresses stay.
 */
export class ServiceBusSubscription extends ServiceBusSubscriptionBase {
  /** Imports a subscription that exists. */
  public static fromServiceBusSubscriptionAttributes(scope: Construct, id: string, attrs: ServiceBusSubscriptionAttributes): IServiceBusSubscription {
    return new ImportedServiceBusSubscription(scope, id, attrs);
  }

  public readonly subscriptionId: string;
  public readonly subscriptionName: string;
  public readonly serviceBusTopic: IServiceBusTopic;
  /** The SQL filter, when tables, messages or sqlFilter were given. */
  public readonly sqlFilter?: string;
  /** The azurerm_servicebus_subscription resource. */
  public readonly resource: ServicebusSubscription;
  /** The azurerm_servicebus_subscription_rule resource, when there is a filter. */
  public readonly filterRule?: ServicebusSubscriptionRule;

  /** @internal */
  protected readonly _receivePrefix: string = 'listen';

  constructor(scope: Construct, id: string, props: ServiceBusSubscriptionProps) {
    super(scope, id);
    requireProps(this, 'ServiceBusSubscription', props, ['serviceBusTopic']);
    this.serviceBusTopic = props.serviceBusTopic;
    this.subscriptionName = props.name ?? generateName(this, NAME_RULES.subscription, 'sbts', this.node.path);
    this.resource = new ServicebusSubscription(this, 'subscription', {
      name: this.subscriptionName,
      topicId: props.serviceBusTopic.topicId,
      maxDeliveryCount: props.maxDeliveryCount ?? 10,
      defaultMessageTtl: props.defaultMessageTtl,
      lockDuration: props.lockDuration ?? 'PT1M',
      deadLetteringOnMessageExpiration: props.deadLetteringOnMessageExpiration ?? true,
      requiresSession: props.requiresSession ?? false,
    });
    this.subscriptionId = this.resource.id;
    // An empty sqlFilter adds no rule, as before the block existed.
    this.sqlFilter = (props.sqlFilter ?? dataverseFilter(props.tables, props.messages)) || undefined;
    if (this.sqlFilter !== undefined) {
      this.filterRule = new ServicebusSubscriptionRule(this, 'filter', {
        name: 'dataverse-filter',
        subscriptionId: this.subscriptionId,
        filterType: 'SqlFilter',
        sqlFilter: this.sqlFilter,
      });
    }
    if (props.principalId !== undefined) this.grantReceive(props.principalId);

    addValidator(this, (problems) => {
      checkName(problems, NAME_RULES.subscription, 'name', props.name);
      checkInteger(problems, 'maxDeliveryCount', props.maxDeliveryCount, 1, 2000);
      checkDuration(problems, 'lockDuration', props.lockDuration, 5, 300, 'from 5 seconds to 5 minutes');
      checkDuration(problems, 'defaultMessageTtl', props.defaultMessageTtl, 1, 10675199 * 86400, 'at least 1 second');
      problems.check(
        props.sqlFilter === undefined || (props.tables === undefined && props.messages === undefined),
        'sqlFilter cannot be combined with tables or messages. Fix: use either your own sqlFilter or the tables/messages shorthand.',
      );
      for (const table of props.tables ?? []) {
        if (isUnresolved(table)) continue;
        problems.check(/^[a-z][a-z0-9_]*$/.test(table), `tables: ${quote(table)} is not a table logical name. Fix: use the lowercase logical name, e.g. 'account'.`);
      }
      for (const message of props.messages ?? []) {
        if (isUnresolved(message)) continue;
        problems.check(/^[A-Za-z][A-Za-z0-9_]*$/.test(message), `messages: ${quote(message)} is not a message name. Fix: use e.g. 'Create' or 'Update'.`);
      }
    });
  }
}

class ImportedServiceBusSubscription extends ServiceBusSubscriptionBase {
  public readonly subscriptionId: string;
  public readonly subscriptionName: string;
  public readonly serviceBusTopic: IServiceBusTopic;

  constructor(scope: Construct, id: string, attrs: ServiceBusSubscriptionAttributes) {
    super(scope, id);
    const importer = 'ServiceBusSubscription.fromServiceBusSubscriptionAttributes';
    requireProps(this, importer, attrs, ['serviceBusTopic', 'subscriptionId']);
    this.subscriptionId = attrs.subscriptionId;
    this.serviceBusTopic = attrs.serviceBusTopic;
    this.subscriptionName = importedName(this, {
      provider: SERVICE_BUS_PROVIDER,
      importer,
      idProp: 'subscriptionId',
      id: attrs.subscriptionId,
      nameProp: 'subscriptionName',
      name: attrs.subscriptionName,
      kinds: ['namespaces', 'topics', 'subscriptions'],
      parentProp: 'serviceBusTopic',
      parentId: attrs.serviceBusTopic.topicId,
    });
  }
}

/**
 * The SQL filter on the properties Dataverse sets on every Service Bus message (quoted, since the
 * names are URIs: Microsoft Learn, "Work with Dataverse data in your Azure solution").
 */
function dataverseFilter(tables?: string[], messages?: string[]): string | undefined {
  const clause = (property: string, values?: string[]) => {
    if (!values || values.length === 0) return undefined;
    const quoted = values.map((v) => `'${v.replace(/'/g, "''")}'`);
    const name = DATAVERSE_PROPERTY(property);
    return quoted.length === 1 ? `${name} = ${quoted[0]}` : `${name} IN (${quoted.join(', ')})`;
  };
  const parts = [clause('EntityLogicalName', tables), clause('RequestName', messages)].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(' AND ') : undefined;
}
