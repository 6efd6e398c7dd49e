import * as fs from 'fs';
import * as path from 'path';
import { DataAzurermServicebusNamespace } from '@cdktf/provider-azurerm/lib/data-azurerm-servicebus-namespace';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import {
  DataverseTesting,
  MessageFormat,
  OutboundQueueIntegration,
  OutboundQueueIntegrationProps,
  ServiceBusEntityKind,
  ServiceBusNamespace,
  ServiceBusQueue,
  ServiceBusSku,
  ServiceBusTopic,
  ServiceEndpointAuthType,
  ServiceEndpointContract,
  StepMode,
  StepStage,
  UserClaim,
} from '../../src';
import { newStack, onlyResource, resourcesOf, synthJson, validationErrors, warningsOf } from '../helpers';

const steps = [
  { table: 'salesorder', message: 'Create' },
  { table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode'] },
];

type PropsOf = Partial<OutboundQueueIntegrationProps> | ((stack: TerraformStack) => Partial<OutboundQueueIntegrationProps>);

/** An integration in a new stack; props may be built in that stack (imported blocks). */
function build(props: PropsOf = {}) {
  const ctx = newStack();
  const extra = typeof props === 'function' ? props(ctx.stack) : props;
  const orders = new OutboundQueueIntegration(ctx.stack, 'orders', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps, ...extra });
  return { ...ctx, orders };
}

const NS_ID = '/subscriptions/s/resourceGroups/r/providers/Microsoft.ServiceBus/namespaces/sb-shared';
const sharedNamespace = (stack: TerraformStack) => ServiceBusNamespace.fromServiceBusNamespaceAttributes(stack, 'shared', { serviceBusNamespaceId: NS_ID });

function errorsOf(props: PropsOf): string[] {
  return validationErrors(build(props).stack);
}

describe('OutboundQueueIntegration: default settings', () => {
  const { stack, dataverse, orders } = build();
  const synth = synthJson(stack);
  const manifest = dataverse.toManifest();

  it('matches the snapshot', () => {
    expect(synth).toMatchSnapshot();
    expect(manifest).toMatchSnapshot();
  });

  it('Standard namespace with a generated deterministic name, TLS 1.2, a system-assigned identity, public access on, local auth on', () => {
    const ns = onlyResource(synth, 'azurerm_servicebus_namespace');
    expect(ns).toMatchObject({
      sku: 'Standard',
      minimum_tls_version: '1.2',
      local_auth_enabled: true,
      public_network_access_enabled: true,
      identity: { type: 'SystemAssigned' },
      location: '${azurerm_resource_group.rg.location}',
      resource_group_name: '${azurerm_resource_group.rg.name}',
    });
    expect(ns.name).toMatch(/^sb-test-orders-[0-9a-f]{8}$/);
    expect(ns.name).toBe(orders.serviceBusNamespace.serviceBusNamespaceName);
    expect(orders.serviceBusNamespace).toBeInstanceOf(ServiceBusNamespace);
    expect(orders.serviceBusNamespace.fullyQualifiedNamespace).toBe(`${ns.name}.servicebus.windows.net`);
    // Terraform addresses are those of 0.0.x: the blocks' resources have the construct id 'Default'.
    expect(Object.keys(resourcesOf(synth, 'azurerm_servicebus_namespace'))).toEqual(['orders_namespace_095C9D35']);
    expect(Object.keys(resourcesOf(synth, 'azurerm_servicebus_queue'))).toEqual(['orders_queue_A1AAE4D8']);
    expect(Object.keys(resourcesOf(synth, 'azurerm_servicebus_queue_authorization_rule'))).toEqual(['orders_dataverse-send_91BDC011']);
    expect(ns.capacity).toBeUndefined();
  });

  it('records why local auth stays on (info Annotation)', () => {
    const info = orders.node.metadata.filter((m) => m.type === '@cdktf/info').map((m) => String(m.data));
    expect(info.some((m) => m.includes('Local (SAS) authentication stays enabled') && m.includes('cannot authenticate with a managed identity'))).toBe(true);
  });

  it('queue: dead-lettering on expiration, 10 deliveries, P14D, PT1M, no duplicate detection, no sessions, 1024 MB', () => {
    const q = onlyResource(synth, 'azurerm_servicebus_queue');
    expect(q).toMatchObject({
      dead_lettering_on_message_expiration: true,
      max_delivery_count: 10,
      default_message_ttl: 'P14D',
      lock_duration: 'PT1M',
      requires_duplicate_detection: false,
      requires_session: false,
      max_size_in_megabytes: 1024,
      partitioning_enabled: false,
      name: orders.entityName,
    });
    expect(q.duplicate_detection_history_time_window).toBeUndefined();
    expect(q.namespace_id).toMatch(/^\$\{azurerm_servicebus_namespace\.[^.]+\.id\}$/);
  });

  it('Dataverse gets a Send-only rule on the queue only, never a namespace key', () => {
    const rule = onlyResource(synth, 'azurerm_servicebus_queue_authorization_rule');
    expect(rule).toMatchObject({ name: 'dataverse-send', send: true, listen: false, manage: false });
    expect(rule.queue_id).toMatch(/azurerm_servicebus_queue\./);
    expect(resourcesOf(synth, 'azurerm_servicebus_namespace_authorization_rule')).toEqual({});
  });

  it('service endpoint: contract Queue (2), SAS key auth, JSON, no user claim, key from a sensitive output', () => {
    const endpoint = manifest.records[0];
    expect(endpoint.table).toBe('serviceendpoint');
    expect(endpoint.columns).toMatchObject({
      contract: 2,
      authtype: 2,
      messageformat: 2,
      userclaim: 1,
      namespaceaddress: `sb://${orders.serviceBusNamespace.serviceBusNamespaceName}.servicebus.windows.net/`,
      solutionnamespace: orders.serviceBusNamespace.serviceBusNamespaceName,
      path: orders.entityName,
      saskeyname: 'dataverse-send',
    });
    expect(endpoint.fromOutputs).toEqual([{ column: 'saskey', output: orders.secretOutputName, sensitive: true }]);
    const output = synth.output[orders.secretOutputName];
    expect(output.sensitive).toBe(true);
    expect(output.value).toMatch(/^\$\{azurerm_servicebus_queue_authorization_rule\.[^.]+\.primary_key\}$/);
    expect(orders.authorizationRule.ruleName).toBe('dataverse-send');
  });

  it('steps: post-operation, asynchronous, rank 1, system job deleted on success, in the order given', () => {
    const stepRecords = manifest.records.filter((r) => r.table === 'sdkmessageprocessingstep');
    expect(stepRecords.map((r) => r.lookups[1].key)).toEqual([
      { table: 'salesorder', message: 'Create' },
      { table: 'salesorder', message: 'Update' },
    ]);
    for (const r of stepRecords) {
      expect(r.columns).toMatchObject({ stage: 40, mode: 1, rank: 1, asyncautodelete: true });
      expect(r.references[0].id).toBe(orders.endpoint.recordId);
    }
    expect(stepRecords[1].columns.filteringattributes).toBe('statuscode');
    expect(stepRecords[0].columns.filteringattributes).toBeUndefined();
    expect(orders.steps.map((s) => s.message)).toEqual(['Create', 'Update']);
  });

  it('the manifest lists endpoints before steps', () => {
    expect(manifest.records.map((r) => r.table)).toEqual(['serviceendpoint', 'sdkmessageprocessingstep', 'sdkmessageprocessingstep']);
  });
});

describe('OutboundQueueIntegration: read with the testing helpers', () => {
  it('a queue endpoint, one asynchronous post-operation step per definition, deployable', () => {
    const { stack, orders } = build();
    const synth = DataverseTesting.synth(stack);
    expect(synth).toHaveResource('azurerm_servicebus_queue_authorization_rule', { send: true, listen: false, manage: false });
    expect(synth).not.toHaveResource('azurerm_servicebus_namespace_authorization_rule');
    expect(synth).toHaveServiceEndpoint({ contract: ServiceEndpointContract.QUEUE, authType: ServiceEndpointAuthType.SAS_KEY, path: orders.entityName });
    expect(synth).toHaveStep({ table: 'salesorder', message: 'Create', stage: StepStage.POST_OPERATION, mode: StepMode.ASYNCHRONOUS });
    expect(synth).toHaveStep({ table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode'], endpoint: 'test/orders' });
    expect(stack).toBeDeployable();
  });

  it('a synchronous step deploys, with a warning that the message is sent at once and cannot be recalled', () => {
    const { stack, orders } = build({ steps: [{ table: 'salesorder', message: 'Create', mode: StepMode.SYNCHRONOUS, stage: StepStage.PRE_OPERATION }] });
    expect(stack).toBeDeployable();
    expect(warningsOf(orders.steps[0])).toEqual([expect.stringContaining('Step Create of salesorder is synchronous: Dataverse sends the message at once')]);
  });
});

describe('OutboundQueueIntegration: options', () => {
  it('grantReceive adds "Azure Service Bus Data Receiver" on the queue and returns it', () => {
    const { stack, orders } = build();
    const assignment = orders.grantReceive('00000000-0000-0000-0000-000000000001');
    const synth = synthJson(stack);
    const ra = onlyResource(synth, 'azurerm_role_assignment');
    expect(ra).toMatchObject({ role_definition_name: 'Azure Service Bus Data Receiver', principal_id: '00000000-0000-0000-0000-000000000001' });
    expect(ra.scope).toMatch(/^\$\{azurerm_servicebus_queue\.[^.]+\.id\}$/);
    expect(assignment.node.path).toMatch(/^test\/orders\/listen-[0-9a-f]{8}$/);
  });

  it('grantReceive validates the principal; a repeated grant returns the first assignment (one per principal, role and scope)', () => {
    const { stack, orders } = build();
    orders.grantReceive('not-a-guid');
    const first = orders.grantReceive('00000000-0000-0000-0000-000000000001');
    expect(orders.grantReceive('00000000-0000-0000-0000-0000000000AB'.toLowerCase())).not.toBe(first);
    expect(orders.grantReceive('00000000-0000-0000-0000-000000000001')).toBe(first);
    expect(orders.grantReceive('00000000-0000-0000-0000-000000000001'.toUpperCase())).toBe(first);
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("principalId 'not-a-guid' is not a GUID");
    const assignments = Object.values(resourcesOf(JSON.parse(Testing.synth(stack)), 'azurerm_role_assignment')) as any[];
    expect(assignments.map((a) => a.principal_id).sort()).toEqual(['00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000ab', 'not-a-guid']);
  });

  it('grantReceive accepts a Terraform reference as principal', () => {
    const { stack, orders } = build();
    const ns = new DataAzurermServicebusNamespace(stack, 'ref', { name: 'x', resourceGroupName: 'y' });
    orders.grantReceive(ns.id);
    expect(validationErrors(stack)).toEqual([]);
  });

  it('topic mode: a topic with a Send-only rule, contract Topic (5), subscriptions with SQL filters', () => {
    const { stack, dataverse, orders } = build({ entityKind: ServiceBusEntityKind.TOPIC });
    const erp = orders.addSubscription('erp', { tables: ['salesorder'], messages: ['Create', 'Update'], principalId: '00000000-0000-0000-0000-000000000002' });
    const audit = orders.addSubscription('audit');
    const synth = synthJson(stack);
    expect(resourcesOf(synth, 'azurerm_servicebus_queue')).toEqual({});
    const topic = onlyResource(synth, 'azurerm_servicebus_topic');
    expect(topic).toMatchObject({ default_message_ttl: 'P14D', requires_duplicate_detection: false, max_size_in_megabytes: 1024 });
    expect(onlyResource(synth, 'azurerm_servicebus_topic_authorization_rule')).toMatchObject({ send: true, listen: false, manage: false });
    const subs = Object.values(resourcesOf(synth, 'azurerm_servicebus_subscription'));
    expect(subs.map((s: any) => s.name).sort()).toEqual(['audit', 'erp']);
    expect(subs[0]).toMatchObject({ max_delivery_count: 10, dead_lettering_on_message_expiration: true, lock_duration: 'PT1M', requires_session: false });
    const rule = onlyResource(synth, 'azurerm_servicebus_subscription_rule');
    expect(rule).toMatchObject({
      filter_type: 'SqlFilter',
      sql_filter:
        "\"http://schemas.microsoft.com/xrm/2011/Claims/EntityLogicalName\" = 'salesorder' AND \"http://schemas.microsoft.com/xrm/2011/Claims/RequestName\" IN ('Create', 'Update')",
    });
    expect(erp.filterRule).toBeDefined();
    expect(audit.filterRule).toBeUndefined();
    expect(erp.subscriptionName).toBe('erp');
    expect(erp.serviceBusTopic).toBe(orders.topic);
    expect(onlyResource(synth, 'azurerm_role_assignment').scope).toMatch(/azurerm_servicebus_subscription\./);
    // principalId is a shortcut for the block's grantReceive: asking again returns the same assignment.
    const assignment = erp.grantReceive('00000000-0000-0000-0000-000000000002');
    expect(assignment.node.path).toMatch(/^test\/orders\/subscription-erp\/listen-[0-9a-f]{8}$/);
    expect(Object.keys(resourcesOf(synthJson(stack), 'azurerm_role_assignment'))).toEqual(['orders_subscription-erp_listen-90d5b0a2_062D7F31']);
    expect(Object.keys(resourcesOf(synth, 'azurerm_servicebus_topic'))).toEqual(['orders_topic_94BDF280']);
    // Terraform addresses of 0.0.x's subscriptions stay.
    expect(Object.keys(resourcesOf(synth, 'azurerm_servicebus_subscription')).sort()).toEqual([
      'orders_subscription-audit_subscription_49515DFF',
      'orders_subscription-erp_subscription_647B8428',
    ]);
    expect(Object.keys(resourcesOf(synth, 'azurerm_servicebus_subscription_rule'))).toEqual(['orders_subscription-erp_filter_B202E05D']);
    expect(dataverse.toManifest().records[0].columns.contract).toBe(5);
  });

  it('addSubscription in queue mode throws with the fix', () => {
    const { orders } = build();
    expect(() => orders.addSubscription('x')).toThrow(/\[test\/orders\] addSubscription\('x'\) needs topic mode.*Fix: set entityKind: ServiceBusEntityKind.TOPIC/);
  });

  it('subscription validation: name, durations, filters, repeats', () => {
    const { stack, orders } = build({ entityKind: ServiceBusEntityKind.TOPIC });
    orders.addSubscription('erp', { sqlFilter: '1=1', tables: ['account'] });
    orders.addSubscription('erp');
    orders.addSubscription('bad name!', { lockDuration: 'PT10M', maxDeliveryCount: 0, tables: ['Account'], messages: ['Create it'] });
    const errors = validationErrors(stack).map((e) => e.replace(/^\[[^\]]+\] /, ''));
    expect(errors).toEqual([
      'sqlFilter cannot be combined with tables or messages. Fix: use either your own sqlFilter or the tables/messages shorthand.',
      "subscription 'erp' is added twice. Fix: give each consumer its own subscription name.",
      "name: subscription name 'bad name!' is not valid: it must contain letters, digits, periods, hyphens and underscores, starting with a letter or digit. Fix: choose a name that follows Azure's rule, or omit name to get a generated one.",
      'maxDeliveryCount 0 is out of range: it must be a whole number from 1 to 2000. Fix: choose a value in that range.',
      "lockDuration 'PT10M' is out of range: it must be from 5 seconds to 5 minutes. Fix: choose a duration in that range.",
      "tables: 'Account' is not a table logical name. Fix: use the lowercase logical name, e.g. 'account'.",
      "messages: 'Create it' is not a message name. Fix: use e.g. 'Create' or 'Update'.",
    ]);
  });

  it('existing namespace: no namespace created, the queue goes into it', () => {
    const { stack, dataverse, orders } = build((st) => ({ existingNamespace: sharedNamespace(st) }));
    const synth = synthJson(stack);
    expect(resourcesOf(synth, 'azurerm_servicebus_namespace')).toEqual({});
    expect(onlyResource(synth, 'azurerm_servicebus_queue').namespace_id).toBe('/subscriptions/s/resourceGroups/r/providers/Microsoft.ServiceBus/namespaces/sb-shared');
    expect(dataverse.toManifest().records[0].columns).toMatchObject({ solutionnamespace: 'sb-shared', namespaceaddress: 'sb://sb-shared.servicebus.windows.net/' });
    expect(orders.serviceBusNamespace.serviceBusNamespaceId).toBe(NS_ID);
  });

  it('existing namespace from a data source: names travel through plain outputs', () => {
    const ctx = newStack();
    const ns = new DataAzurermServicebusNamespace(ctx.stack, 'shared', { name: 'sb-shared', resourceGroupName: 'rg-shared' });
    const existingNamespace = ServiceBusNamespace.fromServiceBusNamespaceAttributes(ctx.stack, 'imported', { serviceBusNamespaceId: ns.id, serviceBusNamespaceName: ns.name });
    new OutboundQueueIntegration(ctx.stack, 'orders', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps, existingNamespace });
    const endpoint = ctx.dataverse.toManifest().records[0];
    expect(endpoint.columns.solutionnamespace).toBeUndefined();
    expect(endpoint.fromOutputs.map((o) => [o.column, o.sensitive])).toEqual([
      ['namespaceaddress', false],
      ['solutionnamespace', false],
      ['saskey', true],
    ]);
    expect(validationErrors(ctx.stack)).toEqual([]);
  });

  it('existing namespace and namespace options together: one error listing the conflict', () => {
    const errors = errorsOf((st) => ({ existingNamespace: sharedNamespace(st), namespaceOptions: { sku: ServiceBusSku.PREMIUM } }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('conflicting props: existingNamespace with namespaceOptions');
    expect(errors[0]).toContain('Fix: pass either the existing resource or the options, not both.');
  });

  it('Premium: capacity and partitions default to 1, partitioning flag left to the namespace', () => {
    const { stack } = build({ namespaceOptions: { sku: ServiceBusSku.PREMIUM } });
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_servicebus_namespace')).toMatchObject({ sku: 'Premium', capacity: 1, premium_messaging_partitions: 1 });
    expect(onlyResource(synth, 'azurerm_servicebus_queue').partitioning_enabled).toBeUndefined();
  });

  it('defaults can be turned off and overridden', () => {
    const { stack, dataverse } = build({
      namespaceOptions: { name: 'sb-contoso-orders', publicNetworkAccessEnabled: false },
      queue: {
        name: 'orders',
        deadLetteringOnMessageExpiration: false,
        requiresDuplicateDetection: true,
        requiresSession: true,
        maxDeliveryCount: 3,
        lockDuration: 'PT30S',
        defaultMessageTtl: 'P1D',
      },
      authorizationRuleName: 'crm-send',
      endpointName: 'Orders to Service Bus',
      messageFormat: MessageFormat.TEXT_XML,
      userClaim: UserClaim.USER_ID,
      tags: { env: 'test' },
    });
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_servicebus_namespace')).toMatchObject({ name: 'sb-contoso-orders', public_network_access_enabled: false, tags: { env: 'test' } });
    expect(onlyResource(synth, 'azurerm_servicebus_queue')).toMatchObject({
      name: 'orders',
      dead_lettering_on_message_expiration: false,
      requires_duplicate_detection: true,
      duplicate_detection_history_time_window: 'PT10M',
      requires_session: true,
      max_delivery_count: 3,
      lock_duration: 'PT30S',
      default_message_ttl: 'P1D',
    });
    expect(onlyResource(synth, 'azurerm_servicebus_queue_authorization_rule').name).toBe('crm-send');
    expect(dataverse.toManifest().records[0].columns).toMatchObject({ name: 'Orders to Service Bus', messageformat: 3, userclaim: 2, saskeyname: 'crm-send', path: 'orders' });
  });

  // Each block reports its own props, under its own path (namespace, queue, the Send-only rule).
  it.each<[string, Partial<OutboundQueueIntegrationProps>, string, string]>([
    [
      'namespace name rule',
      { namespaceOptions: { name: 'sb-orders-sb' } },
      'namespace',
      "name: Service Bus namespace name 'sb-orders-sb' is not valid: it must not end with '-sb' or '-mgmt'",
    ],
    ['namespace name length', { namespaceOptions: { name: 'sb' } }, 'namespace', "name: Service Bus namespace name 'sb' is not valid: it is 2 characters long and must be 6 to 50"],
    [
      'capacity only on Premium',
      { namespaceOptions: { capacity: 2 } },
      'namespace',
      'capacity 2 applies to Premium namespaces only. Fix: remove capacity, or set sku: ServiceBusSku.PREMIUM.',
    ],
    [
      'partitions only on Premium',
      { namespaceOptions: { premiumMessagingPartitions: 2 } },
      'namespace',
      'premiumMessagingPartitions 2 applies to Premium namespaces only. Fix: remove it',
    ],
    ['capacity values', { namespaceOptions: { sku: ServiceBusSku.PREMIUM, capacity: 3 } }, 'namespace', 'capacity 3 is not allowed: use one of 1, 2, 4, 8, 16'],
    [
      'partition values',
      { namespaceOptions: { sku: ServiceBusSku.PREMIUM, premiumMessagingPartitions: 3 } },
      'namespace',
      'premiumMessagingPartitions 3 is not allowed: use one of 1, 2, 4',
    ],
    ['sku values', { namespaceOptions: { sku: 'Basic' as ServiceBusSku } }, 'namespace', "sku 'Basic' is not supported. Fix: use ServiceBusSku.STANDARD or ServiceBusSku.PREMIUM"],
    ['queue options in topic mode', { entityKind: ServiceBusEntityKind.TOPIC, queue: {} }, '', 'queue options were given, but entityKind is TOPIC'],
    ['topic options in queue mode', { topic: {} }, '', 'topic options were given, but entityKind is QUEUE'],
    ['queue name', { queue: { name: '-orders' } }, 'queue', "name: entity name '-orders' is not valid"],
    ['TTL format', { queue: { defaultMessageTtl: '14 days' } }, 'queue', "defaultMessageTtl '14 days' is not an ISO 8601 duration"],
    [
      'duplicate window range',
      { queue: { requiresDuplicateDetection: true, duplicateDetectionHistoryTimeWindow: 'P8D' } },
      'queue',
      "duplicateDetectionHistoryTimeWindow 'P8D' is out of range: it must be from 20 seconds to 7 days",
    ],
    [
      'duplicate window without detection',
      { queue: { duplicateDetectionHistoryTimeWindow: 'PT5M' } },
      'queue',
      'duplicateDetectionHistoryTimeWindow is set but duplicate detection is off',
    ],
    ['Standard sizes', { queue: { maxSizeInMegabytes: 2000 } }, 'queue', 'maxSizeInMegabytes 2000 is not a Standard size. Fix: use one of 1024, 2048, 3072, 4096, 5120.'],
    [
      'Premium sizes',
      { namespaceOptions: { sku: ServiceBusSku.PREMIUM }, queue: { maxSizeInMegabytes: 1000 } },
      'queue',
      'maxSizeInMegabytes 1000 is not a Premium size. Fix: use a multiple of 1024 up to 81920.',
    ],
    [
      'partitioning on Premium',
      { namespaceOptions: { sku: ServiceBusSku.PREMIUM }, queue: { partitioningEnabled: true } },
      'queue',
      'partitioningEnabled applies to Standard namespaces',
    ],
    ['topic size', { entityKind: ServiceBusEntityKind.TOPIC, topic: { maxSizeInMegabytes: 6144 } }, 'topic', 'maxSizeInMegabytes 6144 is not a Standard size'],
    ['max delivery count', { queue: { maxDeliveryCount: 0 } }, 'queue', 'maxDeliveryCount 0 is out of range'],
    ['lock duration', { queue: { lockDuration: 'PT6M' } }, 'queue', "lockDuration 'PT6M' is out of range: it must be from 5 seconds to 5 minutes"],
    ['rule name', { authorizationRuleName: 'send rule' }, 'dataverse-send', "name: authorization rule name 'send rule' is not valid"],
    ['empty steps', { steps: [] }, '', 'steps is empty: nothing would be registered in Dataverse'],
    ['repeated step', { steps: [steps[0], steps[0]] }, '', "steps: two steps share the key 'salesorder-Create' (same table and message)"],
  ])('validation: %s', (_name, props, child, expected) => {
    const errors = errorsOf(props);
    const hit = errors.find((e) => e.includes(expected));
    expect(hit, `expected "${expected}" in:\n${errors.join('\n')}`).toBeDefined();
    expect(hit!.startsWith(`[test/orders${child ? `/${child}` : ''}] `), hit).toBe(true);
    expect(hit).toContain('Fix:');
  });

  it('reports every problem together and creates nothing on disk when validation fails', () => {
    const { stack, app } = build({ namespaceOptions: { name: 'x', capacity: 3 }, queue: { maxSizeInMegabytes: 7 } });
    expect(validationErrors(stack).length).toBe(4);
    expect(() => app.synth()).toThrow(/Validation failed/);
    expect(fs.existsSync(path.join(app.outdir, 'stacks', 'test', 'cdk.tf.json'))).toBe(false);
    expect(fs.existsSync(path.join(app.outdir, 'stacks', 'test', 'dataverse-registrations.json'))).toBe(false);
  });

  it('two integrations in one stack do not collide', () => {
    const { stack, dataverse, rg } = newStack();
    const a = new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps });
    const b = new OutboundQueueIntegration(stack, 'invoices', { dataverse, resourceGroup: rg, steps: [{ table: 'invoice', message: 'Create' }] });
    const synth = synthJson(stack);
    expect(a.serviceBusNamespace.serviceBusNamespaceName).not.toBe(b.serviceBusNamespace.serviceBusNamespaceName);
    expect(a.secretOutputName).not.toBe(b.secretOutputName);
    expect(Object.keys(synth.output)).toHaveLength(2);
    expect(new Set(dataverse.toManifest().records.map((r) => r.id)).size).toBe(5);
  });

  it('generated names stay within Azure limits for long construct paths', () => {
    const { stack, dataverse, rg } = newStack();
    const long = new OutboundQueueIntegration(stack, 'a-very-long-integration-name-that-goes-on-and-on-and-on', { dataverse, resourceGroup: rg, steps });
    expect(long.serviceBusNamespace.serviceBusNamespaceName.length).toBeLessThanOrEqual(50);
    expect(long.entityName.length).toBeLessThanOrEqual(160);
    expect(validationErrors(stack)).toEqual([]);
    expect(Testing.synth(stack)).toContain(long.serviceBusNamespace.serviceBusNamespaceName);
  });
});

describe('OutboundQueueIntegration: existing Service Bus blocks', () => {
  const QUEUE_ID = `${NS_ID}/queues/crm-orders`;
  const TOPIC_ID = `${NS_ID}/topics/crm-events`;
  const P = '00000000-0000-0000-0000-000000000003';

  it('existing queue: nothing created in Azure but the Send-only rule on it; the endpoint names its namespace and queue', () => {
    const { stack, dataverse, orders } = build((st) => ({
      existingQueue: ServiceBusQueue.fromServiceBusQueueAttributes(st, 'crm-orders', { serviceBusNamespace: sharedNamespace(st), queueId: QUEUE_ID }),
    }));
    const synth = synthJson(stack);
    expect(Object.keys(synth.resource).sort()).toEqual(['azurerm_resource_group', 'azurerm_servicebus_queue_authorization_rule']);
    expect(synth.resource.azurerm_servicebus_queue_authorization_rule).toEqual({
      'orders_dataverse-send_91BDC011': expect.objectContaining({ queue_id: QUEUE_ID, send: true, listen: false, manage: false, name: 'dataverse-send' }),
    });
    expect(orders.entityKind).toBe(ServiceBusEntityKind.QUEUE);
    expect([orders.entityName, orders.entityId, orders.serviceBusNamespace.serviceBusNamespaceName]).toEqual(['crm-orders', QUEUE_ID, 'sb-shared']);
    expect(dataverse.toManifest().records[0].columns).toMatchObject({
      contract: 2,
      solutionnamespace: 'sb-shared',
      path: 'crm-orders',
      namespaceaddress: 'sb://sb-shared.servicebus.windows.net/',
    });
    orders.grantReceive(P);
    expect(onlyResource(synthJson(stack), 'azurerm_role_assignment')).toMatchObject({ scope: QUEUE_ID, role_definition_name: 'Azure Service Bus Data Receiver' });
  });

  it('existing topic: topic mode without entityKind, contract Topic, subscriptions on the existing topic', () => {
    const { stack, dataverse, orders } = build((st) => ({
      existingTopic: ServiceBusTopic.fromServiceBusTopicAttributes(st, 'crm-events', { serviceBusNamespace: sharedNamespace(st), topicId: TOPIC_ID }),
    }));
    const billing = orders.addSubscription('billing', { tables: ['invoice'] });
    const synth = synthJson(stack);
    expect(orders.entityKind).toBe(ServiceBusEntityKind.TOPIC);
    expect(resourcesOf(synth, 'azurerm_servicebus_topic')).toEqual({});
    expect(onlyResource(synth, 'azurerm_servicebus_topic_authorization_rule')).toMatchObject({ topic_id: TOPIC_ID, send: true, listen: false, manage: false });
    expect(onlyResource(synth, 'azurerm_servicebus_subscription')).toMatchObject({ name: 'billing', topic_id: TOPIC_ID });
    expect(billing.serviceBusNamespace.serviceBusNamespaceName).toBe('sb-shared');
    expect(dataverse.toManifest().records[0].columns).toMatchObject({ contract: 5, path: 'crm-events', solutionnamespace: 'sb-shared' });
  });

  it('the existing entity brings its namespace; conflicting props give one error listing every pair', () => {
    const errors = errorsOf((st) => ({
      existingQueue: ServiceBusQueue.fromServiceBusQueueAttributes(st, 'q', { serviceBusNamespace: sharedNamespace(st), queueId: QUEUE_ID }),
      existingNamespace: ServiceBusNamespace.fromServiceBusNamespaceAttributes(st, 'other', { serviceBusNamespaceId: NS_ID.replace('sb-shared', 'sb-other') }),
      namespaceOptions: { name: 'sb-new-namespace' },
      queue: { maxDeliveryCount: 3 },
    }));
    expect(errors).toEqual([
      '[test/orders] conflicting props: existingNamespace with namespaceOptions; existingQueue with namespaceOptions; existingQueue with existingNamespace; existingQueue with queue. An existing resource is used as it is, so options for creating one would be ignored. Fix: pass either the existing resource or the options, not both.',
    ]);
  });

  it('an existing queue and an existing topic, or an existing entity of the other kind, are errors', () => {
    const both = errorsOf((st) => ({
      existingQueue: ServiceBusQueue.fromServiceBusQueueAttributes(st, 'q', { serviceBusNamespace: sharedNamespace(st), queueId: QUEUE_ID }),
      existingTopic: ServiceBusTopic.fromServiceBusTopicAttributes(st, 't', {
        serviceBusNamespace: ServiceBusNamespace.fromServiceBusNamespaceAttributes(st, 'n2', { serviceBusNamespaceId: NS_ID }),
        topicId: TOPIC_ID,
      }),
    }));
    expect(both).toEqual(['[test/orders] existingQueue and existingTopic were both given; Dataverse posts to one entity. Fix: pass one of them (one integration per entity).']);
    const queueAsTopic = errorsOf((st) => ({
      entityKind: ServiceBusEntityKind.TOPIC,
      existingQueue: ServiceBusQueue.fromServiceBusQueueAttributes(st, 'q', { serviceBusNamespace: sharedNamespace(st), queueId: QUEUE_ID }),
    }));
    expect(queueAsTopic).toContain(
      '[test/orders] existingQueue was given, but entityKind is TOPIC. Fix: drop entityKind (an existing queue means queue mode), or pass existingTopic.',
    );
    const topicAsQueue = errorsOf((st) => ({
      entityKind: ServiceBusEntityKind.QUEUE,
      existingTopic: ServiceBusTopic.fromServiceBusTopicAttributes(st, 't', { serviceBusNamespace: sharedNamespace(st), topicId: TOPIC_ID }),
    }));
    expect(topicAsQueue).toContain(
      '[test/orders] existingTopic was given, but entityKind is QUEUE. Fix: drop entityKind (an existing topic means topic mode), or pass existingQueue.',
    );
  });

  it("0.0.x's { id, name } reference struct, or anything else that is not a block, throws naming the prop and the importer", () => {
    expect(() => build({ existingNamespace: { id: NS_ID, name: 'sb-shared' } as any })).toThrow(
      "test/orders: OutboundQueueIntegration's existingNamespace has no serviceBusNamespaceId, so it is not a Service Bus block (0.0.x took { id, name }). Fix: pass ServiceBusNamespace.fromServiceBusNamespaceAttributes(this, '<id>', { ... })",
    );
    expect(() => build({ existingQueue: 'crm-orders' as any })).toThrow(
      'existingQueue has no queueId, so it is not a Service Bus block (0.0.x took { id, name }). Fix: pass ServiceBusQueue.fromServiceBusQueueAttributes',
    );
    expect(() => build({ existingTopic: null as any })).toThrow('existingTopic has no topicId');
    expect(() => new OutboundQueueIntegration(newStack().stack, 'x', { steps } as any)).toThrow('test/x: OutboundQueueIntegration needs dataverse, resourceGroup. Fix:');
  });
});

describe('OutboundQueueIntegration: grants', () => {
  const P = '00000000-0000-0000-0000-000000000004';

  it('grantSend adds "Azure Service Bus Data Sender" on the entity; a grant through the block is the same assignment', () => {
    const { stack, orders } = build();
    const send = orders.grantSend(P, { principalType: 'ServicePrincipal' });
    const receive = orders.grantReceive(P);
    expect(orders.queue!.grantReceive(P)).toBe(receive);
    expect(orders.queue!.grantSend(P)).toBe(send);
    const assignments = Object.values(resourcesOf(synthJson(stack), 'azurerm_role_assignment')) as any[];
    expect(assignments.map((a) => [a.role_definition_name, a.scope, a.principal_type])).toEqual([
      ['Azure Service Bus Data Receiver', '${azurerm_servicebus_queue.orders_queue_A1AAE4D8.id}', undefined],
      ['Azure Service Bus Data Sender', '${azurerm_servicebus_queue.orders_queue_A1AAE4D8.id}', 'ServicePrincipal'],
    ]);
    expect(send.node.path).toMatch(/^test\/orders\/send-[0-9a-f]{8}$/);
  });

  it('topic mode: grants on the topic; a subscription grant is scoped to the subscription only', () => {
    const { stack, orders } = build({ entityKind: ServiceBusEntityKind.TOPIC });
    orders.grantSend(P);
    orders.addSubscription('erp').grantReceive(P);
    const scopes = (Object.values(resourcesOf(synthJson(stack), 'azurerm_role_assignment')) as any[]).map((a) => [a.role_definition_name, a.scope]);
    expect(scopes.sort()).toEqual([
      ['Azure Service Bus Data Receiver', '${azurerm_servicebus_subscription.orders_subscription-erp_subscription_647B8428.id}'],
      ['Azure Service Bus Data Sender', '${azurerm_servicebus_topic.orders_topic_94BDF280.id}'],
    ]);
  });
});
