// What the monitoring tests of the patterns read from a synthesized stack.
import { IConstruct } from 'constructs';
import { resourcesOf } from '../helpers';

export const AG_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ops/providers/Microsoft.Insights/actionGroups/ag-oncall';
export const LAW_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/law-ops';
export const EMAIL = { emailReceivers: ['ops@contoso.com'] };

/** The metric alerts, keyed by the metric they watch. */
export function alertsByMetric(synth: any): Record<string, any> {
  const out: Record<string, any> = {};
  for (const alert of Object.values(resourcesOf(synth, 'azurerm_monitor_metric_alert')) as any[]) {
    const name = alert.criteria[0].metric_name;
    if (out[name] !== undefined) throw new Error(`two alerts on ${name}`);
    out[name] = alert;
  }
  return out;
}

/** The metric names alerted on, sorted. */
export function alertedMetrics(synth: any): string[] {
  return Object.keys(alertsByMetric(synth)).sort();
}

/** The diagnostic settings as [target, workspace] pairs. */
export function diagnosticTargets(synth: any): [string, string][] {
  return (Object.values(resourcesOf(synth, 'azurerm_monitor_diagnostic_setting')) as any[]).map((d) => [d.target_resource_id, d.log_analytics_workspace_id]);
}

/** The info Annotations of a construct and its children. */
export function infosOf(construct: IConstruct): string[] {
  return construct.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/info').map((m) => String(m.data)));
}
