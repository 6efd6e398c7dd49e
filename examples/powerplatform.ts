// The Power Platform provider mode: a second stack whose Dataverse registrations are Terraform
// resources of `microsoft/power-platform`, so one `cdktf deploy` creates the Azure side and
// registers the endpoint and its steps, and `cdktf destroy` removes both.
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { App, TerraformStack } from 'cdktf';
import { DataverseEnvironment, OutboundQueueIntegration, PowerPlatformProvider, RegistrationMode } from 'cdktf-dataverse';

/** Adds the `invoices` stack (Power Platform provider mode) to the app. */
export function buildPowerPlatformStack(app: App): TerraformStack {
  const stack = new TerraformStack(app, 'invoices');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  // Signs in like the Azure CLI does; in CI use client_id/tenant_id with OIDC instead.
  new PowerPlatformProvider(stack, 'powerplatform', { useCli: true });
  const rg = new ResourceGroup(stack, 'rg', { name: 'rg-invoices', location: 'westeurope' });
  const dataverse = new DataverseEnvironment(stack, 'dataverse', {
    url: 'https://contoso.crm4.dynamics.com',
    solutionUniqueName: 'ContosoIntegration',
    registrationMode: RegistrationMode.POWER_PLATFORM_PROVIDER,
    environmentId: '00000000-0000-0000-0000-0000000000aa',
  });
  new OutboundQueueIntegration(stack, 'invoices', {
    dataverse,
    resourceGroup: rg,
    steps: [
      { table: 'invoice', message: 'Create', images: [{ imageType: 1, attributes: ['invoicenumber', 'totalamount'] }] },
      { table: 'invoice', message: 'Update', filteringAttributes: ['statuscode'] },
    ],
  });
  return stack;
}
