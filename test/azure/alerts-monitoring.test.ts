// MonitoringOptions as a pattern applies them (the pattern wiring comes later): a construct stands
// in for the pattern, with the alerts and diagnostic settings a Service Bus pattern would offer.
import { Construct, IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ActionGroup, LogAnalyticsWorkspace, MonitoringOptions } from '../../src';
import { serviceBusMetric } from '../../src/azure/alerts-catalogue';
import { addMonitoringAlerts, addMonitoringDiagnostics, AlertRequest, STACK_WORKSPACE_ID, stackWorkspace } from '../../src/azure/alerts-wiring';
import { newStack, resourcesOf, synthJson, validationErrors, warningsOf } from '../helpers';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ops/providers';
const SB_ID = `${SUB}/Microsoft.ServiceBus/namespaces/sb-orders`;
const AG_ID = `${SUB}/Microsoft.Insights/actionGroups/ag-oncall`;
const LAW_ID = `${SUB}/Microsoft.OperationalInsights/workspaces/law-ops`;

const REQUESTS: AlertRequest[] = [
  { alert: 'deadLetteredMessages', id: 'alert-dead-letter', metric: (o) => serviceBusMetric(SB_ID, 'deadLetteredMessages', 'orders', o) },
  { alert: 'activeMessages', id: 'alert-backlog', metric: (o) => serviceBusMetric(SB_ID, 'activeMessages', 'orders', o) },
];

function pattern(monitoring: MonitoringOptions | undefined, stackName = 'test') {
  const s = newStack({}, stackName);
  const scope = new Construct(s.stack, 'orders');
  const target = { resourceGroup: s.rg, tags: { team: 'crm' }, monitoring };
  return { ...s, scope, target };
}

function infos(c: IConstruct): string[] {
  return c.node.metadata.filter((m) => m.type === '@cdktf/info').map((m) => String(m.data));
}

describe('MonitoringOptions: alerts', () => {
  it('without monitoring nothing is created', () => {
    const { stack, scope, target } = pattern(undefined);
    expect(addMonitoringAlerts(scope, target, REQUESTS)).toEqual({ alerts: [] });
    expect(addMonitoringAlerts(scope, { ...target, monitoring: null as any }, REQUESTS)).toEqual({ alerts: [] });
    const synth = synthJson(stack);
    expect(resourcesOf(synth, 'azurerm_monitor_metric_alert')).toEqual({});
    expect(resourcesOf(synth, 'azurerm_monitor_action_group')).toEqual({});
  });

  it('emailReceivers create one action group under the pattern, with its tags; every offered alert notifies it', () => {
    const { stack, scope, target } = pattern({ emailReceivers: ['ops@contoso.com'] });
    const { actionGroup, alerts } = addMonitoringAlerts(scope, target, REQUESTS);
    expect(actionGroup).toBeInstanceOf(ActionGroup);
    expect(alerts.map((a) => a.node.path)).toEqual(['test/orders/alert-dead-letter', 'test/orders/alert-backlog']);
    const synth = synthJson(stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_monitor_action_group'))).toEqual([expect.stringMatching(/^orders_action-group_[0-9A-F]{8}$/)]);
    const group = Object.values(resourcesOf(synth, 'azurerm_monitor_action_group'))[0] as any;
    expect(group).toMatchObject({ tags: { team: 'crm' }, email_receiver: [{ email_address: 'ops@contoso.com' }] });
    const all = Object.values(resourcesOf(synth, 'azurerm_monitor_metric_alert')) as any[];
    expect(all.map((a) => a.criteria[0].metric_name).sort()).toEqual(['ActiveMessages', 'DeadletteredMessages']);
    for (const a of all) {
      expect(a.action).toEqual([{ action_group_id: expect.stringContaining('azurerm_monitor_action_group.') }]);
      expect(a.tags).toEqual({ team: 'crm' });
    }
  });

  it('an existing action group is used as it is; alerts are tuned or turned off one by one', () => {
    const { stack, scope, target } = pattern(undefined);
    const actionGroup = ActionGroup.fromActionGroupAttributes(stack, 'oncall', { actionGroupId: AG_ID });
    const monitoring: MonitoringOptions = { actionGroup, deadLetteredMessages: { enabled: false }, activeMessages: { threshold: 200, window: 'PT30M', severity: 1 } };
    const result = addMonitoringAlerts(scope, { ...target, monitoring }, REQUESTS);
    expect(result.actionGroup).toBe(actionGroup);
    const synth = synthJson(stack);
    expect(resourcesOf(synth, 'azurerm_monitor_action_group')).toEqual({});
    const all = Object.values(resourcesOf(synth, 'azurerm_monitor_metric_alert')) as any[];
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      action: [{ action_group_id: AG_ID }],
      window_size: 'PT30M',
      severity: 1,
      criteria: [{ metric_name: 'ActiveMessages', threshold: 200 }],
      description: expect.stringContaining('Average > 200 over PT30M'),
    });
  });

  it('no alert without an action group unless asked: info when nothing was tuned, a warning when alerts were; allowNoActionGroup creates them without an action', () => {
    const quiet = pattern({ diagnostics: false });
    expect(addMonitoringAlerts(quiet.scope, quiet.target, REQUESTS).alerts).toEqual([]);
    expect(resourcesOf(synthJson(quiet.stack), 'azurerm_monitor_metric_alert')).toEqual({});
    expect(infos(quiet.scope)).toEqual([
      'monitoring: no alert created (deadLetteredMessages, activeMessages): there is no action group to notify. Fix: pass monitoring.actionGroup or monitoring.emailReceivers, or allowNoActionGroup: true for alerts seen in the Azure portal only.',
    ]);
    expect(warningsOf(quiet.scope)).toEqual([]);

    const tuned = pattern({ activeMessages: { threshold: 10 } });
    addMonitoringAlerts(tuned.scope, tuned.target, REQUESTS);
    expect(warningsOf(tuned.scope)).toEqual([expect.stringContaining('monitoring: no alert created (deadLetteredMessages, activeMessages)')]);

    const asked = pattern({ allowNoActionGroup: true });
    expect(addMonitoringAlerts(asked.scope, asked.target, REQUESTS).alerts).toHaveLength(2);
    const all = Object.values(resourcesOf(synthJson(asked.stack), 'azurerm_monitor_metric_alert')) as any[];
    expect(all.every((a) => a.action === undefined)).toBe(true);
  });

  it('validation, every problem at once: actionGroup with emailReceivers, an unknown option (a typo), bad alert options; bad addresses reach the action group', () => {
    const { stack, scope, target } = pattern(undefined);
    const actionGroup = ActionGroup.fromActionGroupAttributes(stack, 'oncall', { actionGroupId: AG_ID });
    const monitoring = { actionGroup, emailReceivers: ['ops@contoso.com'], deadLetterMessages: {}, activeMessages: { window: 'PT10M', severity: 7 }, serverErrors: 'off' } as any;
    // The alert with wrong options is not built (reported once, under the option's name); the other is.
    expect(addMonitoringAlerts(scope, { ...target, monitoring }, REQUESTS).alerts.map((a) => a.node.id)).toEqual(['alert-dead-letter']);
    const emails = pattern({ emailReceivers: ['ops'] });
    addMonitoringAlerts(emails.scope, emails.target, REQUESTS);
    expect(validationErrors(stack)).toEqual([
      '[test/orders] monitoring.deadLetterMessages is not a monitoring option. Fix: use one of deadLetteredMessages, activeMessages, throttledRequests, serverErrors, functionFailures, webhookLatency, apiManagementServerErrors, apiManagementCapacity, relayListeners, actionGroup, emailReceivers, allowNoActionGroup, diagnostics, workspace, workspaceOptions.',
      '[test/orders] conflicting props: monitoring.actionGroup with monitoring.emailReceivers. An existing resource is used as it is, so options for creating one would be ignored. Fix: pass either the existing resource or the options, not both.',
      "[test/orders] monitoring.activeMessages.window 'PT10M' is not a window Azure Monitor accepts. Fix: use one of PT1M, PT5M, PT15M, PT30M, PT1H, PT6H, PT12H, P1D (ISO 8601 durations).",
      '[test/orders] monitoring.activeMessages.severity 7 is not a severity: Azure Monitor takes a whole number from 0 (critical) to 4 (verbose). Fix: use 0, 1, 2, 3 or 4.',
      "[test/orders] monitoring.serverErrors 'off' is not alert options. Fix: pass { enabled?, threshold?, window?, frequency?, severity?, ... }.",
    ]);
    expect(validationErrors(emails.stack)).toEqual(["[test/orders/action-group] emailReceivers[0] 'ops' is not an email address. Fix: write it like 'ops@contoso.com'."]);
  });
});

describe('MonitoringOptions: diagnostics and the shared workspace', () => {
  const DIAG = [{ id: 'diagnostics', targetResourceId: SB_ID, resourceType: 'Microsoft.ServiceBus/namespaces' }];

  it("on by default when monitoring is given: to monitoring.workspace, else the pattern's own, else the shared one; diagnostics: false turns it off; nothing without monitoring", () => {
    const own = pattern({ emailReceivers: ['ops@contoso.com'] });
    const ws = LogAnalyticsWorkspace.fromLogAnalyticsWorkspaceAttributes(own.stack, 'law', { workspaceId: LAW_ID });
    expect(addMonitoringDiagnostics(own.scope, own.target, DIAG, ws)).toHaveLength(1);
    expect(Object.values(resourcesOf(synthJson(own.stack), 'azurerm_monitor_diagnostic_setting'))).toEqual([
      expect.objectContaining({ target_resource_id: SB_ID, log_analytics_workspace_id: LAW_ID, enabled_log: [{ category_group: 'allLogs' }] }),
    ]);

    const given = pattern(undefined);
    const other = LogAnalyticsWorkspace.fromLogAnalyticsWorkspaceAttributes(given.stack, 'law', { workspaceId: LAW_ID });
    const patternOwn = LogAnalyticsWorkspace.fromLogAnalyticsWorkspaceAttributes(given.stack, 'own', { workspaceId: `${LAW_ID}-own` });
    expect(addMonitoringDiagnostics(given.scope, { ...given.target, monitoring: { workspace: other } }, DIAG, patternOwn)).toHaveLength(1);
    expect(Object.values(resourcesOf(synthJson(given.stack), 'azurerm_monitor_diagnostic_setting')).map((d: any) => d.log_analytics_workspace_id)).toEqual([LAW_ID]);

    const shared = pattern({ emailReceivers: ['ops@contoso.com'] });
    expect(addMonitoringDiagnostics(shared.scope, shared.target, DIAG)).toHaveLength(1);
    expect(Object.keys(resourcesOf(synthJson(shared.stack), 'azurerm_log_analytics_workspace'))).toEqual([STACK_WORKSPACE_ID]);

    const none = pattern(undefined);
    const ws3 = LogAnalyticsWorkspace.fromLogAnalyticsWorkspaceAttributes(none.stack, 'law', { workspaceId: LAW_ID });
    expect(addMonitoringDiagnostics(none.scope, none.target, DIAG, ws3)).toEqual([]);
    expect(resourcesOf(synthJson(none.stack), 'azurerm_log_analytics_workspace')).toEqual({});

    const off = pattern({ diagnostics: false });
    const ws2 = LogAnalyticsWorkspace.fromLogAnalyticsWorkspaceAttributes(off.stack, 'law', { workspaceId: LAW_ID });
    expect(addMonitoringDiagnostics(off.scope, off.target, DIAG, ws2)).toEqual([]);
    expect(resourcesOf(synthJson(off.stack), 'azurerm_monitor_diagnostic_setting')).toEqual({});
  });

  it('diagnostics: true without a workspace creates one per stack, once, with a deterministic name; every pattern of the stack sends to it', () => {
    const build = () => {
      const { stack, rg } = newStack();
      for (const id of ['orders', 'invoices']) {
        const scope = new Construct(stack, id);
        addMonitoringDiagnostics(scope, { resourceGroup: rg, monitoring: { diagnostics: true } }, [
          { id: 'diagnostics', targetResourceId: `${SUB}/Microsoft.ServiceBus/namespaces/sb-${id}`, resourceType: 'Microsoft.ServiceBus/namespaces' },
        ]);
      }
      return stack;
    };
    const stack = build();
    const synth = synthJson(stack);
    const workspaces = resourcesOf(synth, 'azurerm_log_analytics_workspace');
    expect(Object.keys(workspaces)).toEqual([STACK_WORKSPACE_ID]);
    const ws = workspaces[STACK_WORKSPACE_ID];
    expect(ws).toMatchObject({ sku: 'PerGB2018', retention_in_days: 30 });
    expect(ws.name).toBe(Object.values(resourcesOf(synthJson(build()), 'azurerm_log_analytics_workspace'))[0].name);
    const settings = Object.values(resourcesOf(synth, 'azurerm_monitor_diagnostic_setting')) as any[];
    expect(settings.map((s) => s.log_analytics_workspace_id)).toEqual([
      `\${azurerm_log_analytics_workspace.${STACK_WORKSPACE_ID}.id}`,
      `\${azurerm_log_analytics_workspace.${STACK_WORKSPACE_ID}.id}`,
    ]);
    expect(stack.node.findChild(STACK_WORKSPACE_ID)).toBeInstanceOf(LogAnalyticsWorkspace);
  });

  it('the shared workspace is configurable; a second pattern asking for other options is reported; an id already taken in the stack throws naming the fix', () => {
    const { stack, rg } = newStack();
    const a = new Construct(stack, 'a');
    const b = new Construct(stack, 'b');
    const first = stackWorkspace(a, rg, { retentionInDays: 90, name: 'law-dataverse' });
    expect(stackWorkspace(b, rg, { retentionInDays: 90, name: 'law-dataverse' })).toBe(first);
    expect(stackWorkspace(b, rg)).toBe(first);
    stackWorkspace(b, rg, { retentionInDays: 30 });
    expect(validationErrors(stack)).toEqual([
      '[test/b] monitoring.workspaceOptions {"retentionInDays":30} differ from {"retentionInDays":90,"name":"law-dataverse"}, with which test/a created the stack\'s shared workspace. Fix: give every pattern the same workspaceOptions, or pass monitoring.workspace.',
    ]);

    const taken = newStack();
    new Construct(taken.stack, STACK_WORKSPACE_ID);
    expect(() => stackWorkspace(new Construct(taken.stack, 'p'), taken.rg)).toThrow(
      `test/p: the stack already has a construct with id '${STACK_WORKSPACE_ID}', the id of the shared monitoring workspace. Fix: rename that construct, or pass monitoring.workspace.`,
    );
    // A second pattern of the same stack gets the same error, not a TypeError.
    expect(() => stackWorkspace(new Construct(taken.stack, 'q'), taken.rg)).toThrow(`test/q: the stack already has a construct with id '${STACK_WORKSPACE_ID}'`);
  });
});
