import { describe, expect, it } from 'vitest';
import { LogicAppConsumer, LogicAppConsumerProps, LogicAppReceiveMode } from '../../src';
import { newStack, validationErrors } from '../helpers';
import { ACTIONS, FQNS, NS, consumer } from './logic-app-fixtures';

describe('LogicAppConsumer: validation', () => {
  const errorsOf = (extra: Partial<LogicAppConsumerProps>) => validationErrors(consumer(extra).stack);

  it('a definition that already holds a trigger, other top-level keys, another schema', () => {
    const errors = errorsOf({
      definition: { $schema: 'https://example.com/schema.json', triggers: { manual: { type: 'Request' } }, outputs: {}, actions: ACTIONS },
    });
    expect(errors).toEqual([
      "[test/orders-logic] definition holds triggers ('manual'): the block generates the Service Bus trigger itself. Fix: remove definition.triggers and read the message with @triggerBody().",
      "[test/orders-logic] definition.outputs is not supported: the block manages actions only (azurerm keeps the workflow's parameters and outputs itself). Fix: remove it; allowed keys are $schema, contentVersion, actions.",
      "[test/orders-logic] definition.$schema 'https://example.com/schema.json' is not the Logic Apps (Consumption) workflow schema. Fix: omit it or use 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#'.",
    ]);
  });

  it('no actions, or a definition that is not an object', () => {
    expect(errorsOf({ definition: {} })).toEqual([expect.stringContaining('[test/orders-logic] definition.actions is missing or empty: the workflow needs at least one action')]);
    expect(errorsOf({ definition: { actions: [] } as any })).toEqual([expect.stringContaining('definition.actions is missing or empty')]);
    expect(errorsOf({ definition: 'Compose' as any })).toEqual([
      expect.stringContaining("[test/orders-logic] definition is 'Compose': expected a workflow definition object with actions"),
    ]);
  });

  it('actions that are garbage, badly named, run after nothing, run in a circle, or take the Complete action name', () => {
    const errors = errorsOf({
      definition: {
        actions: {
          Broken: 'Compose',
          Untyped: { inputs: 1 },
          ['x'.repeat(81)]: { type: 'Compose', runAfter: {} },
          Late: { type: 'Compose', runAfter: { Missing: ['Succeeded'] } },
          A: { type: 'Compose', runAfter: { B: ['Succeeded'] } },
          B: { type: 'Compose', runAfter: { A: ['Succeeded'] } },
          Complete_the_message: { type: 'Compose', runAfter: {} },
        },
      },
    });
    expect(errors).toEqual([
      "[test/orders-logic] definition.actions.Broken is 'Compose': an action is an object with a type, e.g. { type: 'Compose', inputs: \"@triggerBody()\", runAfter: {} }. Fix: give it a type.",
      expect.stringContaining('[test/orders-logic] definition.actions.Untyped is {"inputs":1}: an action is an object with a type'),
      expect.stringMatching(/^\[test\/orders-logic\] definition.actions: the action name 'x+\.\.\.' is not valid: 1 to 80 characters, no slash or backslash\. Fix:/),
      "[test/orders-logic] definition.actions.Late runs after 'Missing', which is not a top-level action. Fix: name an action of definition.actions in runAfter, or use {} to run first.",
      '[test/orders-logic] definition.actions.Complete_the_message: the name is taken by the action the block adds to complete the message in peek-lock mode. Fix: rename your action.',
      '[test/orders-logic] definition.actions run after each other in a circle (A -> B -> A): none of them could start. Fix: break the circle in runAfter.',
    ]);
  });

  it('more than 500 actions (counting the Complete action)', () => {
    const actions = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`Step_${i}`, { type: 'Compose', inputs: i, runAfter: {} }]));
    expect(errorsOf({ definition: { actions } })).toEqual([
      '[test/orders-logic] definition.actions has 501 top-level actions (with the Complete action); a workflow holds at most 500. Fix: move work into a nested workflow.',
    ]);
    expect(errorsOf({ definition: { actions }, receiveMode: LogicAppReceiveMode.AUTO_COMPLETE })).toEqual([]);
  });

  it('a key or SAS signature in the definition, and connections the workflow does not have', () => {
    const errors = errorsOf({
      definition: {
        actions: {
          Send: {
            type: 'Http',
            inputs: { method: 'POST', uri: 'https://x.example.com', headers: { c: 'Endpoint=sb://a.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=abc' } },
            runAfter: {},
          },
          Mail: { type: 'ApiConnection', inputs: { host: { connection: { name: "@parameters('$connections')['office365']['connectionId']" } } }, runAfter: {} },
        },
      },
    });
    expect(errors).toEqual([
      expect.stringContaining('[test/orders-logic] definition holds what looks like a key or SAS signature (SharedAccessKey=, AccountKey=, SharedAccessSignature= or sig=)'),
      "[test/orders-logic] definition uses the connection(s) 'office365': the workflow has one connection, 'servicebus' (Service Bus, managed identity). Fix: use @parameters('$connections')['servicebus']['connectionId'], or call other services with HTTP actions that authenticate with the managed identity.",
    ]);
  });

  it('the entity: both a queue and a topic, neither, a topic without its subscription and the reverse, invalid names', () => {
    expect(errorsOf({ topicName: 'orders', subscriptionName: 'erp' })).toEqual([
      '[test/orders-logic] queueName cannot be combined with topicName / subscriptionName: the trigger reads one entity. Fix: pass either queueName, or topicName with subscriptionName.',
    ]);
    expect(errorsOf({ queueName: undefined })).toEqual(['[test/orders-logic] there is no entity to read. Fix: pass queueName, or topicName with subscriptionName.']);
    expect(errorsOf({ queueName: undefined, topicName: 'orders', entityId: `${NS}/topics/orders/subscriptions/erp` })).toEqual([
      '[test/orders-logic] topicName needs subscriptionName: a topic is read through one of its subscriptions. Fix: pass both.',
    ]);
    expect(errorsOf({ queueName: undefined, subscriptionName: 'erp' })).toEqual([
      '[test/orders-logic] subscriptionName needs topicName: a topic is read through one of its subscriptions. Fix: pass both.',
    ]);
    const errors = errorsOf({ queueName: 'bad name', entityId: `${NS}/queues/bad name` });
    expect(errors).toEqual([expect.stringContaining("[test/orders-logic] queueName: entity name 'bad name' is not valid")]);
  });

  it('the namespace: a host name with a scheme, a host of another namespace, an id of another resource type', () => {
    expect(errorsOf({ fullyQualifiedNamespace: `sb://${FQNS}/` })).toEqual([
      `[test/orders-logic] fullyQualifiedNamespace 'sb://${FQNS}/' is not a Service Bus host name. Fix: pass '<namespace>.servicebus.windows.net', without the scheme.`,
    ]);
    expect(errorsOf({ fullyQualifiedNamespace: 'sb-other.servicebus.windows.net' })).toEqual([
      "[test/orders-logic] fullyQualifiedNamespace 'sb-other.servicebus.windows.net' is not the host of serviceBusNamespaceId's namespace 'sb-orders'. Fix: pass 'sb-orders.servicebus.windows.net', or the id of the namespace you mean.",
    ]);
    const storage = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-sb/providers/Microsoft.Storage/storageAccounts/sb-orders';
    expect(errorsOf({ serviceBusNamespaceId: storage, entityId: `${storage}/queues/orders` })).toEqual([
      expect.stringContaining(`[test/orders-logic] serviceBusNamespaceId '${storage.slice(0, 77)}...' is not the resource id of a Microsoft.ServiceBus/namespaces`),
      expect.stringContaining('[test/orders-logic] entityId'),
    ]);
  });

  it('the entity id: another kind, an entity of another namespace (someone else’s), another entity', () => {
    expect(errorsOf({ entityId: NS })).toEqual([
      expect.stringContaining("is not the resource id of a queue: the receive role must be scoped to the entity the trigger reads. Fix: pass '<namespace id>/queues/<queue>'."),
    ]);
    const foreign = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-x/providers/Microsoft.ServiceBus/namespaces/sb-x/queues/orders';
    expect(errorsOf({ entityId: foreign })).toEqual([
      expect.stringMatching(/entityId '.*' is not in the namespace '.*'\. Fix: pass the id of the entity in serviceBusNamespaceId's namespace\.$/),
    ]);
    expect(errorsOf({ entityId: `${NS}/queues/invoices` })).toEqual([
      expect.stringMatching(/entityId '.*' names another entity than the trigger reads \('orders'\)\. Fix: pass the id of that queue\.$/),
    ]);
    expect(errorsOf({ entityId: `${NS}/QUEUES/Orders` })).toEqual([]);
  });

  it('polling interval and workflow name; every problem reported together', () => {
    const errors = errorsOf({ pollingInterval: '5 minutes', name: 'bad name!', definition: { actions: { A: 'x' } } as any, entityId: NS });
    expect(errors).toHaveLength(4);
    expect(errors.join('\n')).toContain(
      "[test/orders-logic] name: Logic App workflow name 'bad name!' is not valid: it must contain letters, digits, periods, hyphens, parentheses and underscores.",
    );
    expect(errors.join('\n')).toContain("[test/orders-logic] pollingInterval '5 minutes' is not an ISO 8601 duration. Fix:");
    expect(errors.join('\n')).toContain('[test/orders-logic] definition.actions.A is');
    expect(errors.join('\n')).toContain('is not the resource id of a queue');
    expect(errorsOf({ pollingInterval: 'P600D' })).toEqual([
      "[test/orders-logic] pollingInterval 'P600D' is out of range: it must be from 1 second to 500 days. Fix: choose a duration in that range.",
    ]);
  });

  it('JavaScript callers: missing props name the construct and the props', () => {
    const { stack, rg } = newStack();
    expect(() => new LogicAppConsumer(stack, 'l', { resourceGroup: rg, queueName: 'orders', definition: null } as any)).toThrow(
      'test/l: LogicAppConsumer needs fullyQualifiedNamespace, serviceBusNamespaceId, entityId, definition. Fix: pass fullyQualifiedNamespace, serviceBusNamespaceId, entityId, definition',
    );
    expect(() => new LogicAppConsumer(stack, 'm', undefined as any)).toThrow('test/m: LogicAppConsumer needs props');
  });
});
