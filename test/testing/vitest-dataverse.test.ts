import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { TerraformStack, Testing } from 'cdktf';
import { beforeAll, describe, expect, it } from 'vitest';
import { failureOf, orderStack } from './fixtures';
import {
  DataverseEnvironment,
  DataverseTesting,
  OutboundQueueIntegration,
  ServiceBusQueue,
  ServiceEndpointAuthType,
  ServiceEndpointContract,
  StepImageType,
  StepMode,
  StepStage,
} from 'cdktf-dataverse';

let stack: TerraformStack;
let synth: ReturnType<typeof DataverseTesting.synth>;
let fixture: ReturnType<typeof orderStack>;
beforeAll(() => {
  fixture = orderStack();
  stack = fixture.stack;
  synth = DataverseTesting.synth(stack);
});

describe('toHaveServiceEndpoint', () => {
  it('matches contract, auth type and path (enum members are their numbers)', () => {
    expect(synth).toHaveServiceEndpoint({
      contract: ServiceEndpointContract.QUEUE,
      authType: ServiceEndpointAuthType.SAS_KEY,
      path: 'dataverse-test-orders-e9bcd1',
    });
    expect(synth).toHaveServiceEndpoint({ contract: 2, saskeyname: 'dataverse-send' });
    expect(synth).toHaveServiceEndpoint();
  });

  it('takes a stack, a synth result, a manifest or the environment', () => {
    for (const received of [stack, synth, synth.manifest, fixture.dataverse, JSON.stringify(synth.manifest)]) {
      expect(received).toHaveServiceEndpoint({ contract: ServiceEndpointContract.QUEUE });
    }
  });

  it('shows a column filled from a Terraform output as that output', () => {
    expect(synth).toHaveServiceEndpoint({ saskey: expect.stringMatching(/^<output orders_endpoint_column-saskey_[0-9A-F]{8}>$/) });
  });

  it('explains that a Terraform reference is not a manifest value', () => {
    const message = failureOf(() => expect(synth).toHaveServiceEndpoint({ path: (fixture.orders.queue as ServiceBusQueue).resource.name }));
    expect(message.split('\n').slice(-1)[0]).toBe(
      "note: the expectation holds Terraform references (tokens), but the manifest holds literals: a column set from a reference reads '<output NAME>'",
    );
    expect(synth).toHaveServiceEndpoint({ path: (fixture.orders.queue as ServiceBusQueue).resource.nameInput });
  });

  it('fails with the closest endpoint, choice values named', () => {
    expect(failureOf(() => expect(synth).toHaveServiceEndpoint({ contract: ServiceEndpointContract.TOPIC, authType: ServiceEndpointAuthType.SAS_KEY, path: 'orders' }))).toBe(
      [
        "expected a service endpoint with { contract: 5 (TOPIC), authType: 2 (SAS_KEY), path: 'orders' }",
        'the only service endpoint, test/orders/endpoint, does not match (1 of 3 values match):',
        '  contract: expected 5 (TOPIC), received 2 (QUEUE)',
        "  path: expected 'orders', received 'dataverse-test-orders-e9bcd1'",
      ].join('\n'),
    );
  });

  it('.not fails naming the matching record', () => {
    expect(synth).not.toHaveServiceEndpoint({ contract: ServiceEndpointContract.WEBHOOK });
    expect(failureOf(() => expect(synth).not.toHaveServiceEndpoint({ contract: ServiceEndpointContract.QUEUE }))).toBe(
      'expected no service endpoint with { contract: 2 (QUEUE) }\nbut test/orders/endpoint matches',
    );
  });
});

describe('toHaveStep', () => {
  it('matches table, message, stage, mode and filtering attributes in any order', () => {
    expect(synth).toHaveStep({ table: 'salesorder', message: 'Create', stage: StepStage.POST_OPERATION, mode: StepMode.ASYNCHRONOUS });
    expect(synth).toHaveStep({ table: 'salesorder', message: 'Update', filteringAttributes: ['totalamount', 'statuscode'] });
    expect(synth).toHaveStep({ table: 'salesorder', message: 'Update', filteringAttributes: 'statuscode,totalamount' });
    expect(synth).toHaveStep({ message: 'Create', filteringAttributes: [] });
    expect(synth).toHaveStep({ message: 'Create', endpoint: 'test/orders', asyncautodelete: true });
  });

  it('matches images by alias, type and attributes', () => {
    expect(synth).toHaveStep({
      message: 'Update',
      images: [{ alias: 'PreImage', imageType: StepImageType.PRE_IMAGE, attributes: ['name', 'statuscode'] }],
    });
    expect(failureOf(() => expect(synth).toHaveStep({ message: 'Update', images: [{ imageType: StepImageType.POST_IMAGE, attributes: ['name', 'statuscode'] }] }))).toBe(
      [
        "expected a step with { message: 'Update', images: [{ imageType: 1 (POST_IMAGE), attributes: ['name', 'statuscode'] }] }",
        'none of the 2 steps matches; closest: test/orders/step-salesorder-Update (3 of 4 values match):',
        "  images['PreImage'].imageType: expected 1 (POST_IMAGE), received 0 (PRE_IMAGE)",
      ].join('\n'),
    );
  });

  it('fails with the closest step and the values that differ', () => {
    expect(
      failureOf(() =>
        expect(synth).toHaveStep({
          table: 'salesorder',
          message: 'Update',
          stage: StepStage.PRE_OPERATION,
          mode: StepMode.SYNCHRONOUS,
          filteringAttributes: ['statuscode'],
        }),
      ),
    ).toBe(
      [
        "expected a step with { table: 'salesorder', message: 'Update', stage: 20 (PRE_OPERATION), mode: 0 (SYNCHRONOUS), filteringAttributes: ['statuscode'] }",
        'none of the 2 steps matches; closest: test/orders/step-salesorder-Update (2 of 5 values match):',
        '  stage: expected 20 (PRE_OPERATION), received 40 (POST_OPERATION)',
        '  mode: expected 0 (SYNCHRONOUS), received 1 (ASYNCHRONOUS)',
        "  filteringAttributes: expected ['statuscode'], received ['statuscode', 'totalamount']",
      ].join('\n'),
    );
  });

  it('fails for a table no step is registered for, showing the closest', () => {
    expect(failureOf(() => expect(synth).toHaveStep({ table: 'account', message: 'Create' }))).toBe(
      [
        "expected a step with { table: 'account', message: 'Create' }",
        'none of the 2 steps matches; closest: test/orders/step-salesorder-Create (1 of 2 values match):',
        "  table: expected 'account', received 'salesorder'",
      ].join('\n'),
    );
  });

  it('.not passes for a step that is not there and fails for one that is', () => {
    expect(synth).not.toHaveStep({ table: 'salesorder', message: 'Delete' });
    expect(failureOf(() => expect(synth).not.toHaveStep({ table: 'salesorder', message: 'Update' }))).toBe(
      "expected no step with { table: 'salesorder', message: 'Update' }\nbut test/orders/step-salesorder-Update matches",
    );
  });

  it('says when the manifest has no step, or when there is no manifest', () => {
    const onlyApi = DataverseTesting.synth(orderStack().stack).manifest!;
    const withoutSteps = { ...onlyApi, records: onlyApi.records.filter((r) => r.table.startsWith('customapi')) };
    expect(failureOf(() => expect(withoutSteps).toHaveStep({ message: 'Create' }))).toBe(
      "expected a step with { message: 'Create' }\nthe manifest has no sdkmessageprocessingstep record; its records: 1 customapi, 1 customapiresponseproperty, 2 customapirequestparameter",
    );
    const plain = new TerraformStack(Testing.app(), 'plain');
    expect(failureOf(() => expect(plain).toHaveStep())).toBe('expected a step\nthe stack has no DataverseEnvironment, so no registration manifest');
    expect(plain).not.toHaveStep();
  });
});

describe('toHaveCustomApi', () => {
  it('matches the API and its parameters, in any order', () => {
    expect(synth).toHaveCustomApi({
      uniqueName: 'contoso_ApproveOrder',
      isFunction: false,
      requestParameters: [
        { uniqueName: 'Comment', type: 10, isOptional: true },
        { uniqueName: 'OrderId', type: 12 },
      ],
      responseProperties: [{ uniqueName: 'Approved', type: 0 }],
    });
  });

  it('fails naming the parameter that differs', () => {
    expect(
      failureOf(() => expect(synth).toHaveCustomApi({ uniqueName: 'contoso_ApproveOrder', requestParameters: [{ uniqueName: 'OrderId', type: 10, isOptional: false }] })),
    ).toBe(
      [
        "expected a custom API with { uniqueName: 'contoso_ApproveOrder', requestParameters: [{ uniqueName: 'OrderId', type: 10, isOptional: false }] }",
        'the only custom API, test/approve, does not match (3 of 4 values match):',
        "  requestParameters['OrderId'].type: expected 10, received 12",
      ].join('\n'),
    );
  });

  it('fails naming a missing parameter', () => {
    expect(
      failureOf(() => expect(synth).toHaveCustomApi({ uniqueName: 'contoso_ApproveOrder', responseProperties: [{ uniqueName: 'Approved' }, { uniqueName: 'ApprovedBy' }] })),
    ).toBe(
      [
        "expected a custom API with { uniqueName: 'contoso_ApproveOrder', responseProperties: [{ uniqueName: 'Approved' }, { uniqueName: 'ApprovedBy' }] }",
        'the only custom API, test/approve, does not match (2 of 3 values match):',
        "  responseProperties['Approved'].uniqueName: expected 'ApprovedBy', received 'Approved'",
      ].join('\n'),
    );
  });

  it('.not', () => {
    expect(synth).not.toHaveCustomApi({ uniqueName: 'contoso_RejectOrder' });
    expect(failureOf(() => expect(synth).not.toHaveCustomApi({ uniqueName: 'contoso_ApproveOrder' }))).toBe(
      "expected no custom API with { uniqueName: 'contoso_ApproveOrder' }\nbut test/approve matches",
    );
  });
});

describe('toHaveRecord', () => {
  it('matches any table by logical column names', () => {
    expect(synth).toHaveRecord('sdkmessageprocessingstepimage', { entityalias: 'PreImage', messagepropertyname: 'Target' });
    expect(synth).not.toHaveRecord('pluginassembly');
  });

  it('fails with the closest record', () => {
    expect(failureOf(() => expect(synth).toHaveRecord('customapirequestparameter', { uniquename: 'Reason', isoptional: true }))).toBe(
      [
        "expected a customapirequestparameter record with { uniquename: 'Reason', isoptional: true }",
        'none of the 2 customapirequestparameter records matches; closest: test/approve-comment (1 of 2 values match):',
        "  uniquename: expected 'Reason', received 'Comment'",
      ].join('\n'),
    );
  });

  it('rejects a missing table name and an unreadable value', () => {
    expect(failureOf(() => expect(synth).toHaveRecord(''))).toBe("toHaveRecord: the table must be a logical name such as 'serviceendpoint'; received ''.");
    expect(failureOf(() => expect(undefined).toHaveStep())).toBe(
      'toHaveStep: expected a TerraformStack, the result of DataverseTesting.synth(), a RegistrationManifest or a DataverseEnvironment; received nothing.',
    );
  });
});

describe('the failure message the README shows', () => {
  it('is what a user sees', () => {
    const ordersStack = new TerraformStack(Testing.app(), 'orders');
    new AzurermProvider(ordersStack, 'azurerm', { features: [{}] });
    const rg = new ResourceGroup(ordersStack, 'rg', { name: 'rg-orders', location: 'westeurope' });
    const dataverse = new DataverseEnvironment(ordersStack, 'dataverse', { url: 'https://contoso.crm4.dynamics.com' });
    new OutboundQueueIntegration(ordersStack, 'orders', {
      dataverse,
      resourceGroup: rg,
      steps: [
        { table: 'salesorder', message: 'Create' },
        { table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode'] },
      ],
    });
    expect(failureOf(() => expect(ordersStack).toHaveStep({ table: 'salesorder', message: 'Update', stage: 20 }))).toBe(
      [
        "expected a step with { table: 'salesorder', message: 'Update', stage: 20 (PRE_OPERATION) }",
        'none of the 2 steps matches; closest: orders/orders/step-salesorder-Update (2 of 3 values match):',
        '  stage: expected 20 (PRE_OPERATION), received 40 (POST_OPERATION)',
      ].join('\n'),
    );
  });
});
