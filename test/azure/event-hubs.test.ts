import { DataAzurermEventhubNamespace } from '@cdktf/provider-azurerm/lib/data-azurerm-eventhub-namespace';
import { resolve } from 'cdktf/lib/_tokens';
import { Construct } from 'constructs';
// eslint-disable-next-line import/no-extraneous-dependencies
import { describe, expect, it } from 'vitest';
import { EventHub, EventHubNamespace, EventHubNamespaceProps, EventHubProps, EventHubSku, IEventHubNamespace, StorageAccount } from '../../src';
import { PolicySuppressions } from '../../src/policy/suppressions';
import { newStack, onlyResource, resourcesOf, synthJson, validationErrors } from '../helpers';
import { DEFAULT_CAPTURE, HUB_ID, NAMESPACE_ID, OTHER_NAMESPACE_ID, PRINCIPAL, RG_REF, STORAGE_ID } from '../patterns/event-hub-fixtures';

const roles = (synth: any) => Object.values<any>(resourcesOf(synth, 'azurerm_role_assignment'));
const suppressed = (c: Construct) => (PolicySuppressions.of(c) as any).entries.map((e: any) => e.ruleId).sort();

function namespace(props: Partial<EventHubNamespaceProps> = {}) {
  const ctx = newStack();
  return { ...ctx, ns: new EventHubNamespace(ctx.stack, 'ns', { resourceGroup: ctx.rg, ...props }) };
}

function hub(props: Partial<EventHubProps> = {}, nsProps: Partial<EventHubNamespaceProps> = {}) {
  const ctx = namespace(nsProps);
  return { ...ctx, hub: new EventHub(ctx.stack, 'hub', { eventHubNamespace: ctx.ns, ...props }) };
}

describe('EventHubNamespace block: default settings', () => {
  it('Standard, 1 throughput unit, no auto-inflate, a generated name; its Terraform address is the block id', () => {
    const { stack, ns, rg } = namespace();
    const synth = synthJson(stack);
    const r = onlyResource(synth, 'azurerm_eventhub_namespace');
    expect(r).toMatchObject({ sku: 'Standard', capacity: 1, auto_inflate_enabled: false, location: '${azurerm_resource_group.rg.location}', resource_group_name: RG_REF });
    expect(r.maximum_throughput_units).toBeUndefined();
    expect(r.dedicated_cluster_id).toBeUndefined();
    expect(r.name).toBe(ns.eventHubNamespaceName);
    expect(ns.eventHubNamespaceName).toMatch(/^evhns-test-ns-[0-9a-f]{8}$/);
    expect(ns.sku).toBe(EventHubSku.STANDARD);
    expect(Object.keys(resourcesOf(synth, 'azurerm_eventhub_namespace'))).toEqual(['ns']);
    expect(ns.fullyQualifiedNamespace).toBe(`${ns.eventHubNamespaceName}.servicebus.windows.net`);
    expect(resolve(stack, ns.resourceGroupName)).toBe(resolve(stack, rg.name));
  });

  it('TLS 1.2 minimum', () => {
    const { stack } = namespace();
    expect(onlyResource(synthJson(stack), 'azurerm_eventhub_namespace').minimum_tls_version).toBe('1.2');
  });

  it('local (SAS) authentication on, suppressed with its reason', () => {
    const { stack, ns } = namespace();
    expect(onlyResource(synthJson(stack), 'azurerm_eventhub_namespace').local_authentication_enabled).toBe(true);
    expect(suppressed(ns.resource)).toContain('DV_EVENTHUB_LOCAL_AUTH');
  });

  it('public network access on (suppressed while on); off on request', () => {
    const on = namespace();
    expect(onlyResource(synthJson(on.stack), 'azurerm_eventhub_namespace').public_network_access_enabled).toBe(true);
    expect(suppressed(on.ns.resource)).toEqual(['DV_EVENTHUB_LOCAL_AUTH', 'DV_EVENTHUB_PUBLIC_ACCESS']);
    const off = namespace({ publicNetworkAccessEnabled: false });
    expect(onlyResource(synthJson(off.stack), 'azurerm_eventhub_namespace').public_network_access_enabled).toBe(false);
    expect(suppressed(off.ns.resource)).toEqual(['DV_EVENTHUB_LOCAL_AUTH']);
  });

  it('tiers: auto-inflate on Standard, processing units on Premium, a Dedicated namespace is Standard in the cluster', () => {
    const std = namespace({ capacity: 2, autoInflateEnabled: true, maximumThroughputUnits: 10, name: 'evhns-orders', tags: { env: 'test' } });
    expect(onlyResource(synthJson(std.stack), 'azurerm_eventhub_namespace')).toMatchObject({
      name: 'evhns-orders',
      capacity: 2,
      auto_inflate_enabled: true,
      maximum_throughput_units: 10,
      tags: { env: 'test' },
    });
    const premium = namespace({ sku: EventHubSku.PREMIUM, capacity: 4 });
    const p = onlyResource(synthJson(premium.stack), 'azurerm_eventhub_namespace');
    expect(p).toMatchObject({ sku: 'Premium', capacity: 4 });
    expect(p.auto_inflate_enabled).toBeUndefined();
    const cluster = `${SUB_RG}/providers/Microsoft.EventHub/clusters/evhc`;
    const dedicated = namespace({ sku: EventHubSku.DEDICATED, dedicatedClusterId: cluster });
    const d = onlyResource(synthJson(dedicated.stack), 'azurerm_eventhub_namespace');
    expect(d).toMatchObject({ sku: 'Standard', dedicated_cluster_id: cluster });
    expect(d.capacity).toBeUndefined();
    expect(dedicated.ns.sku).toBe(EventHubSku.DEDICATED);
  });
});

const SUB_RG = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared';

describe('EventHubNamespace block: validation', () => {
  const cases: Array<[string, Partial<EventHubNamespaceProps>, string]> = [
    ['Basic', { sku: 'Basic' as EventHubSku }, "sku 'Basic' is not supported. Fix: use EventHubSku.STANDARD, PREMIUM or DEDICATED"],
    ['name', { name: 'ab' }, "name: Event Hubs namespace name 'ab' is not valid: it is 2 characters long and must be 6 to 50"],
    ['Standard capacity', { capacity: 0 }, 'capacity (throughput units) 0 is out of range: it must be a whole number from 1 to 40'],
    ['auto-inflate without maximum', { autoInflateEnabled: true }, 'autoInflateEnabled is true but maximumThroughputUnits is not set'],
    ['maximum without auto-inflate', { maximumThroughputUnits: 4 }, 'maximumThroughputUnits 4 applies only with auto-inflate'],
    [
      'maximum not a whole number',
      { autoInflateEnabled: true, maximumThroughputUnits: 2.5 },
      'maximumThroughputUnits 2.5 must be a whole number more than capacity (1) and at most 40',
    ],
    [
      'auto-inflate on Dedicated',
      { sku: EventHubSku.DEDICATED, dedicatedClusterId: 'c', autoInflateEnabled: false },
      'autoInflateEnabled applies to Standard namespaces only (auto-inflate of throughput units), not Dedicated',
    ],
    ['Premium capacity', { sku: EventHubSku.PREMIUM, capacity: 32 }, 'capacity (processing units) 32 is not allowed: use one of 1, 2, 4, 8, 16'],
    ['Dedicated without cluster', { sku: EventHubSku.DEDICATED }, 'sku is DEDICATED but dedicatedClusterId is not set'],
    ['Dedicated with capacity', { sku: EventHubSku.DEDICATED, dedicatedClusterId: 'c', capacity: 1 }, 'capacity 1 does not apply to a namespace in a Dedicated cluster'],
    ['cluster on Premium', { sku: EventHubSku.PREMIUM, dedicatedClusterId: 'c' }, 'dedicatedClusterId is set but sku is Premium'],
  ];
  for (const [title, props, expected] of cases) {
    it(`reports: ${title}`, () => {
      const errors = validationErrors(namespace(props).stack);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^\[test\/ns\] /);
      expect(errors[0]).toContain(expected);
      expect(errors[0]).toContain('Fix:');
    });
  }

  it('skips Terraform references and accepts the boundaries', () => {
    const { stack, rg } = newStack();
    const data = new DataAzurermEventhubNamespace(stack, 'other', { name: 'evhns-x', resourceGroupName: 'rg' });
    new EventHubNamespace(stack, 'a', {
      resourceGroup: rg,
      name: data.name,
      capacity: data.capacity,
      autoInflateEnabled: true,
      maximumThroughputUnits: data.maximumThroughputUnits,
    });
    new EventHubNamespace(stack, 'b', { resourceGroup: rg, capacity: 39, autoInflateEnabled: true, maximumThroughputUnits: 40 });
    expect(validationErrors(stack)).toEqual([]);
  });

  it('names the missing resource group (JavaScript callers)', () => {
    const { stack } = newStack();
    expect(() => new EventHubNamespace(stack, 'ns', {} as any)).toThrow('test/ns: EventHubNamespace needs resourceGroup. Fix: pass resourceGroup');
  });
});

describe('EventHubNamespace.fromEventHubNamespaceAttributes', () => {
  it('a literal id: name and resource group read from it, sku as given (Standard by default), nothing created', () => {
    const { stack } = newStack();
    const ns = EventHubNamespace.fromEventHubNamespaceAttributes(stack, 'shared', { eventHubNamespaceId: NAMESPACE_ID });
    const premium = EventHubNamespace.fromEventHubNamespaceAttributes(stack, 'premium', { eventHubNamespaceId: OTHER_NAMESPACE_ID, sku: EventHubSku.PREMIUM });
    expect([ns.eventHubNamespaceName, ns.resourceGroupName, ns.sku, ns.fullyQualifiedNamespace]).toEqual([
      'evhns-shared',
      'rg-shared',
      EventHubSku.STANDARD,
      'evhns-shared.servicebus.windows.net',
    ]);
    expect(premium.sku).toBe(EventHubSku.PREMIUM);
    expect(Object.keys(resourcesOf(synthJson(stack), 'azurerm_eventhub_namespace'))).toHaveLength(0);
  });

  it('a reference id with its name: the resource group is split out at apply time', () => {
    const { stack } = newStack();
    const data = new DataAzurermEventhubNamespace(stack, 'data', { name: 'evhns-shared', resourceGroupName: 'rg-shared' });
    const ns = EventHubNamespace.fromEventHubNamespaceAttributes(stack, 'shared', { eventHubNamespaceId: data.id, eventHubNamespaceName: 'evhns-shared' });
    ns.grantSend(PRINCIPAL);
    expect(ns.eventHubNamespaceName).toBe('evhns-shared');
    expect(roles(synthJson(stack))[0].scope).toBe('${data.azurerm_eventhub_namespace.data.id}');
    expect(validationErrors(stack)).toEqual([]);
  });

  const bad: Array<[string, (s: Construct) => IEventHubNamespace, string]> = [
    [
      'an id of another type',
      (s) => EventHubNamespace.fromEventHubNamespaceAttributes(s, 'shared', { eventHubNamespaceId: STORAGE_ID }),
      `eventHubNamespaceId '${STORAGE_ID.slice(0, 77)}...' is not the resource id of a Microsoft.EventHub/namespaces`,
    ],
    [
      'a hub id',
      (s) => EventHubNamespace.fromEventHubNamespaceAttributes(s, 'shared', { eventHubNamespaceId: HUB_ID }),
      'is not the resource id of a Microsoft.EventHub/namespaces',
    ],
    [
      'a reference id without the name',
      (s) =>
        EventHubNamespace.fromEventHubNamespaceAttributes(s, 'shared', {
          eventHubNamespaceId: new DataAzurermEventhubNamespace(s, 'data', { name: 'n', resourceGroupName: 'r' }).id,
        }),
      'eventHubNamespaceId is a Terraform reference, so EventHubNamespace.fromEventHubNamespaceAttributes cannot read the name from it at synth. Fix: pass eventHubNamespaceName as well',
    ],
    [
      'a name the id contradicts',
      (s) => EventHubNamespace.fromEventHubNamespaceAttributes(s, 'shared', { eventHubNamespaceId: NAMESPACE_ID, eventHubNamespaceName: 'evhns-other' }),
      "eventHubNamespaceName 'evhns-other' is not the name in eventHubNamespaceId ('evhns-shared')",
    ],
    [
      'an unsupported sku',
      (s) => EventHubNamespace.fromEventHubNamespaceAttributes(s, 'shared', { eventHubNamespaceId: NAMESPACE_ID, sku: 'Basic' as EventHubSku }),
      "sku 'Basic' is not supported",
    ],
  ];
  for (const [title, build, expected] of bad) {
    it(`reports ${title}`, () => {
      const { stack } = newStack();
      build(stack);
      const errors = validationErrors(stack);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^\[test\/shared\] /);
      expect(errors[0]).toContain(expected);
    });
  }

  it('names the missing id (JavaScript callers)', () => {
    const { stack } = newStack();
    expect(() => EventHubNamespace.fromEventHubNamespaceAttributes(stack, 'shared', {} as any)).toThrow(
      'test/shared: EventHubNamespace.fromEventHubNamespaceAttributes needs eventHubNamespaceId.',
    );
  });
});

describe('Event Hubs grants (namespace and hub)', () => {
  it('namespace: Data Sender and Data Receiver scoped to the namespace, returned, one per principal', () => {
    const { stack, ns } = namespace();
    const send = ns.grantSend(PRINCIPAL);
    const receive = ns.grantReceive(PRINCIPAL, { principalType: 'ServicePrincipal', id: 'reader' });
    expect(ns.grantSend(PRINCIPAL.toUpperCase())).toBe(send);
    expect(ns.grantReceive(PRINCIPAL)).toBe(receive);
    expect(receive.node.id).toBe('reader');
    const all = roles(synthJson(stack));
    expect(all).toHaveLength(2);
    expect(all.map((r) => [r.role_definition_name, r.scope, r.principal_type]).sort()).toEqual([
      ['Azure Event Hubs Data Receiver', '${azurerm_eventhub_namespace.ns.id}', 'ServicePrincipal'],
      ['Azure Event Hubs Data Sender', '${azurerm_eventhub_namespace.ns.id}', undefined],
    ]);
  });

  it('hub: scoped to the hub, distinct from the namespace grant; an imported hub grants on its literal id', () => {
    const { stack, ns, hub: h } = hub();
    const onHub = h.grantReceive(PRINCIPAL);
    expect(ns.grantReceive(PRINCIPAL)).not.toBe(onHub);
    expect(h.grantReceive(PRINCIPAL)).toBe(onHub);
    h.grantSend(PRINCIPAL);
    const imported = EventHub.fromEventHubAttributes(stack, 'imported', {
      eventHubNamespace: EventHubNamespace.fromEventHubNamespaceAttributes(stack, 'shared', { eventHubNamespaceId: NAMESPACE_ID }),
      eventHubId: HUB_ID,
    });
    imported.grantReceive(PRINCIPAL);
    const scopes = roles(synthJson(stack)).map((r) => `${r.role_definition_name} ${r.scope}`);
    expect(scopes.sort()).toEqual(
      [
        `Azure Event Hubs Data Receiver ${HUB_ID}`,
        'Azure Event Hubs Data Receiver ${azurerm_eventhub.hub.id}',
        'Azure Event Hubs Data Receiver ${azurerm_eventhub_namespace.ns.id}',
        'Azure Event Hubs Data Sender ${azurerm_eventhub.hub.id}',
      ].sort(),
    );
  });

  it('reports a principal that is not a GUID', () => {
    const { stack, ns } = namespace();
    ns.grantSend('my-app');
    expect(validationErrors(stack).some((e) => e.includes("principalId 'my-app' is not a GUID"))).toBe(true);
  });
});

describe('EventHub block: default settings', () => {
  it('4 partitions and 7 days retention, in the namespace, with a generated name; its address is the block id', () => {
    const { stack, hub: h } = hub();
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_eventhub')).toMatchObject({
      partition_count: 4,
      message_retention: 7,
      namespace_id: '${azurerm_eventhub_namespace.ns.id}',
      name: h.eventHubName,
    });
    expect(h.eventHubName).toMatch(/^evh-test-hub-[0-9a-f]{6}$/);
    expect(Object.keys(resourcesOf(synth, 'azurerm_eventhub'))).toEqual(['hub']);
    expect(resolve(stack, h.eventHubId)).toBe('${azurerm_eventhub.hub.id}');
  });

  it('no capture; with capture, Avro every 300 s or 314572800 bytes, empty windows skipped, the default name format, into the given container', () => {
    expect(onlyResource(synthJson(hub().stack), 'azurerm_eventhub').capture_description).toBeUndefined();
    const { stack, rg } = newStack();
    const ns = new EventHubNamespace(stack, 'ns', { resourceGroup: rg });
    const account = new StorageAccount(stack, 'capture', { resourceGroup: rg, sharedAccessKeyEnabled: true });
    const container = account.addContainer(stack, 'capture-container', 'events');
    new EventHub(stack, 'hub', { eventHubNamespace: ns, capture: { storageAccount: account, containerName: container.name } });
    expect(onlyResource(synthJson(stack), 'azurerm_eventhub').capture_description).toEqual({
      ...DEFAULT_CAPTURE,
      destination: {
        ...DEFAULT_CAPTURE.destination,
        blob_container_name: '${azurerm_storage_container.capture-container.name}',
        storage_account_id: '${azurerm_storage_account.capture.id}',
      },
    });
  });

  it('no shared access rule; addSendOnlyRule adds Send only, on this hub, referring to it by its name attribute', () => {
    const { stack, hub: h } = hub();
    expect(Object.keys(resourcesOf(synthJson(stack), 'azurerm_eventhub_authorization_rule'))).toHaveLength(0);
    const holder = new Construct(stack, 'pattern');
    const rule = h.addSendOnlyRule('dataverse-send', 'dataverse-send', holder);
    const other = h.addSendOnlyRule('second', 'second');
    const synth = synthJson(stack);
    expect(resourcesOf(synth, 'azurerm_eventhub_authorization_rule')['pattern_dataverse-send_BC88EF89']).toMatchObject({
      name: 'dataverse-send',
      eventhub_name: '${azurerm_eventhub.hub.name}',
      namespace_name: h.eventHubNamespace.eventHubNamespaceName,
      resource_group_name: RG_REF,
      send: true,
      listen: false,
      manage: false,
    });
    expect(rule.ruleName).toBe('dataverse-send');
    expect(resolve(stack, rule.primaryKey)).toBe('${azurerm_eventhub_authorization_rule.pattern_dataverse-send_BC88EF89.primary_key}');
    expect(rule.resource.sendInput).toBe(true);
    expect(other.node.path).toBe('test/hub/second');
  });
});
