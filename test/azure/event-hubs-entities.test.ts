import { DataAzurermEventhub } from '@cdktf/provider-azurerm/lib/data-azurerm-eventhub';
import { TerraformVariable } from 'cdktf';
import { describe, expect, it } from 'vitest';
import {
  CaptureEncoding,
  EventHub,
  EventHubCapture,
  EventHubConsumerGroup,
  EventHubNamespace,
  EventHubProps,
  EventHubSku,
  EventHubSubscriber,
  IEventHub,
  StorageAccount,
} from '../../src';
import { newStack, onlyResource, resourcesOf, synthJson, validationErrors } from '../helpers';
import { HUB_ID, NAMESPACE_ID, OTHER_NAMESPACE_ID, PRINCIPAL, RG_REF, STORAGE_ID } from '../patterns/event-hub-fixtures';

/** A stack with a created namespace of the given tier and an imported one. */
function base(sku = EventHubSku.STANDARD) {
  const ctx = newStack();
  const ns = new EventHubNamespace(ctx.stack, 'ns', { resourceGroup: ctx.rg, sku, dedicatedClusterId: sku === EventHubSku.DEDICATED ? 'c' : undefined });
  const shared = EventHubNamespace.fromEventHubNamespaceAttributes(ctx.stack, 'shared', { eventHubNamespaceId: NAMESPACE_ID });
  return { ...ctx, ns, shared };
}

function hubErrors(props: Partial<EventHubProps>, sku = EventHubSku.STANDARD): string[] {
  const { stack, ns } = base(sku);
  new EventHub(stack, 'hub', { eventHubNamespace: ns, ...props });
  return validationErrors(stack);
}

describe('EventHub block: validation', () => {
  const capture =
    (extra: Partial<EventHubCapture>) =>
    (s: any): EventHubCapture => ({
      storageAccount: StorageAccount.fromStorageAccountAttributes(s, 'lake', { storageAccountId: STORAGE_ID }),
      containerName: 'events',
      ...extra,
    });
  const cases: Array<[string, Partial<EventHubProps> | ((s: any) => Partial<EventHubProps>), EventHubSku, string]> = [
    ['name', { name: 'hub/x' }, EventHubSku.STANDARD, "name: entity name 'hub/x' is not valid"],
    ['Standard partitions', { partitionCount: 33 }, EventHubSku.STANDARD, 'partitionCount (Standard) 33 is out of range: it must be a whole number from 1 to 32'],
    ['Dedicated partitions', { partitionCount: 1025 }, EventHubSku.DEDICATED, 'partitionCount (Dedicated) 1025 is out of range: it must be a whole number from 1 to 1024'],
    ['Premium retention', { messageRetentionInDays: 91 }, EventHubSku.PREMIUM, 'messageRetentionInDays (Premium) 91 is out of range: it must be a whole number from 1 to 90'],
    [
      'capture container',
      (s) => ({ capture: capture({ containerName: '-events' })(s) }),
      EventHubSku.STANDARD,
      "capture.containerName: blob container name '-events' is not valid",
    ],
    ['capture encoding', (s) => ({ capture: capture({ encoding: 'Json' as CaptureEncoding })(s) }), EventHubSku.STANDARD, "capture.encoding 'Json' is not supported"],
    [
      'capture interval',
      (s) => ({ capture: capture({ intervalInSeconds: 901 })(s) }),
      EventHubSku.STANDARD,
      'capture.intervalInSeconds 901 is out of range: it must be a whole number from 60 to 900',
    ],
    ['capture size', (s) => ({ capture: capture({ sizeLimitInBytes: 524288001 })(s) }), EventHubSku.STANDARD, 'capture.sizeLimitInBytes 524288001 is out of range'],
    [
      'capture format',
      (s) => ({ capture: capture({ archiveNameFormat: '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}' })(s) }),
      EventHubSku.STANDARD,
      'lacks {Second}',
    ],
  ];
  for (const [title, props, sku, expected] of cases) {
    it(`reports: ${title}`, () => {
      const { stack, ns } = base(sku);
      new EventHub(stack, 'hub', { eventHubNamespace: ns, ...(typeof props === 'function' ? props(stack) : props) });
      const errors = validationErrors(stack);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^\[test\/hub\] /);
      expect(errors[0]).toContain(expected);
      expect(errors[0]).toContain('Fix:');
    });
  }

  it('accepts each tier at its limits, and capture options as given', () => {
    expect(hubErrors({ partitionCount: 32, messageRetentionInDays: 7 })).toEqual([]);
    expect(hubErrors({ partitionCount: 100, messageRetentionInDays: 90 }, EventHubSku.PREMIUM)).toEqual([]);
    const { stack, ns } = base();
    const account = StorageAccount.fromStorageAccountAttributes(stack, 'lake', { storageAccountId: STORAGE_ID });
    new EventHub(stack, 'hub', {
      eventHubNamespace: ns,
      name: 'dataverse-changes',
      capture: {
        storageAccount: account,
        containerName: 'events',
        encoding: CaptureEncoding.AVRO_DEFLATE,
        intervalInSeconds: 60,
        sizeLimitInBytes: 10485760,
        skipEmptyArchives: false,
      },
    });
    expect(onlyResource(synthJson(stack), 'azurerm_eventhub').capture_description).toMatchObject({
      encoding: 'AvroDeflate',
      interval_in_seconds: 60,
      size_limit_in_bytes: 10485760,
      skip_empty_archives: false,
      destination: { storage_account_id: STORAGE_ID, blob_container_name: 'events' },
    });
  });

  it('skips Terraform references', () => {
    const { stack, ns } = base();
    const n = new TerraformVariable(stack, 'partitions', { type: 'number' });
    new EventHub(stack, 'hub', { eventHubNamespace: ns, partitionCount: n.numberValue, name: new TerraformVariable(stack, 'hubname', { type: 'string' }).stringValue });
    expect(validationErrors(stack)).toEqual([]);
  });

  it('names the missing namespace, and the missing capture account (JavaScript callers)', () => {
    const { stack, ns } = base();
    expect(() => new EventHub(stack, 'a', {} as any)).toThrow('test/a: EventHub needs eventHubNamespace.');
    expect(() => new EventHub(stack, 'b', { eventHubNamespace: ns, capture: { containerName: 'x' } as any })).toThrow('test/b: EventHub capture needs storageAccount.');
  });
});

describe('EventHub.fromEventHubAttributes', () => {
  it('a literal id: the name is read from it; rules and groups refer to the literal name', () => {
    const { stack, shared } = base();
    const hub = EventHub.fromEventHubAttributes(stack, 'hub', { eventHubNamespace: shared, eventHubId: HUB_ID });
    expect(hub.eventHubName).toBe('dataverse-changes');
    expect(hub.eventHubNamespace).toBe(shared);
    hub.addSendOnlyRule('send', 'dataverse-send');
    const synth = synthJson(stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_eventhub'))).toHaveLength(0);
    expect(onlyResource(synth, 'azurerm_eventhub_authorization_rule')).toMatchObject({
      eventhub_name: 'dataverse-changes',
      namespace_name: 'evhns-shared',
      resource_group_name: 'rg-shared',
    });
  });

  it('a reference id with its name', () => {
    const { stack, shared } = base();
    const data = new DataAzurermEventhub(stack, 'data', { name: 'dataverse-changes', namespaceName: 'evhns-shared', resourceGroupName: 'rg-shared' });
    const hub = EventHub.fromEventHubAttributes(stack, 'hub', { eventHubNamespace: shared, eventHubId: data.id, eventHubName: 'dataverse-changes' });
    expect(hub.eventHubName).toBe('dataverse-changes');
    expect(validationErrors(stack)).toEqual([]);
  });

  const bad: Array<[string, (b: ReturnType<typeof base>) => IEventHub, string]> = [
    [
      'a namespace id',
      (b) => EventHub.fromEventHubAttributes(b.stack, 'hub', { eventHubNamespace: b.shared, eventHubId: NAMESPACE_ID }),
      'is not the resource id of a Microsoft.EventHub/namespaces/eventhubs',
    ],
    [
      'a storage id',
      (b) => EventHub.fromEventHubAttributes(b.stack, 'hub', { eventHubNamespace: b.shared, eventHubId: STORAGE_ID }),
      "Fix: pass '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.EventHub/namespaces/<name>/eventhubs/<name>'",
    ],
    [
      'a reference id without the name',
      (b) =>
        EventHub.fromEventHubAttributes(b.stack, 'hub', {
          eventHubNamespace: b.shared,
          eventHubId: new DataAzurermEventhub(b.stack, 'data', { name: 'h', namespaceName: 'n', resourceGroupName: 'r' }).id,
        }),
      'eventHubId is a Terraform reference, so EventHub.fromEventHubAttributes cannot read the name from it at synth. Fix: pass eventHubName as well',
    ],
    [
      'a name the id contradicts',
      (b) => EventHub.fromEventHubAttributes(b.stack, 'hub', { eventHubNamespace: b.shared, eventHubId: HUB_ID, eventHubName: 'orders' }),
      "eventHubName 'orders' is not the name in eventHubId ('dataverse-changes')",
    ],
    [
      'a hub of another namespace',
      (b) =>
        EventHub.fromEventHubAttributes(b.stack, 'hub', {
          eventHubNamespace: EventHubNamespace.fromEventHubNamespaceAttributes(b.stack, 'other', { eventHubNamespaceId: OTHER_NAMESPACE_ID }),
          eventHubId: HUB_ID,
        }),
      'which is not eventHubNamespace (',
    ],
  ];
  for (const [title, build, expected] of bad) {
    it(`reports ${title}`, () => {
      const b = base();
      build(b);
      const errors = validationErrors(b.stack);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^\[test\/hub\] /);
      expect(errors[0]).toContain(expected);
    });
  }

  it('names the missing attributes (JavaScript callers)', () => {
    const { stack, shared } = base();
    expect(() => EventHub.fromEventHubAttributes(stack, 'a', { eventHubNamespace: shared } as any)).toThrow('test/a: EventHub.fromEventHubAttributes needs eventHubId.');
    expect(() => EventHub.fromEventHubAttributes(stack, 'b', undefined as any)).toThrow('test/b: EventHub.fromEventHubAttributes needs props.');
  });
});

describe('EventHubSendRule', () => {
  it('reports an invalid rule name, and names the missing props', () => {
    const { stack, ns } = base();
    const hub = new EventHub(stack, 'hub', { eventHubNamespace: ns });
    hub.addSendOnlyRule('rule', 'send rule');
    expect(validationErrors(stack)).toEqual([expect.stringMatching(/^\[test\/hub\/rule\] name: authorization rule name 'send rule' is not valid/)]);
    expect(() => hub.addSendOnlyRule('empty', undefined as any)).toThrow('test/hub/empty: EventHubSendRule needs name.');
  });
});

describe('EventHubConsumerGroup block', () => {
  it('default settings: no user metadata; on the hub by its name attribute; its address is the block id', () => {
    const { stack, ns } = base();
    const hub = new EventHub(stack, 'hub', { eventHubNamespace: ns });
    const group = new EventHubConsumerGroup(stack, 'analytics', { eventHub: hub, name: 'analytics' });
    const synth = synthJson(stack);
    expect(resourcesOf(synth, 'azurerm_eventhub_consumer_group').analytics).toEqual(
      expect.objectContaining({ name: 'analytics', eventhub_name: '${azurerm_eventhub.hub.name}', namespace_name: ns.eventHubNamespaceName, resource_group_name: RG_REF }),
    );
    expect(resourcesOf(synth, 'azurerm_eventhub_consumer_group').analytics.user_metadata).toBeUndefined();
    expect(group.consumerGroupName).toBe('analytics');
    expect(group.eventHub).toBe(hub);
  });

  it('checked at synth: the name rule, $Default, uniqueness on the hub (without case), metadata length', () => {
    const { stack, ns, shared } = base();
    const hub = new EventHub(stack, 'hub', { eventHubNamespace: ns });
    const other = EventHub.fromEventHubAttributes(stack, 'other', { eventHubNamespace: shared, eventHubId: HUB_ID });
    new EventHubConsumerGroup(stack, 'a', { eventHub: hub, name: 'erp' });
    new EventHubConsumerGroup(stack, 'b', { eventHub: hub, name: 'ERP' });
    new EventHubConsumerGroup(stack, 'c', { eventHub: other, name: 'erp' });
    new EventHubConsumerGroup(stack, 'd', { eventHub: hub, name: '$default' });
    new EventHubConsumerGroup(stack, 'e', { eventHub: hub, name: 'bi_' });
    new EventHubConsumerGroup(stack, 'f', { eventHub: hub, name: 'bi', userMetadata: '' });
    expect(validationErrors(stack)).toEqual([
      expect.stringMatching(/^\[test\/b\] consumer group 'ERP' is added twice to event hub 'evh-test-hub-[0-9a-f]+'\. Fix:/),
      expect.stringMatching(/^\[test\/d\] consumer group '\$default': '\$Default' is the consumer group every event hub already has\. Fix:/),
      expect.stringMatching(
        /^\[test\/e\] name: consumer group name 'bi_' is not valid: it must contain letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit/,
      ),
      expect.stringMatching(/^\[test\/f\] userMetadata '' is 0 characters long; it must be 1 to 1024 characters/),
    ]);
  });

  it('fromEventHubConsumerGroupAttributes: the id of the azurerm import format, nothing created', () => {
    const { stack, shared } = base();
    const hub = EventHub.fromEventHubAttributes(stack, 'hub', { eventHubNamespace: shared, eventHubId: HUB_ID });
    const group = EventHubConsumerGroup.fromEventHubConsumerGroupAttributes(stack, 'default', { eventHub: hub, consumerGroupName: '$Default' });
    expect(group.consumerGroupId).toBe(`${HUB_ID}/consumerGroups/$Default`);
    expect(Object.keys(resourcesOf(synthJson(stack), 'azurerm_eventhub_consumer_group'))).toHaveLength(0);
    expect(() => EventHubConsumerGroup.fromEventHubConsumerGroupAttributes(stack, 'x', { eventHub: hub } as any)).toThrow('needs consumerGroupName');
  });
});

describe('EventHubSubscriber block', () => {
  it('default settings: one consumer group named after it, no role assignment', () => {
    const { stack, ns } = base();
    const hub = new EventHub(stack, 'hub', { eventHubNamespace: ns });
    const s = new EventHubSubscriber(stack, 'bi', { eventHub: hub, name: 'bi' });
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_eventhub_consumer_group').name).toBe('bi');
    expect(Object.keys(resourcesOf(synth, 'azurerm_role_assignment'))).toHaveLength(0);
    expect([s.consumerGroupName, s.eventHubName, s.fullyQualifiedNamespace]).toEqual(['bi', hub.eventHubName, ns.fullyQualifiedNamespace]);
  });

  it('principalId or grantReceive: Data Receiver on the hub, one per principal, with the subscriber in the description', () => {
    const { stack, ns } = base();
    const hub = new EventHub(stack, 'hub', { eventHubNamespace: ns });
    const s = new EventHubSubscriber(stack, 'bi', { eventHub: hub, name: 'bi', principalId: PRINCIPAL });
    expect(s.grantReceive(PRINCIPAL)).toBe(s.roleAssignment);
    expect(hub.grantReceive(PRINCIPAL)).toBe(s.roleAssignment);
    const role = onlyResource(synthJson(stack), 'azurerm_role_assignment');
    expect(role).toMatchObject({
      scope: '${azurerm_eventhub.hub.id}',
      role_definition_name: 'Azure Event Hubs Data Receiver',
      description: 'Azure Event Hubs Data Receiver for subscriber bi of test (cdktf-dataverse)',
    });
  });
});
