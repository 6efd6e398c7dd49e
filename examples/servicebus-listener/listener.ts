// An on-premises listener for the messages Dataverse posts to a Service Bus queue or topic
// subscription (OutboundQueueIntegration). Run it with `npm start` (see README.md): it signs in
// with an Entra ID identity (DefaultAzureCredential: a service principal from AZURE_* variables,
// or the machine's managed identity on an Azure Arc-enabled server), receives in peek-lock mode,
// completes each message it handled, abandons the ones that failed and stops cleanly on SIGINT /
// SIGTERM. Replace `handle` with your own work.
import { DefaultAzureCredential } from '@azure/identity';
import { ServiceBusClient } from '@azure/service-bus';
import { readConfig } from './config';
import { ListenerEvent, startListener, within } from './handle';

/** Your work for one Dataverse event. Throw to have the message delivered again. */
async function handle(event: ListenerEvent): Promise<void> {
  const c = event.context;
  if (event.trimmed) {
    // Dataverse left out InputParameters and images (over 192 KB): read the row with the Web API.
    console.log(`${c.messageName} of ${c.primaryEntityName} ${c.primaryEntityId} (trimmed; read the row from Dataverse) key ${event.key}`);
    return;
  }
  const target = c.inputParameters.Target; // the row as sent (Create, Update), when the step has one
  console.log(
    `${c.messageName} of ${c.primaryEntityName} ${c.primaryEntityId} by ${c.initiatingUserId}: ${Object.keys(target?.attributes ?? {}).length} attribute(s), key ${event.key}`,
  );
}

async function main(): Promise<number> {
  let config;
  try {
    config = readConfig(process.env);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  // Handlers first: a SIGTERM that arrives while the program starts also stops it cleanly.
  const stopRequested = new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      console.log(`${signal}: finishing the messages in hand, then stopping`);
      process.once('SIGINT', () => process.exit(1)); // a second Ctrl+C stops at once
      resolve();
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
  const client = config.connectionString
    ? new ServiceBusClient(config.connectionString) // works, but a key on disk; prefer an identity
    : new ServiceBusClient(config.fullyQualifiedNamespace!, new DefaultAzureCredential());
  const receiver = config.queueName ? client.createReceiver(config.queueName) : client.createReceiver(config.topicName!, config.subscriptionName!);
  const entity = config.queueName ?? `${config.topicName}/subscriptions/${config.subscriptionName}`;
  const listener = startListener(receiver, handle, { maxConcurrentCalls: config.maxConcurrentCalls, timeoutMs: config.timeoutMs });
  console.log(`listening on ${entity} (${config.connectionString ? 'SAS connection string' : 'Entra ID'}); Ctrl+C to stop`);

  await stopRequested;
  await listener.stop(Math.min(config.timeoutMs, 30_000));
  await within(client.close(), 5_000);
  console.log(`stopped: ${JSON.stringify(listener.counts)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
