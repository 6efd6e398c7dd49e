import { IActionGroup } from './alerts';
import { MetricOptions } from './alerts-criteria';
import { ILogAnalyticsWorkspace, LogAnalyticsWorkspaceOptions } from './monitoring';

/** One alert of a pattern's monitoring: off, or tuned. */
export interface AlertOptions extends MetricOptions {
  /**
   * Whether the alert is created.
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * Monitoring of a pattern: metric alerts with tunable defaults, and diagnostic settings to a
 * Log Analytics workspace. Each alert applies where the pattern has the resource it watches.
 *
 * No alert without an action group unless asked: give `actionGroup` (one that exists) or
 * `emailReceivers` (an action group is created), or set `allowNoActionGroup: true` to create
 * the alerts anyway (they then show in the Azure portal only). Otherwise no alert is created
 * and the synth says so.
 */
export interface MonitoringOptions {
  /**
   * Action group the alerts notify.
   * @default - one created with emailReceivers; none without them
   */
  readonly actionGroup?: IActionGroup;
  /**
   * Email addresses of an action group created for the pattern (not with actionGroup).
   * @default - none
   */
  readonly emailReceivers?: string[];
  /**
   * Create the alerts even without an action group (portal only).
   * @default false
   */
  readonly allowNoActionGroup?: boolean;
  /**
   * Service Bus: dead-lettered messages of the queue or topic, Maximum > 0 over PT5M, severity 1.
   * @default - on
   */
  readonly deadLetteredMessages?: AlertOptions;
  /**
   * Service Bus: active messages (backlog) of the queue or topic, Average > 1000 over PT15M (evaluated every PT5M), severity 2.
   * @default - on
   */
  readonly activeMessages?: AlertOptions;
  /**
   * Service Bus and Event Hubs: throttled requests of the entity, Total > 0 over PT5M, severity 2.
   * @default - on
   */
  readonly throttledRequests?: AlertOptions;
  /**
   * Service Bus and Event Hubs: server errors of the entity, Total > 0 over PT5M, severity 1.
   * @default - on
   */
  readonly serverErrors?: AlertOptions;
  /**
   * Function app (Application Insights): failed requests, Count > 0 over PT5M, severity 1.
   * @default - on
   */
  readonly functionFailures?: AlertOptions;
  /**
   * Function app (Application Insights): request duration, Maximum > 45000 ms over PT5M, severity 2 —
   * Dataverse fails a webhook call after 60 seconds.
   * @default - on
   */
  readonly webhookLatency?: AlertOptions;
  /**
   * API Management: gateway requests answered 5xx, Total > 0 over PT5M, severity 1.
   * @default - on
   */
  readonly apiManagementServerErrors?: AlertOptions;
  /**
   * API Management: capacity, Average > 80 % over PT15M (evaluated every PT5M), severity 2.
   * @default - on
   */
  readonly apiManagementCapacity?: AlertOptions;
  /**
   * Relay: active listeners of the hybrid connection, Total < 1 over PT5M, severity 1 — with no
   * listener connected every step posting to it fails.
   * @default - on
   */
  readonly relayListeners?: AlertOptions;
  /**
   * Diagnostic settings (resource logs and metrics) to a Log Analytics workspace for each created
   * resource that supports them: `workspace`, else the pattern's own workspace, else the stack's
   * shared workspace (created once).
   * @default true
   */
  readonly diagnostics?: boolean;
  /**
   * Workspace the diagnostic settings send to.
   * @default - the pattern's own workspace; otherwise one workspace per stack, created once (see workspaceOptions)
   */
  readonly workspace?: ILogAnalyticsWorkspace;
  /**
   * Options of the stack's shared workspace, when one is created. Every pattern of the stack that
   * gives them must give the same.
   * @default - name generated from the stack, 30 days retention
   */
  readonly workspaceOptions?: LogAnalyticsWorkspaceOptions;
}
