// monitoring on the messaging patterns: OutboundQueueIntegration, EventHubFanout, RelayIntegration.
import { TerraformStack, TerraformVariable } from 'cdktf';
import { describe, expect, it } from 'vitest';
import {
  ActionGroup,
  EventHubFanout,
  EventHubNamespace,
  MonitoringOptions,
  OutboundQueueIntegration,
  RelayIntegration,
  ServiceBusEntityKind,
  ServiceBusNamespace,
  ServiceEndpointContract,
} from '../../src';
import { STACK_WORKSPACE_ID } from '../../src/azure/alerts-wiring';
import { newStack, resourcesOf, synthJson, validationErrors, warningsOf } from '../helpers';
import { AG_ID, EMAIL, alertedMetrics, alertsByMetric, diagnosticTargets, infosOf } from './monitoring-fixtures';

const steps = [{ table: 'salesorder', message: 'Create' }];
const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers';
const SHARED_WS = `\${azurerm_log_analytics_workspace.${STACK_WORKSPACE_ID}.id}`;

type Monitoring = MonitoringOptions | ((stack: TerraformStack) => MonitoringOptions) | undefined;
const resolve = (stack: TerraformStack, m: Monitoring) => (typeof m === 'function' ? m(stack) : m);

function queue(monitoring: Monitoring, extra: object = {}) {
  const ctx = newStack();
  const pattern = new OutboundQueueIntegration(ctx.stack, 'orders', {
    dataverse: ctx.dataverse,
    resourceGroup: ctx.rg,
    steps,
    monitoring: resolve(ctx.stack, monitoring),
    ...extra,
  });
  return { ...ctx, pattern, synth: () => synthJson(ctx.stack) };
}

describe('OutboundQueueIntegration: monitoring', () => {
  it('defaults: dead-lettered, backlog, server errors and throttling of the queue, to an action group created from emailReceivers; diagnostics of the namespace to the shared workspace', () => {
    const { synth, pattern } = queue(EMAIL);
    const s = synth();
    const alerts = alertsByMetric(s);
    expect(Object.keys(alerts).sort()).toEqual(['ActiveMessages', 'DeadletteredMessages', 'ServerErrors', 'ThrottledRequests']);
    for (const a of Object.values(alerts)) {
      expect(a.scopes).toEqual([expect.stringMatching(/^\$\{azurerm_servicebus_namespace\..*\.id\}$/)]);
      expect(a.criteria[0].dimension).toEqual([{ name: 'EntityName', operator: 'Include', values: [pattern.entityName] }]);
      expect(a.action).toEqual([{ action_group_id: expect.stringContaining('azurerm_monitor_action_group.') }]);
    }
    expect(alerts.DeadletteredMessages).toMatchObject({ severity: 1, window_size: 'PT5M', criteria: [{ aggregation: 'Maximum', operator: 'GreaterThan', threshold: 0 }] });
    expect(alerts.ActiveMessages).toMatchObject({ severity: 2, window_size: 'PT15M', frequency: 'PT5M', criteria: [{ aggregation: 'Average', threshold: 1000 }] });
    expect(alerts.ServerErrors).toMatchObject({ severity: 1, criteria: [{ aggregation: 'Total', threshold: 0 }] });
    expect(alerts.ThrottledRequests).toMatchObject({ severity: 2, criteria: [{ aggregation: 'Total', threshold: 0 }] });
    expect(Object.values(resourcesOf(s, 'azurerm_monitor_action_group'))).toEqual([
      expect.objectContaining({ email_receiver: [expect.objectContaining({ email_address: 'ops@contoso.com' })] }),
    ]);
    expect(diagnosticTargets(s)).toEqual([[expect.stringMatching(/azurerm_servicebus_namespace\./), SHARED_WS]]);
  });

  it('without monitoring nothing is added: no alert, action group, diagnostic setting or workspace', () => {
    const s = queue(undefined).synth();
    for (const type of ['azurerm_monitor_metric_alert', 'azurerm_monitor_action_group', 'azurerm_monitor_diagnostic_setting', 'azurerm_log_analytics_workspace']) {
      expect(resourcesOf(s, type)).toEqual({});
    }
  });

  it.each(['deadLetteredMessages', 'activeMessages', 'serverErrors', 'throttledRequests'] as const)('%s can be turned off alone', (key) => {
    const metric = { deadLetteredMessages: 'DeadletteredMessages', activeMessages: 'ActiveMessages', serverErrors: 'ServerErrors', throttledRequests: 'ThrottledRequests' }[key];
    const left = alertedMetrics(queue({ ...EMAIL, [key]: { enabled: false } }).synth());
    expect(left).toHaveLength(3);
    expect(left).not.toContain(metric);
  });

  it('thresholds, windows and severities are tuned one by one; the description follows', () => {
    const alerts = alertsByMetric(queue({ ...EMAIL, activeMessages: { threshold: 50, window: 'PT30M', severity: 3 }, deadLetteredMessages: { threshold: 10 } }).synth());
    expect(alerts.ActiveMessages).toMatchObject({
      window_size: 'PT30M',
      severity: 3,
      criteria: [{ threshold: 50 }],
      description: expect.stringContaining('Average > 50 over PT30M'),
    });
    expect(alerts.DeadletteredMessages.criteria[0].threshold).toBe(10);
    expect(alerts.ServerErrors.criteria[0].threshold).toBe(0);
  });

  it('no alert without an action group unless asked (an info note names the fix); allowNoActionGroup creates them without an action', () => {
    const quiet = queue({});
    const s = quiet.synth();
    expect(resourcesOf(s, 'azurerm_monitor_metric_alert')).toEqual({});
    expect(infosOf(quiet.pattern).filter((i) => i.startsWith('monitoring:'))).toEqual([expect.stringContaining('Fix: pass monitoring.actionGroup or monitoring.emailReceivers')]);
    const asked = Object.values(resourcesOf(queue({ allowNoActionGroup: true }).synth(), 'azurerm_monitor_metric_alert')) as any[];
    expect(asked).toHaveLength(4);
    expect(asked.every((a) => a.action === undefined)).toBe(true);
  });

  it('an existing action group id is used as it is: no action group is created', () => {
    const s = queue((stack) => ({ actionGroup: ActionGroup.fromActionGroupAttributes(stack, 'oncall', { actionGroupId: AG_ID }) })).synth();
    expect(resourcesOf(s, 'azurerm_monitor_action_group')).toEqual({});
    expect((Object.values(resourcesOf(s, 'azurerm_monitor_metric_alert')) as any[]).map((a) => a.action)).toEqual(Array(4).fill([{ action_group_id: AG_ID }]));
  });

  it('diagnostics: false keeps the alerts only; a given namespace gets alerts but no diagnostic setting (not ours); topic mode filters on the topic', () => {
    const off = queue({ ...EMAIL, diagnostics: false }).synth();
    expect(diagnosticTargets(off)).toEqual([]);
    expect(alertedMetrics(off)).toHaveLength(4);

    const nsId = `${SUB}/Microsoft.ServiceBus/namespaces/sb-shared`;
    const ctx = newStack();
    const existingNamespace = ServiceBusNamespace.fromServiceBusNamespaceAttributes(ctx.stack, 'shared', { serviceBusNamespaceId: nsId });
    new OutboundQueueIntegration(ctx.stack, 'orders', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps, existingNamespace, monitoring: EMAIL });
    const s = synthJson(ctx.stack);
    expect(diagnosticTargets(s)).toEqual([]);
    expect(resourcesOf(s, 'azurerm_log_analytics_workspace')).toEqual({});
    expect((Object.values(alertsByMetric(s)) as any[]).map((a) => a.scopes)).toEqual(Array(4).fill([nsId]));

    const topic = queue(EMAIL, { entityKind: ServiceBusEntityKind.TOPIC });
    expect(alertsByMetric(topic.synth()).DeadletteredMessages.criteria[0].dimension[0].values).toEqual([topic.pattern.entityName]);
  });

  it('bad monitoring options fail the synth under the pattern, naming the option and the fix', () => {
    const errors = validationErrors(queue({ ...EMAIL, deadLetterMessages: {}, activeMessages: { severity: 9 } } as any).stack);
    expect(errors).toEqual([
      expect.stringMatching(/^\[test\/orders\] monitoring\.deadLetterMessages is not a monitoring option\. Fix:/),
      expect.stringMatching(/^\[test\/orders\] monitoring\.activeMessages\.severity 9 is not a severity.*Fix:/),
    ]);
  });
});

describe('EventHubFanout: monitoring', () => {
  function fanout(monitoring: Monitoring, extra: object = {}) {
    const ctx = newStack();
    const pattern = new EventHubFanout(ctx.stack, 'events', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps, monitoring: resolve(ctx.stack, monitoring), ...extra });
    return { ...ctx, pattern, synth: () => synthJson(ctx.stack) };
  }

  it('defaults: throttled requests and server errors of the event hub; diagnostics of the namespace', () => {
    const { pattern, synth } = fanout(EMAIL);
    const s = synth();
    const alerts = alertsByMetric(s);
    expect(Object.keys(alerts).sort()).toEqual(['ServerErrors', 'ThrottledRequests']);
    for (const a of Object.values(alerts)) {
      expect(a.criteria[0]).toMatchObject({ metric_namespace: 'Microsoft.EventHub/namespaces', aggregation: 'Total', operator: 'GreaterThan', threshold: 0 });
      expect(a.criteria[0].dimension).toEqual([{ name: 'EntityName', operator: 'Include', values: [pattern.eventHub.eventHubName] }]);
    }
    expect(alerts.ServerErrors.severity).toBe(1);
    expect(alerts.ThrottledRequests.severity).toBe(2);
    expect(diagnosticTargets(s)).toEqual([[expect.stringMatching(/azurerm_eventhub_namespace\./), SHARED_WS]]);
  });

  it('each alert can be turned off or tuned; Service Bus options do not apply', () => {
    expect(alertedMetrics(fanout({ ...EMAIL, throttledRequests: { enabled: false } }).synth())).toEqual(['ServerErrors']);
    expect(alertedMetrics(fanout({ ...EMAIL, serverErrors: { enabled: false } }).synth())).toEqual(['ThrottledRequests']);
    expect(alertsByMetric(fanout({ ...EMAIL, throttledRequests: { threshold: 20 } }).synth()).ThrottledRequests.criteria[0].threshold).toBe(20);
    expect(alertedMetrics(fanout({ ...EMAIL, deadLetteredMessages: { threshold: 3 } }).synth())).toEqual(['ServerErrors', 'ThrottledRequests']);
  });

  it('none without an action group; a given namespace gets no diagnostic setting', () => {
    expect(resourcesOf(fanout({ diagnostics: false }).synth(), 'azurerm_monitor_metric_alert')).toEqual({});
    const nsId = `${SUB}/Microsoft.EventHub/namespaces/evh-shared`;
    const ctx = newStack();
    const existingNamespace = EventHubNamespace.fromEventHubNamespaceAttributes(ctx.stack, 'shared', { eventHubNamespaceId: nsId });
    new EventHubFanout(ctx.stack, 'events', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps, existingNamespace, monitoring: EMAIL });
    const given = synthJson(ctx.stack);
    expect(diagnosticTargets(given)).toEqual([]);
    expect(alertsByMetric(given).ServerErrors.scopes).toEqual([nsId]);
  });
});

describe('RelayIntegration: monitoring', () => {
  function relay(monitoring: Monitoring, extra: (stack: TerraformStack) => object = () => ({})) {
    const ctx = newStack();
    const pattern = new RelayIntegration(ctx.stack, 'onprem', {
      dataverse: ctx.dataverse,
      resourceGroup: ctx.rg,
      steps,
      monitoring: resolve(ctx.stack, monitoring),
      ...extra(ctx.stack),
    });
    return { ...ctx, pattern, synth: () => synthJson(ctx.stack) };
  }

  it('REST: no listener connected (ActiveListeners < 1) on the hybrid connection; diagnostics of the namespace', () => {
    const { pattern, synth } = relay(EMAIL);
    const s = synth();
    expect(alertedMetrics(s)).toEqual(['ActiveListeners']);
    expect(alertsByMetric(s).ActiveListeners).toMatchObject({
      severity: 1,
      criteria: [
        {
          metric_namespace: 'Microsoft.Relay/namespaces',
          aggregation: 'Total',
          operator: 'LessThan',
          threshold: 1,
          dimension: [{ name: 'EntityName', values: [pattern.relayPath] }],
        },
      ],
    });
    expect(diagnosticTargets(s)).toEqual([[expect.stringMatching(/azurerm_relay_namespace\./), SHARED_WS]]);
  });

  it('relayListeners can be turned off or tuned; a WCF relay has no hybrid connection: no alert, and a warning when relayListeners was asked for', () => {
    expect(alertedMetrics(relay({ ...EMAIL, relayListeners: { enabled: false } }).synth())).toEqual([]);
    expect(alertsByMetric(relay({ ...EMAIL, relayListeners: { window: 'PT15M' } }).synth()).ActiveListeners.window_size).toBe('PT15M');
    const wcf = (stack: TerraformStack) => ({
      existingWcfRelay: {
        contract: ServiceEndpointContract.TWO_WAY,
        namespaceAddress: 'https://contoso-wcf.servicebus.windows.net/',
        path: 'dataverse/twoway',
        sasKeyName: 'dataverse-send',
        sasKey: new TerraformVariable(stack, 'wcf-key', { type: 'string', sensitive: true }).stringValue,
      },
    });
    const quiet = relay(EMAIL, wcf);
    const s = quiet.synth();
    expect(resourcesOf(s, 'azurerm_monitor_metric_alert')).toEqual({});
    expect(diagnosticTargets(s)).toEqual([]);
    expect(warningsOf(quiet.pattern)).toEqual([]);
    const asked = relay({ ...EMAIL, relayListeners: { threshold: 2 } }, wcf);
    expect(warningsOf(asked.pattern)).toEqual([expect.stringContaining('monitoring.relayListeners: a WCF relay has no hybrid connection')]);
  });
});
