import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ConsumerFunctionApp, EventHubSubscriber, ServiceBusNamespace, ServiceBusSubscription, ServiceBusTopic } from '../../src';
import { newStack, oneError, synthJson, tempDir, validationErrors } from '../helpers';
import { CODE, NS_ID, fanout, queueIntegration, topicIntegration } from './consumer-fixtures';

const ACTIONS = { Log: { type: 'Compose', inputs: "@triggerBody()?['MessageId']", runAfter: {} } };

function importedSubscription(stack: any) {
  const ns = ServiceBusNamespace.fromServiceBusNamespaceAttributes(stack, 'shared', { serviceBusNamespaceId: NS_ID });
  const topic = ServiceBusTopic.fromServiceBusTopicAttributes(stack, 'topic', { serviceBusNamespace: ns, topicId: `${NS_ID}/topics/crm` });
  return ServiceBusSubscription.fromServiceBusSubscriptionAttributes(stack, 'sub', { serviceBusTopic: topic, subscriptionId: `${NS_ID}/topics/crm/subscriptions/audit` });
}

describe('consumers on the wrong kind of entity', () => {
  it('a topic integration: addFunctionConsumer and addLogicAppConsumer point to a subscription, and create nothing', () => {
    const { stack, events } = topicIntegration();
    expect(() => events.addFunctionConsumer('billing-fn', { code: CODE })).toThrow(
      /^\[test\/events\] addFunctionConsumer\('billing-fn'\) reads a queue, but this integration posts to a topic.*Fix: call it on a subscription, e\.g\. addSubscription\('billing-fn'\)\.addFunctionConsumer/,
    );
    expect(() => events.addLogicAppConsumer('billing-logic', { definition: { actions: ACTIONS } })).toThrow(
      /addLogicAppConsumer\('billing-logic'\) reads a queue.*Fix: call it on a subscription/,
    );
    const synth = synthJson(stack);
    expect(synth.resource.azurerm_function_app_flex_consumption).toBeUndefined();
    expect(synth.resource.azurerm_logic_app_workflow).toBeUndefined();
  });

  it('an event hub fan-out itself has no consumer group: the error points to a subscriber', () => {
    const { stack, changes } = fanout();
    expect(() => changes.addFunctionConsumer('analytics-fn', { code: CODE })).toThrow(
      /^\[test\/changes\] addFunctionConsumer\('analytics-fn'\) has no consumer group to read.*Fix: addSubscriber\('<name>'\)\.addFunctionConsumer\('analytics-fn', \.\.\.\)/,
    );
    expect(synthJson(stack).resource.azurerm_function_app_flex_consumption).toBeUndefined();
  });
});

describe('connection names', () => {
  it.each([
    ['orders-fn', 'cannot prefix app settings'],
    ['ORDERS__X', 'cannot prefix app settings'],
    ['ORDERS_', 'cannot prefix app settings'],
    ['1ORDERS', 'cannot prefix app settings'],
    ['orders.fn', 'cannot prefix app settings'],
    ['A'.repeat(65), 'at most 64'],
    ['AzureWebJobsOrders', 'starts like the settings of the Functions host'],
    ['WEBSITE_ORDERS', 'starts like the settings of the Functions host'],
    ['functions_orders', 'starts like the settings of the Functions host'],
    ['DATAVERSE_CONSUMER_ORDERS', 'starts like the settings of the Functions host'],
  ])('%s is refused', (name, text) => {
    const { stack, orders } = queueIntegration();
    orders.addFunctionConsumer('orders-fn', { code: CODE, connectionName: name });
    const error = oneError(validationErrors(stack), text);
    expect(error).toContain('test/orders/orders-fn');
    expect(error).toContain(name.length > 60 ? name.slice(0, 40) : `'${name}'`);
  });

  it('letters, digits and single underscores pass', () => {
    const { stack, orders } = queueIntegration();
    orders.addFunctionConsumer('orders-fn', { code: CODE, connectionName: 'Orders_Queue_2' });
    expect(validationErrors(stack)).toEqual([]);
  });

  it('a connection name used twice on a shared app, names compared without case', () => {
    const env = newStack();
    const { orders } = queueIntegration(env);
    const { changes } = fanout(env);
    const first = orders.addFunctionConsumer('orders-fn', { code: CODE, connectionName: 'DATAVERSE' });
    changes.addSubscriber('analytics').addFunctionConsumer('analytics-fn', { functionApp: first.functionApp, connectionName: 'Dataverse' });
    const error = oneError(
      validationErrors(env.stack),
      "connection 'Dataverse' of test/changes/subscriber-analytics/analytics-fn is already used on this app by test/orders/orders-fn",
    );
    expect(error).toContain('Fix: pass another connectionName');
  });

  it('the same consumer id on two entities of one app: the derived names collide, and the fix says so', () => {
    const env = newStack();
    const { orders } = queueIntegration(env);
    const { events } = topicIntegration(env);
    const first = orders.addFunctionConsumer('handler', { code: CODE });
    events.addSubscription('billing').addFunctionConsumer('handler', { functionApp: first.functionApp });
    oneError(validationErrors(env.stack), "connection 'HANDLER' of test/events/subscription-billing/handler is already used on this app");
  });

  it('a connection named like an app setting of the app (the host would read that setting as a connection string)', () => {
    const { stack, orders } = queueIntegration();
    orders.addFunctionConsumer('orders-fn', { code: CODE, connectionName: 'ERP_URL', appOptions: { appSettings: { ERP_URL: 'https://erp.example.com' } } });
    oneError(validationErrors(stack), "connection 'ERP_URL' of test/orders/orders-fn equals the app setting 'ERP_URL'");
  });

  it("a connection named like another consumer's setting, in either order", () => {
    const later = (() => {
      const { stack, orders } = queueIntegration();
      const a = orders.addFunctionConsumer('a', { code: CODE, connectionName: 'SALES' });
      orders.addFunctionConsumer('b', { functionApp: a.functionApp, connectionName: 'SALES_QUEUE' });
      return validationErrors(stack);
    })();
    oneError(later, "connection 'SALES_QUEUE' of test/orders/b equals the app setting 'SALES_QUEUE'");
    const earlier = (() => {
      const { stack, orders } = queueIntegration();
      const a = orders.addFunctionConsumer('a', { code: CODE, connectionName: 'SALES_QUEUE' });
      orders.addFunctionConsumer('b', { functionApp: a.functionApp, connectionName: 'SALES' });
      return validationErrors(stack);
    })();
    oneError(earlier, "connection 'SALES' of test/orders/b adds a setting named like the connection 'sales_queue'");
  });
});

describe('the app', () => {
  it('neither code nor functionApp: an error naming the consumer, before anything is made', () => {
    const { stack, orders } = queueIntegration();
    expect(() => orders.addFunctionConsumer('orders-fn', {})).toThrow(/^test\/orders\/orders-fn: addFunctionConsumer needs code or functionApp\. Fix:/);
    expect(orders.node.tryFindChild('orders-fn')).toBeUndefined();
    expect(synthJson(stack).resource.azurerm_function_app_flex_consumption).toBeUndefined();
  });

  it('a functionApp that is not a ConsumerFunctionApp (a JavaScript caller, or the inner FunctionApp): an error naming the fix', () => {
    const { stack, orders } = queueIntegration();
    const first = orders.addFunctionConsumer('first', { code: CODE });
    expect(() => orders.addFunctionConsumer('second', { functionApp: first.functionApp.functionApp as any })).toThrow(
      /^test\/orders\/second: addFunctionConsumer's functionApp is not a ConsumerFunctionApp.*Fix: pass another consumer's functionApp, or new ConsumerFunctionApp/,
    );
    expect(orders.node.tryFindChild('second')).toBeUndefined();
    expect(validationErrors(stack)).toEqual([]);
  });

  it('functionApp with options for a new app: one error listing every conflict', () => {
    const { stack, rg, orders } = queueIntegration();
    const shared = new ConsumerFunctionApp(stack, 'consumers', { resourceGroup: rg, code: CODE });
    orders.addFunctionConsumer('orders-fn', { functionApp: shared, code: CODE, appOptions: { runtimeVersion: '22' }, resourceGroup: rg, tags: { a: 'b' } });
    const error = oneError(validationErrors(stack), 'conflicting props');
    expect(error).toContain('functionApp with code; functionApp with appOptions; functionApp with resourceGroup; functionApp with tags');
  });

  it.each([
    ['a folder that does not exist', () => path.join(tempDir(), 'missing'), 'does not exist'],
    ['a folder without host.json', () => tempDir(), 'has no host.json'],
    [
      'a file',
      () => {
        const file = path.join(tempDir(), 'index.js');
        fs.writeFileSync(file, '');
        return file;
      },
      'is a file, not a folder',
    ],
  ])('an invalid code folder: %s', (_what, make, text) => {
    const { stack, orders } = queueIntegration();
    orders.addFunctionConsumer('orders-fn', { code: make() });
    const error = oneError(validationErrors(stack), text);
    expect(error).toContain('test/orders/orders-fn/app');
  });

  it('an imported subscription needs a resource group for a new app or workflow', () => {
    const { stack } = newStack();
    const sub = importedSubscription(stack);
    expect(() => sub.addFunctionConsumer('audit-fn', { code: CODE })).toThrow(
      /^test\/sub\/audit-fn: addFunctionConsumer needs a resourceGroup .*Fix: pass resourceGroup \(or functionApp\)/,
    );
    expect(() => sub.addLogicAppConsumer('audit-logic', { definition: { actions: ACTIONS } })).toThrow(
      /^test\/sub\/audit-logic: addLogicAppConsumer needs a resourceGroup.*Fix: pass resourceGroup/,
    );
    expect((sub as unknown as Construct).node.children).toEqual([]);
  });

  it('a subscriber created as a block of its own (not by a fan-out) needs a resource group too', () => {
    const { stack, changes } = fanout();
    const own = new EventHubSubscriber(stack, 'own', { eventHub: changes.eventHub, name: 'own' });
    expect(() => own.addFunctionConsumer('own-fn', { code: CODE })).toThrow(/^test\/own\/own-fn: addFunctionConsumer needs a resourceGroup .*not part of an integration/);
  });

  it('an imported subscription with a shared app needs no resource group', () => {
    const { stack, rg } = newStack();
    const shared = new ConsumerFunctionApp(stack, 'consumers', { resourceGroup: rg, code: CODE });
    importedSubscription(stack).addFunctionConsumer('audit-fn', { functionApp: shared });
    expect(validationErrors(stack)).toEqual([]);
  });

  it('DATAVERSE_CONSUMER_* settings are the construct’s', () => {
    const { stack, orders } = queueIntegration();
    orders.addFunctionConsumer('orders-fn', { code: CODE, appOptions: { appSettings: { DATAVERSE_CONSUMER_PACKAGE_HASH: 'x' } } });
    oneError(validationErrors(stack), "appOptions.appSettings: 'DATAVERSE_CONSUMER_PACKAGE_HASH' is set by the construct");
  });

  it('FunctionApp.addAppSettings: a name the app has (without case) or one the platform owns is reported, the first value stays', () => {
    const { stack, rg } = newStack();
    const shared = new ConsumerFunctionApp(stack, 'consumers', { resourceGroup: rg, code: CODE, appOptions: { appSettings: { ERP_URL: 'https://erp.example.com' } } });
    shared.functionApp.addAppSettings({ erp_url: 'https://other.example.com', AzureWebJobsStorage__blobServiceUri: 'https://x', FEATURE: 'on' });
    const errors = validationErrors(stack);
    oneError(errors, "app setting 'erp_url' is set twice (the app already has 'ERP_URL'");
    oneError(errors, "app setting 'AzureWebJobsStorage__blobServiceUri' is set by the construct or the Flex Consumption platform");
    expect(errors).toHaveLength(2);
    const settings = shared.functionApp.resource.appSettingsInput!;
    expect(settings).toMatchObject({ ERP_URL: 'https://erp.example.com', FEATURE: 'on' });
    expect(settings).not.toHaveProperty('erp_url');
  });
});
