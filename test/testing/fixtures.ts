// Stacks the testing helpers are tried on.
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { Construct } from 'constructs';
import { newStack } from '../helpers';
import { DataverseEnvironment, DataverseRecord, OutboundQueueIntegration, StepImageType } from 'cdktf-dataverse';

/** Stands in for the Custom API records (another issue adds them): same tables, same reference. */
class TestRecord extends DataverseRecord {
  public readonly applyOrder: number;
  constructor(
    scope: Construct,
    id: string,
    environment: DataverseEnvironment,
    public readonly tableName: string,
    public readonly entitySetName: string,
    columns: { [name: string]: unknown },
    parent?: DataverseRecord,
  ) {
    super(scope, id, environment);
    this.applyOrder = parent ? 210 : 200;
    for (const [name, value] of Object.entries(columns)) this.setColumn(name, value);
    if (parent) this.addReference('customapiid', 'CustomAPIId', parent);
  }
}

/** A custom API `contoso_ApproveOrder` with two request parameters and one response property. */
export function addCustomApi(scope: Construct, dataverse: DataverseEnvironment): void {
  const api = new TestRecord(scope, 'approve', dataverse, 'customapi', 'customapis', {
    uniquename: 'contoso_ApproveOrder',
    name: 'Approve order',
    bindingtype: 0,
    isfunction: false,
  });
  new TestRecord(
    scope,
    'approve-orderid',
    dataverse,
    'customapirequestparameter',
    'customapirequestparameters',
    {
      uniquename: 'OrderId',
      name: 'OrderId',
      type: 12, // Guid
      isoptional: false,
    },
    api,
  );
  new TestRecord(
    scope,
    'approve-comment',
    dataverse,
    'customapirequestparameter',
    'customapirequestparameters',
    {
      uniquename: 'Comment',
      name: 'Comment',
      type: 10, // String
      isoptional: true,
    },
    api,
  );
  new TestRecord(
    scope,
    'approve-approved',
    dataverse,
    'customapiresponseproperty',
    'customapiresponseproperties',
    {
      uniquename: 'Approved',
      name: 'Approved',
      type: 0, // Boolean
    },
    api,
  );
}

/**
 * The reference stack: an OutboundQueueIntegration with two steps (one with an image), a client
 * config data source, a second provider configuration and a custom API.
 */
export function orderStack() {
  const { app, stack, rg, dataverse } = newStack();
  new AzurermProvider(stack, 'azurerm-secondary', { features: [{}], alias: 'secondary', subscriptionId: '00000000-0000-0000-0000-000000000001' });
  new DataAzurermClientConfig(stack, 'current');
  const orders = new OutboundQueueIntegration(stack, 'orders', {
    dataverse,
    resourceGroup: rg,
    steps: [
      { table: 'salesorder', message: 'Create' },
      {
        table: 'salesorder',
        message: 'Update',
        filteringAttributes: ['statuscode', 'totalamount'],
        images: [{ imageType: StepImageType.PRE_IMAGE, attributes: ['statuscode', 'name'] }],
      },
    ],
  });
  addCustomApi(stack, dataverse);
  return { app, stack, rg, dataverse, orders };
}

/** The message of the error `fn` throws (fails the test when it throws none). */
export function failureOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the assertion to fail, but it passed');
}
