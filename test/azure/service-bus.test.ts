// The Service Bus namespace block and the grants of every Service Bus block (fixtures: service-bus-fixtures.ts).
import { DataAzurermServicebusNamespace } from '@cdktf/provider-azurerm/lib/data-azurerm-servicebus-namespace';
import { TerraformOutput } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ServiceBusNamespace, ServiceBusQueue, ServiceBusSku, ServiceBusSubscription, ServiceBusTopic } from '../../src';
import { newStack, onlyResource, resourcesOf, synthJson, validationErrors } from '../helpers';
import { NS_ID, P, QUEUE_ID, TOPIC_ID, created, imported, roles, suppressed } from './service-bus-fixtures';

describe('ServiceBusNamespace: default settings', () => {
  const { stack, ns } = created();
  const synth = synthJson(stack);
  const r = onlyResource(synth, 'azurerm_servicebus_namespace');

  it('Standard tier with a generated, deterministic name; the Terraform address is the block id', () => {
    expect(r.sku).toBe('Standard');
    expect(r).not.toHaveProperty('capacity');
    expect(r).not.toHaveProperty('premium_messaging_partitions');
    expect(r.name).toMatch(/^sb-test-ns-[0-9a-f]{8}$/);
    expect(ns.serviceBusNamespaceName).toBe(r.name);
    expect(created().ns.serviceBusNamespaceName).toBe(r.name);
    expect(Object.keys(resourcesOf(synth, 'azurerm_servicebus_namespace'))).toEqual(['ns']);
    expect(ns.fullyQualifiedNamespace).toBe(`${r.name}.servicebus.windows.net`);
    new TerraformOutput(stack, 'group', { value: ns.resourceGroupName });
    expect(synthJson(stack).output.group.value).toBe('${azurerm_resource_group.rg.name}');
    expect(ns.sku).toBe(ServiceBusSku.STANDARD);
  });

  it('Premium: 1 messaging unit and 1 partition unless set', () => {
    const premium = created(ServiceBusSku.PREMIUM);
    expect(onlyResource(synthJson(premium.stack), 'azurerm_servicebus_namespace')).toMatchObject({ sku: 'Premium', capacity: 1, premium_messaging_partitions: 1 });
    const { stack: s, rg } = newStack();
    new ServiceBusNamespace(s, 'ns', { resourceGroup: rg, sku: ServiceBusSku.PREMIUM, capacity: 4, premiumMessagingPartitions: 2 });
    expect(onlyResource(synthJson(s), 'azurerm_servicebus_namespace')).toMatchObject({ capacity: 4, premium_messaging_partitions: 2 });
  });

  it('TLS 1.2 minimum', () => {
    expect(r.minimum_tls_version).toBe('1.2');
  });

  it('a system-assigned managed identity, its principal id a reference', () => {
    expect(r.identity).toEqual({ type: 'SystemAssigned' });
    new TerraformOutput(stack, 'identity', { value: ns.identityPrincipalId });
    expect(synthJson(stack).output.identity.value).toBe('${azurerm_servicebus_namespace.ns.identity[0].principal_id}');
    expect(suppressed(ns.resource)).not.toContain('CKV_AZURE_202');
  });

  it('local (SAS) authentication on, with the reason suppressed (CKV_AZURE_203)', () => {
    expect(r.local_auth_enabled).toBe(true);
    expect(suppressed(ns.resource)).toContain('CKV_AZURE_203');
  });

  it('public network access on, CKV_AZURE_204 suppressed while it is on', () => {
    expect(r.public_network_access_enabled).toBe(true);
    expect(suppressed(ns.resource)).toContain('CKV_AZURE_204');
    const { stack: s, rg } = newStack();
    const closed = new ServiceBusNamespace(s, 'ns', { resourceGroup: rg, publicNetworkAccessEnabled: false, tags: { env: 'test' } });
    expect(onlyResource(synthJson(s), 'azurerm_servicebus_namespace')).toMatchObject({ public_network_access_enabled: false, tags: { env: 'test' } });
    expect(suppressed(closed.resource)).toEqual(['CKV_AZURE_199', 'CKV_AZURE_201', 'CKV_AZURE_203']);
  });

  it('Microsoft-managed keys: CKV_AZURE_199 and CKV_AZURE_201 suppressed with their reasons', () => {
    expect(suppressed(ns.resource)).toEqual(['CKV_AZURE_199', 'CKV_AZURE_201', 'CKV_AZURE_203', 'CKV_AZURE_204']);
  });
});

describe('ServiceBusNamespace: importer', () => {
  it('a literal id: name, resource group and address read from it; Standard unless told', () => {
    const { ns } = imported();
    expect([ns.serviceBusNamespaceId, ns.serviceBusNamespaceName, ns.resourceGroupName, ns.fullyQualifiedNamespace, ns.sku]).toEqual([
      NS_ID,
      'sb-shared',
      'rg-shared',
      'sb-shared.servicebus.windows.net',
      ServiceBusSku.STANDARD,
    ]);
    const ctx = newStack();
    expect(ServiceBusNamespace.fromServiceBusNamespaceAttributes(ctx.stack, 'p', { serviceBusNamespaceId: NS_ID, sku: ServiceBusSku.PREMIUM }).sku).toBe(ServiceBusSku.PREMIUM);
    expect(validationErrors(ctx.stack)).toEqual([]);
  });

  it('a reference id with its name (a data source) is fine; without the name it is an error naming the prop', () => {
    const ctx = newStack();
    const data = new DataAzurermServicebusNamespace(ctx.stack, 'data', { name: 'sb-shared', resourceGroupName: 'rg-shared' });
    const ok = ServiceBusNamespace.fromServiceBusNamespaceAttributes(ctx.stack, 'ok', { serviceBusNamespaceId: data.id, serviceBusNamespaceName: data.name });
    new TerraformOutput(ctx.stack, 'fqdn', { value: ok.fullyQualifiedNamespace });
    new TerraformOutput(ctx.stack, 'group', { value: ok.resourceGroupName });
    const outputs = synthJson(ctx.stack).output;
    expect(outputs.fqdn.value).toBe('${data.azurerm_servicebus_namespace.data.name}.servicebus.windows.net');
    expect(outputs.group.value).toBe('${element(split("/", data.azurerm_servicebus_namespace.data.id), 4)}');
    ServiceBusNamespace.fromServiceBusNamespaceAttributes(ctx.stack, 'nameless', { serviceBusNamespaceId: data.id });
    expect(validationErrors(ctx.stack)).toEqual([
      "[test/nameless] serviceBusNamespaceId is a Terraform reference, so ServiceBusNamespace.fromServiceBusNamespaceAttributes cannot read the name from it at synth. Fix: pass serviceBusNamespaceName as well (e.g. the data source's name).",
    ]);
  });

  it('an id of another kind, or a name the id contradicts, is an error', () => {
    const ctx = newStack();
    ServiceBusNamespace.fromServiceBusNamespaceAttributes(ctx.stack, 'hub', { serviceBusNamespaceId: NS_ID.replace('Microsoft.ServiceBus', 'Microsoft.EventHub') });
    ServiceBusNamespace.fromServiceBusNamespaceAttributes(ctx.stack, 'garbage', { serviceBusNamespaceId: 'sb-shared' });
    ServiceBusNamespace.fromServiceBusNamespaceAttributes(ctx.stack, 'liar', { serviceBusNamespaceId: NS_ID, serviceBusNamespaceName: 'sb-other' });
    expect(validationErrors(ctx.stack)).toEqual([
      "[test/hub] serviceBusNamespaceId '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/...' is not the resource id of a Microsoft.ServiceBus/namespaces. Fix: pass '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ServiceBus/namespaces/<name>' (a data source's id fits).",
      "[test/garbage] serviceBusNamespaceId 'sb-shared' is not the resource id of a Microsoft.ServiceBus/namespaces. Fix: pass '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ServiceBus/namespaces/<name>' (a data source's id fits).",
      "[test/liar] serviceBusNamespaceName 'sb-other' is not the name in serviceBusNamespaceId ('sb-shared'). Fix: pass the name of that resource, or omit serviceBusNamespaceName.",
    ]);
  });

  it('missing attributes throw naming the importer and the prop (JavaScript callers)', () => {
    const { stack } = newStack();
    expect(() => ServiceBusNamespace.fromServiceBusNamespaceAttributes(stack, 'a', {} as any)).toThrow(
      'test/a: ServiceBusNamespace.fromServiceBusNamespaceAttributes needs serviceBusNamespaceId. Fix: pass serviceBusNamespaceId',
    );
    expect(() => ServiceBusNamespace.fromServiceBusNamespaceAttributes(stack, 'b', null as any)).toThrow('needs props');
    expect(() => new ServiceBusNamespace(stack, 'c', {} as any)).toThrow('test/c: ServiceBusNamespace needs resourceGroup');
  });
});

describe('Service Bus grants', () => {
  it('namespace: grantSend / grantReceive scoped to the namespace; a repeated grant returns the first', () => {
    const { stack, ns } = created();
    const send = ns.grantSend(P);
    const receive = ns.grantReceive(P, { principalType: 'ServicePrincipal' });
    expect(ns.grantSend(P.toUpperCase())).toBe(send);
    expect(ns.grantReceive(P)).toBe(receive);
    expect(send.node.path).toMatch(/^test\/ns\/send-[0-9a-f]{8}$/);
    expect(receive.node.path).toMatch(/^test\/ns\/receive-[0-9a-f]{8}$/);
    const all = roles(synthJson(stack));
    expect(all.map((a) => [a.role_definition_name, a.scope, a.principal_type ?? null]).sort()).toEqual([
      ['Azure Service Bus Data Receiver', '${azurerm_servicebus_namespace.ns.id}', 'ServicePrincipal'],
      ['Azure Service Bus Data Sender', '${azurerm_servicebus_namespace.ns.id}', null],
    ]);
  });

  it('queue and topic: both roles scoped to the entity; imported entities scope to their literal id', () => {
    const { stack, ns } = imported();
    const queue = ServiceBusQueue.fromServiceBusQueueAttributes(stack, 'q', { serviceBusNamespace: ns, queueId: QUEUE_ID });
    const topic = ServiceBusTopic.fromServiceBusTopicAttributes(stack, 't', { serviceBusNamespace: ns, topicId: TOPIC_ID });
    queue.grantSend(P);
    queue.grantReceive(P);
    topic.grantSend(P, { id: 'publisher' });
    topic.grantReceive(P);
    expect(topic.grantSend(P).node.id).toBe('publisher');
    const all = roles(synthJson(stack)).map((a) => `${a.role_definition_name} @ ${a.scope}`);
    expect(all.sort()).toEqual([
      `Azure Service Bus Data Receiver @ ${QUEUE_ID}`,
      `Azure Service Bus Data Receiver @ ${TOPIC_ID}`,
      `Azure Service Bus Data Sender @ ${QUEUE_ID}`,
      `Azure Service Bus Data Sender @ ${TOPIC_ID}`,
    ]);
  });

  it('subscription: receive only, scoped to the subscription; principalId is the same grant', () => {
    const { stack, ns } = created();
    const topic = new ServiceBusTopic(stack, 'topic', { serviceBusNamespace: ns });
    const sub = new ServiceBusSubscription(stack, 'billing', { serviceBusTopic: topic, name: 'billing', principalId: P });
    expect((sub as any).grantSend).toBeUndefined();
    const again = sub.grantReceive(P);
    expect(again.node.path).toMatch(/^test\/billing\/listen-[0-9a-f]{8}$/);
    const all = roles(synthJson(stack));
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      role_definition_name: 'Azure Service Bus Data Receiver',
      scope: expect.stringMatching(/^\$\{azurerm_servicebus_subscription\.billing_subscription_[0-9A-F]{8}\.id\}$/),
    });
  });

  it('an invalid principal is reported by the role assignment', () => {
    const { stack, ns } = created();
    ns.grantReceive('app-name');
    expect(validationErrors(stack).filter((e) => e.includes("principalId 'app-name' is not a GUID"))).toHaveLength(1);
  });
});
