// What a metric alert watches: one metric of one resource, with its condition and timing.
// Allowed values are those of azurerm 4.55's azurerm_monitor_metric_alert schema
// (hashicorp/terraform-provider-azurerm v4.55.0, internal/services/monitor/monitor_metric_alert_resource.go):
// `criteria.aggregation`, `criteria.operator`, `criteria.dimension.operator`, `frequency`, `window_size`, `severity`.

/** How a metric's values in a window are combined before the comparison. */
export enum MetricAggregation {
  /** Mean of the values. */
  AVERAGE = 'Average',
  /** Number of values (Application Insights counts: `requests/failed`, `exceptions/count`). */
  COUNT = 'Count',
  /** Smallest value. */
  MINIMUM = 'Minimum',
  /** Largest value. */
  MAXIMUM = 'Maximum',
  /** Sum of the values. */
  TOTAL = 'Total',
}

/** How the aggregated value is compared with the threshold. */
export enum MetricOperator {
  /** value = threshold */
  EQUALS = 'Equals',
  /** value > threshold */
  GREATER_THAN = 'GreaterThan',
  /** value >= threshold */
  GREATER_THAN_OR_EQUAL = 'GreaterThanOrEqual',
  /** value < threshold */
  LESS_THAN = 'LessThan',
  /** value <= threshold */
  LESS_THAN_OR_EQUAL = 'LessThanOrEqual',
}

/** How a dimension filter matches its values. */
export enum MetricDimensionOperator {
  /** Only the listed values (`*` for each value separately). */
  INCLUDE = 'Include',
  /** Every value but the listed ones. */
  EXCLUDE = 'Exclude',
  /** Values that start with one of the listed prefixes. */
  STARTS_WITH = 'StartsWith',
}

/** A filter on one dimension of a metric, e.g. `EntityName` = the queue's name. */
export interface MetricDimension {
  /** Dimension name as in Azure Monitor's "Supported metrics" table, e.g. `EntityName`. */
  readonly name: string;
  /** Values to match (at least one). */
  readonly values: string[];
  /**
   * How the values match.
   * @default MetricDimensionOperator.INCLUDE
   */
  readonly dimensionOperator?: MetricDimensionOperator;
}

/**
 * One metric condition on one resource: what a `MetricAlert` watches and what the blocks'
 * `metric*()` methods return, so that you can tune it (spread it and override a field) and build
 * your own alert.
 */
export interface MetricCriteria {
  /** Resource id of the watched resource (the alert's scope), e.g. the Service Bus namespace. */
  readonly resourceId: string;
  /** Metric namespace: the resource type, e.g. `Microsoft.ServiceBus/namespaces`. */
  readonly metricNamespace: string;
  /** Metric name as in the REST API, e.g. `DeadletteredMessages`. */
  readonly metricName: string;
  /** How values in the window are combined. */
  readonly aggregation: MetricAggregation;
  /** How the aggregated value is compared with the threshold. */
  readonly comparisonOperator: MetricOperator;
  /** The threshold, in the metric's unit (a count, milliseconds, percent). */
  readonly threshold: number;
  /**
   * Dimension filters.
   * @default - none: the metric of the whole resource
   */
  readonly dimensions?: MetricDimension[];
  /**
   * Window the aggregation covers (ISO 8601): `PT1M`, `PT5M`, `PT15M`, `PT30M`, `PT1H`, `PT6H`, `PT12H` or `P1D`.
   * @default 'PT5M'
   */
  readonly window?: string;
  /**
   * How often the condition is evaluated (ISO 8601): `PT1M`, `PT5M`, `PT15M`, `PT30M` or `PT1H`; at most the window.
   * @default 'PT1M'
   */
  readonly frequency?: string;
  /**
   * Severity of the alert: 0 critical, 1 error, 2 warning, 3 informational, 4 verbose.
   * @default 3
   */
  readonly severity?: number;
  /**
   * What the condition means, shown in the alert and its notifications.
   * @default - the metric, aggregation, operator, threshold and window in words
   */
  readonly description?: string;
}

/** The options a `metric*()` method of a block takes: the defaults of each metric, overridden. */
export interface MetricOptions {
  /**
   * Aggregation.
   * @default - the metric's own (documented on each method)
   */
  readonly aggregation?: MetricAggregation;
  /**
   * Comparison operator.
   * @default - the metric's own
   */
  readonly comparisonOperator?: MetricOperator;
  /**
   * Threshold.
   * @default - the metric's own
   */
  readonly threshold?: number;
  /**
   * Window (ISO 8601).
   * @default - the metric's own
   */
  readonly window?: string;
  /**
   * Evaluation frequency (ISO 8601).
   * @default - the metric's own
   */
  readonly frequency?: string;
  /**
   * Severity, 0–4.
   * @default - the metric's own
   */
  readonly severity?: number;
  /**
   * Description.
   * @default - the metric's own
   */
  readonly description?: string;
}
