import { DataAzurermEventhubNamespace } from '@cdktf/provider-azurerm/lib/data-azurerm-eventhub-namespace';
import { Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  CaptureEncoding,
  EventHubFanout,
  EventHubFanoutProps,
  EventHubSku,
  ManifestFormat,
  MessageFormat,
  StepMode,
  StepStage,
  UserClaim,
} from '../../src';
import { fullSynth, newStack, onlyResource, readAllFiles, resourcesOf, secretLeaks, synthJson, tempDir, validationErrors } from '../helpers';

const steps = [
  { table: 'account', message: 'Create' },
  { table: 'account', message: 'Update', filteringAttributes: ['name', 'telephone1'] },
];
const EXISTING_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers/Microsoft.EventHub/namespaces/evhns-shared';
const STORAGE_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stlake';
const RG_REF = '${azurerm_resource_group.rg.name}';
const PRINCIPAL = '00000000-0000-0000-0000-000000000002';

function fanout(extra: Partial<EventHubFanoutProps> = {}) {
  const ctx = newStack();
  const construct = new EventHubFanout(ctx.stack, 'changes', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps, ...extra });
  return { ...ctx, fanout: construct };
}

/** Errors of a stack built with these props (and optional extra calls). */
function errorsOf(extra: Partial<EventHubFanoutProps>, more: (f: EventHubFanout) => void = () => undefined): string[] {
  const { stack, fanout: f } = fanout(extra);
  more(f);
  return validationErrors(stack);
}

function messages(construct: IConstruct, type: '@cdktf/warn' | '@cdktf/info'): string[] {
  return construct.node.metadata.filter((m) => m.type === type).map((m) => String(m.data));
}

function endpointRecord(manifest: any): any {
  return manifest.records.find((r: any) => r.table === 'serviceendpoint');
}

describe('EventHubFanout: default settings', () => {
  it('creates a Standard namespace: 1 throughput unit, no auto-inflate, TLS 1.2, public access, local auth (with an info annotation)', () => {
    const { stack, fanout: f } = fanout();
    const ns = onlyResource(synthJson(stack), 'azurerm_eventhub_namespace');
    expect(ns).toMatchObject({
      sku: 'Standard',
      capacity: 1,
      auto_inflate_enabled: false,
      minimum_tls_version: '1.2',
      local_authentication_enabled: true,
      public_network_access_enabled: true,
    });
    expect(ns.maximum_throughput_units).toBeUndefined();
    expect(ns.dedicated_cluster_id).toBeUndefined();
    expect(ns.name).toBe(f.namespaceName);
    expect(f.namespaceName).toMatch(/^evhns-test-changes-[0-9a-f]{8}$/);
    expect(f.sku).toBe(EventHubSku.STANDARD);
    expect(messages(f, '@cdktf/info').some((m) => m.includes('Local (SAS) authentication stays enabled') && m.includes(f.namespaceName))).toBe(true);
  });

  it('public network access can be turned off', () => {
    const { stack } = fanout({ namespaceOptions: { publicNetworkAccessEnabled: false } });
    expect(onlyResource(synthJson(stack), 'azurerm_eventhub_namespace').public_network_access_enabled).toBe(false);
  });

  it('creates one event hub with 4 partitions and 7 days retention, in the namespace', () => {
    const { stack, fanout: f } = fanout();
    const hub = onlyResource(synthJson(stack), 'azurerm_eventhub');
    expect(hub).toMatchObject({ partition_count: 4, message_retention: 7, name: f.eventHubName });
    expect(hub.namespace_id).toMatch(/^\$\{azurerm_eventhub_namespace\.changes_namespace_[0-9A-F]+\.id\}$/);
    expect(hub.capture_description).toBeUndefined();
    expect(f.eventHubName).toMatch(/^dataverse-test-changes-[0-9a-f]{6}$/);
  });

  it('gives Dataverse a Send-only rule on the event hub only, never a namespace key', () => {
    const { stack, fanout: f } = fanout();
    const synth = synthJson(stack);
    const rule = onlyResource(synth, 'azurerm_eventhub_authorization_rule');
    expect(rule).toMatchObject({ name: 'dataverse-send', send: true, listen: false, manage: false, namespace_name: f.namespaceName, resource_group_name: RG_REF });
    expect(rule.eventhub_name).toMatch(/^\$\{azurerm_eventhub\.changes_event-hub_[0-9A-F]+\.name\}$/);
    expect(Object.keys(resourcesOf(synth, 'azurerm_eventhub_namespace_authorization_rule'))).toHaveLength(0);
    expect(f.authorizationRule.sendInput).toBe(true);
  });

  it('registers an EventHub service endpoint (contract 7, SAS key, JSON, sb:// address, path = hub) with the key from a sensitive output', () => {
    const { stack, dataverse, fanout: f } = fanout();
    const synth = synthJson(stack);
    const endpoint = endpointRecord(dataverse.toManifest());
    expect(endpoint.columns).toMatchObject({
      contract: 7,
      authtype: 2,
      messageformat: 2,
      userclaim: 1,
      connectionmode: 1,
      namespaceaddress: `sb://${f.namespaceName}.servicebus.windows.net/`,
      namespaceformat: 2,
      solutionnamespace: f.namespaceName,
      path: f.eventHubName,
      saskeyname: 'dataverse-send',
      name: 'test/changes',
    });
    expect(endpoint.columns.saskey).toBeUndefined();
    expect(endpoint.fromOutputs).toEqual([{ column: 'saskey', output: f.sasKeyOutputName, sensitive: true }]);
    expect(endpoint.writeOnly).toEqual(['saskey']);
    expect(synth.output[f.sasKeyOutputName]).toMatchObject({ sensitive: true });
    expect(synth.output[f.sasKeyOutputName].value).toMatch(/azurerm_eventhub_authorization_rule\..*\.primary_key/);
  });

  it('registers one asynchronous post-operation step per entry, with lookups by name', () => {
    const { dataverse, fanout: f } = fanout();
    const manifest = dataverse.toManifest();
    const stepRecords = manifest.records.filter((r: any) => r.table === 'sdkmessageprocessingstep');
    expect(stepRecords.map((r: any) => r.path)).toEqual(['test/changes/step-account-Create', 'test/changes/step-account-Update']);
    for (const r of stepRecords) {
      expect(r.columns).toMatchObject({ stage: 40, mode: 1, rank: 1, asyncautodelete: true, supporteddeployment: 0 });
      expect(r.references).toEqual([expect.objectContaining({ column: 'eventhandler', navigation: 'eventhandler_serviceendpoint', id: f.endpoint.recordId })]);
    }
    expect(stepRecords[0].columns.filteringattributes).toBeUndefined();
    expect(stepRecords[1].columns.filteringattributes).toBe('name,telephone1');
    expect(stepRecords[1].lookups.map((l: any) => [l.column, l.filter])).toEqual([
      ['sdkmessageid', "name eq 'Update'"],
      ['sdkmessagefilterid', "primaryobjecttypecode eq 'account' and sdkmessageid/name eq 'Update'"],
    ]);
    expect(f.steps.map((s) => [s.stage, s.mode])).toEqual([
      [StepStage.POST_OPERATION, StepMode.ASYNCHRONOUS],
      [StepStage.POST_OPERATION, StepMode.ASYNCHRONOUS],
    ]);
  });

  it('addSubscriber adds a consumer group; with principalId also Azure Event Hubs Data Receiver on the hub', () => {
    const { stack, fanout: f } = fanout();
    const analytics = f.addSubscriber('analytics');
    const erp = f.addSubscriber('erp', { principalId: PRINCIPAL, principalType: 'ServicePrincipal', userMetadata: 'SAP ERP' });
    expect(analytics.roleAssignment).toBeUndefined();
    expect(erp.roleAssignment).toBeDefined();
    expect(f.consumerGroups).toEqual([analytics.consumerGroup, erp.consumerGroup]);
    expect(f.subscribers.map((s) => s.name)).toEqual(['analytics', 'erp']);
    const synth = synthJson(stack);
    const groups = Object.values(resourcesOf(synth, 'azurerm_eventhub_consumer_group'));
    expect(groups.map((g: any) => [g.name, g.namespace_name, g.resource_group_name, g.user_metadata])).toEqual([
      ['analytics', f.namespaceName, RG_REF, undefined],
      ['erp', f.namespaceName, RG_REF, 'SAP ERP'],
    ]);
    const role = onlyResource(synth, 'azurerm_role_assignment');
    expect(role).toMatchObject({ role_definition_name: 'Azure Event Hubs Data Receiver', principal_id: PRINCIPAL, principal_type: 'ServicePrincipal' });
    expect(role.scope).toMatch(/^\$\{azurerm_eventhub\.changes_event-hub_[0-9A-F]+\.id\}$/);
  });

  it('capture: off by default; with capture, Avro every 300 s / 314572800 bytes, empty windows skipped, into a created private container', () => {
    const { stack, fanout: f } = fanout({ capture: {} });
    const synth = synthJson(stack);
    const hub = onlyResource(synth, 'azurerm_eventhub');
    expect(hub.capture_description).toMatchObject({
      enabled: true,
      encoding: 'Avro',
      interval_in_seconds: 300,
      size_limit_in_bytes: 314572800,
      skip_empty_archives: true,
      destination: {
        name: 'EventHubArchive.AzureBlockBlob',
        archive_name_format: '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}',
      },
    });
    expect(hub.capture_description.destination.storage_account_id).toMatch(/azurerm_storage_account\..*\.id/);
    expect(hub.capture_description.destination.blob_container_name).toMatch(/azurerm_storage_container\..*\.name/);
    const account = onlyResource(synth, 'azurerm_storage_account');
    expect(account).toMatchObject({
      account_kind: 'StorageV2',
      account_tier: 'Standard',
      account_replication_type: 'LRS',
      https_traffic_only_enabled: true,
      min_tls_version: 'TLS1_2',
      allow_nested_items_to_be_public: false,
    });
    expect(account.name).toMatch(/^stcaptestchanges[0-9a-f]{8}$/);
    expect(onlyResource(synth, 'azurerm_storage_container')).toMatchObject({ name: 'eventhub-capture', container_access_type: 'private' });
    expect(f.captureStorageAccount).toBeDefined();
    expect(f.captureContainer).toBeDefined();
  });

  it('capture options override the defaults (skipEmptyArchives false, AvroDeflate, windows, format)', () => {
    const { stack } = fanout({
      capture: {
        skipEmptyArchives: false,
        encoding: CaptureEncoding.AVRO_DEFLATE,
        intervalInSeconds: 60,
        sizeLimitInBytes: 10485760,
        archiveNameFormat: '{EventHub}/{Namespace}/{PartitionId}/{Year}-{Month}-{Day}/{Hour}{Minute}{Second}',
        containerName: 'dataverse-events',
        storageAccountName: 'stdataverseevents',
      },
    });
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_eventhub').capture_description).toMatchObject({
      skip_empty_archives: false,
      encoding: 'AvroDeflate',
      interval_in_seconds: 60,
      size_limit_in_bytes: 10485760,
      destination: { archive_name_format: '{EventHub}/{Namespace}/{PartitionId}/{Year}-{Month}-{Day}/{Hour}{Minute}{Second}' },
    });
    expect(onlyResource(synth, 'azurerm_storage_account').name).toBe('stdataverseevents');
    expect(onlyResource(synth, 'azurerm_storage_container').name).toBe('dataverse-events');
  });

  it('capture into an existing storage account and container creates no storage resources', () => {
    const { stack, fanout: f } = fanout({ capture: { existingStorageAccountId: STORAGE_ID, containerName: 'lake' } });
    const synth = synthJson(stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_storage_account'))).toHaveLength(0);
    expect(Object.keys(resourcesOf(synth, 'azurerm_storage_container'))).toHaveLength(0);
    expect(onlyResource(synth, 'azurerm_eventhub').capture_description.destination).toMatchObject({ storage_account_id: STORAGE_ID, blob_container_name: 'lake' });
    expect(f.captureStorageAccount).toBeUndefined();
  });
});

describe('EventHubFanout: tiers', () => {
  it('Standard with auto-inflate sets the maximum throughput units', () => {
    const { stack } = fanout({ namespaceOptions: { capacity: 2, autoInflateEnabled: true, maximumThroughputUnits: 10 } });
    expect(onlyResource(synthJson(stack), 'azurerm_eventhub_namespace')).toMatchObject({ capacity: 2, auto_inflate_enabled: true, maximum_throughput_units: 10 });
  });

  it('Premium: processing units, no auto-inflate, up to 100 partitions and 90 days', () => {
    const { stack, fanout: f } = fanout({ namespaceOptions: { sku: EventHubSku.PREMIUM, capacity: 2 }, eventHub: { partitionCount: 100, messageRetentionInDays: 90 } });
    const synth = synthJson(stack);
    const ns = onlyResource(synth, 'azurerm_eventhub_namespace');
    expect(ns).toMatchObject({ sku: 'Premium', capacity: 2 });
    expect(ns.auto_inflate_enabled).toBeUndefined();
    expect(onlyResource(synth, 'azurerm_eventhub')).toMatchObject({ partition_count: 100, message_retention: 90 });
    expect(f.sku).toBe(EventHubSku.PREMIUM);
  });

  it('Dedicated: a Standard namespace in the given cluster, no capacity, up to 1024 partitions', () => {
    const cluster = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.EventHub/clusters/evhc';
    const { stack } = fanout({ namespaceOptions: { sku: EventHubSku.DEDICATED, dedicatedClusterId: cluster }, eventHub: { partitionCount: 1024 } });
    const synth = synthJson(stack);
    const ns = onlyResource(synth, 'azurerm_eventhub_namespace');
    expect(ns).toMatchObject({ sku: 'Standard', dedicated_cluster_id: cluster });
    expect(ns.capacity).toBeUndefined();
    expect(onlyResource(synth, 'azurerm_eventhub').partition_count).toBe(1024);
  });
});

describe('EventHubFanout: existing namespace', () => {
  it('creates no namespace; the hub, rule and consumer groups go into the given one (resource group read from its id)', () => {
    const { stack, dataverse, fanout: f } = fanout({ existingNamespace: { id: EXISTING_ID, name: 'evhns-shared' } });
    f.addSubscriber('analytics');
    const synth = synthJson(stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_eventhub_namespace'))).toHaveLength(0);
    expect(onlyResource(synth, 'azurerm_eventhub').namespace_id).toBe(EXISTING_ID);
    expect(onlyResource(synth, 'azurerm_eventhub_authorization_rule')).toMatchObject({ namespace_name: 'evhns-shared', resource_group_name: 'rg-shared' });
    expect(onlyResource(synth, 'azurerm_eventhub_consumer_group')).toMatchObject({ namespace_name: 'evhns-shared', resource_group_name: 'rg-shared' });
    expect(f.eventHubNamespace).toBeUndefined();
    expect(f.namespaceId).toBe(EXISTING_ID);
    expect(endpointRecord(dataverse.toManifest()).columns).toMatchObject({ namespaceaddress: 'sb://evhns-shared.servicebus.windows.net/', solutionnamespace: 'evhns-shared' });
  });

  it('a data source fits: the resource group is split out of its id at apply time', () => {
    const { stack, rg, dataverse } = newStack();
    const data = new DataAzurermEventhubNamespace(stack, 'shared', { name: 'evhns-shared', resourceGroupName: 'rg-shared' });
    new EventHubFanout(stack, 'changes', { dataverse, resourceGroup: rg, steps, existingNamespace: { id: data.id, name: 'evhns-shared' } });
    const rule = onlyResource(synthJson(stack), 'azurerm_eventhub_authorization_rule');
    expect(rule.resource_group_name).toBe('${element(split("/", data.azurerm_eventhub_namespace.shared.id), 4)}');
  });

  it('checks limits against the sku given for the existing namespace', () => {
    const existingNamespace = { id: EXISTING_ID, name: 'evhns-shared' };
    expect(errorsOf({ existingNamespace, eventHub: { partitionCount: 64 } }).some((e) => e.includes('eventHub.partitionCount (Standard) 64 is out of range'))).toBe(true);
    expect(errorsOf({ existingNamespace: { ...existingNamespace, sku: EventHubSku.PREMIUM }, eventHub: { partitionCount: 64 } })).toEqual([]);
  });
});

describe('EventHubFanout: validation', () => {
  const cases: Array<[string, Partial<EventHubFanoutProps>, string]> = [
    ['existing namespace and options together', { existingNamespace: { id: EXISTING_ID, name: 'x' }, namespaceOptions: {} }, 'conflicting props: existingNamespace with namespaceOptions'],
    ['Basic sku', { namespaceOptions: { sku: 'Basic' as EventHubSku } }, "namespaceOptions.sku 'Basic' is not supported"],
    ['existing id of another type', { existingNamespace: { id: STORAGE_ID, name: 'x' } }, 'is not the resource id of an Event Hubs namespace'],
    ['namespace name', { namespaceOptions: { name: 'ab' } }, "namespaceOptions.name: Event Hubs namespace name 'ab' is not valid"],
    ['namespace name ending -sb', { namespaceOptions: { name: 'contoso-sb' } }, "must not end with '-sb'"],
    ['hub name', { eventHub: { name: '-hub' } }, "eventHub.name: entity name '-hub' is not valid"],
    ['rule name', { authorizationRuleName: 'a b' }, "authorizationRuleName: authorization rule name 'a b' is not valid"],
    ['Standard capacity', { namespaceOptions: { capacity: 41 } }, 'namespaceOptions.capacity (throughput units) 41 is out of range'],
    ['auto-inflate without maximum', { namespaceOptions: { autoInflateEnabled: true } }, 'autoInflateEnabled is true but maximumThroughputUnits is not set'],
    ['maximum without auto-inflate', { namespaceOptions: { maximumThroughputUnits: 4 } }, 'maximumThroughputUnits 4 applies only with auto-inflate'],
    ['maximum not above capacity', { namespaceOptions: { capacity: 4, autoInflateEnabled: true, maximumThroughputUnits: 4 } }, 'maximumThroughputUnits 4 must be a whole number more than capacity (4) and at most 40'],
    ['maximum above 40', { namespaceOptions: { autoInflateEnabled: true, maximumThroughputUnits: 41 } }, 'maximumThroughputUnits 41 must be a whole number more than capacity (1) and at most 40'],
    ['auto-inflate on Premium', { namespaceOptions: { sku: EventHubSku.PREMIUM, autoInflateEnabled: true } }, 'namespaceOptions.autoInflateEnabled applies to Standard namespaces only'],
    ['maximum on Premium', { namespaceOptions: { sku: EventHubSku.PREMIUM, maximumThroughputUnits: 4 } }, 'namespaceOptions.maximumThroughputUnits applies to Standard namespaces only'],
    ['Premium capacity', { namespaceOptions: { sku: EventHubSku.PREMIUM, capacity: 3 } }, 'namespaceOptions.capacity (processing units) 3 is not allowed: use one of 1, 2, 4, 8, 16'],
    ['Dedicated without cluster', { namespaceOptions: { sku: EventHubSku.DEDICATED } }, 'sku is DEDICATED but dedicatedClusterId is not set'],
    ['Dedicated with capacity', { namespaceOptions: { sku: EventHubSku.DEDICATED, dedicatedClusterId: 'c', capacity: 2 } }, 'namespaceOptions.capacity 2 does not apply to a namespace in a Dedicated cluster'],
    ['cluster id on Standard', { namespaceOptions: { dedicatedClusterId: 'c' } }, 'namespaceOptions.dedicatedClusterId is set but sku is Standard'],
    ['Standard partitions', { eventHub: { partitionCount: 33 } }, 'eventHub.partitionCount (Standard) 33 is out of range: it must be a whole number from 1 to 32'],
    ['Premium partitions', { namespaceOptions: { sku: EventHubSku.PREMIUM }, eventHub: { partitionCount: 101 } }, 'eventHub.partitionCount (Premium) 101 is out of range: it must be a whole number from 1 to 100'],
    ['zero partitions', { eventHub: { partitionCount: 0 } }, 'eventHub.partitionCount (Standard) 0 is out of range'],
    ['Standard retention', { eventHub: { messageRetentionInDays: 8 } }, 'eventHub.messageRetentionInDays (Standard) 8 is out of range: it must be a whole number from 1 to 7'],
    ['Dedicated retention', { namespaceOptions: { sku: EventHubSku.DEDICATED, dedicatedClusterId: 'c' }, eventHub: { messageRetentionInDays: 91 } }, 'eventHub.messageRetentionInDays (Dedicated) 91 is out of range: it must be a whole number from 1 to 90'],
    ['capture account both ways', { capture: { existingStorageAccountId: STORAGE_ID, containerName: 'lake', storageAccountName: 'stx123' } }, 'conflicting props: capture.existingStorageAccountId with capture.storageAccountName'],
    ['capture existing without container', { capture: { existingStorageAccountId: STORAGE_ID } }, 'capture.existingStorageAccountId is set but capture.containerName is not'],
    ['capture id of another type', { capture: { existingStorageAccountId: EXISTING_ID, containerName: 'lake' } }, 'is not the resource id of a storage account'],
    ['capture account name', { capture: { storageAccountName: 'St-Capture' } }, "capture.storageAccountName: storage account name 'St-Capture' is not valid"],
    ['capture container name', { capture: { containerName: 'Capture--x' } }, "capture.containerName: blob container name 'Capture--x' is not valid"],
    ['capture encoding', { capture: { encoding: 'Parquet' as CaptureEncoding } }, "capture.encoding 'Parquet' is not supported"],
    ['capture interval', { capture: { intervalInSeconds: 30 } }, 'capture.intervalInSeconds 30 is out of range: it must be a whole number from 60 to 900'],
    ['capture size', { capture: { sizeLimitInBytes: 1024 } }, 'capture.sizeLimitInBytes 1024 is out of range: it must be a whole number from 10485760 to 524288000'],
    ['capture name format', { capture: { archiveNameFormat: '{Namespace}/{EventHub}/{Year}' } }, 'capture.archiveNameFormat \'{Namespace}/{EventHub}/{Year}\' lacks {PartitionId}, {Month}, {Day}, {Hour}, {Minute}, {Second}'],
    ['no steps', { steps: [] }, 'steps is empty'],
  ];
  for (const [title, props, expected] of cases) {
    it(`reports: ${title}`, () => {
      const errors = errorsOf(props);
      expect(errors.filter((e) => e.includes(expected))).toHaveLength(1);
      // Every message names the construct path and says how to fix it.
      for (const e of errors) {
        expect(e).toMatch(/^\[test\/changes/);
        expect(e).toContain('Fix:');
      }
    });
  }

  it('accepts the defaults and the documented boundaries', () => {
    expect(errorsOf({})).toEqual([]);
    expect(errorsOf({ eventHub: { partitionCount: 32, messageRetentionInDays: 7 }, namespaceOptions: { capacity: 39, autoInflateEnabled: true, maximumThroughputUnits: 40 } })).toEqual([]);
    expect(errorsOf({ capture: { intervalInSeconds: 900, sizeLimitInBytes: 524288000 } })).toEqual([]);
  });

  it('reports a subscriber added twice (case-insensitively)', () => {
    const errors = errorsOf({}, (f) => {
      f.addSubscriber('analytics');
      f.addSubscriber('Analytics');
    });
    expect(errors.filter((e) => e.includes("subscriber 'Analytics' is added twice"))).toHaveLength(1);
  });

  it("reports '$Default' as a subscriber name", () => {
    const errors = errorsOf({}, (f) => f.addSubscriber('$Default'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("'$Default' is the consumer group every event hub already has");
  });

  it('reports an invalid subscriber name', () => {
    const errors = errorsOf({}, (f) => f.addSubscriber('erp/finance'));
    expect(errors.filter((e) => e.includes("addSubscriber name: consumer group name 'erp/finance' is not valid"))).toHaveLength(1);
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

  it('reports more subscribers than the tier has consumer groups', () => {
    const add = (n: number) => (f: EventHubFanout) => {
      for (let i = 1; i <= n; i++) f.addSubscriber(`s${i}`);
    };
    expect(errorsOf({}, add(19))).toEqual([]);
    const errors = errorsOf({}, add(20));
    expect(errors.filter((e) => e.includes("20 subscribers need 21 consumer groups (with '$Default'), more than the 20 a Standard event hub allows"))).toHaveLength(1);
    expect(errorsOf({ namespaceOptions: { sku: EventHubSku.PREMIUM } }, add(20))).toEqual([]);
  });
});

describe('EventHubFanout: output', () => {
  function build(withSibling = false) {
    const ctx = newStack();
    const stack = ctx.stack;
    if (withSibling) new EventHubFanout(stack, 'aaa-sibling', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps });
    const f = new EventHubFanout(stack, 'changes', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps, capture: {} });
    f.addSubscriber('analytics');
    f.addSubscriber('erp', { principalId: PRINCIPAL });
    return { stack, dataverse: ctx.dataverse, fanout: f };
  }

  it('is deterministic: two synths are byte-identical, and ids do not move when a sibling is added', () => {
    const a = build();
    const b = build();
    expect(Testing.synth(a.stack, true)).toBe(Testing.synth(b.stack, true));
    expect(JSON.stringify(a.dataverse.toManifest())).toBe(JSON.stringify(b.dataverse.toManifest()));
    const c = build(true);
    expect(c.fanout.endpoint.recordId).toBe(a.fanout.endpoint.recordId);
    expect(c.fanout.steps.map((s) => s.recordId)).toEqual(a.fanout.steps.map((s) => s.recordId));
    expect([c.fanout.namespaceName, c.fanout.eventHubName]).toEqual([a.fanout.namespaceName, a.fanout.eventHubName]);
    expect(c.fanout.sasKeyOutputName).toBe(a.fanout.sasKeyOutputName);
  });

  it('writes no secret into any synthesized file', () => {
    const ctx = newStack({}, 'fanout', tempDir());
    const { app, stack } = ctx;
    const f = new EventHubFanout(stack, 'changes', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps, capture: {} });
    f.addSubscriber('erp', { principalId: PRINCIPAL });
    const files = readAllFiles(fullSynth(app, 'fanout'));
    expect(Object.keys(files).sort()).toEqual(['cdk.tf.json', ManifestFormat.FILE_NAME, 'diagram.dot', 'diagram.svg', 'policy-report.json']);
    const tf = JSON.parse(files['cdk.tf.json']);
    // Keys and connection strings appear only as references, and only in sensitive outputs.
    const secretRefs = /primary_key|secondary_key|connection_string|primary_access_key|secondary_access_key/;
    for (const [type, resources] of Object.entries<any>(tf.resource)) {
      expect(JSON.stringify(resources), type).not.toMatch(secretRefs);
    }
    const keyOutputs = Object.entries<any>(tf.output).filter(([, o]) => secretRefs.test(JSON.stringify(o.value)));
    expect(keyOutputs.map(([name]) => name)).toEqual([f.sasKeyOutputName]);
    expect(secretLeaks(files)).toEqual([]);
    expect(JSON.parse(files[ManifestFormat.FILE_NAME]).records.every((r: any) => r.columns.saskey === undefined)).toBe(true);
  });

  it('matches the snapshot (resources and manifest)', () => {
    const { stack, dataverse, fanout: f } = build();
    const synth = synthJson(stack);
    expect(Object.keys(synth.resource).sort()).toEqual([
      'azurerm_eventhub',
      'azurerm_eventhub_authorization_rule',
      'azurerm_eventhub_consumer_group',
      'azurerm_eventhub_namespace',
      'azurerm_resource_group',
      'azurerm_role_assignment',
      'azurerm_storage_account',
      'azurerm_storage_container',
    ]);
    expect(f.consumerGroups).toHaveLength(2);
    expect(synth).toMatchSnapshot();
    expect(dataverse.toManifest()).toMatchSnapshot();
  });

  it('honours messageFormat, userClaim and endpoint name/description', () => {
    const { dataverse } = fanout({ messageFormat: MessageFormat.TEXT_XML, userClaim: UserClaim.USER_ID, endpointName: 'Changes hub', endpointDescription: 'To analytics and ERP' });
    expect(endpointRecord(dataverse.toManifest()).columns).toMatchObject({ messageformat: 3, userclaim: 2, name: 'Changes hub', description: 'To analytics and ERP' });
  });
});

/** The fixture of newStack, inside a stack of the caller's app (for outdir-bound apps). */
