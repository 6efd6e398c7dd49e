// The complete example of the README's "Testing your stack" section, verbatim: it must keep working.
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { ServicebusQueueAuthorizationRule } from '@cdktf/provider-azurerm/lib/servicebus-queue-authorization-rule';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { DataverseEnvironment, DataverseTesting, OutboundQueueIntegration, StepMode } from 'cdktf-dataverse';

function ordersStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'orders');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  const rg = new ResourceGroup(stack, 'rg', { name: 'rg-orders', location: 'westeurope' });
  const dataverse = new DataverseEnvironment(stack, 'dataverse', {
    url: 'https://contoso.crm4.dynamics.com',
    solutionUniqueName: 'ContosoIntegration',
  });
  new OutboundQueueIntegration(stack, 'orders', {
    dataverse,
    resourceGroup: rg,
    steps: [{ table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode'] }],
  });
  return stack;
}

describe('orders stack', () => {
  it('synthesizes what we reviewed', () => {
    const stack = ordersStack();
    const result = DataverseTesting.synth(stack);
    expect(result).toMatchSnapshot();
    // Dataverse gets a Send-only key on the queue, nothing more.
    expect(result).toHaveResource(ServicebusQueueAuthorizationRule, { send: true, listen: false, manage: false });
    // Order status changes are posted asynchronously.
    expect(result).toHaveStep({ table: 'salesorder', message: 'Update', mode: StepMode.ASYNCHRONOUS, filteringAttributes: ['statuscode'] });
  });

  it('is deployable', () => {
    expect(ordersStack()).toBeDeployable();
  });
});
