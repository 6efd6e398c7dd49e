// What every pattern's `monitoring` shares: the action group rules, the diagnostics switch, and
// nothing at all without `monitoring`.
import * as path from 'path';
import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  ActionGroup,
  ApiManagementTier,
  ChangeTrackingExport,
  CustomApiGateway,
  EventHubFanout,
  MonitoringOptions,
  OutboundQueueIntegration,
  RelayIntegration,
  ServiceBusNamespace,
  ServiceBusQueue,
  WebhookFunction,
} from '../../src';
import { newStack, resourcesOf, synthJson, warningsOf } from '../helpers';
import { AG_ID, EMAIL, alertedMetrics, diagnosticTargets, infosOf } from './monitoring-fixtures';

const CODE = path.join(__dirname, '..', '..', 'examples', 'functions', 'validate-account');
const steps = [{ table: 'account', message: 'Create' }];

type Build = (stack: TerraformStack, base: any, monitoring?: MonitoringOptions) => IConstruct;
const PATTERNS: [string, Build, string[]][] = [
  [
    'OutboundQueueIntegration',
    (s, b, monitoring) => new OutboundQueueIntegration(s, 'p', { ...b, steps, monitoring }),
    ['ActiveMessages', 'DeadletteredMessages', 'ServerErrors', 'ThrottledRequests'],
  ],
  ['EventHubFanout', (s, b, monitoring) => new EventHubFanout(s, 'p', { ...b, steps, monitoring }), ['ServerErrors', 'ThrottledRequests']],
  ['RelayIntegration', (s, b, monitoring) => new RelayIntegration(s, 'p', { ...b, steps, monitoring }), ['ActiveListeners']],
  ['WebhookFunction', (s, b, monitoring) => new WebhookFunction(s, 'p', { ...b, steps, code: CODE, monitoring }), ['requests/duration', 'requests/failed']],
  [
    'CustomApiGateway',
    (s, b, monitoring) =>
      new CustomApiGateway(s, 'p', { ...b, publisherName: 'Contoso', publisherEmail: 'a@contoso.com', apiManagement: { tier: ApiManagementTier.STANDARD }, monitoring }),
    ['Capacity', 'Requests'],
  ],
  [
    'ChangeTrackingExport',
    (s, b, monitoring) =>
      new ChangeTrackingExport(s, 'p', {
        ...b,
        tables: [{ logicalName: 'account' }],
        securityRoleName: 'Change tracking export',
        functionCode: CODE,
        serviceBusQueue: new ServiceBusQueue(s, 'queue', {
          serviceBusNamespace: new ServiceBusNamespace(s, 'sb', { resourceGroup: b.resourceGroup, name: 'sb-contoso-ct' }),
          name: 'changes',
        }),
        monitoring,
      }),
    ['requests/failed'],
  ],
];

function build(b: Build, monitoring?: MonitoringOptions | ((stack: TerraformStack) => MonitoringOptions)) {
  const ctx = newStack();
  const pattern = b(ctx.stack, { dataverse: ctx.dataverse, resourceGroup: ctx.rg, tags: { team: 'crm' } }, typeof monitoring === 'function' ? monitoring(ctx.stack) : monitoring);
  return { pattern, synth: synthJson(ctx.stack) };
}

describe.each(PATTERNS)('%s: monitoring', (_name, b, metrics) => {
  it("emailReceivers: every alert of the pattern, notifying one action group created under it, with the pattern's tags", () => {
    const { synth } = build(b, EMAIL);
    expect(alertedMetrics(synth)).toEqual(metrics);
    const groups = Object.entries(resourcesOf(synth, 'azurerm_monitor_action_group'));
    expect(groups).toHaveLength(1);
    expect(groups[0][0]).toMatch(/^p_action-group_/);
    for (const a of Object.values(resourcesOf(synth, 'azurerm_monitor_metric_alert')) as any[]) {
      expect(a.action).toEqual([{ action_group_id: `\${azurerm_monitor_action_group.${groups[0][0]}.id}` }]);
      expect(a.tags).toEqual({ team: 'crm' });
    }
    expect(diagnosticTargets(synth).length).toBeGreaterThan(0);
  });

  it('an existing action group id is used as it is', () => {
    const { synth } = build(b, (stack) => ({ actionGroup: ActionGroup.fromActionGroupAttributes(stack, 'oncall', { actionGroupId: AG_ID }) }));
    expect(resourcesOf(synth, 'azurerm_monitor_action_group')).toEqual({});
    expect((Object.values(resourcesOf(synth, 'azurerm_monitor_metric_alert')) as any[]).map((a) => a.action)).toEqual(metrics.map(() => [{ action_group_id: AG_ID }]));
  });

  it('no alert without an action group (an info note, no warning); allowNoActionGroup creates them without an action', () => {
    const quiet = build(b, { diagnostics: false });
    expect(resourcesOf(quiet.synth, 'azurerm_monitor_metric_alert')).toEqual({});
    expect(diagnosticTargets(quiet.synth)).toEqual([]);
    expect(infosOf(quiet.pattern).filter((i) => i.startsWith('monitoring: no alert created'))).toHaveLength(1);
    expect(warningsOf(quiet.pattern).filter((w) => w.startsWith('monitoring'))).toEqual([]);
    const asked = build(b, { allowNoActionGroup: true });
    const alerts = Object.values(resourcesOf(asked.synth, 'azurerm_monitor_metric_alert')) as any[];
    expect(alerts).toHaveLength(metrics.length);
    expect(alerts.every((a) => a.action === undefined)).toBe(true);
  });

  it('without monitoring: no alert, action group, diagnostic setting or shared workspace', () => {
    const { synth } = build(b);
    expect(resourcesOf(synth, 'azurerm_monitor_metric_alert')).toEqual({});
    expect(resourcesOf(synth, 'azurerm_monitor_action_group')).toEqual({});
    expect(resourcesOf(synth, 'azurerm_monitor_diagnostic_setting')).toEqual({});
    expect(Object.keys(resourcesOf(synth, 'azurerm_log_analytics_workspace'))).not.toContain('dataverse-monitoring-workspace');
  });
});
