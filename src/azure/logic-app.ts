import { LogicAppActionCustom } from '@cdktf/provider-azurerm/lib/logic-app-action-custom';
import { LogicAppTriggerCustom } from '@cdktf/provider-azurerm/lib/logic-app-trigger-custom';
import { LogicAppWorkflow } from '@cdktf/provider-azurerm/lib/logic-app-workflow';
import { ResourceGroupTemplateDeployment } from '@cdktf/provider-azurerm/lib/resource-group-template-deployment';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { grantRole } from './grants';
import { checkImportedId, requireProps, resourceIdNames } from './imports';
import {
  COMPLETE_ACTION,
  CONNECTION_KEY,
  CONNECTION_REFERENCE,
  EntityPath,
  actionsOf,
  checkDefinition,
  completeAction,
  completesMessage,
  connectionTemplate,
  runAfterOf,
  terminalActions,
  terraformJson,
  triggerBody,
  triggerName,
} from './logic-app-definition';
import { NameRule, checkName, generateName, NAME_RULES } from './naming';
import { checkDuration, durationSeconds } from './props';
import { ResourceGroupReference } from './resource-group';
import { isResourceIdOf, resourceNameOfId } from './resource-id';
import { SERVICE_BUS_PROVIDER } from './service-bus-base';
import { checkTags } from './tags';
import { Problems, addValidator, isUnresolved, quote } from '../core/problems';

/** "Azure Service Bus Data Receiver": what the workflow identity gets on the entity. */
const RECEIVER_ROLE = 'Azure Service Bus Data Receiver';

/** Workflow names (azurerm_logic_app_workflow's own rule). */
const WORKFLOW_NAME: NameRule = {
  kind: 'Logic App workflow name',
  min: 1,
  max: 80,
  pattern: /^[-()_.A-Za-z0-9]+$/,
  describe: 'letters, digits, periods, hyphens, parentheses and underscores',
};

/** How the trigger takes each message off the queue or subscription. */
export enum LogicAppReceiveMode {
  /**
   * "When a message is received (peek-lock)": the message stays locked while the workflow runs;
   * the block adds a `Complete_the_message` action after your actions, so a run that fails leaves
   * it to be delivered again (and dead-lettered after the entity's max delivery count).
   */
  PEEK_LOCK = 'PEEK_LOCK',
  /**
   * "When a message is received (auto-complete)": the message is completed when the trigger
   * reads it, so a run that fails loses it.
   */
  AUTO_COMPLETE = 'AUTO_COMPLETE',
}

/** How a Logic App consumer is created: the options a pattern passes through. */
export interface LogicAppConsumerOptions {
  /**
   * The workflow definition WITHOUT a trigger: `{ actions: { ... } }` in the Logic Apps workflow
   * definition language (`$schema` and `contentVersion` may be given). The block generates the
   * Service Bus trigger; your actions read the message with `@triggerBody()` (`ContentData` is the
   * base64 body, `Properties` the application properties) and reach Service Bus through
   * `LogicAppConsumer.CONNECTION_REFERENCE`. Each top-level action becomes one
   * azurerm_logic_app_action_custom.
   */
  readonly definition: { [key: string]: any };
  /**
   * Workflow name (1–80 letters, digits, `.`, `-`, `(`, `)`, `_`; unique in the resource group).
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * How messages are taken.
   * @default LogicAppReceiveMode.PEEK_LOCK
   */
  readonly receiveMode?: LogicAppReceiveMode;
  /**
   * How often the trigger polls when the entity is empty, an ISO 8601 duration from 1 second to
   * 500 days. Each poll is a billed trigger execution.
   * @default 'PT1M'
   */
  readonly pollingInterval?: string;
  /**
   * Hide the trigger's outputs (the message, which holds Dataverse data) in the run history, and
   * with them the inputs of actions that use them (Logic Apps "secure data" obfuscation).
   * @default true
   */
  readonly secureRunHistory?: boolean;
  /**
   * Whether the workflow runs.
   * @default true
   */
  readonly enabled?: boolean;
}

/** Properties of a LogicAppConsumer. Plain attributes, so any queue or subscription fits. */
export interface LogicAppConsumerProps extends LogicAppConsumerOptions {
  /** Resource group (name and location) of the workflow and its connection. */
  readonly resourceGroup: ResourceGroupReference;
  /** Host name of the Service Bus namespace, e.g. `sb-orders.servicebus.windows.net` (no scheme). */
  readonly fullyQualifiedNamespace: string;
  /** Resource id of the Service Bus namespace. */
  readonly serviceBusNamespaceId: string;
  /**
   * Resource id of the entity the trigger reads: the queue, or the topic subscription. The
   * workflow's identity gets "Azure Service Bus Data Receiver" on it, nowhere else.
   */
  readonly entityId: string;
  /**
   * Queue the trigger reads (not with topicName / subscriptionName).
   * @default - a topic subscription
   */
  readonly queueName?: string;
  /**
   * Topic of the subscription the trigger reads (with subscriptionName).
   * @default - a queue
   */
  readonly topicName?: string;
  /**
   * Subscription the trigger reads (with topicName).
   * @default - a queue
   */
  readonly subscriptionName?: string;
  /**
   * Tags of the workflow and the connection.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/**
 * A Logic App (Consumption) workflow that runs on each new message of a Service Bus queue or
 * topic subscription, with your actions.
 *
 * Default settings:
 * - System-assigned identity; it gets "Azure Service Bus Data Receiver" on the entity only
 *   (`entityId`), with principal type ServicePrincipal.
 * - A Service Bus API connection that authenticates with that identity (`managedIdentityAuth`,
 *   the namespace endpoint `sb://<fullyQualifiedNamespace>/`): no connection string, no key,
 *   nothing secret in any attribute. azurerm cannot declare such a connection, so it is an ARM
 *   template deployment (`connection`), whose outputs feed the workflow's `$connections`.
 * - Trigger "When a message is received in a queue / topic subscription (peek-lock)", polling
 *   every minute; a `Complete_the_message` action runs after your last actions (unless one of
 *   your actions already completes the message).
 * - The trigger's outputs are hidden in the run history (`secureRunHistory`).
 * - The workflow is enabled; its name is generated from the construct path.
 */
export class LogicAppConsumer extends Construct {
  /** The expression an action uses for the Service Bus connection (`host.connection.name`). */
  public static readonly CONNECTION_REFERENCE = CONNECTION_REFERENCE;

  /** Resource id of the workflow. */
  public readonly workflowId: string;
  /** Workflow name. */
  public readonly workflowName: string;
  /** Principal id of the workflow's system-assigned identity. */
  public readonly principalId: string;
  /** Name of the generated trigger. */
  public readonly triggerName: string;
  /** The azurerm_logic_app_workflow resource. */
  public readonly resource: LogicAppWorkflow;
  /** The ARM template deployment of the managed-identity Service Bus connection. */
  public readonly connection: ResourceGroupTemplateDeployment;
  /** The azurerm_logic_app_trigger_custom resource. */
  public readonly trigger: LogicAppTriggerCustom;
  /** One azurerm_logic_app_action_custom per top-level action (the Complete action last). */
  public readonly actions: LogicAppActionCustom[];
  /** "Azure Service Bus Data Receiver" of the identity on the entity. */
  public readonly receiveRoleAssignment: RoleAssignment;

  constructor(scope: Construct, id: string, props: LogicAppConsumerProps) {
    super(scope, id);
    requireProps(this, 'LogicAppConsumer', props, ['resourceGroup', 'fullyQualifiedNamespace', 'serviceBusNamespaceId', 'entityId', 'definition']);
    const entity: EntityPath = { queueName: props.queueName, topicName: props.topicName, subscriptionName: props.subscriptionName };
    const peekLock = (props.receiveMode ?? LogicAppReceiveMode.PEEK_LOCK) === LogicAppReceiveMode.PEEK_LOCK;
    const interval = props.pollingInterval ?? 'PT1M';
    const seconds = isUnresolved(interval) ? 60 : (durationSeconds(interval) ?? 60);
    const userActions = actionsOf(props.definition);
    const addsComplete = peekLock && !completesMessage(props.definition);
    const connectionName = generateName(this, NAME_RULES.generic, 'servicebus', this.node.path);

    this.connection = new ResourceGroupTemplateDeployment(this, 'connection', {
      name: connectionName,
      resourceGroupName: props.resourceGroup.name,
      deploymentMode: 'Incremental',
      templateContent: terraformJson(connectionTemplate()),
      parametersContent: terraformJson({
        connectionName: { value: connectionName },
        location: { value: props.resourceGroup.location },
        namespaceEndpoint: { value: `sb://${props.fullyQualifiedNamespace}/` },
        tags: { value: props.tags ?? {} },
      }),
      tags: props.tags,
    });
    // azurerm's resource_group_template_deployment docs read outputs as jsondecode(output_content).<name>.value;
    // destroying the deployment deletes the connection it made (features.template_deployment default).
    const outputs = Fn.jsondecode(this.connection.outputContent);
    // 'Default' keeps the Terraform address of the workflow that of this construct.
    this.resource = new LogicAppWorkflow(this, 'Default', {
      name: props.name ?? generateName(this, WORKFLOW_NAME, 'logic', this.node.path),
      location: props.resourceGroup.location,
      resourceGroupName: props.resourceGroup.name,
      identity: { type: 'SystemAssigned' },
      enabled: props.enabled ?? true,
      workflowParameters: { $connections: JSON.stringify({ type: 'Object', defaultValue: {} }) },
      parameters: {
        $connections: Fn.jsonencode({
          [CONNECTION_KEY]: {
            connectionId: Fn.lookupNested(outputs, ['connectionId', 'value']),
            connectionName,
            connectionProperties: { authentication: { type: 'ManagedServiceIdentity' } },
            id: Fn.lookupNested(outputs, ['managedApiId', 'value']),
          },
        }),
      },
      tags: props.tags,
    });
    this.workflowId = this.resource.id;
    this.workflowName = this.resource.name;
    this.principalId = this.resource.identity.principalId;
    this.receiveRoleAssignment = grantRole(this, 'receive', RECEIVER_ROLE, props.entityId, this.principalId, { principalType: 'ServicePrincipal' });

    this.triggerName = triggerName(entity, peekLock);
    this.trigger = new LogicAppTriggerCustom(this, 'trigger', {
      name: this.triggerName,
      logicAppId: this.workflowId,
      body: terraformJson(triggerBody(entity, peekLock, seconds, props.secureRunHistory ?? true)),
      dependsOn: [this.receiveRoleAssignment],
    });
    const bodies: Record<string, unknown> = { ...userActions };
    if (addsComplete && !(COMPLETE_ACTION in userActions)) bodies[COMPLETE_ACTION] = completeAction(entity, terminalActions(userActions));
    // Logic Apps refuses an action that runs after one it does not hold yet: each waits for those it runs after.
    const created = new Map<string, LogicAppActionCustom>();
    this.actions = runAfterOrder(bodies).map((name) => {
      const after = runAfterOf(bodies[name]).flatMap((n) => created.get(n) ?? []);
      const action = new LogicAppActionCustom(this, `action-${name}`, {
        name,
        logicAppId: this.workflowId,
        body: terraformJson(bodies[name]),
        dependsOn: [this.trigger, ...after],
      });
      created.set(name, action);
      return action;
    });
    checkImportedId(this, 'serviceBusNamespaceId', props.serviceBusNamespaceId, 'Microsoft.ServiceBus/namespaces');
    addValidator(this, (problems) => checkTags(problems, 'tags', props.tags));
    addValidator(this, (problems) => this.validate(problems, props, entity, addsComplete));
  }

  private validate(problems: Problems, props: LogicAppConsumerProps, entity: EntityPath, addsComplete: boolean): void {
    checkName(problems, WORKFLOW_NAME, 'name', props.name);
    checkDuration(problems, 'pollingInterval', props.pollingInterval, 1, 500 * 86400, 'from 1 second to 500 days');
    checkDefinition(problems, props.definition, addsComplete);
    if (this.checkEntity(problems, entity)) this.checkEntityId(problems, props, entity);
    checkName(problems, NAME_RULES.messagingEntity, 'queueName', entity.queueName);
    checkName(problems, NAME_RULES.messagingEntity, 'topicName', entity.topicName);
    checkName(problems, NAME_RULES.subscription, 'subscriptionName', entity.subscriptionName);
    this.checkNamespace(problems, props);
  }

  /** Whether exactly one entity is named: a queue, or a topic with a subscription. */
  private checkEntity(problems: Problems, entity: EntityPath): boolean {
    const topic = entity.topicName !== undefined || entity.subscriptionName !== undefined;
    if (entity.queueName !== undefined && topic) {
      problems.add('queueName cannot be combined with topicName / subscriptionName: the trigger reads one entity. Fix: pass either queueName, or topicName with subscriptionName.');
    } else if (entity.queueName === undefined && !topic) {
      problems.add('there is no entity to read. Fix: pass queueName, or topicName with subscriptionName.');
    } else if (topic && (entity.topicName === undefined || entity.subscriptionName === undefined)) {
      const [given, missing] = entity.topicName === undefined ? ['subscriptionName', 'topicName'] : ['topicName', 'subscriptionName'];
      problems.add(`${given} needs ${missing}: a topic is read through one of its subscriptions. Fix: pass both.`);
    } else {
      return true;
    }
    return false;
  }

  private checkNamespace(problems: Problems, props: LogicAppConsumerProps): void {
    const fqns = props.fullyQualifiedNamespace;
    if (isUnresolved(fqns)) return;
    if (!/^[A-Za-z][A-Za-z0-9-]*\.servicebus\.[A-Za-z0-9.-]+$/.test(fqns)) {
      problems.add(
        `fullyQualifiedNamespace ${quote(fqns)} is not a Service Bus host name. Fix: pass '<namespace>.servicebus.windows.net', without ${/^[a-z]+:\/\//i.test(fqns) ? 'the scheme' : 'a scheme, port or path'}.`,
      );
      return;
    }
    const id = props.serviceBusNamespaceId;
    if (isUnresolved(id) || !isResourceIdOf(id, 'Microsoft.ServiceBus/namespaces')) return;
    const name = resourceNameOfId(id);
    if (fqns.split('.')[0].toLowerCase() !== name.toLowerCase()) {
      problems.add(
        `fullyQualifiedNamespace ${quote(fqns)} is not the host of serviceBusNamespaceId's namespace ${quote(name)}. Fix: pass '${name}.servicebus.windows.net', or the id of the namespace you mean.`,
      );
    }
  }

  private checkEntityId(problems: Problems, props: LogicAppConsumerProps, entity: EntityPath): void {
    const id = props.entityId;
    if (isUnresolved(id)) return;
    const queue = entity.queueName !== undefined;
    // [namespace, queue] or [namespace, topic, subscription]
    const match = resourceIdNames(id, SERVICE_BUS_PROVIDER, queue ? ['namespaces', 'queues'] : ['namespaces', 'topics', 'subscriptions']);
    if (!match) {
      const shape = queue ? '<namespace id>/queues/<queue>' : '<namespace id>/topics/<topic>/subscriptions/<subscription>';
      problems.add(
        `entityId ${quote(id)} is not the resource id of a ${queue ? 'queue' : 'topic subscription'}: the receive role must be scoped to the entity the trigger reads. Fix: pass '${shape}'.`,
      );
      return;
    }
    const ns = props.serviceBusNamespaceId;
    if (!isUnresolved(ns) && !id.toLowerCase().startsWith(`${String(ns).toLowerCase()}/`)) {
      problems.add(`entityId ${quote(id)} is not in the namespace ${quote(ns)}. Fix: pass the id of the entity in serviceBusNamespaceId's namespace.`);
    }
    const names = queue ? [entity.queueName] : [entity.topicName, entity.subscriptionName];
    const mismatch = names.some((n, i) => n !== undefined && !isUnresolved(n) && n.toLowerCase() !== match[i + 1].toLowerCase());
    if (mismatch) {
      problems.add(
        `entityId ${quote(id)} names another entity than the trigger reads (${names.map((n) => quote(n)).join(' / ')}). Fix: pass the id of that ${queue ? 'queue' : 'subscription'}.`,
      );
    }
  }
}

/** The action names with each after those it runs after (insertion order otherwise; a circle is reported by the validation). */
function runAfterOrder(actions: Record<string, unknown>): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    runAfterOf(actions[name])
      .filter((n) => n in actions)
      .forEach(visit);
    order.push(name);
  };
  Object.keys(actions).forEach(visit);
  return order;
}
