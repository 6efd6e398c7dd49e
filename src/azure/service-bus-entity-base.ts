// What a Service Bus queue and a topic share: the settings and checks of their options, and the
// metric*() methods (namespace metrics filtered on the entity's name).
import { serviceBusMetric } from './alerts-catalogue';
import { MetricCriteria, MetricOptions } from './alerts-criteria';
import { IServiceBusEntityMetrics } from './metrics';
import { checkName, NAME_RULES } from './naming';
import { checkDuration } from './props';
import { ServiceBusGrantable } from './service-bus-base';
import { IServiceBusNamespace, ServiceBusSku } from './service-bus-namespace';
import { Problems, isUnresolved } from '../core/problems';

const PREMIUM_SIZES = Array.from({ length: 80 }, (_, i) => (i + 1) * 1024);
const STANDARD_SIZES = [1024, 2048, 3072, 4096, 5120];
const MAX_TTL_SECONDS = 10675199 * 86400;

/** What a Service Bus queue or topic is created with. */
export interface ServiceBusEntityOptions {
  /**
   * Entity name.
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Time to live of a message (ISO 8601).
   * @default 'P14D'
   */
  readonly defaultMessageTtl?: string;
  /**
   * Drop messages whose MessageId was seen within the history window.
   * @default false
   */
  readonly requiresDuplicateDetection?: boolean;
  /**
   * Duplicate detection window (ISO 8601, 20 seconds to 7 days); only with requiresDuplicateDetection.
   * @default 'PT10M' when duplicate detection is on
   */
  readonly duplicateDetectionHistoryTimeWindow?: string;
  /**
   * Maximum size in megabytes (Standard: 1024–5120 in steps of 1024; Premium: a multiple of 1024 up to 81920).
   * @default 1024
   */
  readonly maxSizeInMegabytes?: number;
  /**
   * Partitioned entity (Standard only; Premium partitions the namespace instead).
   * @default false on Standard
   */
  readonly partitioningEnabled?: boolean;
}

/** The L1 settings a queue and a topic share, with the library's defaults. @internal */
export function entitySettings(options: ServiceBusEntityOptions, name: string, namespace: IServiceBusNamespace) {
  const dedupe = options.requiresDuplicateDetection ?? false;
  return {
    name,
    namespaceId: namespace.serviceBusNamespaceId,
    defaultMessageTtl: options.defaultMessageTtl ?? 'P14D',
    requiresDuplicateDetection: dedupe,
    duplicateDetectionHistoryTimeWindow: dedupe ? (options.duplicateDetectionHistoryTimeWindow ?? 'PT10M') : undefined,
    maxSizeInMegabytes: options.maxSizeInMegabytes ?? 1024,
    partitioningEnabled: namespace.sku === ServiceBusSku.PREMIUM ? undefined : (options.partitioningEnabled ?? false),
  };
}

/** The checks a queue and a topic share; the sizes and partitioning depend on the namespace's tier. @internal */
export function checkEntityOptions(problems: Problems, options: ServiceBusEntityOptions, sku: ServiceBusSku): void {
  const premium = sku === ServiceBusSku.PREMIUM;
  checkName(problems, NAME_RULES.messagingEntity, 'name', options.name);
  checkDuration(problems, 'defaultMessageTtl', options.defaultMessageTtl, 1, MAX_TTL_SECONDS, 'at least 1 second');
  checkDuration(problems, 'duplicateDetectionHistoryTimeWindow', options.duplicateDetectionHistoryTimeWindow, 20, 7 * 86400, 'from 20 seconds to 7 days');
  problems.check(
    options.duplicateDetectionHistoryTimeWindow === undefined || options.requiresDuplicateDetection === true,
    'duplicateDetectionHistoryTimeWindow is set but duplicate detection is off. Fix: set requiresDuplicateDetection: true, or remove the window.',
  );
  if (options.maxSizeInMegabytes !== undefined && !isUnresolved(options.maxSizeInMegabytes)) {
    problems.check(
      (premium ? PREMIUM_SIZES : STANDARD_SIZES).includes(options.maxSizeInMegabytes),
      `maxSizeInMegabytes ${options.maxSizeInMegabytes} is not a ${sku} size. Fix: use ${premium ? 'a multiple of 1024 up to 81920' : 'one of 1024, 2048, 3072, 4096, 5120'}.`,
    );
  }
  problems.check(
    !(premium && options.partitioningEnabled !== undefined),
    'partitioningEnabled applies to Standard namespaces; Premium partitions the namespace instead. Fix: remove it and set premiumMessagingPartitions on the namespace.',
  );
}

/** A queue or a topic: grants, and the metrics of the entity. @internal */
export abstract class ServiceBusEntityBase extends ServiceBusGrantable implements IServiceBusEntityMetrics {
  public abstract readonly serviceBusNamespace: IServiceBusNamespace;
  /** @internal */
  protected abstract readonly _metricEntityName: string;

  public metricDeadLetteredMessages(options?: MetricOptions): MetricCriteria {
    return serviceBusMetric(this.serviceBusNamespace.serviceBusNamespaceId, 'deadLetteredMessages', this._metricEntityName, options);
  }

  public metricActiveMessages(options?: MetricOptions): MetricCriteria {
    return serviceBusMetric(this.serviceBusNamespace.serviceBusNamespaceId, 'activeMessages', this._metricEntityName, options);
  }

  public metricServerErrors(options?: MetricOptions): MetricCriteria {
    return serviceBusMetric(this.serviceBusNamespace.serviceBusNamespaceId, 'serverErrors', this._metricEntityName, options);
  }

  public metricThrottledRequests(options?: MetricOptions): MetricCriteria {
    return serviceBusMetric(this.serviceBusNamespace.serviceBusNamespaceId, 'throttledRequests', this._metricEntityName, options);
  }
}
