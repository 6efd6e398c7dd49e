// The metric*() methods of the blocks (as aws-cdk-lib's `metric*`): each returns the criteria of
// one metric of the block's resource, with the library's alert defaults, so that users build
// their own alerts (`new MetricAlert(this, 'backlog', { criteria: queue.metricActiveMessages({ threshold: 50 }), ... })`).
// Metric names, aggregations and dimensions: alerts-catalogue.ts (Azure Monitor "Supported metrics").
import { MetricCriteria, MetricOptions } from './alerts-criteria';

/** The metrics of a Service Bus queue or topic (namespace metrics filtered on `EntityName`). */
export interface IServiceBusEntityMetrics {
  /** `DeadletteredMessages` of the entity: Maximum > 0 over PT5M, severity 1. */
  metricDeadLetteredMessages(options?: MetricOptions): MetricCriteria;
  /** `ActiveMessages` (backlog) of the entity: Average > 1000 over PT15M, every PT5M, severity 2. */
  metricActiveMessages(options?: MetricOptions): MetricCriteria;
  /** `ServerErrors` of the entity: Total > 0 over PT5M, severity 1. */
  metricServerErrors(options?: MetricOptions): MetricCriteria;
  /** `ThrottledRequests` of the entity: Total > 0 over PT5M, severity 2. */
  metricThrottledRequests(options?: MetricOptions): MetricCriteria;
}

/** The metrics of an event hub (namespace metrics filtered on `EntityName`). */
export interface IEventHubMetrics {
  /** `ThrottledRequests` of the event hub: Total > 0 over PT5M, severity 2. */
  metricThrottledRequests(options?: MetricOptions): MetricCriteria;
  /** `ServerErrors` of the event hub: Total > 0 over PT5M, severity 1. */
  metricServerErrors(options?: MetricOptions): MetricCriteria;
  /** `QuotaExceededErrors` of the event hub: Total > 0 over PT5M, severity 2. */
  metricQuotaExceededErrors(options?: MetricOptions): MetricCriteria;
}

/** The metrics of a Relay hybrid connection (namespace metrics filtered on `EntityName`). */
export interface IHybridConnectionMetrics {
  /** `ActiveListeners` of the hybrid connection: Total < 1 over PT5M, severity 1 (no listener: every step posting to it fails). */
  metricActiveListeners(options?: MetricOptions): MetricCriteria;
}

/** The request metrics of an Application Insights component (what a function app served). */
export interface IApplicationInsightsMetrics {
  /** `requests/failed`: Count > 0 over PT5M, severity 1. */
  metricFailedRequests(options?: MetricOptions): MetricCriteria;
  /** `requests/duration`: Maximum > 45000 ms over PT5M, severity 2 (Dataverse fails a webhook call after 60 seconds). */
  metricRequestDuration(options?: MetricOptions): MetricCriteria;
}

/** The gateway metrics of an API Management service. */
export interface IApiManagementMetrics {
  /** `Requests` answered 5xx (`GatewayResponseCodeCategory` = 5xx): Total > 0 over PT5M, severity 1. */
  metricServerErrors(options?: MetricOptions): MetricCriteria;
  /** `Capacity`: Average > 80 % over PT15M, every PT5M, severity 2. Not on the Consumption tier, which has no capacity. */
  metricCapacity(options?: MetricOptions): MetricCriteria;
}
