import * as path from 'path';
import { EventHubFanout, OutboundQueueIntegration, ServiceBusEntityKind } from '../../src';
import { newStack } from '../helpers';

// Integrations for the consumer tests, and the example consumer code folder (host.json, the v4
// programming model, see examples/functions/dataverse-consumers).
export const CODE = path.join(__dirname, '..', '..', 'examples', 'functions', 'dataverse-consumers');
const steps = [{ table: 'salesorder', message: 'Create' }];
export const NS_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers/Microsoft.ServiceBus/namespaces/sb-shared';

export function queueIntegration(env = newStack()) {
  const orders = new OutboundQueueIntegration(env.stack, 'orders', { dataverse: env.dataverse, resourceGroup: env.rg, steps });
  return { ...env, orders };
}

export function topicIntegration(env = newStack()) {
  const events = new OutboundQueueIntegration(env.stack, 'events', { dataverse: env.dataverse, resourceGroup: env.rg, steps, entityKind: ServiceBusEntityKind.TOPIC });
  return { ...env, events };
}

export function fanout(env = newStack()) {
  const changes = new EventHubFanout(env.stack, 'changes', { dataverse: env.dataverse, resourceGroup: env.rg, steps: [{ table: 'account', message: 'Update' }] });
  return { ...env, changes };
}
