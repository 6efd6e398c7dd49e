// Consumers of the example stack (examples/main.ts), Azure Functions Node.js programming model v4.
//
// Every name comes from the app settings addFunctionConsumer writes (`%NAME%` is resolved by the
// Functions host), so the code holds no queue, hub or namespace name, and no key:
// - connection 'ORDERS': ORDERS__fullyQualifiedNamespace (the app's managed identity signs in),
//   ORDERS_QUEUE (the queue of the `orders` integration).
// - connection 'CHANGES': CHANGES__fullyQualifiedNamespace, CHANGES_EVENT_HUB and
//   CHANGES_CONSUMER_GROUP (the `analytics` subscriber of the `changes` fan-out).
// The wrappers parse each message into a RemoteExecutionContext and throw on failure, so Service
// Bus delivers the message again (and dead-letters it after the queue's max delivery count).
'use strict';
const { app } = require('@azure/functions');
const { dataverseEventHubHandler, dataverseServiceBusHandler } = require('cdktf-dataverse/lib/runtime/consumers');

app.serviceBusQueue('orders', {
  connection: 'ORDERS',
  queueName: '%ORDERS_QUEUE%',
  handler: dataverseServiceBusHandler(async ({ context, key, trimmed, invocation }) => {
    if (trimmed) {
      // Dataverse left out the inputs and images (the context passed 192 KB): read the row instead.
      invocation.warn(`Order ${context.primaryEntityId} arrived trimmed; read it with the Web API.`);
    }
    invocation.log(`${context.messageName} of salesorder ${context.primaryEntityId} (key ${key})`);
  }),
});

app.eventHub('account-changes', {
  connection: 'CHANGES',
  eventHubName: '%CHANGES_EVENT_HUB%',
  consumerGroup: '%CHANGES_CONSUMER_GROUP%',
  cardinality: 'many',
  handler: dataverseEventHubHandler(async ({ context, key, invocation }) => {
    invocation.log(`${context.messageName} of account ${context.primaryEntityId} (key ${key})`);
  }),
});
