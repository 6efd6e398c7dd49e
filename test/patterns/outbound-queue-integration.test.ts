import { ServicebusNamespace } from '@cdktf/provider-azurerm/lib/servicebus-namespace';
import { ServicebusQueue } from '@cdktf/provider-azurerm/lib/servicebus-queue';
import { ServicebusQueueAuthorizationRule } from '@cdktf/provider-azurerm/lib/servicebus-queue-authorization-rule';
import { ServicebusTopic } from '@cdktf/provider-azurerm/lib/servicebus-topic';
import { describe, expect, it } from 'vitest';
import {
  DataverseTesting,
  OutboundQueueIntegration,
  ServiceBusEntityKind,
  ServiceEndpointAuthType,
  ServiceEndpointContract,
  StepMode,
  StepStage,
} from '../../src';
import { newStack, onlyResource, validationErrors } from '../helpers';

const steps = [
  { table: 'salesorder', message: 'Create' },
  { table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode'] },
];

describe('OutboundQueueIntegration', () => {
  it('creates a Standard namespace, a queue and a Send-only rule', () => {
    const { stack, rg, dataverse } = newStack();
    new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps });
    const synth = DataverseTesting.synth(stack);
    expect(onlyResource(synth.terraform, 'azurerm_servicebus_namespace')).toBeDefined();
    expect(synth).toHaveResource(ServicebusNamespace, { sku: 'Standard', minimum_tls_version: '1.2', local_auth_enabled: true });
    expect(synth).toHaveResource(ServicebusQueueAuthorizationRule, { send: true, listen: false, manage: false, name: 'dataverse-send' });
    expect(synth).not.toHaveResource('azurerm_servicebus_namespace_authorization_rule');
  });

  it('registers a queue endpoint and one asynchronous post-operation step per definition', () => {
    const { stack, rg, dataverse } = newStack();
    const orders = new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps });
    const synth = DataverseTesting.synth(stack);
    expect(synth).toHaveServiceEndpoint({ contract: ServiceEndpointContract.QUEUE, authType: ServiceEndpointAuthType.SAS_KEY, path: orders.queue!.nameInput });
    expect(synth).toHaveStep({ table: 'salesorder', message: 'Create', stage: StepStage.POST_OPERATION, mode: StepMode.ASYNCHRONOUS });
    expect(synth).toHaveStep({ table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode'], endpoint: 'test/orders' });
    expect(stack).toBeDeployable();
  });

  it('topic mode: no queue, a topic', () => {
    const { stack, rg, dataverse } = newStack();
    new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps, entityKind: ServiceBusEntityKind.TOPIC });
    const synth = DataverseTesting.synth(stack);
    expect(synth).not.toHaveResource(ServicebusQueue);
    expect(synth).toHaveResource(ServicebusTopic);
    expect(synth).toHaveServiceEndpoint({ contract: ServiceEndpointContract.TOPIC });
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
    expect(stack).not.toBeDeployable();
  });
});
