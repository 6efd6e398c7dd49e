import { ServicebusQueueAuthorizationRule } from '@cdktf/provider-azurerm/lib/servicebus-queue-authorization-rule';
import { ServicebusTopicAuthorizationRule } from '@cdktf/provider-azurerm/lib/servicebus-topic-authorization-rule';
import { Construct } from 'constructs';
import { requireProps } from './imports';
import { checkName, NAME_RULES } from './naming';
import type { IServiceBusQueue, IServiceBusTopic } from './service-bus-entities';
import { ISharedAccessRule } from './shared-access';
import { addValidator } from '../core/problems';

/** Properties of a ServiceBusQueueSendRule. */
export interface ServiceBusQueueSendRuleProps {
  /** The queue the rule is on. */
  readonly queue: IServiceBusQueue;
  /** Rule name (the SAS key name), 1–50 characters. */
  readonly name: string;
}

/** Properties of a ServiceBusTopicSendRule. */
export interface ServiceBusTopicSendRuleProps {
  /** The topic the rule is on. */
  readonly topic: IServiceBusTopic;
  /** Rule name (the SAS key name), 1–50 characters. */
  readonly name: string;
}

/** The Send right only: no Listen, no Manage. */
const SEND_ONLY = { send: true, listen: false, manage: false };

/** A shared access rule with the Send right only, on one queue (what Dataverse authenticates with). */
export class ServiceBusQueueSendRule extends Construct implements ISharedAccessRule {
  public readonly ruleName: string;
  public readonly primaryKey: string;
  /** The azurerm_servicebus_queue_authorization_rule resource. */
  public readonly resource: ServicebusQueueAuthorizationRule;

  constructor(scope: Construct, id: string, props: ServiceBusQueueSendRuleProps) {
    super(scope, id);
    requireProps(this, 'ServiceBusQueueSendRule', props, ['queue', 'name']);
    this.ruleName = props.name;
    this.resource = new ServicebusQueueAuthorizationRule(this, 'Default', { name: props.name, queueId: props.queue.queueId, ...SEND_ONLY });
    this.primaryKey = this.resource.primaryKey;
    addValidator(this, (problems) => checkName(problems, NAME_RULES.authorizationRule, 'name', props.name));
  }
}

/** A shared access rule with the Send right only, on one topic (what Dataverse authenticates with). */
export class ServiceBusTopicSendRule extends Construct implements ISharedAccessRule {
  public readonly ruleName: string;
  public readonly primaryKey: string;
  /** The azurerm_servicebus_topic_authorization_rule resource. */
  public readonly resource: ServicebusTopicAuthorizationRule;

  constructor(scope: Construct, id: string, props: ServiceBusTopicSendRuleProps) {
    super(scope, id);
    requireProps(this, 'ServiceBusTopicSendRule', props, ['topic', 'name']);
    this.ruleName = props.name;
    this.resource = new ServicebusTopicAuthorizationRule(this, 'Default', { name: props.name, topicId: props.topic.topicId, ...SEND_ONLY });
    this.primaryKey = this.resource.primaryKey;
    addValidator(this, (problems) => checkName(problems, NAME_RULES.authorizationRule, 'name', props.name));
  }
}
