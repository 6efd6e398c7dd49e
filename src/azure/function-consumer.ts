// Function consumers: a Flex Consumption app (created from a code folder, or shared) whose
// trigger reads a Service Bus queue, a topic subscription or an Event Hubs consumer group with its
// managed identity. Used by OutboundQueueIntegration, ServiceBusSubscription and EventHubSubscriber.
//
// Sources (Microsoft Learn, MicrosoftDocs/azure-docs):
// - includes/functions-service-bus-connections.md, "Identity-based connections": the trigger's
//   `connection` names a prefix; `<CONNECTION_NAME_PREFIX>__fullyQualifiedNamespace` =
//   `<service_bus_namespace>.servicebus.windows.net` (extension 5.x); "If the configured value is
//   both an exact match for a single setting and a prefix match for other settings, the exact
//   match is used" (hence no setting may be named like a connection).
// - includes/functions-service-bus-permissions.md: trigger roles "Azure Service Bus Data Receiver"
//   (or Data Owner); "For triggering from Service Bus topics, the role assignment needs to have
//   effective scope over the Service Bus subscription resource. If only the topic is included, an
//   error will occur": the role is scoped to the subscription (or the queue).
// - includes/functions-event-hubs-permissions.md: trigger role "Azure Event Hubs Data Receiver",
//   scope "an Event Hubs namespace, or the event hub itself" (the hub here: see EventHubSubscriber);
//   the same `__fullyQualifiedNamespace` setting (includes/functions-event-hubs-connections.md).
// - Binding expressions: trigger properties such as queueName, topicName, subscriptionName,
//   eventHubName and consumerGroup resolve `%NAME%` from app settings
//   (articles/azure-functions/functions-bindings-expressions-patterns.md, "Binding expressions - app settings").
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { ConsumerFunctionApp, ConsumerFunctionAppOptions } from './consumer-function-app';
import { ConsumerDefaults, ConsumerTarget } from './consumer-wiring';
import { checkExistingOrNew } from './props';
import { ResourceGroupReference } from './resource-group';
import { addValidator, isUnresolved, quote } from '../core/problems';

/** Properties of addFunctionConsumer. */
export interface FunctionConsumerProps extends ConsumerFunctionAppOptions {
  /**
   * Local folder with the function app code (`host.json` at its root): a new app is created from
   * it. Not with functionApp.
   * @default - functionApp is used
   */
  readonly code?: string;
  /**
   * Run the trigger in this app instead of creating one (an app another consumer created, its
   * `functionApp`, or one you created with `new ConsumerFunctionApp`): consumers share it, each
   * with its own connectionName. Not with code or the app options.
   * @default - a new app from code
   */
  readonly functionApp?: ConsumerFunctionApp;
  /**
   * The connection name the trigger's `connection` property takes: the prefix of the app settings
   * `<connectionName>__fullyQualifiedNamespace` and `<connectionName>_QUEUE` (and the others, see
   * FunctionConsumer). Letters, digits and single underscores, starting with a letter, at most 64.
   * @default - the consumer id in upper case, with `_` for other characters (e.g. 'orders-fn' → 'ORDERS_FN')
   */
  readonly connectionName?: string;
  /**
   * Resource group of a new app.
   * @default - the integration's resource group (required for a subscription or hub that was imported)
   */
  readonly resourceGroup?: ResourceGroupReference;
}

const CONNECTION = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/;
const RESERVED_PREFIX = /^(AzureWebJobs|AzureFunctionsJobHost|FUNCTIONS_|WEBSITE_|APPSETTING_|APPLICATIONINSIGHTS_|SCM_|DATAVERSE_CONSUMER_)/i;

/**
 * A function consumer: the app setting names its trigger reads and the receive role of the app's
 * identity on the entity. What `addFunctionConsumer` returns.
 *
 * Trigger settings (`%NAME%` in function.json, `app.serviceBusQueue` / `app.serviceBusTopic` /
 * `app.eventHub` options), for connection `C`:
 * - `connection: 'C'`: `C__fullyQualifiedNamespace` = `<namespace>.servicebus.windows.net` (both services).
 * - queue: `queueName: '%C_QUEUE%'`.
 * - topic subscription: `topicName: '%C_TOPIC%'`, `subscriptionName: '%C_SUBSCRIPTION%'`.
 * - event hub: `eventHubName: '%C_EVENT_HUB%'`, `consumerGroup: '%C_CONSUMER_GROUP%'`.
 */
export class FunctionConsumer extends Construct {
  /**
   * Creates the consumer under `scope` (the entity's construct).
   * @internal
   */
  public static _create(scope: Construct, id: string, props: FunctionConsumerProps, target: ConsumerTarget, defaults: ConsumerDefaults): FunctionConsumer {
    // What cannot be built is refused before anything is added to the tree.
    const where = `${scope.node.path}/${id}`;
    if (props.functionApp !== undefined && !(props.functionApp instanceof ConsumerFunctionApp)) {
      throw new Error(
        `${where}: addFunctionConsumer's functionApp is not a ConsumerFunctionApp, so it cannot take the connection settings (an imported or other app is not changed by this stack). Fix: pass another consumer's functionApp, or new ConsumerFunctionApp(scope, id, { resourceGroup, code }).`,
      );
    }
    if (props.functionApp === undefined && props.code === undefined) {
      throw new Error(`${where}: addFunctionConsumer needs code or functionApp. Fix: pass code (a folder with host.json) to create an app, or functionApp to share one.`);
    }
    if (props.functionApp === undefined && (props.resourceGroup ?? defaults.resourceGroup) === undefined) {
      throw new Error(
        `${where}: addFunctionConsumer needs a resourceGroup for the new app: this ${target.service} entity is not part of an integration (it was imported, or created as a block of its own), so there is none to take it from. Fix: pass resourceGroup (or functionApp).`,
      );
    }
    return new FunctionConsumer(scope, id, props, target, defaults);
  }

  /** The app the trigger runs in (created from code, or the shared functionApp). */
  public readonly functionApp: ConsumerFunctionApp;
  /** The trigger's `connection` value. */
  public readonly connectionName: string;
  /** `<namespace>.servicebus.windows.net`. */
  public readonly fullyQualifiedNamespace: string;
  /** The app settings this consumer added (name → value); none holds a secret. */
  public readonly settings: { [name: string]: string };
  /** The receive role of the app's identity, scoped to the queue, subscription or event hub. */
  public readonly receiveRoleAssignment: RoleAssignment;

  private constructor(scope: Construct, id: string, props: FunctionConsumerProps, target: ConsumerTarget, defaults: ConsumerDefaults) {
    super(scope, id);
    this.connectionName = props.connectionName ?? defaultConnectionName(id);
    this.fullyQualifiedNamespace = target.fullyQualifiedNamespace;
    this.functionApp =
      props.functionApp ??
      new ConsumerFunctionApp(this, 'app', {
        ...props,
        code: props.code!,
        resourceGroup: (props.resourceGroup ?? defaults.resourceGroup)!,
        tags: props.tags ?? defaults.tags,
        nameSeed: defaults.nameSeed,
        monitoring: props.monitoring ?? defaults.monitoring,
      });
    const c = this.connectionName;
    this.settings = { [`${c}__fullyQualifiedNamespace`]: target.fullyQualifiedNamespace };
    for (const [suffix, value] of target.settings) this.settings[`${c}_${suffix}`] = value;
    const nameProblem = checkConnectionName(c);
    if (nameProblem === undefined) this.functionApp._addConnection(this, c, this.settings);
    // A fixed id per consumer (not a counter): the address stays when other grants come and go.
    this.receiveRoleAssignment = target.grant(this.functionApp.principalId, {
      id: `${target.grantPrefix}-${id}`,
      principalType: 'ServicePrincipal',
      description: `${target.role} for function consumer ${this.node.path}, through the app's managed identity (cdktf-dataverse)`,
    });

    addValidator(this, (problems) => {
      if (nameProblem) problems.add(nameProblem);
      if (props.functionApp) {
        const options: Array<[string, unknown]> = [
          ['code', props.code],
          ['appOptions', props.appOptions],
          ['storageAccount', props.storageAccount],
          ['logAnalyticsWorkspace', props.logAnalyticsWorkspace],
          ['existingLogAnalyticsWorkspace', props.existingLogAnalyticsWorkspace],
          ['grantDeployerAccess', props.grantDeployerAccess],
          ['resourceGroup', props.resourceGroup],
          ['tags', props.tags],
          ['monitoring', props.monitoring],
        ];
        checkExistingOrNew(
          problems,
          options.map(([name, value]) => ['functionApp', props.functionApp, name, value]),
        );
      }
    });
  }

  /** The setting a trigger property reads with `%…%`, e.g. `settingName('QUEUE')` → `C_QUEUE`. */
  public settingName(suffix: string): string {
    return `${this.connectionName}_${suffix}`;
  }
}

/** 'orders-fn' → 'ORDERS_FN'; a leading digit gets 'C_'. */
function defaultConnectionName(id: string): string {
  const name = id
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[A-Z]/.test(name) ? name : `C_${name}`;
}

/** Why a connection name cannot prefix app settings, or undefined. */
function checkConnectionName(name: string): string | undefined {
  if (isUnresolved(name)) return `connectionName is a Terraform expression; the trigger names it in code. Fix: pass a literal, e.g. 'ORDERS'.`;
  const fix = "Fix: use letters, digits and single underscores, starting with a letter, e.g. 'ORDERS_QUEUE'.";
  if (!CONNECTION.test(name) || name.endsWith('_')) {
    return `connectionName ${quote(name)} cannot prefix app settings: '__' separates the connection's settings (${name}__fullyQualifiedNamespace), and Linux apps take letters, digits and underscores only. ${fix}`;
  }
  if (name.length > 64) return `connectionName ${quote(name)} is ${name.length} characters long; at most 64. Fix: shorten it.`;
  if (RESERVED_PREFIX.test(name)) {
    return `connectionName ${quote(name)} starts like the settings of the Functions host or platform (AzureWebJobs*, FUNCTIONS_*, WEBSITE_*, …). Fix: use a name of your own, e.g. 'ORDERS'.`;
  }
  return undefined;
}
