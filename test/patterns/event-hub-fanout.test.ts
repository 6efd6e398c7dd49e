import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPTURE, endpointRecord, fanout, messages, PRINCIPAL, RG_REF, STORAGE_ID, steps } from './event-hub-fixtures';
import { CaptureEncoding, EventHubFanout, EventHubSku, ManifestFormat, MessageFormat, StepMode, StepStage, StorageAccount, UserClaim } from '../../src';
import { PolicySuppressions } from '../../src/policy/suppressions';
import { fullSynth, newStack, onlyResource, readAllFiles, resourcesOf, secretLeaks, synthJson, tempDir } from '../helpers';

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
    expect(ns.name).toBe(f.eventHub.eventHubNamespace.eventHubNamespaceName);
    expect(f.eventHub.eventHubNamespace.eventHubNamespaceName).toMatch(/^evhns-test-changes-[0-9a-f]{8}$/);
    expect(f.eventHubNamespace.sku).toBe(EventHubSku.STANDARD);
    expect(messages(f, '@cdktf/info').some((m) => m.includes('Local (SAS) authentication stays enabled') && m.includes(f.eventHub.eventHubNamespace.eventHubNamespaceName))).toBe(
      true,
    );
  });

  it('public network access can be turned off', () => {
    const { stack } = fanout({ namespaceOptions: { publicNetworkAccessEnabled: false } });
    expect(onlyResource(synthJson(stack), 'azurerm_eventhub_namespace').public_network_access_enabled).toBe(false);
  });

  it('creates one event hub with 4 partitions and 7 days retention, in the namespace', () => {
    const { stack, fanout: f } = fanout();
    const hub = onlyResource(synthJson(stack), 'azurerm_eventhub');
    expect(hub).toMatchObject({ partition_count: 4, message_retention: 7, name: f.eventHub.eventHubName });
    expect(hub.namespace_id).toMatch(/^\$\{azurerm_eventhub_namespace\.changes_namespace_[0-9A-F]+\.id\}$/);
    expect(hub.capture_description).toBeUndefined();
    expect(f.eventHub.eventHubName).toMatch(/^dataverse-test-changes-[0-9a-f]{6}$/);
  });

  it('gives Dataverse a Send-only rule on the event hub only, never a namespace key', () => {
    const { stack, fanout: f } = fanout();
    const synth = synthJson(stack);
    const rule = onlyResource(synth, 'azurerm_eventhub_authorization_rule');
    expect(rule).toMatchObject({
      name: 'dataverse-send',
      send: true,
      listen: false,
      manage: false,
      namespace_name: f.eventHub.eventHubNamespace.eventHubNamespaceName,
      resource_group_name: RG_REF,
    });
    expect(rule.eventhub_name).toMatch(/^\$\{azurerm_eventhub\.changes_event-hub_[0-9A-F]+\.name\}$/);
    expect(Object.keys(resourcesOf(synth, 'azurerm_eventhub_namespace_authorization_rule'))).toHaveLength(0);
    expect(f.authorizationRule.resource.sendInput).toBe(true);
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
      namespaceaddress: `sb://${f.eventHub.eventHubNamespace.eventHubNamespaceName}.servicebus.windows.net/`,
      namespaceformat: 2,
      solutionnamespace: f.eventHub.eventHubNamespace.eventHubNamespaceName,
      path: f.eventHub.eventHubName,
      saskeyname: 'dataverse-send',
      name: 'test/changes',
    });
    expect(endpoint.columns.saskey).toBeUndefined();
    expect(endpoint.fromOutputs).toEqual([{ column: 'saskey', output: f.secretOutputName, sensitive: true }]);
    expect(endpoint.writeOnly).toEqual(['saskey']);
    expect(synth.output[f.secretOutputName]).toMatchObject({ sensitive: true });
    expect(synth.output[f.secretOutputName].value).toMatch(/azurerm_eventhub_authorization_rule\..*\.primary_key/);
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
      ['analytics', f.eventHub.eventHubNamespace.eventHubNamespaceName, RG_REF, undefined],
      ['erp', f.eventHub.eventHubNamespace.eventHubNamespaceName, RG_REF, 'SAP ERP'],
    ]);
    const role = onlyResource(synth, 'azurerm_role_assignment');
    expect(role).toMatchObject({ role_definition_name: 'Azure Event Hubs Data Receiver', principal_id: PRINCIPAL, principal_type: 'ServicePrincipal' });
    expect(role.scope).toMatch(/^\$\{azurerm_eventhub\.changes_event-hub_[0-9A-F]+\.id\}$/);
  });

  it('capture: off by default; with capture, Avro every 300 s / 314572800 bytes, empty windows skipped, into a created private container', () => {
    const { stack, fanout: f } = fanout({ capture: {} });
    const synth = synthJson(stack);
    const hub = onlyResource(synth, 'azurerm_eventhub');
    expect(hub.capture_description).toMatchObject(DEFAULT_CAPTURE);
    expect(hub.capture_description.destination.storage_account_id).toMatch(/azurerm_storage_account\..*\.id/);
    expect(hub.capture_description.destination.blob_container_name).toMatch(/azurerm_storage_container\..*\.name/);
    // The StorageAccount block's hardening, with shared keys on: Capture signs in with SAS.
    const account = onlyResource(synth, 'azurerm_storage_account');
    expect(account).toMatchObject({
      account_kind: 'StorageV2',
      account_tier: 'Standard',
      account_replication_type: 'LRS',
      https_traffic_only_enabled: true,
      min_tls_version: 'TLS1_2',
      allow_nested_items_to_be_public: false,
      shared_access_key_enabled: true,
      sas_policy: { expiration_period: '1.00:00:00', expiration_action: 'Log' },
      cross_tenant_replication_enabled: false,
      blob_properties: { delete_retention_policy: { days: 7 }, container_delete_retention_policy: { days: 7 } },
    });
    expect(account.name).toMatch(/^stcaptestchanges[0-9a-f]{8}$/);
    // Terraform addresses of 0.0.x stay.
    expect(Object.keys(resourcesOf(synth, 'azurerm_storage_account'))).toEqual(['changes_capture-storage_C48F1CC9']);
    expect(Object.keys(resourcesOf(synth, 'azurerm_storage_container'))).toEqual(['changes_capture-container_9C0238F2']);
    expect(onlyResource(synth, 'azurerm_storage_container')).toMatchObject({ name: 'eventhub-capture', container_access_type: 'private' });
    expect(f.captureStorageAccount).toBeInstanceOf(StorageAccount);
    expect(f.captureContainer).toBeDefined();
    const suppressions = (PolicySuppressions.of((f.captureStorageAccount as StorageAccount).resource) as any).entries.map((e: any) => e.ruleId);
    expect(suppressions).toContain('CKV2_AZURE_40');
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

  it('capture into an imported storage account and container creates no storage resources', () => {
    const { stack, fanout: f } = fanout((ctx) => ({
      capture: { existingStorageAccount: StorageAccount.fromStorageAccountAttributes(ctx.stack, 'lake', { storageAccountId: STORAGE_ID }), containerName: 'lake' },
    }));
    const synth = synthJson(stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_storage_account'))).toHaveLength(0);
    expect(Object.keys(resourcesOf(synth, 'azurerm_storage_container'))).toHaveLength(0);
    expect(onlyResource(synth, 'azurerm_eventhub').capture_description.destination).toMatchObject({ storage_account_id: STORAGE_ID, blob_container_name: 'lake' });
    expect(f.captureStorageAccount?.storageAccountName).toBe('stlake');
    expect(f.captureContainer).toBeUndefined();
  });

  it('capture into a StorageAccount block of the stack uses its id and creates no second account', () => {
    const { stack, fanout: f } = fanout((ctx) => ({
      capture: { existingStorageAccount: new StorageAccount(ctx.stack, 'lake', { resourceGroup: ctx.rg, sharedAccessKeyEnabled: true }), containerName: 'lake' },
    }));
    const synth = synthJson(stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_storage_account'))).toEqual(['lake']);
    expect(onlyResource(synth, 'azurerm_eventhub').capture_description.destination.storage_account_id).toBe('${azurerm_storage_account.lake.id}');
    expect(f.captureContainer).toBeUndefined();
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
    expect(f.eventHubNamespace.sku).toBe(EventHubSku.PREMIUM);
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
    expect([c.fanout.eventHub.eventHubNamespace.eventHubNamespaceName, c.fanout.eventHub.eventHubName]).toEqual([
      a.fanout.eventHub.eventHubNamespace.eventHubNamespaceName,
      a.fanout.eventHub.eventHubName,
    ]);
    expect(c.fanout.secretOutputName).toBe(a.fanout.secretOutputName);
  });

  it('writes no secret into any synthesized file', () => {
    const ctx = newStack({}, 'fanout', tempDir());
    const { app, stack } = ctx;
    const f = new EventHubFanout(stack, 'changes', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps, capture: {} });
    f.addSubscriber('erp', { principalId: PRINCIPAL });
    const files = readAllFiles(fullSynth(app, 'fanout'));
    expect(Object.keys(files).sort()).toEqual(['cdk.tf.json', ManifestFormat.FILE_NAME, 'policy-report.json']);
    const tf = JSON.parse(files['cdk.tf.json']);
    // Keys and connection strings appear only as references, and only in sensitive outputs.
    const secretRefs = /primary_key|secondary_key|connection_string|primary_access_key|secondary_access_key/;
    for (const [type, resources] of Object.entries<any>(tf.resource)) {
      expect(JSON.stringify(resources), type).not.toMatch(secretRefs);
    }
    const keyOutputs = Object.entries<any>(tf.output).filter(([, o]) => secretRefs.test(JSON.stringify(o.value)));
    expect(keyOutputs.map(([name]) => name)).toEqual([f.secretOutputName]);
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
