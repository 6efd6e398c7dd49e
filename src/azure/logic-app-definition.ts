// The JSON a Service Bus Logic App consumer is made of: the managed-identity API connection (an ARM
// template, because azurerm cannot declare it), the trigger, the complete action, and the checks of
// the user's workflow definition. Pure functions, no constructs.
//
// Sources:
// - Microsoft Learn, "Authenticate access and connections to Azure resources with managed
//   identities in Azure Logic Apps" (MicrosoftDocs/azure-docs, articles/logic-apps/
//   create-managed-service-identity.md): for a multi-authentication connector (Service Bus
//   offers Access Key, Microsoft Entra integrated and Logic Apps Managed Identity) the
//   Microsoft.Web/connections resource uses apiVersion 2018-07-01-preview, kind V1 (Consumption)
//   and `parameterValueSet: { name: 'managedIdentityAuth', values: {...} }`; the workflow's
//   `$connections` parameter names the connection with
//   `connectionProperties.authentication.type: 'ManagedServiceIdentity'`.
// - "Connect to Azure Service Bus from workflows in Azure Logic Apps" (articles/connectors/
//   connectors-create-api-servicebus.md): the managed identity connection needs the namespace's
//   endpoint URL, which starts with sb://. Its parameter name, `namespaceEndpoint`, is not on a
//   Microsoft page; it is the name the connector's managed-identity parameter set uses in the
//   connection templates published with Azure/bicep#5516 and hashicorp/terraform-provider-azurerm
//   #16818 (same shape as the Event Hubs connector's).
// - hashicorp/terraform-provider-azurerm v4.55.0, internal/services/connections/
//   api_connection_resource.go: azurerm_api_connection sends only `parameterValues` (a map of
//   strings); it has no kind, parameterValueType or parameterValueSet (issue #16818, open; PR
//   #31262 not released), so it cannot declare a managed-identity connection.
// - Operation paths of the managed connector's triggers and actions: Azure/connectors-python-sdk,
//   src/azure/connectors/servicebus.py (GetMessageFromQueue `/{queueName}/messages/head`,
//   GetNewMessageFromQueueWithPeekLock `.../messages/head/peek`, the topic subscription variants
//   `/{topicName}/subscriptions/{subscriptionName}/messages/head[/peek]`, CompleteMessage DELETE
//   `.../messages/complete?lockToken=...&queueType=...`); the trigger and complete-action JSON
//   (type ApiConnection, host.connection.name from $connections, doubly encoded entity name,
//   recurrence, queries subscriptionType Main, lockToken from the trigger body):
//   Azure/azure-quickstart-templates, quickstarts/microsoft.logic/
//   logic-app-correlation-using-servicebus/azuredeploy.json.
// - Limits (articles/logic-apps/logic-apps-limits-and-config.md): 500 actions per workflow, action
//   and trigger names up to 80 characters, recurrence from 1 second to 500 days.
// - Run history obfuscation (articles/logic-apps/logic-apps-securing-a-logic-app.md):
//   `runtimeConfiguration.secureData.properties: ['outputs']`.
import { Problems, isUnresolved, quote } from '../core/problems';

/** The key of the Service Bus connection in the workflow's `$connections` parameter. @internal */
export const CONNECTION_KEY = 'servicebus';
/** What an action writes to use the Service Bus connection. @internal */
export const CONNECTION_REFERENCE = `@parameters('$connections')['${CONNECTION_KEY}']['connectionId']`;
/** The workflow definition schema azurerm_logic_app_workflow writes. @internal */
export const WORKFLOW_SCHEMA = 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#';
/** The action the block adds in peek-lock mode. @internal */
export const COMPLETE_ACTION = 'Complete_the_message';
const MAX_ACTIONS = 500;
const MAX_NAME = 80;

/** Which entity the trigger reads. @internal */
export interface EntityPath {
  readonly queueName?: string;
  readonly topicName?: string;
  readonly subscriptionName?: string;
}

/** `/@{encodeURIComponent(encodeURIComponent('orders'))}` or the topic subscription path. */
function entityPath(entity: EntityPath): string {
  const twice = (name: string | undefined) => `@{encodeURIComponent(encodeURIComponent('${name ?? ''}'))}`;
  if (entity.queueName !== undefined) return `/${twice(entity.queueName)}`;
  return `/${twice(entity.topicName)}/subscriptions/@{encodeURIComponent('${entity.subscriptionName ?? ''}')}`;
}

function typeQuery(entity: EntityPath): Record<string, string> {
  return entity.queueName !== undefined ? { queueType: 'Main' } : { subscriptionType: 'Main' };
}

/** The designer's name of the trigger. @internal */
export function triggerName(entity: EntityPath, peekLock: boolean): string {
  const where = entity.queueName !== undefined ? 'a_queue' : 'a_topic_subscription';
  return `When_a_message_is_received_in_${where}_(${peekLock ? 'peek-lock' : 'auto-complete'})`;
}

/** Recurrence of a polling interval in seconds, in the largest unit that divides it. @internal */
export function recurrence(seconds: number): { frequency: string; interval: number } {
  for (const [frequency, size] of [
    ['Day', 86400],
    ['Hour', 3600],
    ['Minute', 60],
  ] as Array<[string, number]>) {
    if (seconds % size === 0) return { frequency, interval: seconds / size };
  }
  return { frequency: 'Second', interval: Math.max(1, Math.round(seconds)) };
}

/** The "When a message is received" trigger of the managed Service Bus connector. @internal */
export function triggerBody(entity: EntityPath, peekLock: boolean, seconds: number, secureOutputs: boolean): Record<string, unknown> {
  return {
    type: 'ApiConnection',
    recurrence: recurrence(seconds),
    inputs: {
      host: { connection: { name: CONNECTION_REFERENCE } },
      method: 'get',
      path: `${entityPath(entity)}/messages/head${peekLock ? '/peek' : ''}`,
      queries: typeQuery(entity),
    },
    ...(secureOutputs ? { runtimeConfiguration: { secureData: { properties: ['outputs'] } } } : {}),
  };
}

/** "Complete the message", after every action that no other action runs after. @internal */
export function completeAction(entity: EntityPath, after: string[]): Record<string, unknown> {
  return {
    type: 'ApiConnection',
    runAfter: Object.fromEntries(after.map((name) => [name, ['Succeeded']])),
    inputs: {
      host: { connection: { name: CONNECTION_REFERENCE } },
      method: 'delete',
      path: `${entityPath(entity)}/messages/complete`,
      queries: { lockToken: "@triggerBody()?['LockToken']", ...typeQuery(entity) },
    },
  };
}

/**
 * The ARM template of the Service Bus API connection that authenticates with the workflow's
 * managed identity; its outputs are the connection id and the managed API id. @internal
 */
export function connectionTemplate(): Record<string, unknown> {
  const managedApi = "[subscriptionResourceId('Microsoft.Web/locations/managedApis', variables('location'), 'servicebus')]";
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      connectionName: { type: 'string' },
      location: { type: 'string' },
      namespaceEndpoint: { type: 'string' },
      tags: { type: 'object', defaultValue: {} },
    },
    // A region written 'West Europe' is 'westeurope' in a managed API id.
    variables: { location: "[toLower(replace(parameters('location'), ' ', ''))]" },
    resources: [
      {
        type: 'Microsoft.Web/connections',
        apiVersion: '2018-07-01-preview',
        name: "[parameters('connectionName')]",
        location: "[variables('location')]",
        kind: 'V1',
        tags: "[parameters('tags')]",
        properties: {
          displayName: "[parameters('connectionName')]",
          api: { id: managedApi },
          parameterValueSet: {
            name: 'managedIdentityAuth',
            values: { namespaceEndpoint: { value: "[parameters('namespaceEndpoint')]" } },
          },
        },
      },
    ],
    outputs: {
      connectionId: { type: 'string', value: "[resourceId('Microsoft.Web/connections', parameters('connectionName'))]" },
      managedApiId: { type: 'string', value: managedApi },
    },
  };
}

/**
 * JSON text for a Terraform string: cdktf passes `${` and `%{` through, and Terraform would read
 * them as its own interpolation, so literal ones are escaped (`$${`, `%%{`); cdktf's token markers
 * stay. @internal
 */
export function terraformJson(value: unknown): string {
  // ('$$' is one '$' in a replacement string.)
  return JSON.stringify(value)
    .replace(/\$\{(?!TfToken\[)/g, '$$$${')
    .replace(/%\{/g, '%%{');
}

/** The top-level actions of a definition, or {} when it has none that can be read. @internal */
export function actionsOf(definition: unknown): Record<string, any> {
  const actions = isObject(definition) ? (definition as any).actions : undefined;
  return isObject(actions) ? actions : {};
}

/** Names of the actions each action runs after (only names that are strings). @internal */
export function runAfterOf(action: unknown): string[] {
  const runAfter = isObject(action) ? (action as any).runAfter : undefined;
  return isObject(runAfter) ? Object.keys(runAfter) : [];
}

/** The actions no other action runs after (where a Complete action goes). @internal */
export function terminalActions(actions: Record<string, any>): string[] {
  const before = new Set(Object.values(actions).flatMap(runAfterOf));
  return Object.keys(actions).filter((name) => !before.has(name));
}

/** Whether some action, at any depth, already completes the message. @internal */
export function completesMessage(definition: unknown): boolean {
  return /\/messages\/complete/.test(JSON.stringify(actionsOf(definition)));
}

const KEY_MATERIAL = /(SharedAccessKey|AccountKey|SharedAccessSignature)=|sig=[A-Za-z0-9%+/=]{20,}/i;
const DEFINITION_KEYS = ['$schema', 'contentVersion', 'actions'];

/** Every problem of the user's workflow definition. @internal */
export function checkDefinition(problems: Problems, definition: unknown, addsComplete: boolean): void {
  if (!isObject(definition)) {
    problems.add(
      `definition is ${quote(definition ?? null)}: expected a workflow definition object with actions, e.g. { actions: { Log: { type: 'Compose', inputs: "@triggerBody()", runAfter: {} } } }. Fix: pass an object.`,
    );
    return;
  }
  const d = definition as Record<string, unknown>;
  if ('triggers' in d) {
    problems.add(
      `definition holds triggers (${quote(Object.keys(isObject(d.triggers) ? (d.triggers as object) : {}).join(', '))}): the block generates the Service Bus trigger itself. Fix: remove definition.triggers and read the message with @triggerBody().`,
    );
  }
  for (const key of Object.keys(d).filter((k) => k !== 'triggers' && !DEFINITION_KEYS.includes(k))) {
    problems.add(
      `definition.${key} is not supported: the block manages actions only (azurerm keeps the workflow's parameters and outputs itself). Fix: remove it; allowed keys are ${DEFINITION_KEYS.join(', ')}.`,
    );
  }
  if (d.$schema !== undefined && !isUnresolved(d.$schema) && d.$schema !== WORKFLOW_SCHEMA) {
    problems.add(`definition.$schema ${quote(d.$schema)} is not the Logic Apps (Consumption) workflow schema. Fix: omit it or use '${WORKFLOW_SCHEMA}'.`);
  }
  if (!isObject(d.actions) || Object.keys(d.actions as object).length === 0) {
    problems.add(
      'definition.actions is missing or empty: the workflow needs at least one action to handle the message. Fix: pass definition.actions, e.g. { Log: { type: \'Compose\', inputs: "@triggerBody()", runAfter: {} } }.',
    );
    return;
  }
  checkActions(problems, d.actions as Record<string, unknown>, addsComplete);
  const text = JSON.stringify(d);
  if (KEY_MATERIAL.test(text)) {
    problems.add(
      "definition holds what looks like a key or SAS signature (SharedAccessKey=, AccountKey=, SharedAccessSignature= or sig=): it would be written into cdk.tf.json and the workflow. Fix: reach the service with the workflow's managed identity, or read the secret at run time from Key Vault.",
    );
  }
  const others = [...new Set([...text.matchAll(/\$connections'\)\['([^']*)'\]/g)].map((m) => m[1]).filter((k) => k !== CONNECTION_KEY))];
  if (others.length > 0) {
    problems.add(
      `definition uses the connection(s) ${others.map((k) => quote(k)).join(', ')}: the workflow has one connection, '${CONNECTION_KEY}' (Service Bus, managed identity). Fix: use ${CONNECTION_REFERENCE}, or call other services with HTTP actions that authenticate with the managed identity.`,
    );
  }
}

function checkActions(problems: Problems, actions: Record<string, unknown>, addsComplete: boolean): void {
  const names = Object.keys(actions);
  const total = names.length + (addsComplete ? 1 : 0);
  problems.check(
    total <= MAX_ACTIONS,
    `definition.actions has ${total} top-level actions${addsComplete ? ' (with the Complete action)' : ''}; a workflow holds at most ${MAX_ACTIONS}. Fix: move work into a nested workflow.`,
  );
  for (const name of names) {
    const action = actions[name];
    problems.check(
      name.length >= 1 && name.length <= MAX_NAME && !/[/\\]/.test(name),
      `definition.actions: the action name ${quote(name)} is not valid: 1 to ${MAX_NAME} characters, no slash or backslash. Fix: rename it, e.g. 'Handle_the_message'.`,
    );
    if (!isObject(action) || typeof (action as any).type !== 'string') {
      problems.add(
        `definition.actions.${name} is ${quote(action ?? null)}: an action is an object with a type, e.g. { type: 'Compose', inputs: "@triggerBody()", runAfter: {} }. Fix: give it a type.`,
      );
      continue;
    }
    for (const target of runAfterOf(action)) {
      problems.check(
        target in actions,
        `definition.actions.${name} runs after ${quote(target)}, which is not a top-level action. Fix: name an action of definition.actions in runAfter, or use {} to run first.`,
      );
    }
  }
  if (addsComplete && COMPLETE_ACTION in actions) {
    problems.add(`definition.actions.${COMPLETE_ACTION}: the name is taken by the action the block adds to complete the message in peek-lock mode. Fix: rename your action.`);
  }
  const cycle = findCycle(actions);
  if (cycle) problems.add(`definition.actions run after each other in a circle (${cycle.join(' -> ')}): none of them could start. Fix: break the circle in runAfter.`);
}

/** A runAfter cycle among the top-level actions, as a path, or undefined. */
function findCycle(actions: Record<string, unknown>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string, path: string[]): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'open') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'open');
    for (const next of runAfterOf(actions[name]).filter((n) => n in actions)) {
      const found = visit(next, [...path, name]);
      if (found) return found;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(actions)) {
    const found = visit(name, []);
    if (found) return found;
  }
  return undefined;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
