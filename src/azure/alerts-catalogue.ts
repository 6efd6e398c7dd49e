// The metrics the library alerts on, with the defaults of each alert, so that the blocks'
// metric*() methods are one-liners (`serviceBusMetric(this.namespaceId, 'deadLetteredMessages', this.queueName, options)`).
//
// Names, units, aggregations and dimensions are from Azure Monitor's "Supported metrics" tables
// (https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/<type>-metrics; source
// MicrosoftDocs/azure-reference-other azure-monitor-ref/supported-metrics/includes/<type>-metrics-include.md):
// microsoft-servicebus-namespaces, microsoft-eventhub-namespaces, microsoft-relay-namespaces,
// microsoft-insights-components, microsoft-apimanagement-service. Thresholds, windows and
// severities are this library's choices (documented on MonitoringOptions).
import { DEFAULT_WINDOW, withOptions } from './alerts-checks';
import { MetricAggregation, MetricCriteria, MetricDimension, MetricDimensionOperator, MetricOperator, MetricOptions } from './alerts-criteria';
import { isUnresolved } from '../core/problems';

/** One metric and the defaults of its alert. @internal */
export interface MetricDefinition {
  /** Name in the REST API. */
  readonly metricName: string;
  /** Unit, for the description: '' for counts, ' ms', ' %'. */
  readonly unit: string;
  readonly aggregation: MetricAggregation;
  readonly comparisonOperator: MetricOperator;
  readonly threshold: number;
  readonly window: string;
  readonly frequency: string;
  readonly severity: number;
  /** The dimension that names the entity (queue, topic, event hub, hybrid connection). */
  readonly entityDimension?: string;
  /** Fixed dimension filters (APIM's 5xx). */
  readonly dimensions?: MetricDimension[];
  /** What it measures, for the description. */
  readonly summary: string;
  /** What to do when it fires, for the description. */
  readonly hint: string;
}

/** The metrics of one resource type. @internal */
export interface MetricFamily {
  /** Metric namespace: the resource type. */
  readonly namespace: string;
  readonly metrics: Record<string, MetricDefinition>;
}

const { AVERAGE, COUNT, MAXIMUM, TOTAL } = MetricAggregation;
const { GREATER_THAN, LESS_THAN } = MetricOperator;
const OPERATOR_WORDS: Record<string, string> = {
  Equals: '=',
  GreaterThan: '>',
  GreaterThanOrEqual: '>=',
  LessThan: '<',
  LessThanOrEqual: '<=',
};

/** Evaluated every minute over five minutes. */
const SHORT = { window: 'PT5M', frequency: 'PT1M' };
/** Evaluated every five minutes over fifteen: for slow-moving values (a backlog, capacity). */
const LONG = { window: 'PT15M', frequency: 'PT5M' };

/** A count of one entity (aggregation Total, dimension EntityName) where any in five minutes fires; entries override what differs. */
function entityCount(metricName: string, severity: number, summary: string, hint: string): MetricDefinition {
  return { metricName, unit: '', aggregation: TOTAL, comparisonOperator: GREATER_THAN, threshold: 0, ...SHORT, severity, entityDimension: 'EntityName', summary, hint };
}

/**
 * Microsoft.ServiceBus/namespaces. DeadletteredMessages and ActiveMessages: Count, Average/Minimum/Maximum,
 * dimension EntityName; ServerErrors: Count, Total, EntityName + OperationResult; ThrottledRequests: Count,
 * Total, EntityName + OperationResult + MessagingErrorSubCode. All PT1M.
 * @internal
 */
export const SERVICE_BUS_METRICS = {
  namespace: 'Microsoft.ServiceBus/namespaces',
  metrics: {
    deadLetteredMessages: {
      ...entityCount('DeadletteredMessages', 1, 'Dead-lettered messages', 'Events Dataverse sent that no consumer could process wait in the dead-letter queue.'),
      aggregation: MAXIMUM,
    },
    activeMessages: {
      ...entityCount('ActiveMessages', 2, 'Active messages (backlog)', 'Consumers are not keeping up, or are stopped.'),
      ...LONG,
      aggregation: AVERAGE,
      threshold: 1000,
    },
    serverErrors: entityCount('ServerErrors', 1, 'Server errors', 'Service Bus failed requests; Dataverse retries asynchronous sends.'),
    throttledRequests: entityCount('ThrottledRequests', 2, 'Throttled requests', 'The namespace is over its quota: consider a higher tier or more messaging units.'),
  },
} satisfies MetricFamily;

/**
 * Microsoft.EventHub/namespaces. ThrottledRequests, ServerErrors and QuotaExceededErrors: Count, Total,
 * dimensions EntityName + OperationResult, PT1M.
 * @internal
 */
export const EVENT_HUBS_METRICS = {
  namespace: 'Microsoft.EventHub/namespaces',
  metrics: {
    throttledRequests: entityCount('ThrottledRequests', 2, 'Throttled requests', 'The namespace is over its throughput units: raise them or turn on auto-inflate.'),
    serverErrors: entityCount('ServerErrors', 1, 'Server errors', 'Event Hubs failed requests; Dataverse retries asynchronous sends.'),
    quotaExceededErrors: entityCount('QuotaExceededErrors', 2, 'Quota exceeded errors', 'A quota of the namespace (size, connections) is reached.'),
  },
} satisfies MetricFamily;

/**
 * Microsoft.Relay/namespaces. ActiveListeners: Count, Total, dimension EntityName, PT1M. Zero listeners
 * on a hybrid connection means every Dataverse step posting to it fails.
 * @internal
 */
export const RELAY_METRICS = {
  namespace: 'Microsoft.Relay/namespaces',
  metrics: {
    activeListeners: {
      ...entityCount('ActiveListeners', 1, 'Active listeners', 'No listener is connected, so every Dataverse step posting to the relay fails.'),
      comparisonOperator: LESS_THAN,
      threshold: 1,
    },
  },
} satisfies MetricFamily;

/**
 * microsoft.insights/components (Application Insights). requests/failed: Count, aggregation Count;
 * requests/duration: MilliSeconds, Average/Maximum/Minimum. Both PT1M. The latency default (45 s)
 * stays under Dataverse's 60-second webhook timeout (Microsoft Learn, "Use webhooks to create
 * external handlers for server events").
 * @internal
 */
export const APPLICATION_INSIGHTS_METRICS = {
  namespace: 'microsoft.insights/components',
  metrics: {
    failedRequests: {
      metricName: 'requests/failed',
      unit: '',
      aggregation: COUNT,
      comparisonOperator: GREATER_THAN,
      threshold: 0,
      ...SHORT,
      severity: 1,
      summary: 'Failed requests',
      hint: 'The function answered with an error; Dataverse records the failed system job.',
    },
    requestDuration: {
      metricName: 'requests/duration',
      unit: ' ms',
      aggregation: MAXIMUM,
      comparisonOperator: GREATER_THAN,
      threshold: 45000,
      ...SHORT,
      severity: 2,
      summary: 'Request duration',
      hint: 'Dataverse gives a webhook 60 seconds before it fails the call.',
    },
  },
} satisfies MetricFamily;

/**
 * Microsoft.ApiManagement/service. Requests: Count, Total/Maximum/Minimum, dimensions incl.
 * GatewayResponseCodeCategory; Capacity: Percent, Average/Maximum ('Max' shows 0 outside Premium),
 * dimension Location. Both PT1M.
 * @internal
 */
export const API_MANAGEMENT_METRICS = {
  namespace: 'Microsoft.ApiManagement/service',
  metrics: {
    serverErrors: {
      metricName: 'Requests',
      unit: '',
      aggregation: TOTAL,
      comparisonOperator: GREATER_THAN,
      threshold: 0,
      ...SHORT,
      severity: 1,
      dimensions: [{ name: 'GatewayResponseCodeCategory', dimensionOperator: MetricDimensionOperator.INCLUDE, values: ['5xx'] }],
      summary: 'Gateway 5xx responses',
      hint: 'The gateway or its backend failed requests of the Custom API.',
    },
    capacity: {
      metricName: 'Capacity',
      unit: ' %',
      aggregation: AVERAGE,
      comparisonOperator: GREATER_THAN,
      threshold: 80,
      ...LONG,
      severity: 2,
      summary: 'Gateway capacity',
      hint: 'The gateway is near its limit: scale out or up.',
    },
  },
} satisfies MetricFamily;

/**
 * The criteria of one catalogued metric on one resource (and, for entity metrics, one entity),
 * with each given option in place of the default.
 * @internal
 */
export function catalogueMetric(family: MetricFamily, key: string, resourceId: string, entityName?: string, options: MetricOptions = {}): MetricCriteria {
  const def = family.metrics[key];
  if (def === undefined) throw new Error(`internal: no metric '${key}' in ${family.namespace}`);
  const entity = entityName !== undefined && def.entityDimension !== undefined ? [{ name: def.entityDimension, values: [entityName] }] : [];
  const base: MetricCriteria = {
    resourceId,
    metricNamespace: family.namespace,
    metricName: def.metricName,
    aggregation: def.aggregation,
    comparisonOperator: def.comparisonOperator,
    threshold: def.threshold,
    dimensions: [...(def.dimensions ?? []), ...entity],
    window: def.window,
    frequency: def.frequency,
    severity: def.severity,
  };
  const c = withOptions(base, options);
  const threshold = isUnresolved(c.threshold) ? 'the threshold' : `${c.threshold}${def.unit}`;
  const where = entityName !== undefined && def.entityDimension !== undefined ? ` of ${entityName}` : '';
  const description =
    options.description ??
    `${def.summary}${where}: ${c.aggregation} ${OPERATOR_WORDS[c.comparisonOperator] ?? c.comparisonOperator} ${threshold} over ${c.window ?? DEFAULT_WINDOW}. ${def.hint}`;
  return { ...c, description };
}

/** A Service Bus namespace metric, filtered to one queue or topic when `entityName` is given. @internal */
export function serviceBusMetric(namespaceId: string, key: keyof typeof SERVICE_BUS_METRICS.metrics, entityName?: string, options?: MetricOptions): MetricCriteria {
  return catalogueMetric(SERVICE_BUS_METRICS, key, namespaceId, entityName, options);
}

/** An Event Hubs namespace metric, filtered to one event hub when `eventHubName` is given. @internal */
export function eventHubsMetric(namespaceId: string, key: keyof typeof EVENT_HUBS_METRICS.metrics, eventHubName?: string, options?: MetricOptions): MetricCriteria {
  return catalogueMetric(EVENT_HUBS_METRICS, key, namespaceId, eventHubName, options);
}

/** A Relay namespace metric, filtered to one hybrid connection when given. @internal */
export function relayMetric(namespaceId: string, key: keyof typeof RELAY_METRICS.metrics, hybridConnectionName?: string, options?: MetricOptions): MetricCriteria {
  return catalogueMetric(RELAY_METRICS, key, namespaceId, hybridConnectionName, options);
}

/** An Application Insights metric (the requests a function app served). @internal */
export function applicationInsightsMetric(componentId: string, key: keyof typeof APPLICATION_INSIGHTS_METRICS.metrics, options?: MetricOptions): MetricCriteria {
  return catalogueMetric(APPLICATION_INSIGHTS_METRICS, key, componentId, undefined, options);
}

/** An API Management service metric. @internal */
export function apiManagementMetric(serviceId: string, key: keyof typeof API_MANAGEMENT_METRICS.metrics, options?: MetricOptions): MetricCriteria {
  return catalogueMetric(API_MANAGEMENT_METRICS, key, serviceId, undefined, options);
}
