// The expected names, aggregations and dimensions are those of Azure Monitor's "Supported metrics"
// tables (MicrosoftDocs/azure-reference-other, azure-monitor-ref/supported-metrics/includes/
// microsoft-{servicebus,eventhub,relay}-namespaces-, microsoft-insights-components-,
// microsoft-apimanagement-service-metrics-include.md), typed here from the tables, not from our code.
import { TerraformVariable } from 'cdktf';
// eslint-disable-next-line import/no-extraneous-dependencies
import { resolve } from 'cdktf/lib/_tokens';
import { describe, expect, it } from 'vitest';
import { MetricAggregation, MetricOperator } from '../../src';
import {
  apiManagementMetric,
  applicationInsightsMetric,
  catalogueMetric,
  eventHubsMetric,
  relayMetric,
  serviceBusMetric,
  SERVICE_BUS_METRICS,
} from '../../src/azure/alerts-catalogue';
import { checkCriteria } from '../../src/azure/alerts-checks';
import { Problems } from '../../src/core/problems';
import { newStack } from '../helpers';

const RG = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ops/providers';

describe('metric catalogue', () => {
  it('each metric carries the documented namespace, REST name, an aggregation the table offers, and the entity dimension it documents', () => {
    const sb = `${RG}/Microsoft.ServiceBus/namespaces/sb`;
    const eh = `${RG}/Microsoft.EventHub/namespaces/eh`;
    const relay = `${RG}/Microsoft.Relay/namespaces/relay`;
    const appi = `${RG}/microsoft.insights/components/appi`;
    const apim = `${RG}/Microsoft.ApiManagement/service/apim`;
    const rows = [
      [serviceBusMetric(sb, 'deadLetteredMessages', 'orders'), 'Microsoft.ServiceBus/namespaces', 'DeadletteredMessages', ['Average', 'Minimum', 'Maximum'], 'EntityName'],
      [serviceBusMetric(sb, 'activeMessages', 'orders'), 'Microsoft.ServiceBus/namespaces', 'ActiveMessages', ['Average', 'Minimum', 'Maximum'], 'EntityName'],
      [serviceBusMetric(sb, 'serverErrors', 'orders'), 'Microsoft.ServiceBus/namespaces', 'ServerErrors', ['Total'], 'EntityName'],
      [serviceBusMetric(sb, 'throttledRequests', 'orders'), 'Microsoft.ServiceBus/namespaces', 'ThrottledRequests', ['Total'], 'EntityName'],
      [eventHubsMetric(eh, 'throttledRequests', 'events'), 'Microsoft.EventHub/namespaces', 'ThrottledRequests', ['Total'], 'EntityName'],
      [eventHubsMetric(eh, 'serverErrors', 'events'), 'Microsoft.EventHub/namespaces', 'ServerErrors', ['Total'], 'EntityName'],
      [eventHubsMetric(eh, 'quotaExceededErrors', 'events'), 'Microsoft.EventHub/namespaces', 'QuotaExceededErrors', ['Total'], 'EntityName'],
      [relayMetric(relay, 'activeListeners', 'orders-hc'), 'Microsoft.Relay/namespaces', 'ActiveListeners', ['Total'], 'EntityName'],
      [applicationInsightsMetric(appi, 'failedRequests'), 'microsoft.insights/components', 'requests/failed', ['Count'], undefined],
      [applicationInsightsMetric(appi, 'requestDuration'), 'microsoft.insights/components', 'requests/duration', ['Average', 'Maximum', 'Minimum'], undefined],
      [apiManagementMetric(apim, 'serverErrors'), 'Microsoft.ApiManagement/service', 'Requests', ['Total', 'Maximum', 'Minimum'], undefined],
      [apiManagementMetric(apim, 'capacity'), 'Microsoft.ApiManagement/service', 'Capacity', ['Average', 'Maximum'], undefined],
    ] as const;
    for (const [c, namespace, name, aggregations, entityDimension] of rows) {
      expect(c.metricNamespace).toBe(namespace);
      expect(c.metricName).toBe(name);
      expect(aggregations).toContain(c.aggregation);
      const entity = (c.dimensions ?? []).filter((d) => d.name === 'EntityName');
      expect(entity).toEqual(entityDimension ? [{ name: 'EntityName', values: [expect.any(String)] }] : []);
      // Every default is a value Azure Monitor accepts.
      const problems = new Problems();
      checkCriteria(problems, name, c);
      expect(problems.list).toEqual([]);
    }
  });

  it('the documented alert defaults: dead-letter > 0, backlog > 1000 over 15 minutes, no relay listener, 5xx of the gateway, latency near the 60-second webhook limit', () => {
    const sb = `${RG}/Microsoft.ServiceBus/namespaces/sb`;
    expect(serviceBusMetric(sb, 'deadLetteredMessages', 'orders')).toEqual({
      resourceId: sb,
      metricNamespace: 'Microsoft.ServiceBus/namespaces',
      metricName: 'DeadletteredMessages',
      aggregation: MetricAggregation.MAXIMUM,
      comparisonOperator: MetricOperator.GREATER_THAN,
      threshold: 0,
      dimensions: [{ name: 'EntityName', values: ['orders'] }],
      window: 'PT5M',
      frequency: 'PT1M',
      severity: 1,
      description: 'Dead-lettered messages of orders: Maximum > 0 over PT5M. Events Dataverse sent that no consumer could process wait in the dead-letter queue.',
    });
    expect(serviceBusMetric(sb, 'activeMessages', 'orders')).toMatchObject({ aggregation: 'Average', threshold: 1000, window: 'PT15M', frequency: 'PT5M', severity: 2 });
    expect(relayMetric(`${RG}/Microsoft.Relay/namespaces/r`, 'activeListeners', 'hc')).toMatchObject({ aggregation: 'Total', comparisonOperator: 'LessThan', threshold: 1 });
    expect(apiManagementMetric(`${RG}/Microsoft.ApiManagement/service/a`, 'serverErrors').dimensions).toEqual([
      { name: 'GatewayResponseCodeCategory', dimensionOperator: 'Include', values: ['5xx'] },
    ]);
    expect(apiManagementMetric(`${RG}/Microsoft.ApiManagement/service/a`, 'capacity')).toMatchObject({ aggregation: 'Average', threshold: 80, window: 'PT15M' });
    const latency = applicationInsightsMetric(`${RG}/microsoft.insights/components/appi`, 'requestDuration');
    expect(latency).toMatchObject({ aggregation: 'Maximum', comparisonOperator: 'GreaterThan', threshold: 45000 });
    expect(latency.threshold).toBeLessThan(60000);
    expect(latency.description).toBe('Request duration: Maximum > 45000 ms over PT5M. Dataverse gives a webhook 60 seconds before it fails the call.');
  });

  it('options override each default and the description follows; a namespace-wide metric has no entity filter; a reference entity name is kept as a reference', () => {
    const sb = `${RG}/Microsoft.ServiceBus/namespaces/sb`;
    const tuned = serviceBusMetric(sb, 'activeMessages', 'orders', { threshold: 50, window: 'PT1H', frequency: 'PT15M', severity: 0, aggregation: MetricAggregation.MAXIMUM });
    expect(tuned).toMatchObject({ threshold: 50, window: 'PT1H', frequency: 'PT15M', severity: 0, aggregation: 'Maximum' });
    expect(tuned.description).toBe('Active messages (backlog) of orders: Maximum > 50 over PT1H. Consumers are not keeping up, or are stopped.');
    expect(serviceBusMetric(sb, 'activeMessages', 'orders', { description: 'Orders wait' }).description).toBe('Orders wait');
    expect(serviceBusMetric(sb, 'serverErrors').dimensions).toEqual([]);
    const { stack } = newStack();
    const name = new TerraformVariable(stack, 'queue', { type: 'string' });
    expect(resolve(stack, serviceBusMetric(sb, 'deadLetteredMessages', name.stringValue).dimensions)).toEqual([{ name: 'EntityName', values: ['${var.queue}'] }]);
    // Options that are not criteria fields (AlertOptions.enabled) do not leak into the criteria.
    expect(serviceBusMetric(sb, 'deadLetteredMessages', 'orders', { enabled: false } as any)).not.toHaveProperty('enabled');
  });

  it('an unknown key is a programming error inside the library and says so', () => {
    expect(() => catalogueMetric(SERVICE_BUS_METRICS, 'nope', `${RG}/Microsoft.ServiceBus/namespaces/sb`)).toThrow("internal: no metric 'nope' in Microsoft.ServiceBus/namespaces");
  });
});
