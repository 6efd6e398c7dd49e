import { describe, expect, it } from 'vitest';
import { Extra, HUB_ID, NAMESPACE_ID, OTHER_NAMESPACE_ID, STORAGE_ID, errorsOf } from './event-hub-fixtures';
import { CaptureEncoding, EventHub, EventHubFanout, EventHubNamespace, EventHubSku, StorageAccount } from '../../src';

const importedNamespace =
  (id = NAMESPACE_ID) =>
  (ctx: any) =>
    EventHubNamespace.fromEventHubNamespaceAttributes(ctx.stack, 'shared', { eventHubNamespaceId: id });
const importedHub = (ctx: any) => EventHub.fromEventHubAttributes(ctx.stack, 'hub', { eventHubNamespace: importedNamespace()(ctx), eventHubId: HUB_ID });

describe('EventHubFanout: validation (the pattern and the blocks it composes)', () => {
  const cases: Array<[string, Extra, string]> = [
    [
      'existing namespace and options together',
      (c) => ({ existingNamespace: importedNamespace()(c), namespaceOptions: {} }),
      'conflicting props: existingNamespace with namespaceOptions',
    ],
    ['existing hub and hub options', (c) => ({ existingEventHub: importedHub(c), eventHub: { partitionCount: 2 } }), 'conflicting props: existingEventHub with eventHub'],
    ['existing hub and namespace options', (c) => ({ existingEventHub: importedHub(c), namespaceOptions: {} }), 'conflicting props: existingEventHub with namespaceOptions'],
    ['existing hub and capture', (c) => ({ existingEventHub: importedHub(c), capture: {} }), 'conflicting props: existingEventHub with capture'],
    [
      'existing hub in another namespace than existingNamespace',
      (c) => ({
        existingEventHub: importedHub(c),
        existingNamespace: EventHubNamespace.fromEventHubNamespaceAttributes(c.stack, 'other', { eventHubNamespaceId: OTHER_NAMESPACE_ID }),
      }),
      "existingNamespace 'evhns-other' is not the namespace of existingEventHub",
    ],
    ['Basic sku', { namespaceOptions: { sku: 'Basic' as EventHubSku } }, "sku 'Basic' is not supported"],
    ['existing id of another type', (c) => ({ existingNamespace: importedNamespace(STORAGE_ID)(c) }), 'is not the resource id of a Microsoft.EventHub/namespaces'],
    ['namespace name', { namespaceOptions: { name: 'ab' } }, "name: Event Hubs namespace name 'ab' is not valid"],
    ['namespace name ending -sb', { namespaceOptions: { name: 'contoso-sb' } }, "must not end with '-sb'"],
    ['hub name', { eventHub: { name: '-hub' } }, "name: entity name '-hub' is not valid"],
    ['rule name', { authorizationRuleName: 'a b' }, "name: authorization rule name 'a b' is not valid"],
    ['Standard capacity', { namespaceOptions: { capacity: 41 } }, 'capacity (throughput units) 41 is out of range'],
    ['auto-inflate without maximum', { namespaceOptions: { autoInflateEnabled: true } }, 'autoInflateEnabled is true but maximumThroughputUnits is not set'],
    ['maximum without auto-inflate', { namespaceOptions: { maximumThroughputUnits: 4 } }, 'maximumThroughputUnits 4 applies only with auto-inflate'],
    [
      'maximum not above capacity',
      { namespaceOptions: { capacity: 4, autoInflateEnabled: true, maximumThroughputUnits: 4 } },
      'maximumThroughputUnits 4 must be a whole number more than capacity (4) and at most 40',
    ],
    [
      'maximum above 40',
      { namespaceOptions: { autoInflateEnabled: true, maximumThroughputUnits: 41 } },
      'maximumThroughputUnits 41 must be a whole number more than capacity (1) and at most 40',
    ],
    ['auto-inflate on Premium', { namespaceOptions: { sku: EventHubSku.PREMIUM, autoInflateEnabled: true } }, 'autoInflateEnabled applies to Standard namespaces only'],
    ['maximum on Premium', { namespaceOptions: { sku: EventHubSku.PREMIUM, maximumThroughputUnits: 4 } }, 'maximumThroughputUnits applies to Standard namespaces only'],
    ['Premium capacity', { namespaceOptions: { sku: EventHubSku.PREMIUM, capacity: 3 } }, 'capacity (processing units) 3 is not allowed: use one of 1, 2, 4, 8, 16'],
    ['Dedicated without cluster', { namespaceOptions: { sku: EventHubSku.DEDICATED } }, 'sku is DEDICATED but dedicatedClusterId is not set'],
    [
      'Dedicated with capacity',
      { namespaceOptions: { sku: EventHubSku.DEDICATED, dedicatedClusterId: 'c', capacity: 2 } },
      'capacity 2 does not apply to a namespace in a Dedicated cluster',
    ],
    ['cluster id on Standard', { namespaceOptions: { dedicatedClusterId: 'c' } }, 'dedicatedClusterId is set but sku is Standard'],
    ['Standard partitions', { eventHub: { partitionCount: 33 } }, 'partitionCount (Standard) 33 is out of range: it must be a whole number from 1 to 32'],
    [
      'Premium partitions',
      { namespaceOptions: { sku: EventHubSku.PREMIUM }, eventHub: { partitionCount: 101 } },
      'partitionCount (Premium) 101 is out of range: it must be a whole number from 1 to 100',
    ],
    ['zero partitions', { eventHub: { partitionCount: 0 } }, 'partitionCount (Standard) 0 is out of range'],
    ['Standard retention', { eventHub: { messageRetentionInDays: 8 } }, 'messageRetentionInDays (Standard) 8 is out of range: it must be a whole number from 1 to 7'],
    [
      'Dedicated retention',
      { namespaceOptions: { sku: EventHubSku.DEDICATED, dedicatedClusterId: 'c' }, eventHub: { messageRetentionInDays: 91 } },
      'messageRetentionInDays (Dedicated) 91 is out of range: it must be a whole number from 1 to 90',
    ],
    [
      'capture account both ways',
      (c) => ({
        capture: {
          existingStorageAccount: StorageAccount.fromStorageAccountAttributes(c.stack, 'lake', { storageAccountId: STORAGE_ID }),
          containerName: 'lake',
          storageAccountName: 'stx123',
        },
      }),
      'conflicting props: capture.existingStorageAccount with capture.storageAccountName',
    ],
    [
      'capture existing without container',
      (c) => ({ capture: { existingStorageAccount: StorageAccount.fromStorageAccountAttributes(c.stack, 'lake', { storageAccountId: STORAGE_ID }) } }),
      'capture.existingStorageAccount is set but capture.containerName is not',
    ],
    [
      'capture id of another type',
      (c) => ({ capture: { existingStorageAccount: StorageAccount.fromStorageAccountAttributes(c.stack, 'lake', { storageAccountId: NAMESPACE_ID }), containerName: 'lake' } }),
      'is not the resource id of a Microsoft.Storage/storageAccounts',
    ],
    ['capture account name', { capture: { storageAccountName: 'St-Capture' } }, "name: storage account name 'St-Capture' is not valid"],
    ['capture container name', { capture: { containerName: 'Capture--x' } }, "capture.containerName: blob container name 'Capture--x' is not valid"],
    ['capture encoding', { capture: { encoding: 'Parquet' as CaptureEncoding } }, "capture.encoding 'Parquet' is not supported"],
    ['capture interval', { capture: { intervalInSeconds: 30 } }, 'capture.intervalInSeconds 30 is out of range: it must be a whole number from 60 to 900'],
    ['capture size', { capture: { sizeLimitInBytes: 1024 } }, 'capture.sizeLimitInBytes 1024 is out of range: it must be a whole number from 10485760 to 524288000'],
    [
      'capture name format',
      { capture: { archiveNameFormat: '{Namespace}/{EventHub}/{Year}' } },
      "capture.archiveNameFormat '{Namespace}/{EventHub}/{Year}' lacks {PartitionId}, {Month}, {Day}, {Hour}, {Minute}, {Second}",
    ],
    ['no steps', { steps: [] }, 'steps is empty'],
  ];
  for (const [title, props, expected] of cases) {
    it(`reports: ${title}`, () => {
      const errors = errorsOf(props);
      expect(errors.filter((e) => e.includes(expected))).toHaveLength(1);
      // Every message names the construct path (the pattern, a block in it, or the imported block) and says how to fix it.
      for (const e of errors) {
        expect(e).toMatch(/^\[test\/(changes|shared|other|hub|lake)[/\]]/);
        expect(e).toContain('Fix:');
      }
    });
  }

  it('accepts the defaults and the documented boundaries', () => {
    expect(errorsOf({})).toEqual([]);
    expect(
      errorsOf({ eventHub: { partitionCount: 32, messageRetentionInDays: 7 }, namespaceOptions: { capacity: 39, autoInflateEnabled: true, maximumThroughputUnits: 40 } }),
    ).toEqual([]);
    expect(errorsOf({ capture: { intervalInSeconds: 900, sizeLimitInBytes: 524288000 } })).toEqual([]);
    expect(errorsOf((c) => ({ existingEventHub: importedHub(c) }))).toEqual([]);
  });

  it('reports every problem together', () => {
    const errors = errorsOf({ namespaceOptions: { capacity: 41, name: 'ab' }, eventHub: { partitionCount: 33 }, capture: { intervalInSeconds: 30 } });
    expect(errors).toHaveLength(4);
  });

  it('reports a subscriber added twice (case-insensitively)', () => {
    const errors = errorsOf({}, (f) => {
      f.addSubscriber('analytics');
      f.addSubscriber('Analytics');
    });
    expect(errors.filter((e) => e.includes("consumer group 'Analytics' is added twice to event hub"))).toHaveLength(1);
  });

  it("reports '$Default' as a subscriber name", () => {
    const errors = errorsOf({}, (f) => f.addSubscriber('$Default'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("'$Default' is the consumer group every event hub already has");
  });

  it('reports an invalid subscriber name', () => {
    const errors = errorsOf({}, (f) => f.addSubscriber('erp/finance'));
    expect(errors.filter((e) => e.includes("name: consumer group name 'erp/finance' is not valid"))).toHaveLength(1);
  });

  it('reports too long user metadata and principalType without principalId', () => {
    const errors = errorsOf({}, (f) => f.addSubscriber('erp', { userMetadata: 'x'.repeat(1025), principalType: 'User' }));
    expect(errors.some((e) => e.includes('userMetadata') && e.includes('1025 characters long'))).toBe(true);
    expect(errors.some((e) => e.includes("subscriber 'erp': principalType is set without principalId"))).toBe(true);
  });

  it('reports a principalId that is not a GUID', () => {
    const errors = errorsOf({}, (f) => f.addSubscriber('erp', { principalId: 'erp-app' }));
    expect(errors.some((e) => e.includes("principalId 'erp-app' is not a GUID"))).toBe(true);
  });

  it('reports more subscribers than the tier has consumer groups, also on an imported hub', () => {
    const add = (n: number) => (f: EventHubFanout) => {
      for (let i = 1; i <= n; i++) f.addSubscriber(`s${i}`);
    };
    expect(errorsOf({}, add(19))).toEqual([]);
    const errors = errorsOf({}, add(20));
    expect(errors.filter((e) => e.includes("20 consumer groups and '$Default' make 21, more than the 20 a Standard event hub allows"))).toHaveLength(1);
    expect(errorsOf({ namespaceOptions: { sku: EventHubSku.PREMIUM } }, add(20))).toEqual([]);
    const imported = errorsOf((c) => ({ existingEventHub: importedHub(c) }), add(20));
    expect(imported.filter((e) => e.startsWith('[test/hub]') && e.includes('more than the 20 a Standard event hub allows'))).toHaveLength(1);
  });
});
