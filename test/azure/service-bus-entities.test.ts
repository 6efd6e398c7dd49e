// The Service Bus queue, topic, Send-only rule and subscription blocks (fixtures: service-bus-fixtures.ts).
import { DataAzurermServicebusNamespace } from '@cdktf/provider-azurerm/lib/data-azurerm-servicebus-namespace';
import { TerraformOutput, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ServiceBusNamespace, ServiceBusQueue, ServiceBusSku, ServiceBusSubscription, ServiceBusTopic, ServiceBusTopicSendRule } from '../../src';
import { newStack, onlyResource, resourcesOf, synthJson, validationErrors } from '../helpers';
import { NS_ID, P, QUEUE_ID, SUBSCRIPTION_ID, TOPIC_ID, created, imported, roles } from './service-bus-fixtures';

describe('ServiceBusQueue', () => {
  it('defaults: dead-lettering on expiration, 10 deliveries, 14-day TTL, 1-minute lock', () => {
    const { stack, ns } = created();
    const q = new ServiceBusQueue(stack, 'queue', { serviceBusNamespace: ns });
    const r = onlyResource(synthJson(stack), 'azurerm_servicebus_queue');
    expect(r).toMatchObject({
      dead_lettering_on_message_expiration: true,
      max_delivery_count: 10,
      default_message_ttl: 'P14D',
      lock_duration: 'PT1M',
      namespace_id: '${azurerm_servicebus_namespace.ns.id}',
    });
    expect(Object.keys(resourcesOf(synthJson(stack), 'azurerm_servicebus_queue'))).toEqual(['queue']);
    expect(q.queueName).toMatch(/^sbq-test-queue-[0-9a-f]{6}$/);
    expect(r.name).toBe(q.queueName);
    new TerraformOutput(stack, 'id', { value: q.queueId });
    expect(synthJson(stack).output.id.value).toBe('${azurerm_servicebus_queue.queue.id}');
    expect(q.serviceBusNamespace).toBe(ns);
  });

  it('defaults: no duplicate detection (a 10-minute window when turned on), no sessions', () => {
    const { stack, ns } = created();
    new ServiceBusQueue(stack, 'plain', { serviceBusNamespace: ns, name: 'plain' });
    new ServiceBusQueue(stack, 'dedupe', { serviceBusNamespace: ns, name: 'dedupe', requiresDuplicateDetection: true });
    const queues = resourcesOf(synthJson(stack), 'azurerm_servicebus_queue');
    expect(queues.plain).toMatchObject({ requires_duplicate_detection: false, requires_session: false });
    expect(queues.plain).not.toHaveProperty('duplicate_detection_history_time_window');
    expect(queues.dedupe).toMatchObject({ requires_duplicate_detection: true, duplicate_detection_history_time_window: 'PT10M' });
  });

  it('defaults: 1024 MB, not partitioned on Standard; on Premium partitioning is left to the namespace', () => {
    const standard = created();
    new ServiceBusQueue(standard.stack, 'queue', { serviceBusNamespace: standard.ns });
    expect(onlyResource(synthJson(standard.stack), 'azurerm_servicebus_queue')).toMatchObject({ max_size_in_megabytes: 1024, partitioning_enabled: false });
    const premium = created(ServiceBusSku.PREMIUM);
    new ServiceBusQueue(premium.stack, 'queue', { serviceBusNamespace: premium.ns, maxSizeInMegabytes: 81920 });
    const r = onlyResource(synthJson(premium.stack), 'azurerm_servicebus_queue');
    expect(r.max_size_in_megabytes).toBe(81920);
    expect(r).not.toHaveProperty('partitioning_enabled');
  });

  it('validation: every problem of the props at once, under the queue path', () => {
    const { stack, ns } = created();
    new ServiceBusQueue(stack, 'queue', {
      serviceBusNamespace: ns,
      name: 'bad name',
      defaultMessageTtl: '14d',
      duplicateDetectionHistoryTimeWindow: 'PT10S',
      maxSizeInMegabytes: 8192,
      maxDeliveryCount: 2001,
      lockDuration: 'PT0S',
    });
    expect(validationErrors(stack)).toEqual([
      "[test/queue] name: entity name 'bad name' is not valid: it must contain letters, digits, periods, hyphens and underscores, starting with a letter or digit. Fix: choose a name that follows Azure's rule, or omit name to get a generated one.",
      "[test/queue] defaultMessageTtl '14d' is not an ISO 8601 duration. Fix: write it like 'PT5M', 'PT1H' or 'P14D'.",
      "[test/queue] duplicateDetectionHistoryTimeWindow 'PT10S' is out of range: it must be from 20 seconds to 7 days. Fix: choose a duration in that range.",
      '[test/queue] duplicateDetectionHistoryTimeWindow is set but duplicate detection is off. Fix: set requiresDuplicateDetection: true, or remove the window.',
      '[test/queue] maxSizeInMegabytes 8192 is not a Standard size. Fix: use one of 1024, 2048, 3072, 4096, 5120.',
      '[test/queue] maxDeliveryCount 2001 is out of range: it must be a whole number from 1 to 2000. Fix: choose a value in that range.',
      "[test/queue] lockDuration 'PT0S' is out of range: it must be from 5 seconds to 5 minutes. Fix: choose a duration in that range.",
    ]);
  });

  it('validation: partitioning on Premium; the size rule follows the namespace tier, imported ones included', () => {
    const premium = created(ServiceBusSku.PREMIUM);
    new ServiceBusQueue(premium.stack, 'queue', { serviceBusNamespace: premium.ns, partitioningEnabled: true, maxSizeInMegabytes: 2000 });
    expect(validationErrors(premium.stack)).toEqual([
      '[test/queue] maxSizeInMegabytes 2000 is not a Premium size. Fix: use a multiple of 1024 up to 81920.',
      '[test/queue] partitioningEnabled applies to Standard namespaces; Premium partitions the namespace instead. Fix: remove it and set premiumMessagingPartitions on the namespace.',
    ]);
    const { stack } = newStack();
    const shared = ServiceBusNamespace.fromServiceBusNamespaceAttributes(stack, 'shared', { serviceBusNamespaceId: NS_ID, sku: ServiceBusSku.PREMIUM });
    new ServiceBusQueue(stack, 'queue', { serviceBusNamespace: shared, maxSizeInMegabytes: 10240 });
    expect(validationErrors(stack)).toEqual([]);
  });

  it('importer: name from a literal id; the queue must be inside the given namespace', () => {
    const { stack, ns } = imported();
    const q = ServiceBusQueue.fromServiceBusQueueAttributes(stack, 'q', { serviceBusNamespace: ns, queueId: QUEUE_ID });
    expect([q.queueId, q.queueName, q.serviceBusNamespace.serviceBusNamespaceName]).toEqual([QUEUE_ID, 'orders', 'sb-shared']);
    expect(validationErrors(stack)).toEqual([]);
    ServiceBusQueue.fromServiceBusQueueAttributes(stack, 'elsewhere', { serviceBusNamespace: ns, queueId: QUEUE_ID.replace('sb-shared', 'sb-other') });
    ServiceBusQueue.fromServiceBusQueueAttributes(stack, 'topic', { serviceBusNamespace: ns, queueId: TOPIC_ID });
    ServiceBusQueue.fromServiceBusQueueAttributes(stack, 'liar', { serviceBusNamespace: ns, queueId: QUEUE_ID, queueName: 'invoices' });
    expect(validationErrors(stack)).toEqual([
      "[test/elsewhere] queueId names a resource inside 'sb-other' in resource group 'rg-shared', which is not serviceBusNamespace ('sb-shared' in resource group 'rg-shared'). Fix: import the resource with the serviceBusNamespace it belongs to.",
      `[test/topic] queueId '${TOPIC_ID.slice(0, 77)}...' is not the resource id of a Microsoft.ServiceBus/namespaces/queues. Fix: pass '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ServiceBus/namespaces/<name>/queues/<name>' (a data source's id fits).`,
      "[test/liar] queueName 'invoices' is not the name in queueId ('orders'). Fix: pass the name of that resource, or omit queueName.",
    ]);
  });

  it('importer: a reference id needs the name; missing attributes throw', () => {
    const { stack } = newStack();
    const data = new DataAzurermServicebusNamespace(stack, 'data', { name: 'sb-shared', resourceGroupName: 'rg-shared' });
    const ns = ServiceBusNamespace.fromServiceBusNamespaceAttributes(stack, 'ns', { serviceBusNamespaceId: data.id, serviceBusNamespaceName: data.name });
    const named = ServiceBusQueue.fromServiceBusQueueAttributes(stack, 'named', { serviceBusNamespace: ns, queueId: `${data.id}/queues/orders`, queueName: 'orders' });
    expect(named.queueName).toBe('orders');
    ServiceBusQueue.fromServiceBusQueueAttributes(stack, 'nameless', { serviceBusNamespace: ns, queueId: `${data.id}/queues/orders` });
    expect(validationErrors(stack)).toEqual([
      "[test/nameless] queueId is a Terraform reference, so ServiceBusQueue.fromServiceBusQueueAttributes cannot read the name from it at synth. Fix: pass queueName as well (e.g. the data source's name).",
    ]);
    expect(() => ServiceBusQueue.fromServiceBusQueueAttributes(stack, 'x', { queueId: QUEUE_ID } as any)).toThrow(
      'test/x: ServiceBusQueue.fromServiceBusQueueAttributes needs serviceBusNamespace. Fix:',
    );
    expect(() => new ServiceBusQueue(stack, 'y', {} as any)).toThrow('test/y: ServiceBusQueue needs serviceBusNamespace');
  });

  it('addSendOnlyRule: Send only, on the queue only; under the queue or the scope given', () => {
    const { stack, ns } = created();
    const q = new ServiceBusQueue(stack, 'queue', { serviceBusNamespace: ns });
    const own = q.addSendOnlyRule('crm', 'crm-send');
    const elsewhere = q.addSendOnlyRule('dataverse-send', 'dataverse-send', stack);
    const rules = resourcesOf(synthJson(stack), 'azurerm_servicebus_queue_authorization_rule');
    expect(Object.keys(rules).sort()).toEqual(['dataverse-send', expect.stringMatching(/^queue_crm_[0-9A-F]{8}$/)]);
    for (const r of Object.values<any>(rules)) expect(r).toMatchObject({ send: true, listen: false, manage: false, queue_id: '${azurerm_servicebus_queue.queue.id}' });
    expect([own.ruleName, elsewhere.ruleName]).toEqual(['crm-send', 'dataverse-send']);
    new TerraformOutput(stack, 'key', { value: own.primaryKey, sensitive: true });
    expect(synthJson(stack).output.key.value).toMatch(/^\$\{azurerm_servicebus_queue_authorization_rule\.queue_crm_[0-9A-F]{8}\.primary_key\}$/);
    expect(resourcesOf(synthJson(stack), 'azurerm_servicebus_namespace_authorization_rule')).toEqual({});
  });

  it('addSendOnlyRule on an imported queue; a bad rule name is reported', () => {
    const { stack, ns } = imported();
    ServiceBusQueue.fromServiceBusQueueAttributes(stack, 'q', { serviceBusNamespace: ns, queueId: QUEUE_ID }).addSendOnlyRule('send', 'send rule');
    expect(validationErrors(stack)).toEqual([
      "[test/q/send] name: authorization rule name 'send rule' is not valid: it must contain letters, digits, periods, hyphens and underscores, starting with a letter or digit. Fix: choose a name that follows Azure's rule, or omit name to get a generated one.",
    ]);
    expect(onlyResource(JSON.parse(Testing.synth(stack)), 'azurerm_servicebus_queue_authorization_rule').queue_id).toBe(QUEUE_ID);
  });
});

describe('ServiceBusTopic', () => {
  it('defaults: 14-day TTL, no duplicate detection, 1024 MB, not partitioned on Standard', () => {
    const { stack, ns } = created();
    const t = new ServiceBusTopic(stack, 'topic', { serviceBusNamespace: ns });
    const r = onlyResource(synthJson(stack), 'azurerm_servicebus_topic');
    expect(r).toMatchObject({ default_message_ttl: 'P14D', requires_duplicate_detection: false, max_size_in_megabytes: 1024, partitioning_enabled: false, name: t.topicName });
    expect(r).not.toHaveProperty('duplicate_detection_history_time_window');
    expect(t.topicName).toMatch(/^sbt-test-topic-[0-9a-f]{6}$/);
    expect(Object.keys(resourcesOf(synthJson(stack), 'azurerm_servicebus_topic'))).toEqual(['topic']);
  });

  it('validation under the topic path', () => {
    const { stack, ns } = created(ServiceBusSku.PREMIUM);
    new ServiceBusTopic(stack, 'topic', {
      serviceBusNamespace: ns,
      name: '-events',
      partitioningEnabled: false,
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: 'P8D',
    });
    expect(validationErrors(stack)).toEqual([
      "[test/topic] name: entity name '-events' is not valid: it must contain letters, digits, periods, hyphens and underscores, starting with a letter or digit. Fix: choose a name that follows Azure's rule, or omit name to get a generated one.",
      "[test/topic] duplicateDetectionHistoryTimeWindow 'P8D' is out of range: it must be from 20 seconds to 7 days. Fix: choose a duration in that range.",
      '[test/topic] partitioningEnabled applies to Standard namespaces; Premium partitions the namespace instead. Fix: remove it and set premiumMessagingPartitions on the namespace.',
    ]);
  });

  it('importer: literal id, reference id with a name, a queue id, a topic of another namespace', () => {
    const { stack, ns } = imported();
    const t = ServiceBusTopic.fromServiceBusTopicAttributes(stack, 't', { serviceBusNamespace: ns, topicId: TOPIC_ID });
    expect([t.topicName, t.serviceBusNamespace.fullyQualifiedNamespace]).toEqual(['events', 'sb-shared.servicebus.windows.net']);
    const data = new DataAzurermServicebusNamespace(stack, 'data', { name: 'sb-x', resourceGroupName: 'rg' });
    ServiceBusTopic.fromServiceBusTopicAttributes(stack, 'ref', { serviceBusNamespace: ns, topicId: `${data.id}/topics/x`, topicName: 'x' });
    ServiceBusTopic.fromServiceBusTopicAttributes(stack, 'nameless', { serviceBusNamespace: ns, topicId: `${data.id}/topics/x` });
    ServiceBusTopic.fromServiceBusTopicAttributes(stack, 'queue', { serviceBusNamespace: ns, topicId: QUEUE_ID });
    ServiceBusTopic.fromServiceBusTopicAttributes(stack, 'other', { serviceBusNamespace: ns, topicId: TOPIC_ID.replace('/namespaces/sb-shared/', '/namespaces/sb-other/') });
    expect(validationErrors(stack)).toEqual([
      "[test/nameless] topicId is a Terraform reference, so ServiceBusTopic.fromServiceBusTopicAttributes cannot read the name from it at synth. Fix: pass topicName as well (e.g. the data source's name).",
      `[test/queue] topicId '${QUEUE_ID.slice(0, 77)}...' is not the resource id of a Microsoft.ServiceBus/namespaces/topics. Fix: pass '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ServiceBus/namespaces/<name>/topics/<name>' (a data source's id fits).`,
      "[test/other] topicId names a resource inside 'sb-other' in resource group 'rg-shared', which is not serviceBusNamespace ('sb-shared' in resource group 'rg-shared'). Fix: import the resource with the serviceBusNamespace it belongs to.",
    ]);
  });

  it('addSendOnlyRule: Send only, on the topic only', () => {
    const { stack, ns } = created();
    const t = new ServiceBusTopic(stack, 'topic', { serviceBusNamespace: ns });
    const rule = t.addSendOnlyRule('dataverse-send', 'dataverse-send', stack);
    expect(onlyResource(synthJson(stack), 'azurerm_servicebus_topic_authorization_rule')).toMatchObject({
      name: 'dataverse-send',
      send: true,
      listen: false,
      manage: false,
      topic_id: '${azurerm_servicebus_topic.topic.id}',
    });
    new TerraformOutput(stack, 'key', { value: rule.primaryKey, sensitive: true });
    expect(synthJson(stack).output.key.value).toBe('${azurerm_servicebus_topic_authorization_rule.dataverse-send.primary_key}');
    expect(() => new ServiceBusTopicSendRule(stack, 'r', { topic: t } as any)).toThrow('test/r: ServiceBusTopicSendRule needs name');
  });
});

describe('ServiceBusSubscription', () => {
  function topicStack() {
    const ctx = created();
    const topic = new ServiceBusTopic(ctx.stack, 'topic', { serviceBusNamespace: ctx.ns, name: 'events' });
    return { ...ctx, topic };
  }

  it('defaults: 10 deliveries, 1-minute lock, dead-lettering on expiration, no sessions, the topic TTL', () => {
    const { stack, topic } = topicStack();
    const sub = new ServiceBusSubscription(stack, 'billing', { serviceBusTopic: topic, name: 'billing' });
    const r = onlyResource(synthJson(stack), 'azurerm_servicebus_subscription');
    expect(r).toMatchObject({
      name: 'billing',
      max_delivery_count: 10,
      lock_duration: 'PT1M',
      dead_lettering_on_message_expiration: true,
      requires_session: false,
      topic_id: '${azurerm_servicebus_topic.topic.id}',
    });
    expect(r).not.toHaveProperty('default_message_ttl');
    expect([sub.subscriptionName, sub.serviceBusTopic, sub.serviceBusNamespace.serviceBusNamespaceName]).toEqual([
      'billing',
      topic,
      topic.serviceBusNamespace.serviceBusNamespaceName,
    ]);
    const generated = new ServiceBusSubscription(stack, 'audit', { serviceBusTopic: topic });
    expect(generated.subscriptionName).toMatch(/^sbts-test-audit-[0-9a-f]{6}$/);
  });

  it('defaults: no filter rule; tables / messages filter on the properties Dataverse sets; sqlFilter your own', () => {
    const { stack, topic } = topicStack();
    const all = new ServiceBusSubscription(stack, 'all', { serviceBusTopic: topic, name: 'all' });
    new ServiceBusSubscription(stack, 'one', { serviceBusTopic: topic, name: 'one', tables: ['account'] });
    new ServiceBusSubscription(stack, 'many', { serviceBusTopic: topic, name: 'many', tables: ['account', 'contact'], messages: ['Create', 'Update'] });
    new ServiceBusSubscription(stack, 'own', { serviceBusTopic: topic, name: 'own', sqlFilter: "sys.Label = 'x'" });
    new ServiceBusSubscription(stack, 'empty', { serviceBusTopic: topic, name: 'empty', tables: [], messages: [] });
    expect(all.filterRule).toBeUndefined();
    const filters = Object.fromEntries(
      Object.values<any>(resourcesOf(synthJson(stack), 'azurerm_servicebus_subscription_rule')).map((r) => [
        r.subscription_id.split('.')[1].split('_')[0],
        [r.name, r.filter_type, r.sql_filter],
      ]),
    );
    const claim = (n: string) => `"http://schemas.microsoft.com/xrm/2011/Claims/${n}"`;
    expect(filters).toEqual({
      one: ['dataverse-filter', 'SqlFilter', `${claim('EntityLogicalName')} = 'account'`],
      many: ['dataverse-filter', 'SqlFilter', `${claim('EntityLogicalName')} IN ('account', 'contact') AND ${claim('RequestName')} IN ('Create', 'Update')`],
      own: ['dataverse-filter', 'SqlFilter', "sys.Label = 'x'"],
    });
  });

  it('defaults: no role assignment unless principalId or grantReceive', () => {
    const { stack, topic } = topicStack();
    new ServiceBusSubscription(stack, 'billing', { serviceBusTopic: topic, name: 'billing' });
    expect(roles(synthJson(stack))).toEqual([]);
  });

  it('validation: every problem at once, under the subscription path', () => {
    const { stack, topic } = topicStack();
    new ServiceBusSubscription(stack, 'bad', {
      serviceBusTopic: topic,
      name: 'a'.repeat(51),
      maxDeliveryCount: 0,
      lockDuration: 'PT6M',
      defaultMessageTtl: 'soon',
      sqlFilter: '1=1',
      tables: ['Account'],
      messages: ['Create it'],
    });
    expect(validationErrors(stack)).toEqual([
      `[test/bad] name: subscription name '${'a'.repeat(51)}' is not valid: it is 51 characters long and must be 1 to 50. Fix: choose a name that follows Azure's rule, or omit name to get a generated one.`,
      '[test/bad] maxDeliveryCount 0 is out of range: it must be a whole number from 1 to 2000. Fix: choose a value in that range.',
      "[test/bad] lockDuration 'PT6M' is out of range: it must be from 5 seconds to 5 minutes. Fix: choose a duration in that range.",
      "[test/bad] defaultMessageTtl 'soon' is not an ISO 8601 duration. Fix: write it like 'PT5M', 'PT1H' or 'P14D'.",
      '[test/bad] sqlFilter cannot be combined with tables or messages. Fix: use either your own sqlFilter or the tables/messages shorthand.',
      "[test/bad] tables: 'Account' is not a table logical name. Fix: use the lowercase logical name, e.g. 'account'.",
      "[test/bad] messages: 'Create it' is not a message name. Fix: use e.g. 'Create' or 'Update'.",
    ]);
  });

  it('importer: literal id inside the topic, reference id with a name; a subscription of another topic is an error', () => {
    const { stack, ns } = imported();
    const topic = ServiceBusTopic.fromServiceBusTopicAttributes(stack, 't', { serviceBusNamespace: ns, topicId: TOPIC_ID });
    const sub = ServiceBusSubscription.fromServiceBusSubscriptionAttributes(stack, 's', { serviceBusTopic: topic, subscriptionId: SUBSCRIPTION_ID });
    expect([sub.subscriptionName, sub.serviceBusNamespace.serviceBusNamespaceName]).toEqual(['billing', 'sb-shared']);
    sub.grantReceive(P);
    expect(roles(synthJson(stack))[0].scope).toBe(SUBSCRIPTION_ID);
    const data = new DataAzurermServicebusNamespace(stack, 'data', { name: 'sb-x', resourceGroupName: 'rg' });
    const byReference = ServiceBusSubscription.fromServiceBusSubscriptionAttributes(stack, 'ref', {
      serviceBusTopic: topic,
      subscriptionId: `${data.id}/topics/events/subscriptions/crm`,
      subscriptionName: 'crm',
    });
    expect(byReference.subscriptionName).toBe('crm');
    expect(validationErrors(stack)).toEqual([]);
    ServiceBusSubscription.fromServiceBusSubscriptionAttributes(stack, 'other', {
      serviceBusTopic: topic,
      subscriptionId: SUBSCRIPTION_ID.replace('/topics/events/', '/topics/audit/'),
    });
    ServiceBusSubscription.fromServiceBusSubscriptionAttributes(stack, 'queue', { serviceBusTopic: topic, subscriptionId: QUEUE_ID });
    expect(validationErrors(stack).map((e) => e.slice(0, e.indexOf(' ', e.indexOf(']') + 2)))).toEqual(['[test/other] subscriptionId', '[test/queue] subscriptionId']);
    expect(validationErrors(stack)[0]).toContain(
      "names a resource inside 'audit' in resource group 'rg-shared', which is not serviceBusTopic ('events' in resource group 'rg-shared')",
    );
    expect(validationErrors(stack)[1]).toContain('is not the resource id of a Microsoft.ServiceBus/namespaces/topics/subscriptions.');
    expect(() => ServiceBusSubscription.fromServiceBusSubscriptionAttributes(stack, 'x', { subscriptionId: SUBSCRIPTION_ID } as any)).toThrow(
      'ServiceBusSubscription.fromServiceBusSubscriptionAttributes needs serviceBusTopic',
    );
  });
});
