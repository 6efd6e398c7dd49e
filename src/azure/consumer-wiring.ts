// How consumers are wired to the entities they read (not exported from src/index.ts): what a
// function consumer needs of its entity, the defaults a pattern gives the consumers of the entities
// it creates (resource group, tags, name seed), and addLogicAppConsumer's LogicAppConsumer wired to
// the entity (its namespace, id and names).
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import type { MonitoringOptions } from './alerts-options';
import { GrantOptions } from './grants-api';
import { LogicAppConsumer } from './logic-app';
import type { ServiceBusLogicAppConsumerProps } from './logic-app-consumer';
import { ResourceGroupReference } from './resource-group';
import type { IServiceBusNamespace } from './service-bus-namespace';

/** What a consumer is wired to (internal). @internal */
export interface ConsumerTarget {
  /** 'Service Bus' or 'Event Hubs' (messages). */
  readonly service: string;
  readonly fullyQualifiedNamespace: string;
  /** Setting suffixes (after `<connection>_`) and their values, in order. */
  readonly settings: Array<[string, string]>;
  /** The receive role's name, and the construct id prefix of the entity's receive grants. */
  readonly role: string;
  readonly grantPrefix: string;
  /** Grants the receive role to the app identity (the entity's grantReceive). */
  readonly grant: (principalId: string, options: GrantOptions) => RoleAssignment;
}

/** Resource group, tags and name seed a pattern gives to the consumers of its entities. @internal */
export interface ConsumerDefaults {
  readonly resourceGroup?: ResourceGroupReference;
  readonly tags?: { [key: string]: string };
  /** Mixed into globally unique generated names (the environment URL). */
  readonly nameSeed?: string;
  /** The integration's monitoring, for the consumer apps it gets. */
  readonly monitoring?: MonitoringOptions;
}

const DEFAULTS = new WeakMap<object, ConsumerDefaults>();

/** Records the defaults of the consumers of an entity (a pattern calls it for what it creates). @internal */
export function setConsumerDefaults(entity: object, defaults: ConsumerDefaults): void {
  DEFAULTS.set(entity, defaults);
}

/** The defaults recorded for an entity. @internal */
export function consumerDefaults(entity: object): ConsumerDefaults {
  return DEFAULTS.get(entity) ?? {};
}

/** The entity the workflow reads. @internal */
export interface LogicAppTarget {
  readonly serviceBusNamespace: IServiceBusNamespace;
  readonly entityId: string;
  readonly queueName?: string;
  readonly topicName?: string;
  readonly subscriptionName?: string;
}

/** Creates the LogicAppConsumer under scope; throws (naming the path) without a resource group. @internal */
export function logicAppConsumer(scope: Construct, id: string, props: ServiceBusLogicAppConsumerProps, target: LogicAppTarget, defaults: ConsumerDefaults): LogicAppConsumer {
  const resourceGroup = props.resourceGroup ?? defaults.resourceGroup;
  if (!resourceGroup) {
    throw new Error(
      `${scope.node.path}/${id}: addLogicAppConsumer needs a resourceGroup for the workflow: this subscription is not part of an integration (it was imported, or created as a block of its own), so there is none to take it from. Fix: pass resourceGroup.`,
    );
  }
  const ns = target.serviceBusNamespace;
  return new LogicAppConsumer(scope, id, {
    ...props,
    resourceGroup,
    tags: props.tags ?? defaults.tags,
    fullyQualifiedNamespace: ns.fullyQualifiedNamespace,
    serviceBusNamespaceId: ns.serviceBusNamespaceId,
    entityId: target.entityId,
    queueName: target.queueName,
    topicName: target.topicName,
    subscriptionName: target.subscriptionName,
  });
}
