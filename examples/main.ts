// The example app: `npm run synth` (or `npx cdktf synth`) writes cdktf.out/stacks/orders/
// cdk.tf.json and dataverse-registrations.json. It imports only the public API.
import { App, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { DataverseEnvironment, OutboundQueueIntegration } from 'cdktf-dataverse';
import { buildPowerPlatformStack } from './powerplatform';

const app = new App();
const stack = new TerraformStack(app, 'orders');
new AzurermProvider(stack, 'azurerm', { features: [{}] });
const rg = new ResourceGroup(stack, 'rg', { name: 'rg-orders', location: 'westeurope' });
const dataverse = new DataverseEnvironment(stack, 'dataverse', {
  url: 'https://contoso.crm4.dynamics.com',
  solutionUniqueName: 'ContosoIntegration',
});
const orders = new OutboundQueueIntegration(stack, 'orders', {
  dataverse,
  resourceGroup: rg,
  steps: [
    { table: 'salesorder', message: 'Create' },
    { table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode'] },
  ],
});
orders.grantListen('00000000-0000-0000-0000-000000000001');

// -- EventHubFanout and RelayIntegration (issue 3) --

// -- WebhookFunction (issue 4) --

// -- CustomApiGateway (issue 5) --

// The Power Platform provider mode (issue 7): a second stack, registered by Terraform itself.
buildPowerPlatformStack(app);

app.synth();
