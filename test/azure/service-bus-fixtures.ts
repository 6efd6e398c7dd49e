// Fixtures of the Service Bus block tests. Resource ids follow the format of the azurerm
// documentation's import sections (hashicorp/terraform-provider-azurerm
// website/docs/r/servicebus_{namespace,queue,topic,subscription}.html.markdown), with our own names.
import { Construct } from 'constructs';
import { ServiceBusNamespace, ServiceBusSku } from '../../src';
import { PolicySuppressions } from '../../src/policy/suppressions';
import { newStack, resourcesOf } from '../helpers';

export const P = '00000000-0000-0000-0000-0000000000aa';
export const NS_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers/Microsoft.ServiceBus/namespaces/sb-shared';
export const QUEUE_ID = `${NS_ID}/queues/orders`;
export const TOPIC_ID = `${NS_ID}/topics/events`;
export const SUBSCRIPTION_ID = `${TOPIC_ID}/subscriptions/billing`;

export function suppressed(resource: Construct): string[] {
  return (PolicySuppressions.of(resource) as any).entries.map((e: any) => e.ruleId).sort();
}

export function roles(synth: any): any[] {
  return Object.values(resourcesOf(synth, 'azurerm_role_assignment'));
}

/** A created namespace in a new stack. */
export function created(sku?: ServiceBusSku) {
  const ctx = newStack();
  const ns = new ServiceBusNamespace(ctx.stack, 'ns', { resourceGroup: ctx.rg, sku });
  return { ...ctx, ns };
}

/** An imported namespace in a new stack. */
export function imported() {
  const ctx = newStack();
  const ns = ServiceBusNamespace.fromServiceBusNamespaceAttributes(ctx.stack, 'shared', { serviceBusNamespaceId: NS_ID });
  return { ...ctx, ns };
}
