import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { LogicAppConsumer, LogicAppReceiveMode, ServiceBusNamespace, ServiceBusSubscription, ServiceBusTopic } from '../../src';
import { ACTIONS, actionBodies, trigger } from '../azure/logic-app-fixtures';
import { newStack, onlyResource, resourcesOf, synthJson, validationErrors } from '../helpers';
import { NS_ID, queueIntegration, topicIntegration } from './consumer-fixtures';

// addLogicAppConsumer composes the LogicAppConsumer block (its own tests: test/azure/logic-app*.test.ts)
// with the entity it is called on; these tests check that wiring.

/** The one receive role assignment of the stack. */
function receiveRole(synth: any): any {
  const all = Object.values<any>(resourcesOf(synth, 'azurerm_role_assignment')).filter((r) => r.role_definition_name === 'Azure Service Bus Data Receiver');
  expect(all).toHaveLength(1);
  return all[0];
}

const ref = (synth: any, type: string, part: string, attribute = 'id') => {
  const ids = Object.keys(resourcesOf(synth, type)).filter((k) => k.includes(part));
  expect(ids).toHaveLength(1);
  return `\${${type}.${ids[0]}.${attribute}}`;
};

describe('addLogicAppConsumer on a queue integration', () => {
  it('the trigger reads the queue; the workflow identity gets the receive role on the queue only', () => {
    const { stack, orders } = queueIntegration();
    const logic = orders.addLogicAppConsumer('erp', { definition: { actions: ACTIONS } });
    expect(logic).toBeInstanceOf(LogicAppConsumer);
    expect(logic.node.path).toBe('test/orders/erp');
    const synth = synthJson(stack);
    const t = trigger(synth);
    expect(t.name).toBe('When_a_message_is_received_in_a_queue_(peek-lock)');
    expect(t.body.inputs.path).toBe(`/@{encodeURIComponent(encodeURIComponent('${orders.entityName}'))}/messages/head/peek`);
    const role = receiveRole(synth);
    expect(role.scope).toBe(ref(synth, 'azurerm_servicebus_queue', 'orders_queue'));
    expect(role.principal_id).toBe(ref(synth, 'azurerm_logic_app_workflow', 'erp', 'identity[0].principal_id'));
    expect(Object.keys(actionBodies(synth)).sort()).toEqual(['Complete_the_message', 'Decode', 'Post_to_ERP']);
  });

  it('the managed-identity connection points at the namespace of the integration, in its resource group', () => {
    const { stack, orders } = queueIntegration();
    orders.addLogicAppConsumer('erp', { definition: { actions: ACTIONS }, tags: { owner: 'erp' } });
    const synth = synthJson(stack);
    const deployment = onlyResource(synth, 'azurerm_resource_group_template_deployment');
    expect(deployment.resource_group_name).toBe('${azurerm_resource_group.rg.name}');
    const parameters = JSON.parse(deployment.parameters_content);
    expect(parameters.namespaceEndpoint.value).toBe(`sb://${orders.serviceBusNamespace.serviceBusNamespaceName}.servicebus.windows.net/`);
    expect(onlyResource(synth, 'azurerm_logic_app_workflow').tags).toEqual({ owner: 'erp' });
  });

  it('the block options pass through (receive mode)', () => {
    const { stack, orders } = queueIntegration();
    orders.addLogicAppConsumer('erp', { definition: { actions: ACTIONS }, receiveMode: LogicAppReceiveMode.AUTO_COMPLETE });
    const synth = synthJson(stack);
    expect(trigger(synth).name).toBe('When_a_message_is_received_in_a_queue_(auto-complete)');
    expect(Object.keys(actionBodies(synth)).sort()).toEqual(['Decode', 'Post_to_ERP']);
  });

  it('no key or connection string anywhere, no output', () => {
    const { stack, orders } = queueIntegration();
    orders.addLogicAppConsumer('erp', { definition: { actions: ACTIONS } });
    const synth = JSON.parse(Testing.synth(stack, true));
    const logicResources = Object.entries<any>(synth.resource)
      .filter(([type]) => type.startsWith('azurerm_logic_app') || type === 'azurerm_resource_group_template_deployment')
      .map(([, r]) => JSON.stringify(r));
    expect(logicResources.length).toBeGreaterThan(0);
    for (const text of logicResources) expect(text).not.toMatch(/SharedAccessKey|connectionString|primary_key|AccountKey|sig=/i);
  });
});

describe('addLogicAppConsumer on a topic subscription', () => {
  it('the trigger reads the topic subscription; the role is scoped to the subscription', () => {
    const { stack, events } = topicIntegration();
    const sub = events.addSubscription('crm-sync', { tables: ['account'] });
    const logic = sub.addLogicAppConsumer('crm', { definition: { actions: ACTIONS } });
    expect(logic.node.path).toBe('test/events/subscription-crm-sync/crm');
    const synth = synthJson(stack);
    const t = trigger(synth);
    expect(t.name).toBe('When_a_message_is_received_in_a_topic_subscription_(peek-lock)');
    expect(t.body.inputs.path).toBe(`/@{encodeURIComponent(encodeURIComponent('${events.entityName}'))}/subscriptions/@{encodeURIComponent('crm-sync')}/messages/head/peek`);
    expect(receiveRole(synth).scope).toBe(ref(synth, 'azurerm_servicebus_subscription', 'crm-sync'));
  });

  it('an imported subscription, with a resource group: the role on its literal id', () => {
    const { stack, rg } = newStack();
    const ns = ServiceBusNamespace.fromServiceBusNamespaceAttributes(stack, 'shared', { serviceBusNamespaceId: NS_ID });
    const topic = ServiceBusTopic.fromServiceBusTopicAttributes(stack, 'topic', { serviceBusNamespace: ns, topicId: `${NS_ID}/topics/crm` });
    const sub = ServiceBusSubscription.fromServiceBusSubscriptionAttributes(stack, 'sub', { serviceBusTopic: topic, subscriptionId: `${NS_ID}/topics/crm/subscriptions/audit` });
    sub.addLogicAppConsumer('audit', { resourceGroup: rg, definition: { actions: ACTIONS } });
    const synth = synthJson(stack);
    expect(receiveRole(synth).scope).toBe(`${NS_ID}/topics/crm/subscriptions/audit`);
    expect(trigger(synth).body.inputs.path).toBe("/@{encodeURIComponent(encodeURIComponent('crm'))}/subscriptions/@{encodeURIComponent('audit')}/messages/head/peek");
    expect(validationErrors(stack)).toEqual([]);
  });

  it("the block's checks still run: a definition with a trigger is refused, naming the consumer", () => {
    const { stack, events } = topicIntegration();
    events.addSubscription('crm-sync').addLogicAppConsumer('crm', { definition: { triggers: { t: { type: 'Recurrence' } }, actions: ACTIONS } });
    const errors = validationErrors(stack);
    expect(errors.some((e) => e.includes('test/events/subscription-crm-sync/crm') && e.includes('Fix:'))).toBe(true);
  });
});
