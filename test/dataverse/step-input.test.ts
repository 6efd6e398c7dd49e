// Bad step input fails at synth with a clear message: Terraform references where literals are
// needed, and message names Dataverse does not have.
import { TerraformStack, TerraformVariable } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { OutboundQueueIntegration, ProcessingStep, ServiceEndpoint, ServiceEndpointAuthType, ServiceEndpointContract, StepImageType, StepDefinition } from '../../src';
import { SDK_MESSAGES, checkMessage } from '../../src/dataverse/sdk-messages';
import { newStack, synthJson, validationErrors } from '../helpers';

function endpointIn(stack: TerraformStack, dataverse: any) {
  return new ServiceEndpoint(stack, 'endpoint', {
    environment: dataverse,
    name: 'orders',
    contract: ServiceEndpointContract.QUEUE,
    authType: ServiceEndpointAuthType.SAS_KEY,
    namespaceAddress: 'sb://sb-orders.servicebus.windows.net/',
    solutionNamespace: 'sb-orders',
    path: 'orders',
    sasKeyName: 'dataverse-send',
    sasKey: new TerraformVariable(stack, 'key', { type: 'string', sensitive: true }).stringValue,
  });
}

function stepErrors(definition: Partial<StepDefinition>): string[] {
  const { stack, dataverse } = newStack();
  const endpoint = endpointIn(stack, dataverse);
  new ProcessingStep(stack, 'step', { endpoint, table: 'salesorder', message: 'Update', ...definition });
  return validationErrors(stack);
}

function variable(stack: TerraformStack, id: string, type = 'string') {
  return new TerraformVariable(stack, id, { type });
}

describe('step values that must be literals', () => {
  it('a Terraform reference as table, message, a filtering attribute or an image attribute is one error each, naming the value and saying literals are needed', () => {
    const { stack, dataverse } = newStack();
    const endpoint = endpointIn(stack, dataverse);
    const table = variable(stack, 'table').stringValue;
    const message = variable(stack, 'message').stringValue;
    const column = variable(stack, 'column').stringValue;
    const imageColumn = variable(stack, 'imagecolumn').stringValue;
    new ProcessingStep(stack, 'step', { endpoint, table, message, filteringAttributes: ['statuscode', column] });
    new ProcessingStep(stack, 'step2', {
      endpoint,
      table: 'salesorder',
      message: 'Update',
      images: [{ imageType: StepImageType.PRE_IMAGE, attributes: ['name', imageColumn] }],
    });
    const errors = validationErrors(stack);
    const literal = errors.filter((e) => e.includes('must be literals'));
    expect(literal, errors.join('\n')).toHaveLength(4);
    expect(literal.find((e) => e.includes(': table '))).toMatch(/^\[test\/step\].*table '\$\{TfToken\[TOKEN\.\d+\]\}' is a Terraform reference .*Fix: pass the literal text/);
    expect(literal.find((e) => e.includes(': message '))).toMatch(/^\[test\/step\]/);
    expect(literal.find((e) => e.includes('filteringAttributes entry'))).toMatch(/^\[test\/step\]/);
    expect(literal.find((e) => e.includes('attributes entry'))).toMatch(
      /^\[test\/step2\/image-PreImage\].*Image attributes must be literals.*Fix: list the column logical names as text/,
    );
  });

  it('a whole list token as filteringAttributes or image attributes is an error too', () => {
    const { stack, dataverse } = newStack();
    const endpoint = endpointIn(stack, dataverse);
    const list = variable(stack, 'columns', 'list(string)').listValue;
    new ProcessingStep(stack, 'step', {
      endpoint,
      table: 'salesorder',
      message: 'Update',
      filteringAttributes: list,
      images: [{ imageType: StepImageType.PRE_IMAGE, attributes: list }],
    });
    const errors = validationErrors(stack);
    expect(
      errors.filter((e) => e.includes('must be literals')),
      errors.join('\n'),
    ).toHaveLength(2);
    expect(errors.some((e) => e.includes('is not a column logical name'))).toBe(false);
  });

  it('through a pattern: a token in a step definition fails synth with the pattern path, not a crash', () => {
    const { stack, dataverse, rg } = newStack();
    const table = variable(stack, 'table').stringValue;
    new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps: [{ table, message: 'Create', key: 'orders-create' }] });
    const errors = validationErrors(stack);
    expect(
      errors.find((e) => e.includes('must be literals')),
      errors.join('\n'),
    ).toMatch(/^\[test\/orders\/step-orders-create\]/);
  });
});

describe('message names', () => {
  it("'Craete' fails at synth with: did you mean Create?", () => {
    const errors = stepErrors({ message: 'Craete' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBe(
      "[test/step] step 'Craete of salesorder': message 'Craete' is not an SDK message Dataverse has — did you mean Create? Fix: use 'Create'; a custom message is a Custom API's unique name with its publisher prefix (e.g. 'contoso_ApproveOrder').",
    );
  });

  it('near misses name the closest message', () => {
    for (const [typo, meant] of [
      ['Updte', 'Update'],
      ['Delet', 'Delete'],
      ['Asign', 'Assign'],
      ['SetStat', 'SetState'],
      ['Retreive', 'Retrieve'],
      ['Assosiate', 'Associate'],
    ]) {
      const errors = stepErrors({ message: typo, filteringAttributes: undefined });
      expect(errors.join('\n')).toContain(`did you mean ${meant}?`);
    }
  });

  it('a name far from every message gets no guess', () => {
    const errors = stepErrors({ message: 'Frobnicate' });
    expect(errors).toEqual([
      "[test/step] step 'Frobnicate of salesorder': message 'Frobnicate' is not an SDK message Dataverse has. Fix: use the sdkmessage name, e.g. 'Create', 'Update' or 'Delete'; a custom message is a Custom API's unique name with its publisher prefix (e.g. 'contoso_ApproveOrder').",
    ]);
  });

  it('any casing of a Dataverse message is accepted and written with Dataverse casing (step name, lookups, manifest)', () => {
    const { stack, dataverse } = newStack();
    const endpoint = endpointIn(stack, dataverse);
    const step = new ProcessingStep(stack, 'step', { endpoint, table: 'salesorder', message: 'uPdAtE', filteringAttributes: ['statuscode'] });
    expect(validationErrors(stack)).toEqual([]);
    expect(step.message).toBe('Update');
    synthJson(stack);
    const record = dataverse.toManifest().records.find((r) => r.table === 'sdkmessageprocessingstep')!;
    expect(record.columns.name).toBe('orders: Update of salesorder');
    expect(record.lookups.map((l) => [l.filter, l.key])).toEqual([
      ["name eq 'Update'", { message: 'Update' }],
      ["primaryobjecttypecode eq 'salesorder' and sdkmessageid/name eq 'Update'", { table: 'salesorder', message: 'Update' }],
    ]);
  });

  it('a custom message (publisher prefix and underscore) stays allowed, as written', () => {
    const { stack, dataverse } = newStack();
    const endpoint = endpointIn(stack, dataverse);
    const step = new ProcessingStep(stack, 'step', { endpoint, table: 'salesorder', message: 'contoso_ApproveOrder' });
    expect(validationErrors(stack)).toEqual([]);
    expect(step.message).toBe('contoso_ApproveOrder');
  });

  it('the list holds the messages steps are registered on, each once, and finds them case-insensitively', () => {
    for (const m of [
      'Create',
      'Update',
      'Delete',
      'Assign',
      'SetState',
      'SetStateDynamicEntity',
      'Associate',
      'Disassociate',
      'Merge',
      'GrantAccess',
      'ModifyAccess',
      'RevokeAccess',
      'Retrieve',
      'RetrieveMultiple',
      'Upsert',
      'CreateMultiple',
      'UpdateMultiple',
      'QualifyLead',
      'Win',
      'Lose',
      'Send',
    ]) {
      expect(checkMessage(m.toLowerCase()).canonical).toBe(m);
    }
    const lower = SDK_MESSAGES.map((m) => m.toLowerCase());
    expect(new Set(lower).size).toBe(lower.length);
    for (const m of SDK_MESSAGES) expect(m).toMatch(/^[A-Z][A-Za-z]+$/);
  });
});
