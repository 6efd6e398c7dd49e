import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { ConsumerFunctionApp, ServiceBusNamespace, ServiceBusSubscription, ServiceBusTopic } from '../../src';
import { fullSynth, newStack, onlyResource, readAllFiles, resourcesOf, synthJson } from '../helpers';
import { CODE, NS_ID, fanout, queueIntegration, topicIntegration } from './consumer-fixtures';

// The settings follow Microsoft Learn, "Azure Service Bus bindings for Azure Functions",
// identity-based connections (MicrosoftDocs/azure-docs includes/functions-service-bus-connections.md:
// `<CONNECTION_NAME_PREFIX>__fullyQualifiedNamespace` = `<namespace>.servicebus.windows.net`) and the
// roles of includes/functions-service-bus-permissions.md / functions-event-hubs-permissions.md.

function apps(synth: any): any[] {
  return Object.values(resourcesOf(synth, 'azurerm_function_app_flex_consumption'));
}

function roles(synth: any): Array<{ role: string; scope: string; principal: string; type?: string }> {
  return Object.values(resourcesOf(synth, 'azurerm_role_assignment')).map((r: any) => ({
    role: r.role_definition_name,
    scope: r.scope,
    principal: r.principal_id,
    type: r.principal_type,
  }));
}

/** The Terraform reference of a resource's attribute, by type and a part of its logical id. */
function ref(synth: any, type: string, idPart: string, attribute = 'id'): string {
  const ids = Object.keys(resourcesOf(synth, type)).filter((k) => k.includes(idPart));
  expect(ids, `${type} ~ ${idPart}`).toHaveLength(1);
  return `\${${type}.${ids[0]}.${attribute}}`;
}

const appIdentity = (synth: any, idPart: string) => ref(synth, 'azurerm_function_app_flex_consumption', idPart, 'identity[0].principal_id');

/** What looks like a key or connection string in a value. */
const SECRET = /AccountKey=|SharedAccessKey|Endpoint=sb:|primary_key|secondary_key|connection_string|primary_access_key|random_password/i;

describe('addFunctionConsumer on a queue integration', () => {
  it('a Flex Consumption app with a system identity, running the code folder', () => {
    const { stack, orders } = queueIntegration();
    const consumer = orders.addFunctionConsumer('orders-fn', { code: CODE });
    const synth = synthJson(stack);
    const app = onlyResource(synth, 'azurerm_function_app_flex_consumption');
    expect(app).toMatchObject({ identity: { type: 'SystemAssigned' }, runtime_name: 'node', storage_authentication_type: 'SystemAssignedIdentity' });
    expect(onlyResource(synth, 'azurerm_service_plan').sku_name).toBe('FC1');
    expect(onlyResource(synth, 'azurerm_storage_blob')).toMatchObject({ name: 'released-package.zip', storage_container_name: expect.stringContaining('package-container') });
    expect(consumer.functionApp).toBeInstanceOf(ConsumerFunctionApp);
    expect(consumer.node.path).toBe('test/orders/orders-fn');
  });

  it('identity-based connection settings: the namespace host and the queue name, under the connection prefix', () => {
    const { stack, orders } = queueIntegration();
    const consumer = orders.addFunctionConsumer('orders-fn', { code: CODE });
    const settings = onlyResource(synthJson(stack), 'azurerm_function_app_flex_consumption').app_settings;
    const ns = orders.serviceBusNamespace.serviceBusNamespaceName;
    expect(consumer.connectionName).toBe('ORDERS_FN');
    expect(settings).toMatchObject({
      ORDERS_FN__fullyQualifiedNamespace: `${ns}.servicebus.windows.net`,
      ORDERS_FN_QUEUE: orders.entityName,
    });
    expect(consumer.settings).toEqual({ ORDERS_FN__fullyQualifiedNamespace: `${ns}.servicebus.windows.net`, ORDERS_FN_QUEUE: orders.entityName });
    expect(consumer.settingName('QUEUE')).toBe('ORDERS_FN_QUEUE');
    expect(consumer.fullyQualifiedNamespace).toBe(`${ns}.servicebus.windows.net`);
  });

  it('"Azure Service Bus Data Receiver" on the queue only, for the app identity, as a service principal', () => {
    const { stack, orders } = queueIntegration();
    orders.addFunctionConsumer('orders-fn', { code: CODE });
    const synth = synthJson(stack);
    const receive = roles(synth).filter((r) => r.role.startsWith('Azure Service Bus'));
    expect(receive).toEqual([
      {
        role: 'Azure Service Bus Data Receiver',
        scope: ref(synth, 'azurerm_servicebus_queue', 'orders_queue'),
        principal: appIdentity(synth, 'orders-fn'),
        type: 'ServicePrincipal',
      },
    ]);
    // and nothing else of the Service Bus: no namespace-wide role, no sender role
    expect(
      roles(synth)
        .map((r) => r.role)
        .sort(),
    ).toEqual(['Azure Service Bus Data Receiver', 'Storage Blob Data Contributor', 'Storage Blob Data Owner']);
  });

  it('the receive role keeps its address when other grants come and go (a fixed id per consumer)', () => {
    const { stack, orders } = queueIntegration();
    orders.grantReceive('00000000-0000-0000-0000-000000000001');
    const consumer = orders.addFunctionConsumer('orders-fn', { code: CODE });
    expect(consumer.receiveRoleAssignment.node.path).toBe('test/orders/listen-orders-fn');
    synthJson(stack);
  });

  it('a connectionName of your own', () => {
    const { stack, orders } = queueIntegration();
    orders.addFunctionConsumer('orders-fn', { code: CODE, connectionName: 'SalesOrders' });
    const settings = onlyResource(synthJson(stack), 'azurerm_function_app_flex_consumption').app_settings;
    expect(Object.keys(settings)).toEqual(expect.arrayContaining(['SalesOrders__fullyQualifiedNamespace', 'SalesOrders_QUEUE']));
  });

  it('default connection names from the id: upper case, other characters as _, a leading digit prefixed', () => {
    const { stack, orders } = queueIntegration();
    const a = orders.addFunctionConsumer('orders.fn-v2', { code: CODE });
    const b = orders.addFunctionConsumer('2nd', { functionApp: a.functionApp });
    expect([a.connectionName, b.connectionName]).toEqual(['ORDERS_FN_V2', 'C_2ND']);
    synthJson(stack);
  });

  it('the app options, storage and tags pass through; resources are in the integration resource group', () => {
    const { stack, orders } = queueIntegration();
    orders.addFunctionConsumer('orders-fn', {
      code: CODE,
      appOptions: { name: 'func-orders-consumer', runtimeVersion: '22', maximumInstanceCount: 10, appSettings: { ERP_URL: 'https://erp.example.com' } },
      storageAccount: { name: 'stordersconsumer' },
      tags: { owner: 'integration' },
    });
    const synth = synthJson(stack);
    const app = onlyResource(synth, 'azurerm_function_app_flex_consumption');
    expect(app).toMatchObject({
      name: 'func-orders-consumer',
      runtime_version: '22',
      maximum_instance_count: 10,
      resource_group_name: '${azurerm_resource_group.rg.name}',
      tags: { owner: 'integration' },
    });
    expect(app.app_settings.ERP_URL).toBe('https://erp.example.com');
    expect(onlyResource(synth, 'azurerm_storage_account')).toMatchObject({ name: 'stordersconsumer', shared_access_key_enabled: false });
  });

  it('generated names mix in the environment URL (two organisations do not collide)', () => {
    const name = (url: string) => {
      const { stack, orders } = queueIntegration(newStack({ url }));
      orders.addFunctionConsumer('orders-fn', { code: CODE });
      return onlyResource(synthJson(stack), 'azurerm_function_app_flex_consumption').name;
    };
    expect(name('https://contoso.crm4.dynamics.com')).not.toBe(name('https://fabrikam.crm4.dynamics.com'));
  });
});

describe('addFunctionConsumer on a topic subscription', () => {
  it('topic and subscription settings; the receive role scoped to the subscription, not the topic', () => {
    const { stack, events } = topicIntegration();
    const billing = events.addSubscription('billing');
    const consumer = billing.addFunctionConsumer('billing-fn', { code: CODE });
    const synth = synthJson(stack);
    const settings = onlyResource(synth, 'azurerm_function_app_flex_consumption').app_settings;
    expect(settings).toMatchObject({
      BILLING_FN__fullyQualifiedNamespace: `${events.serviceBusNamespace.serviceBusNamespaceName}.servicebus.windows.net`,
      BILLING_FN_TOPIC: events.entityName,
      BILLING_FN_SUBSCRIPTION: 'billing',
    });
    const receive = roles(synth).filter((r) => r.role === 'Azure Service Bus Data Receiver');
    expect(receive).toEqual([
      {
        role: 'Azure Service Bus Data Receiver',
        scope: ref(synth, 'azurerm_servicebus_subscription', 'billing'),
        principal: appIdentity(synth, 'billing-fn'),
        type: 'ServicePrincipal',
      },
    ]);
    expect(consumer.node.path).toBe('test/events/subscription-billing/billing-fn');
    // the new app takes the integration's resource group
    expect(onlyResource(synth, 'azurerm_function_app_flex_consumption').resource_group_name).toBe('${azurerm_resource_group.rg.name}');
  });

  it('an imported subscription: the role on its literal id, the app in the resource group given', () => {
    const { stack, rg } = newStack();
    const ns = ServiceBusNamespace.fromServiceBusNamespaceAttributes(stack, 'shared', { serviceBusNamespaceId: NS_ID });
    const topic = ServiceBusTopic.fromServiceBusTopicAttributes(stack, 'topic', { serviceBusNamespace: ns, topicId: `${NS_ID}/topics/crm` });
    const sub = ServiceBusSubscription.fromServiceBusSubscriptionAttributes(stack, 'sub', { serviceBusTopic: topic, subscriptionId: `${NS_ID}/topics/crm/subscriptions/audit` });
    sub.addFunctionConsumer('audit-fn', { code: CODE, resourceGroup: rg, connectionName: 'AUDIT' });
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_function_app_flex_consumption').app_settings).toMatchObject({
      AUDIT__fullyQualifiedNamespace: 'sb-shared.servicebus.windows.net',
      AUDIT_TOPIC: 'crm',
      AUDIT_SUBSCRIPTION: 'audit',
    });
    const receive = roles(synth).filter((r) => r.role === 'Azure Service Bus Data Receiver');
    expect(receive.map((r) => r.scope)).toEqual([`${NS_ID}/topics/crm/subscriptions/audit`]);
  });
});

describe('addFunctionConsumer on an Event Hubs subscriber', () => {
  it('event hub and consumer group settings; "Azure Event Hubs Data Receiver" on the event hub', () => {
    const { stack, changes } = fanout();
    const analytics = changes.addSubscriber('analytics');
    analytics.addFunctionConsumer('analytics-fn', { code: CODE, connectionName: 'CHANGES' });
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_function_app_flex_consumption').app_settings).toMatchObject({
      CHANGES__fullyQualifiedNamespace: changes.eventHubNamespace.fullyQualifiedNamespace,
      CHANGES_EVENT_HUB: changes.eventHub.eventHubName,
      CHANGES_CONSUMER_GROUP: 'analytics',
    });
    expect(changes.eventHubNamespace.fullyQualifiedNamespace).toMatch(/^evhns-[a-z0-9-]+\.servicebus\.windows\.net$/);
    const receive = roles(synth).filter((r) => r.role.startsWith('Azure Event Hubs'));
    expect(receive).toEqual([
      { role: 'Azure Event Hubs Data Receiver', scope: ref(synth, 'azurerm_eventhub', 'event-hub'), principal: appIdentity(synth, 'analytics-fn'), type: 'ServicePrincipal' },
    ]);
    // checkpoints: the host storage, reached with the identity
    expect(
      roles(synth)
        .filter((r) => r.role === 'Storage Blob Data Owner')
        .map((r) => r.principal),
    ).toEqual([appIdentity(synth, 'analytics-fn')]);
  });
});

describe('several consumers share one app', () => {
  function shared() {
    const env = newStack();
    const { orders } = queueIntegration(env);
    const { events } = topicIntegration(env);
    const { changes } = fanout(env);
    const first = orders.addFunctionConsumer('orders-fn', { code: CODE, connectionName: 'ORDERS' });
    const second = events.addSubscription('billing').addFunctionConsumer('billing-fn', { functionApp: first.functionApp, connectionName: 'BILLING' });
    const third = changes.addSubscriber('analytics').addFunctionConsumer('analytics-fn', { functionApp: first.functionApp, connectionName: 'CHANGES' });
    return { ...env, orders, events, changes, first, second, third };
  }

  it('one app (one plan, one storage account), one connection per consumer', () => {
    const { stack, first, second, third } = shared();
    const synth = synthJson(stack);
    expect(apps(synth)).toHaveLength(1);
    expect(Object.keys(resourcesOf(synth, 'azurerm_service_plan'))).toHaveLength(1);
    expect(Object.keys(resourcesOf(synth, 'azurerm_storage_account'))).toHaveLength(1);
    expect(second.functionApp).toBe(first.functionApp);
    expect(third.functionApp).toBe(first.functionApp);
    expect(first.functionApp.connectionNames).toEqual(['ORDERS', 'BILLING', 'CHANGES']);
    const settings = apps(synth)[0].app_settings;
    for (const c of ['ORDERS', 'BILLING', 'CHANGES']) expect(settings[`${c}__fullyQualifiedNamespace`], c).toMatch(/\.servicebus\.windows\.net$/);
    expect(Object.keys(settings).sort()).toEqual(
      [
        'AZUREWEBJOBSSTORAGE',
        'AzureWebJobsStorage__accountName',
        'BILLING_SUBSCRIPTION',
        'BILLING_TOPIC',
        'BILLING__fullyQualifiedNamespace',
        'CHANGES_CONSUMER_GROUP',
        'CHANGES_EVENT_HUB',
        'CHANGES__fullyQualifiedNamespace',
        'DATAVERSE_CONSUMER_PACKAGE_HASH',
        'ORDERS_QUEUE',
        'ORDERS__fullyQualifiedNamespace',
      ].sort(),
    );
  });

  it('each consumer gets the receive role on its own entity, for the one identity', () => {
    const { stack } = shared();
    const synth = synthJson(stack);
    const principal = appIdentity(synth, 'orders-fn');
    const receive = roles(synth).filter((r) => r.role.includes('Data Receiver'));
    expect(receive).toHaveLength(3);
    expect(receive.every((r) => r.principal === principal && r.type === 'ServicePrincipal')).toBe(true);
    expect(receive.map((r) => r.scope).sort()).toEqual(
      [ref(synth, 'azurerm_servicebus_queue', 'orders'), ref(synth, 'azurerm_servicebus_subscription', 'billing'), ref(synth, 'azurerm_eventhub', 'event-hub')].sort(),
    );
  });

  it('two consumers of one queue on one app: one role assignment (grants are deduplicated)', () => {
    const { stack, orders } = queueIntegration();
    const a = orders.addFunctionConsumer('fast', { code: CODE });
    const b = orders.addFunctionConsumer('slow', { functionApp: a.functionApp });
    expect(b.receiveRoleAssignment).toBe(a.receiveRoleAssignment);
    expect(roles(synthJson(stack)).filter((r) => r.role === 'Azure Service Bus Data Receiver')).toHaveLength(1);
  });

  it('an app created with new ConsumerFunctionApp takes consumers too', () => {
    const { stack, rg, orders } = queueIntegration();
    const app = new ConsumerFunctionApp(stack, 'consumers', { resourceGroup: rg, code: CODE });
    orders.addFunctionConsumer('orders-fn', { functionApp: app });
    const synth = synthJson(stack);
    expect(apps(synth)).toHaveLength(1);
    expect(apps(synth)[0].app_settings.ORDERS_FN_QUEUE).toBe(orders.entityName);
  });
});

describe('no secret anywhere', () => {
  it('no setting of any app and no output holds a key or connection string; no file but cdk.tf.json mentions one', () => {
    const { app, stack, orders, events, changes } = (() => {
      const env = newStack();
      return { ...env, ...queueIntegration(env), ...topicIntegration(env), ...fanout(env) };
    })();
    const first = orders.addFunctionConsumer('orders-fn', { code: CODE });
    events.addSubscription('billing').addFunctionConsumer('billing-fn', { code: CODE });
    changes.addSubscriber('analytics').addFunctionConsumer('analytics-fn', { functionApp: first.functionApp });
    const synth = synthJson(stack);
    expect(apps(synth)).toHaveLength(2);
    for (const fn of apps(synth)) {
      for (const [name, value] of Object.entries<string>(fn.app_settings)) {
        expect(SECRET.test(`${name}=${value}`), `${name}=${value}`).toBe(false);
      }
      // the provider's key-based host storage string is overridden by the empty setting
      expect(fn.app_settings.AZUREWEBJOBSSTORAGE).toBe('');
      expect(fn.storage_authentication_type).toBe('SystemAssignedIdentity');
      expect(fn.site_config.application_insights_connection_string).toMatch(/^\$\{azurerm_application_insights\.[^.]+\.connection_string\}$/);
    }
    for (const [name, output] of Object.entries<any>(synth.output ?? {})) {
      if (SECRET.test(JSON.stringify(output.value))) expect(output.sensitive, name).toBe(true);
    }
    const dir = fullSynth(app, 'test');
    const files = readAllFiles(dir);
    for (const [file, text] of Object.entries(files)) {
      if (file.endsWith('cdk.tf.json') || file.endsWith('.zip')) continue;
      expect(SECRET.test(text), file).toBe(false);
    }
    // the storage accounts of the apps take no shared keys
    for (const account of Object.values<any>(resourcesOf(synth, 'azurerm_storage_account'))) expect(account.shared_access_key_enabled).toBe(false);
  });

  it('the example code reads exactly the settings the example app defines', () => {
    const code = fs.readFileSync(path.join(CODE, 'src', 'index.js'), 'utf8');
    const connections = [...code.matchAll(/connection: '([^']+)'/g)].map((m) => m[1]);
    const expressions = [...code.matchAll(/'%([A-Za-z0-9_]+)%'/g)].map((m) => m[1]);
    expect(connections).toEqual(['ORDERS', 'CHANGES']);
    const env = newStack();
    const { orders } = queueIntegration(env);
    const { changes } = fanout(env);
    const first = orders.addFunctionConsumer('orders-fn', { code: CODE, connectionName: 'ORDERS' });
    changes.addSubscriber('analytics').addFunctionConsumer('analytics-fn', { functionApp: first.functionApp, connectionName: 'CHANGES' });
    const settings = onlyResource(synthJson(env.stack), 'azurerm_function_app_flex_consumption').app_settings;
    for (const c of connections) expect(settings, c).toHaveProperty(`${c}__fullyQualifiedNamespace`);
    for (const e of expressions) expect(settings, e).toHaveProperty(e);
  });
});
