import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { LogicAppConsumer, LogicAppReceiveMode, OutboundQueueIntegration, ServiceBusNamespace, ServiceBusSubscription, ServiceBusTopic } from '../../src';
import { newStack, onlyResource, resourcesOf, synthJson, validationErrors } from '../helpers';
import { ACTIONS, FQNS, NS, actionBodies, consumer, queueProps, trigger } from './logic-app-fixtures';

describe('LogicAppConsumer: default settings', () => {
  it('a system-assigned identity that gets "Azure Service Bus Data Receiver" on the queue only, as a service principal', () => {
    const { stack } = consumer();
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_logic_app_workflow').identity).toEqual({ type: 'SystemAssigned' });
    expect(onlyResource(synth, 'azurerm_role_assignment')).toMatchObject({
      scope: `${NS}/queues/orders`,
      role_definition_name: 'Azure Service Bus Data Receiver',
      principal_id: '${azurerm_logic_app_workflow.orders-logic.identity[0].principal_id}',
      principal_type: 'ServicePrincipal',
    });
  });

  it('a Service Bus API connection with the managed-identity parameter set, deployed by ARM template, feeding $connections', () => {
    const { stack } = consumer();
    const synth = synthJson(stack);
    const deployment = onlyResource(synth, 'azurerm_resource_group_template_deployment');
    expect(deployment.deployment_mode).toBe('Incremental');
    const template = JSON.parse(deployment.template_content);
    expect(template.resources).toHaveLength(1);
    expect(template.resources[0]).toMatchObject({
      type: 'Microsoft.Web/connections',
      apiVersion: '2018-07-01-preview',
      kind: 'V1',
      properties: {
        api: { id: "[subscriptionResourceId('Microsoft.Web/locations/managedApis', variables('location'), 'servicebus')]" },
        parameterValueSet: { name: 'managedIdentityAuth', values: { namespaceEndpoint: { value: "[parameters('namespaceEndpoint')]" } } },
      },
    });
    expect(template.resources[0].properties).not.toHaveProperty('parameterValues');
    expect(Object.keys(template.outputs).sort()).toEqual(['connectionId', 'managedApiId']);
    const parameters = JSON.parse(deployment.parameters_content);
    expect(parameters.namespaceEndpoint).toEqual({ value: `sb://${FQNS}/` });
    expect(parameters.connectionName.value).toBe(deployment.name);
    expect(parameters.location).toEqual({ value: '${azurerm_resource_group.rg.location}' });

    const workflow = onlyResource(synth, 'azurerm_logic_app_workflow');
    expect(JSON.parse(workflow.workflow_parameters.$connections)).toEqual({ type: 'Object', defaultValue: {} });
    const connections = workflow.parameters.$connections as string;
    const address = Object.keys(resourcesOf(synth, 'azurerm_resource_group_template_deployment'))[0];
    expect(connections).toContain(`"connectionId" = jsondecode(azurerm_resource_group_template_deployment.${address}.output_content).connectionId.value`);
    expect(connections).toContain(`"id" = jsondecode(azurerm_resource_group_template_deployment.${address}.output_content).managedApiId.value`);
    expect(connections).toContain('"connectionProperties" = {"authentication" = {"type" = "ManagedServiceIdentity"}}');
    expect(connections).toContain(`"connectionName" = "${deployment.name}"`);
  });

  it('no connection string, key or secret in any attribute, and no output', () => {
    const { stack } = consumer();
    const text = Testing.synth(stack, true);
    const synth = JSON.parse(text);
    expect(text).not.toMatch(/SharedAccessKey|connectionString|primary_key|primaryKey|AccountKey|sig=/i);
    expect(Object.keys(synth.resource).filter((t) => /authorization_rule|api_connection/.test(t))).toEqual([]);
    expect(synth.output).toBeUndefined();
  });

  it('the peek-lock trigger on the queue, polling every minute; Complete_the_message after the last action', () => {
    const { stack, logic } = consumer();
    const synth = synthJson(stack);
    const t = trigger(synth);
    expect(t.name).toBe('When_a_message_is_received_in_a_queue_(peek-lock)');
    expect(logic.triggerName).toBe(t.name);
    expect(t.body).toMatchObject({
      type: 'ApiConnection',
      recurrence: { frequency: 'Minute', interval: 1 },
      inputs: {
        host: { connection: { name: "@parameters('$connections')['servicebus']['connectionId']" } },
        method: 'get',
        path: "/@{encodeURIComponent(encodeURIComponent('orders'))}/messages/head/peek",
        queries: { queueType: 'Main' },
      },
    });
    expect(actionBodies(synth).Complete_the_message).toEqual({
      type: 'ApiConnection',
      runAfter: { Post_to_ERP: ['Succeeded'] },
      inputs: {
        host: { connection: { name: LogicAppConsumer.CONNECTION_REFERENCE } },
        method: 'delete',
        path: "/@{encodeURIComponent(encodeURIComponent('orders'))}/messages/complete",
        queries: { lockToken: "@triggerBody()?['LockToken']", queueType: 'Main' },
      },
    });
  });

  it('no second Complete action when the definition completes the message itself', () => {
    const own = {
      ...ACTIONS,
      Complete: {
        type: 'ApiConnection',
        inputs: {
          host: { connection: { name: LogicAppConsumer.CONNECTION_REFERENCE } },
          method: 'delete',
          path: "/@{encodeURIComponent(encodeURIComponent('orders'))}/messages/complete",
          queries: { lockToken: "@triggerBody()?['LockToken']" },
        },
        runAfter: { Post_to_ERP: ['Succeeded'] },
      },
    };
    const { stack } = consumer({ definition: { actions: own } });
    expect(Object.keys(actionBodies(synthJson(stack))).sort()).toEqual(['Complete', 'Decode', 'Post_to_ERP']);
  });

  it('the trigger outputs hidden in the run history (secureRunHistory); false shows them', () => {
    expect(trigger(synthJson(consumer().stack)).body.runtimeConfiguration).toEqual({ secureData: { properties: ['outputs'] } });
    expect(trigger(synthJson(consumer({ secureRunHistory: false }).stack)).body).not.toHaveProperty('runtimeConfiguration');
  });

  it('enabled, with a name generated from the construct path, the same on every synth; both overridable', () => {
    const first = onlyResource(synthJson(consumer().stack), 'azurerm_logic_app_workflow');
    expect(first.enabled).toBe(true);
    expect(first.name).toMatch(/^logic-test-orders-logic-[0-9a-f]{6}$/);
    expect(Testing.synth(consumer().stack, true)).toBe(Testing.synth(consumer().stack, true));
    const named = onlyResource(synthJson(consumer({ name: 'la-orders', enabled: false }).stack), 'azurerm_logic_app_workflow');
    expect(named).toMatchObject({ name: 'la-orders', enabled: false });
  });
});

describe('LogicAppConsumer: the workflow', () => {
  it('keeps the user actions as written, one action resource each, created after the trigger and the actions they run after', () => {
    // Declared out of order: Post_to_ERP runs after Decode but comes first.
    const { stack } = consumer({ definition: { actions: { Post_to_ERP: ACTIONS.Post_to_ERP, Decode: ACTIONS.Decode } } });
    const synth = synthJson(stack);
    const bodies = actionBodies(synth);
    expect(bodies.Decode).toEqual(ACTIONS.Decode);
    expect(bodies.Post_to_ERP).toEqual(ACTIONS.Post_to_ERP);
    const actions = resourcesOf(synth, 'azurerm_logic_app_action_custom');
    const addressOf = (name: string) => `azurerm_logic_app_action_custom.${Object.keys(actions).find((k) => actions[k].name === name)}`;
    const post = Object.values(actions).find((a: any) => a.name === 'Post_to_ERP') as any;
    expect(post.depends_on).toEqual([expect.stringMatching(/^azurerm_logic_app_trigger_custom\./), addressOf('Decode')]);
    expect(post.logic_app_id).toBe('${azurerm_logic_app_workflow.orders-logic.id}');
    expect(trigger(synth).depends_on).toEqual([expect.stringMatching(/^azurerm_role_assignment\./)]);
  });

  it('the workflow keeps the address of the construct (Default is dropped)', () => {
    expect(Object.keys(resourcesOf(synthJson(consumer().stack), 'azurerm_logic_app_workflow'))).toEqual(['orders-logic']);
  });

  it('a topic subscription: its trigger, complete action and role scope', () => {
    const { stack, rg } = newStack();
    const sub = `${NS}/topics/orders/subscriptions/erp`;
    new LogicAppConsumer(stack, 'erp', {
      resourceGroup: rg,
      fullyQualifiedNamespace: FQNS,
      serviceBusNamespaceId: NS,
      entityId: sub,
      topicName: 'orders',
      subscriptionName: 'erp',
      definition: { actions: ACTIONS },
    });
    const synth = synthJson(stack);
    const t = trigger(synth);
    expect(t.name).toBe('When_a_message_is_received_in_a_topic_subscription_(peek-lock)');
    expect(t.body.inputs).toMatchObject({
      path: "/@{encodeURIComponent(encodeURIComponent('orders'))}/subscriptions/@{encodeURIComponent('erp')}/messages/head/peek",
      queries: { subscriptionType: 'Main' },
    });
    expect(actionBodies(synth).Complete_the_message.inputs).toMatchObject({
      path: "/@{encodeURIComponent(encodeURIComponent('orders'))}/subscriptions/@{encodeURIComponent('erp')}/messages/complete",
      queries: { lockToken: "@triggerBody()?['LockToken']", subscriptionType: 'Main' },
    });
    expect(onlyResource(synth, 'azurerm_role_assignment').scope).toBe(sub);
  });

  it('auto-complete: the trigger path without /peek and no Complete action', () => {
    const synth = synthJson(consumer({ receiveMode: LogicAppReceiveMode.AUTO_COMPLETE }).stack);
    const t = trigger(synth);
    expect(t.name).toBe('When_a_message_is_received_in_a_queue_(auto-complete)');
    expect(t.body.inputs.path).toBe("/@{encodeURIComponent(encodeURIComponent('orders'))}/messages/head");
    expect(Object.keys(actionBodies(synth)).sort()).toEqual(['Decode', 'Post_to_ERP']);
  });

  it('polling intervals in the largest whole unit', () => {
    const recurrence = (pollingInterval: string) => trigger(synthJson(consumer({ pollingInterval }).stack)).body.recurrence;
    expect(recurrence('PT30S')).toEqual({ frequency: 'Second', interval: 30 });
    expect(recurrence('PT90S')).toEqual({ frequency: 'Second', interval: 90 });
    expect(recurrence('PT5M')).toEqual({ frequency: 'Minute', interval: 5 });
    expect(recurrence('PT2H')).toEqual({ frequency: 'Hour', interval: 2 });
    expect(recurrence('P1D')).toEqual({ frequency: 'Day', interval: 1 });
  });

  it("literal ${ and %{ in the user's actions are escaped for Terraform; Terraform references stay references", () => {
    const { stack, rg } = newStack();
    const actions = { Note: { type: 'Compose', inputs: { text: 'cost ${x} and %{y}', region: rg.location }, runAfter: {} } };
    new LogicAppConsumer(stack, 'l', { resourceGroup: rg, ...queueProps({ definition: { actions } }) });
    const raw = (Object.values(resourcesOf(synthJson(stack), 'azurerm_logic_app_action_custom')).find((a: any) => a.name === 'Note') as any).body;
    expect(raw).toContain('cost $${x} and %%{y}');
    expect(raw).toContain('"region":"${azurerm_resource_group.rg.location}"');
  });

  it('two consumers of one queue: two workflows, two connections, each identity its own receive role', () => {
    const { stack, rg } = newStack();
    new LogicAppConsumer(stack, 'a', { resourceGroup: rg, ...queueProps() });
    new LogicAppConsumer(stack, 'b', { resourceGroup: rg, ...queueProps() });
    const synth = synthJson(stack);
    const roles = Object.values(resourcesOf(synth, 'azurerm_role_assignment')) as any[];
    expect(roles.map((r) => r.principal_id).sort()).toEqual([
      '${azurerm_logic_app_workflow.a.identity[0].principal_id}',
      '${azurerm_logic_app_workflow.b.identity[0].principal_id}',
    ]);
    const names = Object.values(resourcesOf(synth, 'azurerm_resource_group_template_deployment')).map((d: any) => d.name);
    expect(new Set(names).size).toBe(2);
  });

  it('Terraform references for the namespace, entity and names are accepted without literal checks', () => {
    const { stack, rg } = newStack();
    new LogicAppConsumer(stack, 'l', {
      resourceGroup: rg,
      fullyQualifiedNamespace: `${rg.name}.servicebus.windows.net`,
      serviceBusNamespaceId: rg.id,
      entityId: `${rg.id}/queues/x`,
      queueName: rg.name,
      definition: { actions: ACTIONS },
    });
    expect(validationErrors(stack)).toEqual([]);
    expect(trigger(synthJson(stack)).body.inputs.path).toBe("/@{encodeURIComponent(encodeURIComponent('${azurerm_resource_group.rg.name}'))}/messages/head/peek");
  });
});

describe('LogicAppConsumer with the Service Bus pattern', () => {
  it("consumes an OutboundQueueIntegration's queue from its attributes (the README's example)", () => {
    const { stack, rg, dataverse } = newStack();
    const orders = new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps: [{ table: 'salesorder', message: 'Create' }] });
    new LogicAppConsumer(stack, 'orders-logic', {
      resourceGroup: rg,
      fullyQualifiedNamespace: orders.serviceBusNamespace.fullyQualifiedNamespace,
      serviceBusNamespaceId: orders.serviceBusNamespace.serviceBusNamespaceId,
      entityId: orders.entityId,
      queueName: orders.entityName,
      definition: { actions: ACTIONS },
    });
    expect(validationErrors(stack)).toEqual([]);
    const synth = synthJson(stack);
    const role = (Object.values(resourcesOf(synth, 'azurerm_role_assignment')) as any[]).find((r) => r.role_definition_name === 'Azure Service Bus Data Receiver');
    expect(role.scope).toBe(`\${azurerm_servicebus_queue.${Object.keys(resourcesOf(synth, 'azurerm_servicebus_queue'))[0]}.id}`);
    expect(JSON.parse(onlyResource(synth, 'azurerm_resource_group_template_deployment').parameters_content).namespaceEndpoint.value).toMatch(
      /^sb:\/\/sb-test-orders-[0-9a-f]+\.servicebus\.windows\.net\/$/,
    );
  });

  it('consumes an imported topic subscription from its block interfaces (literal ids: every literal check passes)', () => {
    const { stack, rg } = newStack();
    const ns = ServiceBusNamespace.fromServiceBusNamespaceAttributes(stack, 'shared', { serviceBusNamespaceId: NS });
    const topic = ServiceBusTopic.fromServiceBusTopicAttributes(stack, 'events', { serviceBusNamespace: ns, topicId: `${NS}/topics/events` });
    const sub = ServiceBusSubscription.fromServiceBusSubscriptionAttributes(stack, 'erp', { serviceBusTopic: topic, subscriptionId: `${NS}/topics/events/subscriptions/erp` });
    new LogicAppConsumer(stack, 'erp-logic', {
      resourceGroup: rg,
      fullyQualifiedNamespace: sub.serviceBusNamespace.fullyQualifiedNamespace,
      serviceBusNamespaceId: sub.serviceBusNamespace.serviceBusNamespaceId,
      entityId: sub.subscriptionId,
      topicName: topic.topicName,
      subscriptionName: sub.subscriptionName,
      definition: { actions: ACTIONS },
    });
    expect(validationErrors(stack)).toEqual([]);
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_role_assignment').scope).toBe(`${NS}/topics/events/subscriptions/erp`);
    expect(trigger(synth).body.inputs.path).toBe("/@{encodeURIComponent(encodeURIComponent('events'))}/subscriptions/@{encodeURIComponent('erp')}/messages/head/peek");
    expect(JSON.parse(onlyResource(synth, 'azurerm_resource_group_template_deployment').parameters_content).namespaceEndpoint.value).toBe(`sb://${FQNS}/`);
  });
});
