// monitoring on the HTTP patterns: WebhookFunction (Application Insights) and CustomApiGateway (API Management).
import * as path from 'path';
import { TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ActionGroup, ApiManagement, ApiManagementTier, CustomApiGateway, LogAnalyticsWorkspace, MonitoringOptions, UserAssignedIdentity, WebhookFunction } from '../../src';
import { STACK_WORKSPACE_ID } from '../../src/azure/alerts-wiring';
import { newStack, resourcesOf, synthJson, warningsOf } from '../helpers';
import { AG_ID, EMAIL, LAW_ID, alertedMetrics, alertsByMetric, diagnosticTargets } from './monitoring-fixtures';

const CODE = path.join(__dirname, '..', '..', 'examples', 'functions', 'validate-account');
const steps = [{ table: 'account', message: 'Create' }];

type Monitoring = MonitoringOptions | ((stack: TerraformStack) => MonitoringOptions) | undefined;
const resolve = (stack: TerraformStack, m: Monitoring) => (typeof m === 'function' ? m(stack) : m);

describe('WebhookFunction: monitoring', () => {
  function webhook(monitoring: Monitoring) {
    const ctx = newStack();
    const pattern = new WebhookFunction(ctx.stack, 'validate', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, code: CODE, steps, monitoring: resolve(ctx.stack, monitoring) });
    return { ...ctx, pattern, synth: () => synthJson(ctx.stack) };
  }

  it("defaults: failed requests and request duration near Dataverse's 60 s limit, on the pattern's Application Insights; diagnostics of the app and the vault to the pattern's workspace", () => {
    const s = webhook(EMAIL).synth();
    const alerts = alertsByMetric(s);
    expect(Object.keys(alerts).sort()).toEqual(['requests/duration', 'requests/failed']);
    for (const a of Object.values(alerts)) {
      expect(a.scopes).toEqual([expect.stringMatching(/^\$\{azurerm_application_insights\..*\.id\}$/)]);
      expect(a.criteria[0].metric_namespace).toBe('microsoft.insights/components');
    }
    expect(alerts['requests/failed']).toMatchObject({ severity: 1, criteria: [{ aggregation: 'Count', operator: 'GreaterThan', threshold: 0 }] });
    expect(alerts['requests/duration']).toMatchObject({
      severity: 2,
      criteria: [{ aggregation: 'Maximum', operator: 'GreaterThan', threshold: 45000 }],
      description: expect.stringContaining('60 seconds'),
    });
    const targets = diagnosticTargets(s);
    expect(targets.map(([t]) => t.split('.')[0])).toEqual(['${azurerm_function_app_flex_consumption', '${azurerm_key_vault']);
    const own = Object.keys(resourcesOf(s, 'azurerm_log_analytics_workspace'));
    expect(own).toHaveLength(1);
    expect(own[0]).not.toBe(STACK_WORKSPACE_ID);
    expect(targets.map(([, w]) => w)).toEqual([`\${azurerm_log_analytics_workspace.${own[0]}.id}`, `\${azurerm_log_analytics_workspace.${own[0]}.id}`]);
    const app = (Object.values(resourcesOf(s, 'azurerm_monitor_diagnostic_setting')) as any[])[0];
    expect(app.enabled_log).toEqual([{ category: 'FunctionAppLogs' }]);
  });

  it('each alert can be turned off or tuned; monitoring.workspace takes the diagnostics elsewhere; without monitoring nothing is added', () => {
    expect(alertedMetrics(webhook({ ...EMAIL, functionFailures: { enabled: false } }).synth())).toEqual(['requests/duration']);
    expect(alertedMetrics(webhook({ ...EMAIL, webhookLatency: { enabled: false } }).synth())).toEqual(['requests/failed']);
    expect(alertsByMetric(webhook({ ...EMAIL, webhookLatency: { threshold: 30000, severity: 1 } }).synth())['requests/duration']).toMatchObject({
      severity: 1,
      criteria: [{ threshold: 30000 }],
    });
    const elsewhere = webhook((stack) => ({ ...EMAIL, workspace: LogAnalyticsWorkspace.fromLogAnalyticsWorkspaceAttributes(stack, 'law', { workspaceId: LAW_ID }) })).synth();
    expect(diagnosticTargets(elsewhere).map(([, w]) => w)).toEqual([LAW_ID, LAW_ID]);
    const none = webhook(undefined).synth();
    expect(resourcesOf(none, 'azurerm_monitor_metric_alert')).toEqual({});
    expect(resourcesOf(none, 'azurerm_monitor_diagnostic_setting')).toEqual({});
  });

  it('no alert without an action group; an existing action group id is used as it is', () => {
    expect(resourcesOf(webhook({ diagnostics: false }).synth(), 'azurerm_monitor_metric_alert')).toEqual({});
    const s = webhook((stack) => ({ actionGroup: ActionGroup.fromActionGroupAttributes(stack, 'oncall', { actionGroupId: AG_ID }) })).synth();
    expect(resourcesOf(s, 'azurerm_monitor_action_group')).toEqual({});
    expect((Object.values(resourcesOf(s, 'azurerm_monitor_metric_alert')) as any[]).map((a) => a.action)).toEqual([[{ action_group_id: AG_ID }], [{ action_group_id: AG_ID }]]);
  });
});

describe('CustomApiGateway: monitoring', () => {
  const APIM_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers/Microsoft.ApiManagement/service/apim-shared';
  function gateway(monitoring: Monitoring, extra: (stack: TerraformStack) => object = () => ({ publisherName: 'Contoso', publisherEmail: 'a@contoso.com' })) {
    const ctx = newStack();
    const pattern = new CustomApiGateway(ctx.stack, 'partners', {
      dataverse: ctx.dataverse,
      resourceGroup: ctx.rg,
      monitoring: resolve(ctx.stack, monitoring),
      ...extra(ctx.stack),
    });
    return { ...ctx, pattern, synth: () => synthJson(ctx.stack) };
  }
  const existing = (stack: TerraformStack) => ({
    existingApiManagement: ApiManagement.fromApiManagementAttributes(stack, 'apim', { apiManagementId: APIM_ID }),
    existingIdentity: UserAssignedIdentity.fromUserAssignedIdentityAttributes(stack, 'identity', {
      userAssignedIdentityId: '/subscriptions/x/resourceGroups/rg-shared/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-apim',
      principalId: '66666666-7777-4888-9999-aaaaaaaaaaaa',
      clientId: '11111111-2222-3333-4444-555555555555',
    }),
  });
  const tier = (t: ApiManagementTier) => () => ({ publisherName: 'Contoso', publisherEmail: 'a@contoso.com', apiManagement: { tier: t } });

  it('defaults on Consumption: gateway 5xx only (the tier has no capacity); diagnostics of the service', () => {
    const s = gateway(EMAIL).synth();
    const alerts = alertsByMetric(s);
    expect(Object.keys(alerts)).toEqual(['Requests']);
    expect(alerts.Requests).toMatchObject({
      severity: 1,
      scopes: [expect.stringMatching(/^\$\{azurerm_api_management\..*\.id\}$/)],
      criteria: [
        {
          metric_namespace: 'Microsoft.ApiManagement/service',
          aggregation: 'Total',
          threshold: 0,
          dimension: [{ name: 'GatewayResponseCodeCategory', operator: 'Include', values: ['5xx'] }],
        },
      ],
    });
    expect(diagnosticTargets(s)).toEqual([[expect.stringMatching(/azurerm_api_management\./), `\${azurerm_log_analytics_workspace.${STACK_WORKSPACE_ID}.id}`]]);
  });

  it('a tier with units adds capacity (Average > 80 % over PT15M); each alert can be turned off or tuned; Consumption with capacity tuned warns', () => {
    const standard = alertsByMetric(gateway(EMAIL, tier(ApiManagementTier.STANDARD)).synth());
    expect(Object.keys(standard).sort()).toEqual(['Capacity', 'Requests']);
    expect(standard.Capacity).toMatchObject({ severity: 2, window_size: 'PT15M', criteria: [{ aggregation: 'Average', operator: 'GreaterThan', threshold: 80 }] });
    expect(alertedMetrics(gateway({ ...EMAIL, apiManagementCapacity: { enabled: false } }, tier(ApiManagementTier.PREMIUM)).synth())).toEqual(['Requests']);
    expect(alertedMetrics(gateway({ ...EMAIL, apiManagementServerErrors: { enabled: false } }, tier(ApiManagementTier.BASIC)).synth())).toEqual(['Capacity']);
    expect(alertsByMetric(gateway({ ...EMAIL, apiManagementCapacity: { threshold: 60 } }, tier(ApiManagementTier.DEVELOPER)).synth()).Capacity.criteria[0].threshold).toBe(60);
    const consumption = gateway({ ...EMAIL, apiManagementCapacity: { threshold: 60 } });
    expect(alertedMetrics(consumption.synth())).toEqual(['Requests']);
    expect(warningsOf(consumption.pattern)).toEqual([expect.stringContaining('monitoring.apiManagementCapacity: the Consumption tier has no capacity metric')]);
  });

  it('a given service: 5xx, capacity only when asked for (its tier is unknown), no diagnostic setting (not ours)', () => {
    const s = gateway(EMAIL, existing).synth();
    expect(alertedMetrics(s)).toEqual(['Requests']);
    expect(alertsByMetric(s).Requests.scopes).toEqual([APIM_ID]);
    expect(diagnosticTargets(s)).toEqual([]);
    expect(alertedMetrics(gateway({ ...EMAIL, apiManagementCapacity: {} }, existing).synth())).toEqual(['Capacity', 'Requests']);
  });

  it('no alert without an action group; an existing action group id is used as it is', () => {
    expect(resourcesOf(gateway({}).synth(), 'azurerm_monitor_metric_alert')).toEqual({});
    const s = gateway((stack) => ({ actionGroup: ActionGroup.fromActionGroupAttributes(stack, 'oncall', { actionGroupId: AG_ID }) })).synth();
    expect(resourcesOf(s, 'azurerm_monitor_action_group')).toEqual({});
    expect(alertsByMetric(s).Requests.action).toEqual([{ action_group_id: AG_ID }]);
  });
});
