import { LogicAppConsumer, LogicAppConsumerProps } from '../../src';
import { newStack, onlyResource, resourcesOf } from '../helpers';

// Fixtures: resource ids in Azure's documented form (/subscriptions/<s>/resourceGroups/<rg>/providers/
// Microsoft.ServiceBus/namespaces/<ns>[/queues/<q> | /topics/<t>/subscriptions/<s>]); the workflow
// actions are in the Logic Apps workflow definition language ("Schema reference guide for trigger
// and action types in Azure Logic Apps": type, inputs, runAfter), with our own values.
export const NS = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-sb/providers/Microsoft.ServiceBus/namespaces/sb-orders';
export const FQNS = 'sb-orders.servicebus.windows.net';
export const ACTIONS = {
  Decode: { type: 'Compose', inputs: "@json(base64ToString(triggerBody()?['ContentData']))", runAfter: {} },
  Post_to_ERP: {
    type: 'Http',
    inputs: { method: 'POST', uri: 'https://erp.example.com/orders', body: "@outputs('Decode')", authentication: { type: 'ManagedServiceIdentity', audience: 'api://erp' } },
    runAfter: { Decode: ['Succeeded'] },
  },
};

export function queueProps(extra: Partial<LogicAppConsumerProps> = {}): Omit<LogicAppConsumerProps, 'resourceGroup'> {
  return { fullyQualifiedNamespace: FQNS, serviceBusNamespaceId: NS, entityId: `${NS}/queues/orders`, queueName: 'orders', definition: { actions: ACTIONS }, ...extra } as any;
}

export function consumer(extra: Partial<LogicAppConsumerProps> = {}) {
  const { stack, rg } = newStack();
  const logic = new LogicAppConsumer(stack, 'orders-logic', { resourceGroup: rg, ...queueProps(extra) });
  return { stack, rg, logic };
}

export function actionBodies(synth: any): Record<string, any> {
  return Object.fromEntries(Object.values(resourcesOf(synth, 'azurerm_logic_app_action_custom')).map((a: any) => [a.name, JSON.parse(a.body)]));
}

export function trigger(synth: any): any {
  const t = onlyResource(synth, 'azurerm_logic_app_trigger_custom');
  return { ...t, body: JSON.parse(t.body) };
}
