// Expected shapes follow azurerm 4.55's schemas (hashicorp/terraform-provider-azurerm v4.55.0:
// internal/services/monitor/monitor_action_group_resource.go, monitor_metric_alert_resource.go):
// the synthesized keys are the provider's, the values our own.
import { TerraformVariable, Testing } from 'cdktf';
// eslint-disable-next-line import/no-extraneous-dependencies
import { resolve } from 'cdktf/lib/_tokens';
import { describe, expect, it } from 'vitest';
import { ActionGroup, MetricAggregation, MetricAlert, MetricCriteria, MetricDimensionOperator, MetricOperator } from '../../src';
import { serviceBusMetric } from '../../src/azure/alerts-catalogue';
import { newStack, onlyResource, resourcesOf, synthJson, validationErrors } from '../helpers';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ops/providers';
const NAMESPACE_ID = `${SUB}/Microsoft.ServiceBus/namespaces/sb-orders`;
const AG_ID = `${SUB}/Microsoft.Insights/actionGroups/ag-oncall`;

function criteria(overrides: Partial<MetricCriteria> = {}): MetricCriteria {
  return {
    resourceId: NAMESPACE_ID,
    metricNamespace: 'Microsoft.ServiceBus/namespaces',
    metricName: 'DeadletteredMessages',
    aggregation: MetricAggregation.MAXIMUM,
    comparisonOperator: MetricOperator.GREATER_THAN,
    threshold: 0,
    ...overrides,
  };
}

describe('ActionGroup block', () => {
  it('defaults: global, enabled, short name from the id, each email receiver with the common alert schema, generated name, own Terraform address', () => {
    const { stack, rg } = newStack();
    const ag = new ActionGroup(stack, 'oncall', { resourceGroup: rg, emailReceivers: ['ops@contoso.com', 'Dev@Contoso.com'] });
    const synth = synthJson(stack);
    const r = onlyResource(synth, 'azurerm_monitor_action_group');
    expect(r).toMatchObject({ location: 'global', enabled: true, short_name: 'oncall', resource_group_name: '${azurerm_resource_group.rg.name}' });
    expect(r.name).toMatch(/^ag-test-oncall-[0-9a-f]{6}$/);
    expect(r.email_receiver).toEqual([
      { name: expect.stringMatching(/^email-[0-9a-f]{8}$/), email_address: 'ops@contoso.com', use_common_alert_schema: true },
      { name: expect.stringMatching(/^email-[0-9a-f]{8}$/), email_address: 'Dev@Contoso.com', use_common_alert_schema: true },
    ]);
    expect(new Set(r.email_receiver.map((e: any) => e.name)).size).toBe(2);
    expect(Object.keys(resourcesOf(synth, 'azurerm_monitor_action_group'))).toEqual(['oncall']);
    expect(resolve(stack, ag.actionGroupId)).toBe('${azurerm_monitor_action_group.oncall.id}');
  });

  it('a short name is cut to 12 characters; webhook receivers, literal (HTTPS, no query) or a sensitive reference, use the common alert schema', () => {
    const { stack, rg } = newStack();
    const hook = new TerraformVariable(stack, 'teams_webhook', { type: 'string', sensitive: true });
    new ActionGroup(stack, 'integration-operations', {
      resourceGroup: rg,
      webhookReceivers: [{ serviceUri: 'https://alerts.contoso.com/dataverse' }, { name: 'teams', serviceUri: hook.stringValue }],
    });
    const r = onlyResource(synthJson(stack), 'azurerm_monitor_action_group');
    expect(r.short_name).toBe('integration-');
    expect(r.webhook_receiver).toEqual([
      { name: expect.stringMatching(/^webhook-[0-9a-f]{8}$/), service_uri: 'https://alerts.contoso.com/dataverse', use_common_alert_schema: true },
      { name: 'teams', service_uri: '${var.teams_webhook}', use_common_alert_schema: true },
    ]);
  });

  it('validation, every problem at once: no receiver, a bad or repeated address, an http or secret-bearing webhook (the secret not echoed), bad names', () => {
    const empty = newStack();
    new ActionGroup(empty.stack, 'ag', { resourceGroup: empty.rg });
    expect(validationErrors(empty.stack)).toEqual(['[test/ag] the action group has no receiver, so an alert would tell no one. Fix: pass emailReceivers or webhookReceivers.']);

    const { stack, rg } = newStack();
    new ActionGroup(stack, 'ag', {
      resourceGroup: rg,
      name: 'bad:name',
      shortName: 'much-too-long-short-name',
      emailReceivers: ['ops@contoso.com', 'not-an-address', 'OPS@contoso.com'],
      webhookReceivers: [
        { serviceUri: 'http://alerts.contoso.com/hook' },
        { serviceUri: 'https://hooks.contoso.com/alert?token=s3cr3t-t0ken' },
        { serviceUri: 'https://user:pa55@hooks.contoso.com/alert' },
        {} as any,
      ],
    });
    const errors = validationErrors(stack);
    expect(errors).toEqual([
      "[test/ag] name: action group name 'bad:name' is not valid: it must contain no : < > + / & % \\ ? or control characters, not ending with a space or period. Fix: choose a name that follows Azure's rule, or omit name to get a generated one.",
      "[test/ag] shortName 'much-too-long-short-name' is 24 characters long; it must be 1 to 12 characters. Fix: shorten or change it.",
      "[test/ag] emailReceivers[1] 'not-an-address' is not an email address. Fix: write it like 'ops@contoso.com'.",
      "[test/ag] emailReceivers[2] 'OPS@contoso.com' is listed twice. Fix: list each address once.",
      "[test/ag] webhookReceivers[0].serviceUri 'http://alerts.contoso.com/hook' is not an HTTPS address. Fix: pass the webhook's https:// address.",
      '[test/ag] webhookReceivers[1].serviceUri for hooks.contoso.com carries a query string or credentials, which would be written into cdk.tf.json. Fix: pass the address as a sensitive Terraform reference (a TerraformVariable with sensitive: true, or a Key Vault secret data source).',
      '[test/ag] webhookReceivers[2].serviceUri for hooks.contoso.com carries a query string or credentials, which would be written into cdk.tf.json. Fix: pass the address as a sensitive Terraform reference (a TerraformVariable with sensitive: true, or a Key Vault secret data source).',
      "[test/ag] webhookReceivers[3] has no serviceUri. Fix: pass { serviceUri: 'https://...' }.",
    ]);
    expect(errors.join('\n')).not.toContain('s3cr3t');
    expect(errors.join('\n')).not.toContain('pa55');
    expect(() => new ActionGroup(newStack().stack, 'ag', undefined as any)).toThrow('test/ag: ActionGroup needs props');
    expect(() => new ActionGroup(newStack().stack, 'ag', { emailReceivers: ['ops@contoso.com'] } as any)).toThrow(
      'test/ag: ActionGroup needs resourceGroup. Fix: pass resourceGroup',
    );
  });

  it('JavaScript callers: null entries give an error naming the prop, not a TypeError', () => {
    const { stack, rg } = newStack();
    new ActionGroup(stack, 'ag', { resourceGroup: rg, emailReceivers: [null as any], webhookReceivers: [null as any] });
    expect(validationErrors(stack)).toEqual([
      "[test/ag] emailReceivers[0] null is not an email address. Fix: write it like 'ops@contoso.com'.",
      "[test/ag] webhookReceivers[0] has no serviceUri. Fix: pass { serviceUri: 'https://...' }.",
    ]);
  });

  it('imported: a literal id gives its name, a reference an expression; a wrong type is reported; missing attrs throw naming the construct', () => {
    const { stack } = newStack();
    const literal = ActionGroup.fromActionGroupAttributes(stack, 'oncall', { actionGroupId: AG_ID });
    expect(literal).toEqual({ actionGroupId: AG_ID, actionGroupName: 'ag-oncall' });
    const ref = new TerraformVariable(stack, 'ag_id', { type: 'string' });
    const byRef = ActionGroup.fromActionGroupAttributes(stack, 'shared', { actionGroupId: ref.stringValue });
    expect(resolve(stack, byRef.actionGroupId)).toBe('${var.ag_id}');
    expect(resolve(stack, byRef.actionGroupName)).toBe('${element(split("/", var.ag_id), 8)}');
    expect(validationErrors(stack)).toEqual([]);

    const bad = newStack();
    ActionGroup.fromActionGroupAttributes(bad.stack, 'wrong', { actionGroupId: `${SUB}/Microsoft.Insights/metricAlerts/a1` });
    expect(validationErrors(bad.stack)).toEqual([
      `[test/wrong] actionGroupId '${SUB.slice(0, 77)}...' is not the resource id of a Microsoft.Insights/actionGroups. Fix: pass '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Insights/actionGroups/<name>'.`,
    ]);
    expect(() => ActionGroup.fromActionGroupAttributes(newStack().stack, 'x', {} as any)).toThrow('test: ActionGroup.fromActionGroupAttributes needs actionGroupId');
  });
});

describe('MetricAlert block', () => {
  it('defaults: one scope, the criteria with its dimension, PT1M over PT5M, severity 3, enabled, auto-mitigated, the action group, a generated name, own address', () => {
    const { stack, rg } = newStack();
    const ag = ActionGroup.fromActionGroupAttributes(stack, 'oncall', { actionGroupId: AG_ID });
    const alert = new MetricAlert(stack, 'dlq', {
      resourceGroup: rg,
      actionGroup: ag,
      criteria: criteria({ dimensions: [{ name: 'EntityName', values: ['orders'] }] }),
    });
    const synth = synthJson(stack);
    const r = onlyResource(synth, 'azurerm_monitor_metric_alert');
    expect(r).toMatchObject({
      resource_group_name: '${azurerm_resource_group.rg.name}',
      scopes: [NAMESPACE_ID],
      frequency: 'PT1M',
      window_size: 'PT5M',
      severity: 3,
      enabled: true,
      auto_mitigate: true,
      action: [{ action_group_id: AG_ID }],
      description: 'DeadletteredMessages Maximum GreaterThan 0 over PT5M',
      criteria: [
        {
          metric_namespace: 'Microsoft.ServiceBus/namespaces',
          metric_name: 'DeadletteredMessages',
          aggregation: 'Maximum',
          operator: 'GreaterThan',
          threshold: 0,
          dimension: [{ name: 'EntityName', operator: 'Include', values: ['orders'] }],
        },
      ],
    });
    expect(r.name).toMatch(/^alert-test-dlq-[0-9a-f]{6}$/);
    expect(Object.keys(resourcesOf(synth, 'azurerm_monitor_metric_alert'))).toEqual(['dlq']);
    expect(alert.criteria).toMatchObject({ window: 'PT5M', frequency: 'PT1M', severity: 3 });
  });

  it('takes a catalogued criteria as it is (window, frequency, severity, description), and each override', () => {
    const { stack, rg } = newStack();
    const ag = ActionGroup.fromActionGroupAttributes(stack, 'oncall', { actionGroupId: AG_ID });
    new MetricAlert(stack, 'backlog', {
      resourceGroup: rg,
      actionGroup: ag,
      criteria: serviceBusMetric(NAMESPACE_ID, 'activeMessages', 'orders', { threshold: 50 }),
      name: 'orders backlog',
      description: 'Orders wait in the queue',
      enabled: false,
      autoMitigate: false,
    });
    expect(onlyResource(synthJson(stack), 'azurerm_monitor_metric_alert')).toMatchObject({
      name: 'orders backlog',
      description: 'Orders wait in the queue',
      enabled: false,
      auto_mitigate: false,
      window_size: 'PT15M',
      frequency: 'PT5M',
      severity: 2,
      criteria: [{ metric_name: 'ActiveMessages', aggregation: 'Average', threshold: 50, dimension: [{ name: 'EntityName', values: ['orders'] }] }],
    });
  });

  it('no alert without an action group unless asked: a synth error naming the fix; allowNoActionGroup creates it without an action', () => {
    const { stack, rg } = newStack();
    new MetricAlert(stack, 'dlq', { resourceGroup: rg, criteria: criteria() });
    expect(validationErrors(stack)).toEqual([
      '[test/dlq] the alert has no action group, so it would fire without telling anyone. Fix: pass actionGroup (an ActionGroup, or ActionGroup.fromActionGroupAttributes for one that exists), or allowNoActionGroup: true to see it in the Azure portal only.',
    ]);
    const asked = newStack();
    new MetricAlert(asked.stack, 'dlq', { resourceGroup: asked.rg, criteria: criteria(), allowNoActionGroup: true });
    expect(onlyResource(synthJson(asked.stack), 'azurerm_monitor_metric_alert')).not.toHaveProperty('action');
  });

  it('validation, every problem at once: aggregation, operator, threshold type, window, frequency, frequency > window, severity, dimensions, resource id, metric name, rule name', () => {
    const { stack, rg } = newStack();
    const ag = ActionGroup.fromActionGroupAttributes(stack, 'oncall', { actionGroupId: AG_ID });
    new MetricAlert(stack, 'a', {
      resourceGroup: rg,
      actionGroup: ag,
      name: 'dlq: orders',
      criteria: {
        resourceId: 'sb-orders',
        metricNamespace: 'Microsoft.ServiceBus/namespaces',
        metricName: ' ',
        aggregation: 'Avg' as any,
        comparisonOperator: 'Bigger' as any,
        threshold: '0' as any,
        window: 'PT2M',
        frequency: 'PT2H',
        severity: 5,
        dimensions: [{ name: 'EntityName', values: [] }, { name: '', values: ['x'], dimensionOperator: 'Like' as any }, null as any],
      },
    });
    new MetricAlert(stack, 'b', { resourceGroup: rg, actionGroup: ag, criteria: criteria({ window: 'PT5M', frequency: 'PT1H', severity: 1.5 }) });
    expect(validationErrors(stack)).toEqual([
      "[test/a] name: metric alert name 'dlq: orders' is not valid: it must contain no * # & + : < > ? @ % { } \\ / or control characters, not ending with a space or period. Fix: choose a name that follows Azure's rule, or omit name to get a generated one.",
      "[test/a] criteria.resourceId 'sb-orders' is not an Azure resource id. Fix: pass the id of the watched resource ('/subscriptions/<id>/resourceGroups/<group>/providers/<type>/<name>') or its Terraform reference.",
      `[test/a] criteria.metricName ' ' is empty. Fix: use the name from Azure Monitor's "Supported metrics" table.`,
      "[test/a] criteria.aggregation 'Avg' is not an aggregation Azure Monitor accepts. Fix: use one of Average, Count, Minimum, Maximum, Total (MetricAggregation).",
      "[test/a] criteria.comparisonOperator 'Bigger' is not an operator Azure Monitor accepts. Fix: use one of Equals, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual (MetricOperator).",
      "[test/a] criteria.threshold '0' is not a number. Fix: pass the threshold as a finite number in the metric's unit (a count, milliseconds or percent).",
      "[test/a] criteria.window 'PT2M' is not a window Azure Monitor accepts. Fix: use one of PT1M, PT5M, PT15M, PT30M, PT1H, PT6H, PT12H, P1D (ISO 8601 durations).",
      "[test/a] criteria.frequency 'PT2H' is not an evaluation frequency Azure Monitor accepts. Fix: use one of PT1M, PT5M, PT15M, PT30M, PT1H (ISO 8601 durations).",
      '[test/a] criteria.severity 5 is not a severity: Azure Monitor takes a whole number from 0 (critical) to 4 (verbose). Fix: use 0, 1, 2, 3 or 4.',
      "[test/a] criteria.dimensions[0].values [] must be a non-empty list of non-empty strings. Fix: list the values to match ('*' for each value separately).",
      "[test/a] criteria.dimensions[1].name is missing. Fix: name the dimension, e.g. 'EntityName'.",
      "[test/a] criteria.dimensions[1].dimensionOperator 'Like' is not a dimension operator Azure Monitor accepts. Fix: use one of Include, Exclude, StartsWith (MetricDimensionOperator).",
      '[test/a] criteria.dimensions[2] null is not a dimension. Fix: pass { name, values, dimensionOperator? }.',
      '[test/b] criteria.severity 1.5 is not a severity: Azure Monitor takes a whole number from 0 (critical) to 4 (verbose). Fix: use 0, 1, 2, 3 or 4.',
      "[test/b] criteria.frequency 'PT1H' is longer than the window 'PT5M': Azure evaluates the window at each run, so part of the time would never be looked at. Fix: choose a frequency no longer than the window.",
    ]);
  });

  it('unresolved tokens are not judged; a JavaScript caller without criteria fields gets an error naming the construct and the props', () => {
    const { stack, rg } = newStack();
    const ag = ActionGroup.fromActionGroupAttributes(stack, 'oncall', { actionGroupId: AG_ID });
    const threshold = new TerraformVariable(stack, 'threshold', { type: 'number' });
    const window = new TerraformVariable(stack, 'window', { type: 'string' });
    const ns = new TerraformVariable(stack, 'ns', { type: 'string' });
    new MetricAlert(stack, 'dlq', {
      resourceGroup: rg,
      actionGroup: ag,
      criteria: criteria({ resourceId: ns.stringValue, threshold: threshold.numberValue, window: window.stringValue }),
    });
    expect(validationErrors(stack)).toEqual([]);
    const r = onlyResource(synthJson(stack), 'azurerm_monitor_metric_alert');
    expect(r.criteria[0].threshold).toBe('${var.threshold}');
    expect(r.description).toBe('DeadletteredMessages Maximum GreaterThan the threshold over ${var.window}');
    expect(() => new MetricAlert(newStack().stack, 'x', { resourceGroup: rg, allowNoActionGroup: true, criteria: { resourceId: NAMESPACE_ID, metricName: 'X' } as any })).toThrow(
      'test/x: MetricAlert criteria needs metricNamespace, aggregation, comparisonOperator, threshold.',
    );
    expect(() => new MetricAlert(newStack().stack, 'y', { resourceGroup: rg } as any)).toThrow('test/y: MetricAlert needs criteria.');
  });

  it('deterministic: the same app synthesizes byte-identical JSON; names follow the construct path', () => {
    const build = () => {
      const { stack, rg } = newStack();
      const ag = new ActionGroup(stack, 'oncall', { resourceGroup: rg, emailReceivers: ['ops@contoso.com'] });
      new MetricAlert(stack, 'dlq', { resourceGroup: rg, actionGroup: ag, criteria: serviceBusMetric(NAMESPACE_ID, 'deadLetteredMessages', 'orders') });
      new MetricAlert(stack, 'dlq-invoices', { resourceGroup: rg, actionGroup: ag, criteria: serviceBusMetric(NAMESPACE_ID, 'deadLetteredMessages', 'invoices') });
      return Testing.synth(stack, true);
    };
    const first = build();
    expect(build()).toBe(first);
    const names = Object.values(resourcesOf(JSON.parse(first), 'azurerm_monitor_metric_alert')).map((r: any) => r.name);
    expect(new Set(names).size).toBe(2);
    expect(MetricDimensionOperator.INCLUDE).toBe('Include');
  });
});
