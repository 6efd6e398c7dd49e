import { MetricAggregation, MetricCriteria, MetricDimensionOperator, MetricOperator, MetricOptions } from './alerts-criteria';
import { durationSeconds } from './props';
import { Problems, isUnresolved, quote } from '../core/problems';

// The values azurerm 4.55 accepts (hashicorp/terraform-provider-azurerm v4.55.0,
// internal/services/monitor/monitor_metric_alert_resource.go: `frequency`, `window_size` StringInSlice).
/** @internal */
export const ALERT_FREQUENCIES = ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H'];
/** @internal */
export const ALERT_WINDOWS = ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT6H', 'PT12H', 'P1D'];
/** @internal */
export const DEFAULT_WINDOW = 'PT5M';
/** @internal */
export const DEFAULT_FREQUENCY = 'PT1M';
/** @internal */
export const DEFAULT_SEVERITY = 3;

const AGGREGATIONS: string[] = Object.values(MetricAggregation);
const OPERATORS: string[] = Object.values(MetricOperator);
const DIMENSION_OPERATORS: string[] = Object.values(MetricDimensionOperator);
const RESOURCE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+(\/[^/]+\/[^/]+)+$/i;

/** A whole number in [0, 4] (Azure Monitor's severities). @internal */
export function checkSeverity(problems: Problems, prop: string, value: unknown): void {
  if (value === undefined || isUnresolved(value)) return;
  problems.check(
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 4,
    `${prop} ${quote(value)} is not a severity: Azure Monitor takes a whole number from 0 (critical) to 4 (verbose). Fix: use 0, 1, 2, 3 or 4.`,
  );
}

function oneOf(problems: Problems, prop: string, value: unknown, allowed: string[], what: string, fix: string): void {
  if (value === undefined || isUnresolved(value)) return;
  problems.check(
    typeof value === 'string' && allowed.includes(value),
    `${prop} ${quote(value)} is not ${what} Azure Monitor accepts. Fix: use one of ${allowed.join(', ')}${fix}.`,
  );
}

/** The timing and condition fields shared by MetricCriteria and MetricOptions. @internal */
export function checkMetricOptions(problems: Problems, prefix: string, o: MetricOptions): void {
  oneOf(problems, `${prefix}.aggregation`, o.aggregation, AGGREGATIONS, 'an aggregation', ' (MetricAggregation)');
  oneOf(problems, `${prefix}.comparisonOperator`, o.comparisonOperator, OPERATORS, 'an operator', ' (MetricOperator)');
  if (o.threshold !== undefined && !isUnresolved(o.threshold)) {
    problems.check(
      typeof o.threshold === 'number' && Number.isFinite(o.threshold),
      `${prefix}.threshold ${quote(o.threshold)} is not a number. Fix: pass the threshold as a finite number in the metric's unit (a count, milliseconds or percent).`,
    );
  }
  oneOf(problems, `${prefix}.window`, o.window, ALERT_WINDOWS, 'a window', ' (ISO 8601 durations)');
  oneOf(problems, `${prefix}.frequency`, o.frequency, ALERT_FREQUENCIES, 'an evaluation frequency', ' (ISO 8601 durations)');
  checkSeverity(problems, `${prefix}.severity`, o.severity);
}

/**
 * Every problem of one criteria (unresolved tokens skipped): the values azurerm 4.55 accepts,
 * and a frequency no longer than the window (Azure evaluates the window at each run; the
 * provider's acceptance tests use equal values, e.g. PT5M/PT5M).
 * @internal
 */
export function checkCriteria(problems: Problems, prefix: string, c: MetricCriteria): void {
  if (!isUnresolved(c.resourceId)) {
    problems.check(
      typeof c.resourceId === 'string' && RESOURCE_ID.test(c.resourceId),
      `${prefix}.resourceId ${quote(c.resourceId)} is not an Azure resource id. Fix: pass the id of the watched resource ('/subscriptions/<id>/resourceGroups/<group>/providers/<type>/<name>') or its Terraform reference.`,
    );
  }
  for (const prop of ['metricNamespace', 'metricName'] as const) {
    const v = c[prop];
    if (!isUnresolved(v)) {
      problems.check(typeof v === 'string' && v.trim().length > 0, `${prefix}.${prop} ${quote(v)} is empty. Fix: use the name from Azure Monitor's "Supported metrics" table.`);
    }
  }
  checkMetricOptions(problems, prefix, c);
  (c.dimensions ?? []).forEach((d, i) => {
    const at = `${prefix}.dimensions[${i}]`;
    if (d === undefined || d === null || typeof d !== 'object') {
      problems.add(`${at} ${quote(d)} is not a dimension. Fix: pass { name, values, dimensionOperator? }.`);
      return;
    }
    if (!isUnresolved(d.name)) problems.check(typeof d.name === 'string' && d.name.length > 0, `${at}.name is missing. Fix: name the dimension, e.g. 'EntityName'.`);
    if (!isUnresolved(d.values)) {
      problems.check(
        Array.isArray(d.values) && d.values.length > 0 && d.values.every((v) => typeof v === 'string' && v.length > 0),
        `${at}.values ${quote(d.values)} must be a non-empty list of non-empty strings. Fix: list the values to match ('*' for each value separately).`,
      );
    }
    oneOf(problems, `${at}.dimensionOperator`, d.dimensionOperator, DIMENSION_OPERATORS, 'a dimension operator', ' (MetricDimensionOperator)');
  });
  const window = c.window ?? DEFAULT_WINDOW;
  const frequency = c.frequency ?? DEFAULT_FREQUENCY;
  if (!isUnresolved(window) && !isUnresolved(frequency) && ALERT_WINDOWS.includes(window) && ALERT_FREQUENCIES.includes(frequency)) {
    problems.check(
      durationSeconds(frequency)! <= durationSeconds(window)!,
      `${prefix}.frequency ${quote(frequency)} is longer than the window ${quote(window)}: Azure evaluates the window at each run, so part of the time would never be looked at. Fix: choose a frequency no longer than the window.`,
    );
  }
}

const OPTION_KEYS: Array<keyof MetricOptions> = ['aggregation', 'comparisonOperator', 'threshold', 'window', 'frequency', 'severity', 'description'];

/** The criteria with each defined option in place of its own value. @internal */
export function withOptions(criteria: MetricCriteria, options: MetricOptions = {}): MetricCriteria {
  const defined = OPTION_KEYS.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]);
  return { ...criteria, ...Object.fromEntries(defined) };
}
