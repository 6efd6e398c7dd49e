// The example app: `npm run synth` (or `npx cdktf synth`) writes cdktf.out/stacks/orders/
// cdk.tf.json and dataverse-registrations.json. It imports only the public API.
// The README's Quick start is this file's first part, verbatim (test/examples.test.ts), imports included:
// each section adds its own import line, so they stay apart.
/* eslint-disable import/no-duplicates, import/order */
import { App, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { DataverseEnvironment, OutboundQueueIntegration } from 'cdktf-dataverse';
import { ServiceBusEntityKind } from 'cdktf-dataverse';
import { CustomApiBindingType, CustomApiFieldType, CustomApiGateway } from 'cdktf-dataverse';
import { buildPowerPlatformStack } from './powerplatform';
import { buildUpsertStack } from './upsert';
import { EventHubFanout, RelayIntegration } from 'cdktf-dataverse';
import * as path from 'path';
import { StepMode, StepStage, WebhookFunction } from 'cdktf-dataverse';

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
orders.grantReceive('00000000-0000-0000-0000-000000000001');

// EventHubFanout and RelayIntegration

const fanout = new EventHubFanout(stack, 'changes', {
  dataverse,
  resourceGroup: rg,
  steps: [
    { table: 'account', message: 'Create' },
    { table: 'account', message: 'Update', filteringAttributes: ['name', 'telephone1'] },
  ],
});
const analytics = fanout.addSubscriber('analytics');
fanout.addSubscriber('erp', { principalId: '00000000-0000-0000-0000-000000000002' });

// Consumers: a function on the queue and one on the analytics subscriber, sharing one app (its code
// in examples/functions/dataverse-consumers reads the settings named after each connection), and a
// Logic App on a topic subscription. Each reads with its managed identity: no key anywhere.
const ordersConsumer = orders.addFunctionConsumer('orders-fn', {
  code: path.join(__dirname, 'functions', 'dataverse-consumers'),
  connectionName: 'ORDERS',
});
analytics.addFunctionConsumer('analytics-fn', { functionApp: ordersConsumer.functionApp, connectionName: 'CHANGES' });

const contacts = new OutboundQueueIntegration(stack, 'contacts', {
  dataverse,
  resourceGroup: rg,
  entityKind: ServiceBusEntityKind.TOPIC,
  steps: [{ table: 'contact', message: 'Create' }],
});
contacts.addSubscription('crm-sync').addLogicAppConsumer('crm-sync-logic', {
  definition: {
    actions: {
      Decode: { type: 'Compose', inputs: "@json(base64ToString(triggerBody()?['ContentData']))", runAfter: {} },
      Post_to_CRM: {
        type: 'Http',
        inputs: {
          method: 'POST',
          uri: 'https://crm.example.com/contacts',
          body: "@outputs('Decode')",
          authentication: { type: 'ManagedServiceIdentity', audience: 'api://crm' },
        },
        runAfter: { Decode: ['Succeeded'] },
      },
    },
  },
});

new RelayIntegration(stack, 'onprem', {
  dataverse,
  resourceGroup: rg,
  steps: [{ table: 'contact', message: 'Update', filteringAttributes: ['emailaddress1'] }],
});

// WebhookFunction: the function code comes from examples/functions/validate-account

const validate = new WebhookFunction(stack, 'validate', {
  dataverse,
  resourceGroup: rg,
  code: path.join(__dirname, 'functions', 'validate-account'),
  steps: [
    { table: 'account', message: 'Create', stage: StepStage.PRE_OPERATION, mode: StepMode.SYNCHRONOUS },
    { table: 'account', message: 'Update', filteringAttributes: ['creditlimit'] },
  ],
});

// CustomApiGateway: API Management in front of two Custom APIs
const gateway = new CustomApiGateway(stack, 'partners', {
  dataverse,
  resourceGroup: rg,
  publisherName: 'Contoso',
  publisherEmail: 'integration@contoso.com',
});
gateway.addCustomApi({
  uniqueName: 'contoso_ApproveOrder',
  displayName: 'Approve order',
  bindingType: CustomApiBindingType.ENTITY,
  boundEntityLogicalName: 'salesorder',
  requestParameters: [{ uniqueName: 'Comment', fieldType: CustomApiFieldType.STRING, isOptional: true }],
  responseProperties: [{ uniqueName: 'ApprovedOn', fieldType: CustomApiFieldType.DATE_TIME }],
});
gateway.addCustomApi({
  uniqueName: 'contoso_GetCreditScore',
  displayName: 'Credit score',
  isFunction: true,
  requestParameters: [{ uniqueName: 'AccountNumber', fieldType: CustomApiFieldType.STRING }],
  responseProperties: [{ uniqueName: 'Score', fieldType: CustomApiFieldType.INTEGER }],
});
// The blocks compose: the webhook's Function App serves /validate behind the same gateway (its
// function key is read at deploy time), and the ERP system gets a subscription (key in an output).
gateway.addFunctionBackend(validate.functionApp, { routePrefix: 'validate' });
gateway.addSubscription('erp');

// The Power Platform provider mode (issue 7): a second stack, registered by Terraform itself.
buildPowerPlatformStack(app);

// Inbound upsert through the gateway (issue 16): a third stack.
buildUpsertStack(app);

app.synth();
