import { DataAzurermEventhub } from '@cdktf/provider-azurerm/lib/data-azurerm-eventhub';
import { DataAzurermEventhubNamespace } from '@cdktf/provider-azurerm/lib/data-azurerm-eventhub-namespace';
import { describe, expect, it } from 'vitest';
import { HUB_ID, NAMESPACE_ID, OTHER_PRINCIPAL, PRINCIPAL, endpointRecord, errorsOf, fanout, steps } from './event-hub-fixtures';
import { EventHub, EventHubFanout, EventHubNamespace, EventHubSku } from '../../src';
import { newStack, onlyResource, resourcesOf, synthJson } from '../helpers';

const roles = (synth: any) => Object.values<any>(resourcesOf(synth, 'azurerm_role_assignment'));

describe('EventHubFanout: existing namespace', () => {
  it('creates no namespace; the hub, rule and consumer groups go into the imported one (resource group read from its id)', () => {
    const {
      stack,
      dataverse,
      fanout: f,
    } = fanout((ctx) => ({
      existingNamespace: EventHubNamespace.fromEventHubNamespaceAttributes(ctx.stack, 'shared', { eventHubNamespaceId: NAMESPACE_ID }),
    }));
    f.addSubscriber('analytics');
    const synth = synthJson(stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_eventhub_namespace'))).toHaveLength(0);
    expect(onlyResource(synth, 'azurerm_eventhub').namespace_id).toBe(NAMESPACE_ID);
    expect(onlyResource(synth, 'azurerm_eventhub_authorization_rule')).toMatchObject({ namespace_name: 'evhns-shared', resource_group_name: 'rg-shared' });
    expect(onlyResource(synth, 'azurerm_eventhub_consumer_group')).toMatchObject({ namespace_name: 'evhns-shared', resource_group_name: 'rg-shared' });
    expect(f.eventHubNamespace.eventHubNamespaceId).toBe(NAMESPACE_ID);
    expect(f.eventHubNamespace).not.toBeInstanceOf(EventHubNamespace);
    expect(endpointRecord(dataverse.toManifest()).columns).toMatchObject({ namespaceaddress: 'sb://evhns-shared.servicebus.windows.net/', solutionnamespace: 'evhns-shared' });
  });

  it('a data source fits: the name is given, the resource group is split out of its id at apply time', () => {
    const { stack, rg, dataverse } = newStack();
    const data = new DataAzurermEventhubNamespace(stack, 'shared', { name: 'evhns-shared', resourceGroupName: 'rg-shared' });
    const existingNamespace = EventHubNamespace.fromEventHubNamespaceAttributes(stack, 'shared-ns', { eventHubNamespaceId: data.id, eventHubNamespaceName: 'evhns-shared' });
    new EventHubFanout(stack, 'changes', { dataverse, resourceGroup: rg, steps, existingNamespace });
    const rule = onlyResource(synthJson(stack), 'azurerm_eventhub_authorization_rule');
    expect(rule.resource_group_name).toBe('${element(split("/", data.azurerm_eventhub_namespace.shared.id), 4)}');
    expect(rule.namespace_name).toBe('evhns-shared');
  });

  it('checks limits against the sku given for the imported namespace', () => {
    const ns = (sku?: EventHubSku) => (ctx: any) => ({
      existingNamespace: EventHubNamespace.fromEventHubNamespaceAttributes(ctx.stack, 'shared', { eventHubNamespaceId: NAMESPACE_ID, sku }),
      eventHub: { partitionCount: 64 },
    });
    expect(errorsOf(ns()).filter((e) => e.includes('partitionCount (Standard) 64 is out of range'))).toHaveLength(1);
    expect(errorsOf(ns(EventHubSku.PREMIUM))).toEqual([]);
  });
});

describe('EventHubFanout: existing event hub', () => {
  function imported() {
    return fanout((ctx) => {
      const ns = EventHubNamespace.fromEventHubNamespaceAttributes(ctx.stack, 'shared', { eventHubNamespaceId: NAMESPACE_ID });
      return { existingEventHub: EventHub.fromEventHubAttributes(ctx.stack, 'hub', { eventHubNamespace: ns, eventHubId: HUB_ID }) };
    });
  }

  it('creates neither namespace nor hub: the rule, endpoint and consumer groups use the imported names', () => {
    const { stack, dataverse, fanout: f } = imported();
    const erp = f.addSubscriber('erp', { principalId: PRINCIPAL });
    const synth = synthJson(stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_eventhub_namespace'))).toHaveLength(0);
    expect(Object.keys(resourcesOf(synth, 'azurerm_eventhub'))).toHaveLength(0);
    expect(onlyResource(synth, 'azurerm_eventhub_authorization_rule')).toMatchObject({
      name: 'dataverse-send',
      eventhub_name: 'dataverse-changes',
      namespace_name: 'evhns-shared',
      resource_group_name: 'rg-shared',
      send: true,
      listen: false,
      manage: false,
    });
    expect(onlyResource(synth, 'azurerm_eventhub_consumer_group')).toMatchObject({ name: 'erp', eventhub_name: 'dataverse-changes', namespace_name: 'evhns-shared' });
    expect(roles(synth)).toEqual([expect.objectContaining({ scope: HUB_ID, role_definition_name: 'Azure Event Hubs Data Receiver', principal_id: PRINCIPAL })]);
    expect(endpointRecord(dataverse.toManifest()).columns).toMatchObject({ path: 'dataverse-changes', solutionnamespace: 'evhns-shared' });
    expect(f.eventHub.eventHubId).toBe(HUB_ID);
    expect(f.eventHubNamespace).toBe(f.eventHub.eventHubNamespace);
    expect(erp.fullyQualifiedNamespace).toBe('evhns-shared.servicebus.windows.net');
    expect(erp.eventHubName).toBe('dataverse-changes');
  });

  it('a data source of the hub fits, with its name', () => {
    const { stack, rg, dataverse } = newStack();
    const data = new DataAzurermEventhub(stack, 'hub', { name: 'dataverse-changes', namespaceName: 'evhns-shared', resourceGroupName: 'rg-shared' });
    const ns = EventHubNamespace.fromEventHubNamespaceAttributes(stack, 'shared', { eventHubNamespaceId: NAMESPACE_ID });
    const existingEventHub = EventHub.fromEventHubAttributes(stack, 'hub-import', { eventHubNamespace: ns, eventHubId: data.id, eventHubName: 'dataverse-changes' });
    const f = new EventHubFanout(stack, 'changes', { dataverse, resourceGroup: rg, steps, existingEventHub });
    f.grantReceive(PRINCIPAL);
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_eventhub_authorization_rule').eventhub_name).toBe('dataverse-changes');
    expect(roles(synth)[0].scope).toBe('${data.azurerm_eventhub.hub.id}');
  });
});

describe('EventHubFanout: grants', () => {
  it('a subscriber grants receive scoped to the hub (not its consumer group), named for the subscriber', () => {
    const { stack, fanout: f } = fanout();
    const analytics = f.addSubscriber('analytics');
    const role = analytics.grantReceive(PRINCIPAL, { principalType: 'ServicePrincipal' });
    expect(analytics.roleAssignment).toBeUndefined();
    const [r] = roles(synthJson(stack));
    expect(r).toMatchObject({
      role_definition_name: 'Azure Event Hubs Data Receiver',
      principal_id: PRINCIPAL,
      principal_type: 'ServicePrincipal',
      description: 'Azure Event Hubs Data Receiver for subscriber analytics of test/changes (cdktf-dataverse)',
    });
    expect(r.scope).toMatch(/^\$\{azurerm_eventhub\.changes_event-hub_[0-9A-F]+\.id\}$/);
    expect(role.node.path).toMatch(/^test\/changes\/subscriber-analytics\/receive-/);
    expect(analytics.consumerGroupName).toBe('analytics');
    expect(analytics.fullyQualifiedNamespace).toBe(`${f.eventHubNamespace.eventHubNamespaceName}.servicebus.windows.net`);
    expect(analytics.eventHubName).toBe(f.eventHub.eventHubName);
  });

  it('one assignment per principal on the hub: subscriber, fanout and principalId grants return the first', () => {
    const { stack, fanout: f } = fanout();
    const erp = f.addSubscriber('erp', { principalId: PRINCIPAL });
    const bi = f.addSubscriber('bi');
    expect(erp.grantReceive(PRINCIPAL)).toBe(erp.roleAssignment);
    expect(bi.grantReceive(PRINCIPAL.toUpperCase())).toBe(erp.roleAssignment);
    expect(f.grantReceive(PRINCIPAL)).toBe(erp.roleAssignment);
    expect(f.grantReceive(OTHER_PRINCIPAL)).not.toBe(erp.roleAssignment);
    expect(roles(synthJson(stack))).toHaveLength(2);
  });

  it('grantSend gives Azure Event Hubs Data Sender on the hub; grantReceive the receiver role', () => {
    const { stack, fanout: f } = fanout();
    const send = f.grantSend(PRINCIPAL);
    const receive = f.grantReceive(PRINCIPAL);
    expect(send).not.toBe(receive);
    const all = roles(synthJson(stack));
    expect(all.map((r) => r.role_definition_name).sort()).toEqual(['Azure Event Hubs Data Receiver', 'Azure Event Hubs Data Sender']);
    for (const r of all) expect(r.scope).toMatch(/^\$\{azurerm_eventhub\.changes_event-hub_[0-9A-F]+\.id\}$/);
  });
});

describe('EventHubFanout: JavaScript callers', () => {
  it("rejects 0.0.x's { id, name } reference for existingNamespace, naming the prop and the importer", () => {
    const { stack, rg, dataverse } = newStack();
    const old = { id: NAMESPACE_ID, name: 'evhns-shared' } as any;
    expect(() => new EventHubFanout(stack, 'changes', { dataverse, resourceGroup: rg, steps, existingNamespace: old })).toThrow(
      "test/changes: EventHubFanout's existingNamespace has no eventHubNamespaceId, so it is not a block (0.0.x took { id, name } or an id). Fix: pass EventHubNamespace.fromEventHubNamespaceAttributes(this, '<id>', { ... }) or a block this stack creates.",
    );
  });

  it('rejects an id string for existingEventHub and capture.existingStorageAccount', () => {
    const { stack, rg, dataverse } = newStack();
    expect(() => new EventHubFanout(stack, 'a', { dataverse, resourceGroup: rg, steps, existingEventHub: HUB_ID as any })).toThrow(
      /existingEventHub has no eventHubId.*EventHub\.fromEventHubAttributes/,
    );
    expect(() => new EventHubFanout(stack, 'b', { dataverse, resourceGroup: rg, steps, capture: { existingStorageAccount: 'st' as any, containerName: 'c' } })).toThrow(
      /capture\.existingStorageAccount has no storageAccountId.*StorageAccount\.fromStorageAccountAttributes/,
    );
  });

  it('names the missing props: no props, no resource group, steps that are not a list', () => {
    const { stack, dataverse } = newStack();
    expect(() => new EventHubFanout(stack, 'a', undefined as any)).toThrow('test/a: EventHubFanout needs props. Fix: pass props');
    expect(() => new EventHubFanout(stack, 'b', { dataverse, steps } as any)).toThrow('test/b: EventHubFanout needs resourceGroup.');
    expect(() => new EventHubFanout(stack, 'c', { dataverse, resourceGroup: { name: 'rg', location: 'westeurope' }, steps: [null] } as any)).toThrow(
      /test\/c: EventHubFanout needs steps as a list/,
    );
  });
});
