// The blocks' metric*() methods: created and imported blocks return the criteria of their own
// resource (the namespace metric filtered on the entity), with the catalogue's defaults and the
// given options; the criteria build a MetricAlert as they are.
import { describe, expect, it } from 'vitest';
import {
  ActionGroup,
  ApiManagement,
  ApplicationInsights,
  EventHub,
  EventHubNamespace,
  HybridConnection,
  LogAnalyticsWorkspace,
  MetricAggregation,
  MetricAlert,
  MetricOperator,
  RelayNamespace,
  ServiceBusNamespace,
  ServiceBusQueue,
  ServiceBusTopic,
} from '../../src';
import { newStack, onlyResource, synthJson } from '../helpers';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers';
const SB = `${SUB}/Microsoft.ServiceBus/namespaces/sb-shared`;
const EH = `${SUB}/Microsoft.EventHub/namespaces/evhns-shared`;
const RELAY = `${SUB}/Microsoft.Relay/namespaces/relay-shared`;
const APIM = `${SUB}/Microsoft.ApiManagement/service/apim-shared`;
const entity = (name: string) => [{ name: 'EntityName', values: [name] }];

describe('metric*() methods of the blocks', () => {
  it('Service Bus queue and topic (imported): the namespace metrics filtered on the entity, with the defaults', () => {
    const { stack } = newStack();
    const ns = ServiceBusNamespace.fromServiceBusNamespaceAttributes(stack, 'ns', { serviceBusNamespaceId: SB });
    const queue = ServiceBusQueue.fromServiceBusQueueAttributes(stack, 'q', { serviceBusNamespace: ns, queueId: `${SB}/queues/orders` });
    const topic = ServiceBusTopic.fromServiceBusTopicAttributes(stack, 't', { serviceBusNamespace: ns, topicId: `${SB}/topics/events` });
    expect(queue.metricDeadLetteredMessages()).toMatchObject({
      resourceId: SB,
      metricNamespace: 'Microsoft.ServiceBus/namespaces',
      metricName: 'DeadletteredMessages',
      aggregation: MetricAggregation.MAXIMUM,
      comparisonOperator: MetricOperator.GREATER_THAN,
      threshold: 0,
      severity: 1,
      dimensions: entity('orders'),
    });
    expect(queue.metricActiveMessages({ threshold: 5 })).toMatchObject({ metricName: 'ActiveMessages', aggregation: MetricAggregation.AVERAGE, threshold: 5, window: 'PT15M' });
    expect(topic.metricServerErrors()).toMatchObject({ metricName: 'ServerErrors', dimensions: entity('events') });
    expect(topic.metricThrottledRequests({ severity: 0 })).toMatchObject({ metricName: 'ThrottledRequests', severity: 0 });
  });

  it('a created queue: the namespace is a Terraform reference, the name the literal given', () => {
    const { stack, rg } = newStack();
    const ns = new ServiceBusNamespace(stack, 'ns', { resourceGroup: rg, name: 'sb-orders' });
    const queue = new ServiceBusQueue(stack, 'q', { serviceBusNamespace: ns, name: 'orders' });
    const c = queue.metricDeadLetteredMessages();
    expect(c.resourceId).toBe(ns.serviceBusNamespaceId);
    expect(c.dimensions).toEqual(entity('orders'));
    const oncall = ActionGroup.fromActionGroupAttributes(stack, 'oncall', { actionGroupId: `${SUB}/Microsoft.Insights/actionGroups/ag` });
    new MetricAlert(stack, 'dead', { resourceGroup: rg, actionGroup: oncall, criteria: c });
    expect(onlyResource(synthJson(stack), 'azurerm_monitor_metric_alert')).toMatchObject({
      scopes: ['${azurerm_servicebus_namespace.ns.id}'],
      criteria: [{ metric_name: 'DeadletteredMessages', dimension: [{ name: 'EntityName', operator: 'Include', values: ['orders'] }] }],
    });
  });

  it('event hub, hybrid connection, API Management and Application Insights', () => {
    const { stack, rg } = newStack();
    const hub = EventHub.fromEventHubAttributes(stack, 'hub', {
      eventHubNamespace: EventHubNamespace.fromEventHubNamespaceAttributes(stack, 'ehns', { eventHubNamespaceId: EH }),
      eventHubId: `${EH}/eventhubs/changes`,
    });
    expect(hub.metricThrottledRequests()).toMatchObject({
      resourceId: EH,
      metricNamespace: 'Microsoft.EventHub/namespaces',
      metricName: 'ThrottledRequests',
      dimensions: entity('changes'),
    });
    expect(hub.metricServerErrors().metricName).toBe('ServerErrors');
    expect(hub.metricQuotaExceededErrors().metricName).toBe('QuotaExceededErrors');

    const hc = HybridConnection.fromHybridConnectionAttributes(stack, 'hc', {
      relayNamespace: RelayNamespace.fromRelayNamespaceAttributes(stack, 'relay', { relayNamespaceId: RELAY }),
      hybridConnectionId: `${RELAY}/hybridConnections/onprem`,
    });
    expect(hc.metricActiveListeners()).toMatchObject({
      resourceId: RELAY,
      metricName: 'ActiveListeners',
      comparisonOperator: MetricOperator.LESS_THAN,
      threshold: 1,
      dimensions: entity('onprem'),
    });

    const apim = ApiManagement.fromApiManagementAttributes(stack, 'apim', { apiManagementId: APIM });
    expect(apim.metricServerErrors()).toMatchObject({ resourceId: APIM, metricName: 'Requests', dimensions: [{ name: 'GatewayResponseCodeCategory', values: ['5xx'] }] });
    expect(apim.metricCapacity({ threshold: 70 })).toMatchObject({ metricName: 'Capacity', threshold: 70, aggregation: MetricAggregation.AVERAGE });

    const workspace = LogAnalyticsWorkspace.fromLogAnalyticsWorkspaceAttributes(stack, 'law', { workspaceId: `${SUB}/Microsoft.OperationalInsights/workspaces/law` });
    const insights = new ApplicationInsights(stack, 'appi', { resourceGroup: rg, workspace });
    expect(insights.metricFailedRequests()).toMatchObject({
      resourceId: insights.applicationInsightsId,
      metricNamespace: 'microsoft.insights/components',
      metricName: 'requests/failed',
      aggregation: MetricAggregation.COUNT,
    });
    expect(insights.metricRequestDuration()).toMatchObject({ metricName: 'requests/duration', threshold: 45000, description: expect.stringContaining('60 seconds') });
  });
});
