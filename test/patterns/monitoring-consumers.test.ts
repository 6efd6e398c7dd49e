// The consumer apps that addFunctionConsumer creates take the integration's monitoring: failed
// executions of the app (Application Insights requests/failed: every trigger's executions are
// logged as requests) and the app's diagnostic settings.
import { describe, expect, it } from 'vitest';
import { ActionGroup, ConsumerFunctionApp, OutboundQueueIntegration } from '../../src';
import { newStack, resourcesOf, synthJson } from '../helpers';
import { CODE } from './consumer-fixtures';
import { AG_ID, EMAIL, diagnosticTargets } from './monitoring-fixtures';

const steps = [{ table: 'salesorder', message: 'Create' }];

function metricsOf(synth: any): string[] {
  return (Object.entries(resourcesOf(synth, 'azurerm_monitor_metric_alert')) as [string, any][]).map(([id, a]) => `${id.split('_')[0]}:${a.criteria[0].metric_name}`).sort();
}

describe('monitoring of function consumers', () => {
  it("a consumer app gets the integration's monitoring: a failures alert on its Application Insights and its diagnostics", () => {
    const { stack, dataverse, rg } = newStack();
    const orders = new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps, monitoring: EMAIL });
    const consumer = orders.addFunctionConsumer('orders-fn', { code: CODE });
    const synth = synthJson(stack);
    const failures = (Object.values(resourcesOf(synth, 'azurerm_monitor_metric_alert')) as any[]).filter((a) => a.criteria[0].metric_name === 'requests/failed');
    expect(failures).toHaveLength(1);
    const insightsId = Object.keys(resourcesOf(synth, 'azurerm_application_insights'))[0];
    expect(failures[0].scopes).toEqual([`\${azurerm_application_insights.${insightsId}.id}`]);
    const appId = Object.keys(resourcesOf(synth, 'azurerm_function_app_flex_consumption'))[0];
    expect(diagnosticTargets(synth).map(([target]) => target)).toContain(`\${azurerm_function_app_flex_consumption.${appId}.id}`);
    expect(consumer.functionApp.node.tryFindChild('alert-function-failures')).toBeDefined();
  });

  it('an existing action group is shared by the integration and its consumer app', () => {
    const { stack, dataverse, rg } = newStack();
    const actionGroup = ActionGroup.fromActionGroupAttributes(stack, 'oncall', { actionGroupId: AG_ID });
    const orders = new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps, monitoring: { actionGroup } });
    orders.addFunctionConsumer('orders-fn', { code: CODE });
    const synth = synthJson(stack);
    expect(resourcesOf(synth, 'azurerm_monitor_action_group')).toEqual({});
    const alerts = Object.values(resourcesOf(synth, 'azurerm_monitor_metric_alert')) as any[];
    expect(alerts.length).toBe(5);
    expect(alerts.every((a) => JSON.stringify(a.action) === JSON.stringify([{ action_group_id: AG_ID }]))).toBe(true);
  });

  it("the consumer's own monitoring wins: functionFailures off, diagnostics off", () => {
    const { stack, dataverse, rg } = newStack();
    const orders = new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps, monitoring: EMAIL });
    orders.addFunctionConsumer('orders-fn', { code: CODE, monitoring: { ...EMAIL, functionFailures: { enabled: false }, diagnostics: false } });
    const synth = synthJson(stack);
    expect(metricsOf(synth).filter((m) => m.endsWith('requests/failed'))).toEqual([]);
    const appId = Object.keys(resourcesOf(synth, 'azurerm_function_app_flex_consumption'))[0];
    expect(diagnosticTargets(synth).map(([target]) => target)).not.toContain(`\${azurerm_function_app_flex_consumption.${appId}.id}`);
  });

  it('without monitoring on the integration: no alert or diagnostic setting for the consumer app', () => {
    const { stack, dataverse, rg } = newStack();
    const orders = new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps });
    orders.addFunctionConsumer('orders-fn', { code: CODE });
    const synth = synthJson(stack);
    expect(resourcesOf(synth, 'azurerm_monitor_metric_alert')).toEqual({});
    expect(resourcesOf(synth, 'azurerm_monitor_diagnostic_setting')).toEqual({});
  });

  it('a shared app passed as functionApp takes its own monitoring; monitoring beside functionApp is an error', () => {
    const { stack, dataverse, rg } = newStack();
    const orders = new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps });
    const app = new ConsumerFunctionApp(stack, 'consumers', { resourceGroup: rg, code: CODE, monitoring: { allowNoActionGroup: true } });
    orders.addFunctionConsumer('orders-fn', { functionApp: app, monitoring: EMAIL });
    expect(() => synthJson(stack)).toThrow('[test/orders/orders-fn] conflicting props: functionApp with monitoring.');
  });
});
