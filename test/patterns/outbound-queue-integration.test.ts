import { describe, expect, it } from 'vitest';
import { OutboundQueueIntegration, ServiceBusEntityKind } from '../../src';
import { newStack, onlyResource, resourcesOf, synthJson, validationErrors } from '../helpers';

const steps = [
  { table: 'salesorder', message: 'Create' },
  { table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode'] },
];

describe('OutboundQueueIntegration', () => {
  it('creates a Standard namespace, a queue and a Send-only rule', () => {
    const { stack, rg, dataverse } = newStack();
    new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps });
    const synth = synthJson(stack);
    const ns = onlyResource(synth, 'azurerm_servicebus_namespace');
    expect(ns).toMatchObject({ sku: 'Standard', minimum_tls_version: '1.2', local_auth_enabled: true });
    const rule = onlyResource(synth, 'azurerm_servicebus_queue_authorization_rule');
    expect(rule).toMatchObject({ send: true, listen: false, manage: false, name: 'dataverse-send' });
    expect(Object.keys(resourcesOf(synth, 'azurerm_servicebus_namespace_authorization_rule'))).toHaveLength(0);
  });

  it('topic mode: no queue, a topic', () => {
    const { stack, rg, dataverse } = newStack();
    new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps, entityKind: ServiceBusEntityKind.TOPIC });
    const synth = synthJson(stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_servicebus_queue'))).toHaveLength(0);
    expect(onlyResource(synth, 'azurerm_servicebus_topic')).toBeDefined();
  });

  it('reports a synchronous step as an error', () => {
    const { stack, rg, dataverse } = newStack();
    new OutboundQueueIntegration(stack, 'orders', {
      dataverse,
      resourceGroup: rg,
      steps: [{ table: 'salesorder', message: 'Create', mode: 0, stage: 20 }],
    });
    const errors = validationErrors(stack);
    expect(errors.some((e) => e.includes('asynchronous steps only'))).toBe(true);
  });
});
