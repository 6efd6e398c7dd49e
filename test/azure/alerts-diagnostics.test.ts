// Expected blocks follow azurerm 4.55's azurerm_monitor_diagnostic_setting (enabled_log with category
// or category_group, enabled_metric with category: hashicorp/terraform-provider-azurerm v4.55.0,
// website/docs/r/monitor_diagnostic_setting.html.markdown); categories from Azure Monitor's
// "Supported logs" tables, category groups from the Azure/azure-policy DS_LA_<type>_DINE policies.
import { TerraformVariable } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { DiagnosticSettings, LogAnalyticsWorkspace } from '../../src';
import { newStack, onlyResource, resourcesOf, synthJson, validationErrors } from '../helpers';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ops/providers';
const SB_ID = `${SUB}/Microsoft.ServiceBus/namespaces/sb-orders`;
const LAW_ID = `${SUB}/Microsoft.OperationalInsights/workspaces/law-ops`;

function setup() {
  const s = newStack();
  const workspace = LogAnalyticsWorkspace.fromLogAnalyticsWorkspaceAttributes(s.stack, 'law', { workspaceId: LAW_ID });
  return { ...s, workspace };
}

describe('DiagnosticSettings block', () => {
  it('defaults: all logs (allLogs) and all metrics (AllMetrics) to the workspace, type read from a literal id, a generated name, own address', () => {
    const { stack, workspace } = setup();
    new DiagnosticSettings(stack, 'sb-diag', { targetResourceId: SB_ID, workspace });
    const synth = synthJson(stack);
    const r = onlyResource(synth, 'azurerm_monitor_diagnostic_setting');
    expect(r).toMatchObject({
      target_resource_id: SB_ID,
      log_analytics_workspace_id: LAW_ID,
      enabled_log: [{ category_group: 'allLogs' }],
      enabled_metric: [{ category: 'AllMetrics' }],
    });
    expect(r).not.toHaveProperty('metric');
    expect(r).not.toHaveProperty('log_analytics_destination_type');
    expect(r.name).toMatch(/^diag-test-sb-diag-[0-9a-f]{6}$/);
    expect(Object.keys(resourcesOf(synth, 'azurerm_monitor_diagnostic_setting'))).toEqual(['sb-diag']);
  });

  it('per resource type: a function app (Microsoft.Web/sites, no category groups) sends FunctionAppLogs; a reference id with resourceType; Relay and Application Insights take allLogs', () => {
    const { stack, workspace } = setup();
    const app = new TerraformVariable(stack, 'app_id', { type: 'string' });
    const relay = new TerraformVariable(stack, 'relay_id', { type: 'string' });
    new DiagnosticSettings(stack, 'fn', { targetResourceId: app.stringValue, resourceType: 'Microsoft.Web/sites', workspace });
    new DiagnosticSettings(stack, 'relay', { targetResourceId: relay.stringValue, resourceType: 'Microsoft.Relay/namespaces', workspace });
    new DiagnosticSettings(stack, 'appi', { targetResourceId: `${SUB}/microsoft.insights/components/appi`, workspace });
    const all = resourcesOf(synthJson(stack), 'azurerm_monitor_diagnostic_setting');
    expect(all.fn).toMatchObject({ target_resource_id: '${var.app_id}', enabled_log: [{ category: 'FunctionAppLogs' }], enabled_metric: [{ category: 'AllMetrics' }] });
    expect(all.relay.enabled_log).toEqual([{ category_group: 'allLogs' }]);
    expect(all.appi.enabled_log).toEqual([{ category_group: 'allLogs' }]);
  });

  it('given categories replace the defaults and are checked against the type (case-insensitively, as Azure compares them)', () => {
    const { stack, workspace } = setup();
    new DiagnosticSettings(stack, 'sb', {
      targetResourceId: SB_ID,
      workspace,
      name: 'to-law',
      logCategories: ['OperationalLogs', 'runtimeauditlogs'],
      logAnalyticsDestinationType: 'Dedicated',
    });
    expect(onlyResource(synthJson(stack), 'azurerm_monitor_diagnostic_setting')).toMatchObject({
      name: 'to-law',
      enabled_log: [{ category: 'OperationalLogs' }, { category: 'runtimeauditlogs' }],
      enabled_metric: [{ category: 'AllMetrics' }],
      log_analytics_destination_type: 'Dedicated',
    });
  });

  it('validation, every problem at once: unknown category, group or metric category; a group on a type without groups; name rules; destination type; nothing sent', () => {
    const { stack, workspace } = setup();
    new DiagnosticSettings(stack, 'a', {
      targetResourceId: SB_ID,
      workspace,
      name: 'logs/to:law',
      logCategoryGroups: ['everything'],
      logCategories: ['GatewayLogs'],
      metricCategories: ['Transaction'],
      logAnalyticsDestinationType: 'Tables',
    });
    new DiagnosticSettings(stack, 'b', {
      targetResourceId: `${SUB}/Microsoft.Web/sites/fn-orders`,
      workspace,
      name: 'service',
      logCategoryGroups: ['allLogs'],
    });
    new DiagnosticSettings(stack, 'c', { targetResourceId: SB_ID, workspace, logCategories: [], metricCategories: [] });
    expect(validationErrors(stack)).toEqual([
      "[test/a] name 'logs/to:law' contains one of < > * % & : \\ ? + /, which Azure does not allow. Fix: remove them.",
      "[test/a] logCategoryGroups[0] 'everything' is not supported: Microsoft.ServiceBus/namespaces has allLogs, audit. Fix: use one of those.",
      "[test/a] logCategories[0] 'GatewayLogs' is not supported: Microsoft.ServiceBus/namespaces has ApplicationMetricsLogs, OperationalLogs, RuntimeAuditLogs, VNetAndIPFilteringLogs. Fix: use one of those.",
      "[test/a] metricCategories[0] 'Transaction' is not supported: Microsoft.ServiceBus/namespaces has AllMetrics. Fix: use one of those.",
      "[test/a] logAnalyticsDestinationType 'Tables' is not one of Dedicated, AzureDiagnostics. Fix: use one of them or omit it.",
      "[test/b] name 'service' is a legacy name: a setting called so cannot be fully deleted. Fix: choose another name, or omit it.",
      "[test/b] logCategoryGroups[0] 'allLogs' is not supported: Microsoft.Web/sites has no category groups. Fix: use logCategories instead.",
      '[test/c] the diagnostic setting sends nothing: no log category, category group or metric category. Fix: leave the defaults, or give at least one.',
    ]);
  });

  it('the type must be known: a reference id needs resourceType, a literal id must match it, an unknown type needs explicit categories', () => {
    const { stack, workspace } = setup();
    const ref = new TerraformVariable(stack, 'target', { type: 'string' });
    new DiagnosticSettings(stack, 'ref', { targetResourceId: ref.stringValue, workspace });
    new DiagnosticSettings(stack, 'mismatch', { targetResourceId: SB_ID, resourceType: 'Microsoft.EventHub/namespaces', workspace });
    new DiagnosticSettings(stack, 'unknown', { targetResourceId: `${SUB}/Microsoft.Sql/servers/sql1`, workspace });
    new DiagnosticSettings(stack, 'unknown-ok', { targetResourceId: `${SUB}/Microsoft.Sql/servers/sql1`, workspace, metricCategories: ['Basic'] });
    new DiagnosticSettings(stack, 'not-an-id', { targetResourceId: 'sb-orders', workspace });
    const errors = validationErrors(stack);
    expect(errors).toEqual([
      "[test/ref] resourceType is needed: targetResourceId is a Terraform reference, so the supported log categories are unknown. Fix: pass resourceType, e.g. 'Microsoft.ServiceBus/namespaces'.",
      "[test/mismatch] resourceType 'Microsoft.EventHub/namespaces' does not match targetResourceId, a Microsoft.ServiceBus/namespaces. Fix: pass the type of the target, or omit resourceType.",
      "[test/unknown] resourceType 'Microsoft.Sql/servers' has no default categories in this library. Fix: pass logCategories, logCategoryGroups or metricCategories (see the type's \"Supported logs\" page in Azure Monitor).",
      "[test/not-an-id] resourceType is needed: targetResourceId 'sb-orders' is not a resource id, so the supported log categories are unknown. Fix: pass resourceType, e.g. 'Microsoft.ServiceBus/namespaces'.",
    ]);
    expect(() => new DiagnosticSettings(newStack().stack, 'd', { targetResourceId: SB_ID } as any)).toThrow('test/d: DiagnosticSettings needs workspace.');
    const nulls = setup();
    new DiagnosticSettings(nulls.stack, 'n', { targetResourceId: SB_ID, workspace: nulls.workspace, logCategories: [null as any] });
    expect(validationErrors(nulls.stack)).toEqual([expect.stringContaining('[test/n] logCategories[0] null is not supported: Microsoft.ServiceBus/namespaces has')]);
  });
});
