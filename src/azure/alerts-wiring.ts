// What a pattern calls with its `monitoring` prop: the action group, the alerts it asked for,
// the diagnostic settings, and the stack's shared workspace.
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ActionGroup, IActionGroup, MetricAlert } from './alerts';
import { checkMetricOptions } from './alerts-checks';
import { MetricCriteria, MetricOptions } from './alerts-criteria';
import { AlertOptions, MonitoringOptions } from './alerts-options';
import { DiagnosticSettings } from './diagnostics';
import { ILogAnalyticsWorkspace, LogAnalyticsWorkspace, LogAnalyticsWorkspaceOptions } from './monitoring';
import { checkExistingOrNew } from './props';
import { ResourceGroupReference } from './resource-group';
import { Problems, addValidator, annotate, quote } from '../core/problems';
import { oncePerStack } from '../core/providers';

/** The alerts of MonitoringOptions. @internal */
export const ALERT_KEYS = [
  'deadLetteredMessages',
  'activeMessages',
  'throttledRequests',
  'serverErrors',
  'functionFailures',
  'webhookLatency',
  'apiManagementServerErrors',
  'apiManagementCapacity',
  'relayListeners',
] as const;
/** @internal */
export type AlertKey = (typeof ALERT_KEYS)[number];
const OTHER_KEYS = ['actionGroup', 'emailReceivers', 'allowNoActionGroup', 'diagnostics', 'workspace', 'workspaceOptions'];

/** The props of a pattern that monitoring reads. @internal */
export interface MonitoringTarget {
  readonly resourceGroup: ResourceGroupReference;
  readonly tags?: { [key: string]: string };
  readonly monitoring?: MonitoringOptions;
}

/** One alert a pattern offers: its option, its construct id, its criteria from the (tuned) options. @internal */
export interface AlertRequest {
  readonly alert: AlertKey;
  readonly id: string;
  readonly metric: (options: MetricOptions) => MetricCriteria;
}

/** One resource a pattern sends diagnostics for. @internal */
export interface DiagnosticRequest {
  readonly id: string;
  readonly targetResourceId: string;
  readonly resourceType: string;
}

/**
 * Creates the alerts a pattern offers, each unless turned off, notifying the given action group
 * or one created from emailReceivers (construct id `action-group` under `scope`). Without an
 * action group no alert is created unless allowNoActionGroup is set; the synth says so (a warning
 * when alerts were tuned, info otherwise). Nothing at all without `monitoring`.
 * @internal
 */
export function addMonitoringAlerts(scope: Construct, target: MonitoringTarget, requests: AlertRequest[]): { actionGroup?: IActionGroup; alerts: MetricAlert[] } {
  const m = target.monitoring;
  if (m === undefined || m === null) return { alerts: [] };
  checkMonitoringOptions(scope, m);
  const emails = m.emailReceivers ?? [];
  const actionGroup =
    m.actionGroup ?? (emails.length > 0 ? new ActionGroup(scope, 'action-group', { resourceGroup: target.resourceGroup, emailReceivers: emails, tags: target.tags }) : undefined);
  const wanted = requests.filter((r) => m[r.alert]?.enabled !== false);
  if (actionGroup === undefined && m.allowNoActionGroup !== true) {
    if (wanted.length > 0) {
      const tuned = wanted.some((r) => m[r.alert] !== undefined);
      annotate(
        scope,
        tuned ? 'warning' : 'info',
        `monitoring: no alert created (${wanted.map((r) => r.alert).join(', ')}): there is no action group to notify. Fix: pass monitoring.actionGroup or monitoring.emailReceivers, or allowNoActionGroup: true for alerts seen in the Azure portal only.`,
      );
    }
    return { alerts: [] };
  }
  // Alerts whose options are wrong are reported once, by checkMonitoringOptions, and not built.
  const alerts = wanted
    .filter((r) => optionProblems(r.alert, m[r.alert]).length === 0)
    .map(
      (r) =>
        new MetricAlert(scope, r.id, {
          resourceGroup: target.resourceGroup,
          criteria: r.metric(m[r.alert] ?? {}),
          actionGroup,
          allowNoActionGroup: m.allowNoActionGroup,
          tags: target.tags,
        }),
    );
  return { actionGroup, alerts };
}

/**
 * Creates a diagnostic setting for each resource, to monitoring.workspace, else the pattern's own
 * workspace, else the stack's shared one (created once). On by default when `monitoring` is given
 * (`diagnostics: false` turns it off); nothing without `monitoring`.
 * @internal
 */
export function addMonitoringDiagnostics(
  scope: Construct,
  target: MonitoringTarget,
  requests: DiagnosticRequest[],
  patternWorkspace?: ILogAnalyticsWorkspace,
): DiagnosticSettings[] {
  const m = target.monitoring;
  if (m === undefined || m === null || m.diagnostics === false || requests.length === 0) return [];
  const given = m.workspace ?? patternWorkspace;
  const workspace = given ?? stackWorkspace(scope, target.resourceGroup, m.workspaceOptions, target.tags);
  return requests.map((r) => new DiagnosticSettings(scope, r.id, { targetResourceId: r.targetResourceId, resourceType: r.resourceType, workspace }));
}

/** The construct id of the shared workspace, a child of the stack. @internal */
export const STACK_WORKSPACE_ID = 'dataverse-monitoring-workspace';
const FIRST_ASKED = new WeakMap<TerraformStack, { path: string; options: string }>();

/**
 * The stack's one shared Log Analytics workspace, created the first time it is asked for (in the
 * first caller's resource group, with its tags and options; the name is generated from the
 * stack, so it is the same on every synth). A later caller that gives other options is reported.
 * @internal
 */
export function stackWorkspace(
  scope: Construct,
  resourceGroup: ResourceGroupReference,
  options?: LogAnalyticsWorkspaceOptions,
  tags?: { [key: string]: string },
): ILogAnalyticsWorkspace {
  const stack = TerraformStack.of(scope);
  const taken = () =>
    new Error(
      `${scope.node.path}: the stack already has a construct with id '${STACK_WORKSPACE_ID}', the id of the shared monitoring workspace. Fix: rename that construct, or pass monitoring.workspace.`,
    );
  oncePerStack(scope, 'monitoring:shared-workspace', () => {
    if (stack.node.tryFindChild(STACK_WORKSPACE_ID) !== undefined) throw taken();
    new LogAnalyticsWorkspace(stack, STACK_WORKSPACE_ID, { ...options, resourceGroup, tags });
    FIRST_ASKED.set(stack, { path: scope.node.path, options: JSON.stringify(options ?? {}) });
  });
  const first = FIRST_ASKED.get(stack);
  if (first === undefined) throw taken();
  const asked = JSON.stringify(options ?? {});
  if (options !== undefined && asked !== first.options) {
    addValidator(scope, (problems) =>
      problems.add(
        `monitoring.workspaceOptions ${asked} differ from ${first.options}, with which ${first.path} created the stack's shared workspace. Fix: give every pattern the same workspaceOptions, or pass monitoring.workspace.`,
      ),
    );
  }
  return stack.node.findChild(STACK_WORKSPACE_ID) as LogAnalyticsWorkspace;
}

function checkMonitoringOptions(scope: Construct, m: MonitoringOptions): void {
  addValidator(scope, (problems) => {
    const known: string[] = [...ALERT_KEYS, ...OTHER_KEYS];
    for (const key of Object.keys(m)) {
      problems.check(known.includes(key), `monitoring.${key} is not a monitoring option. Fix: use one of ${known.join(', ')}.`);
    }
    checkExistingOrNew(problems, [['monitoring.actionGroup', m.actionGroup, 'monitoring.emailReceivers', m.emailReceivers]]);
    for (const key of ALERT_KEYS) optionProblems(key, m[key]).forEach((p) => problems.add(p));
  });
}

function optionProblems(key: AlertKey, o: AlertOptions | undefined): string[] {
  const problems = new Problems();
  if (o === undefined) return [];
  if (o === null || typeof o !== 'object') {
    problems.add(`monitoring.${key} ${quote(o)} is not alert options. Fix: pass { enabled?, threshold?, window?, frequency?, severity?, ... }.`);
  } else {
    checkMetricOptions(problems, `monitoring.${key}`, o);
  }
  return problems.list;
}

/**
 * A Function App that is not a webhook (a consumer, the change-tracking export): failed executions
 * from Application Insights (every trigger's executions are logged there as requests), and
 * diagnostics of the app to `workspace` (or monitoring.workspace). Nothing without `monitoring`.
 * @internal
 */
export function monitorFunctionApp(
  scope: Construct,
  target: MonitoringTarget,
  insights: { metricFailedRequests(options?: MetricOptions): MetricCriteria },
  functionAppId: string,
  workspace?: ILogAnalyticsWorkspace,
): void {
  if (target.monitoring === undefined || target.monitoring === null) return;
  addMonitoringAlerts(scope, target, [{ alert: 'functionFailures', id: 'alert-function-failures', metric: (o) => insights.metricFailedRequests(o) }]);
  addMonitoringDiagnostics(scope, target, [{ id: 'diagnostics-function-app', targetResourceId: functionAppId, resourceType: 'Microsoft.Web/sites' }], workspace);
}
