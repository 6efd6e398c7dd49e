import { TerraformStack, TerraformVariable } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { DataverseEnvironment, ProcessingStep, ServiceEndpoint, ServiceEndpointAuthType, ServiceEndpointContract, StepImageType, StepMode, StepStage } from '../../src';
import { newStack, validationErrors, warningsOf } from '../helpers';

function secret(stack: TerraformStack, id = 'key'): string {
  return new TerraformVariable(stack, id, { type: 'string', sensitive: true }).stringValue;
}

function queueEndpoint(stack: TerraformStack, dataverse: DataverseEnvironment, overrides: Partial<ConstructorParameters<typeof ServiceEndpoint>[2]> = {}) {
  return new ServiceEndpoint(stack, 'endpoint', {
    environment: dataverse,
    name: 'orders',
    contract: ServiceEndpointContract.QUEUE,
    authType: ServiceEndpointAuthType.SAS_KEY,
    namespaceAddress: 'sb://sb-orders.servicebus.windows.net/',
    solutionNamespace: 'sb-orders',
    path: 'orders',
    sasKeyName: 'dataverse-send',
    sasKey: secret(stack),
    ...overrides,
  });
}

function webhookEndpoint(stack: TerraformStack, dataverse: DataverseEnvironment) {
  return new ServiceEndpoint(stack, 'hook', {
    environment: dataverse,
    name: 'hook',
    contract: ServiceEndpointContract.WEBHOOK,
    authType: ServiceEndpointAuthType.WEBHOOK_KEY,
    url: 'https://func.azurewebsites.net/api/hook',
    authValue: secret(stack, 'hookkey'),
  });
}

describe('ServiceEndpoint', () => {
  it('renders columns with numeric option values and the secret as a sensitive output', () => {
    const { stack, dataverse } = newStack();
    const endpoint = queueEndpoint(stack, dataverse);
    const record = endpoint.toManifestRecord();
    expect(record.table).toBe('serviceendpoint');
    expect(record.entitySet).toBe('serviceendpoints');
    expect(record.columns).toEqual({
      name: 'orders',
      contract: 2,
      connectionmode: 1,
      authtype: 2,
      messageformat: 2,
      userclaim: 1,
      namespaceaddress: 'sb://sb-orders.servicebus.windows.net/',
      namespaceformat: 2,
      solutionnamespace: 'sb-orders',
      path: 'orders',
      saskeyname: 'dataverse-send',
    });
    expect(record.writeOnly).toEqual(['saskey']);
    expect(record.fromOutputs).toEqual([{ column: 'saskey', output: endpoint.secretOutputName, sensitive: true }]);
    // Service Bus takes synchronous steps too (with a warning on the step)
    expect(endpoint.acceptsAsynchronousOnly).toBe(false);
    expect(validationErrors(stack)).toEqual([]);
  });

  it('rejects a literal secret', () => {
    const { stack, dataverse } = newStack();
    queueEndpoint(stack, dataverse, { sasKey: 'not-a-reference' });
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('serviceendpoint.saskey is a secret but was given as a literal');
    expect(errors[0]).toContain('Fix: pass a Terraform reference');
  });

  it('checks column lengths', () => {
    const { stack, dataverse } = newStack();
    queueEndpoint(stack, dataverse, { name: 'n'.repeat(257), path: 'p'.repeat(161) });
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('serviceendpoint.name');
    expect(errors[0]).toContain('is 257 characters long; it must be 1 to 256 characters');
    expect(errors[1]).toContain('serviceendpoint.path');
    expect(errors[1]).toContain('at most 160');
  });

  it('needs namespace and path for Service Bus contracts, SAS key name and key for SAS auth', () => {
    const { stack, dataverse } = newStack();
    queueEndpoint(stack, dataverse, { solutionNamespace: undefined, sasKeyName: undefined });
    const errors = validationErrors(stack);
    expect(errors.map((e) => e.replace(/^\[[^\]]+\] /, ''))).toEqual([
      'a QUEUE endpoint needs solutionNamespace and path. Fix: set them to the namespace name and the entity (queue, topic, hub or hybrid connection) name.',
      'authType SAS_KEY needs sasKeyName and sasKey. Fix: pass the authorization rule name and its primaryKey reference.',
    ]);
  });

  it('rejects the retired ACS auth type', () => {
    const { stack, dataverse } = newStack();
    queueEndpoint(stack, dataverse, { authType: ServiceEndpointAuthType.ACS });
    expect(validationErrors(stack).join('\n')).toContain('authType ACS (1) is retired');
  });

  it('webhooks: url required, ports 443/80 only, auth value required, no message format', () => {
    const { stack, dataverse } = newStack();
    const hook = webhookEndpoint(stack, dataverse);
    expect(hook.toManifestRecord().columns.messageformat).toBeUndefined();
    expect(hook.acceptsAsynchronousOnly).toBe(false);
    expect(validationErrors(stack)).toEqual([]);

    const bad = newStack();
    new ServiceEndpoint(bad.stack, 'hook', {
      environment: bad.dataverse,
      name: 'hook',
      contract: ServiceEndpointContract.WEBHOOK,
      authType: ServiceEndpointAuthType.HTTP_HEADER,
      url: 'https://func.example.com:8443/api/hook',
    });
    const errors = validationErrors(bad.stack);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("url 'https://func.example.com:8443/api/hook' is not a webhook address");
    expect(errors[1]).toContain('authType HTTP_HEADER needs authValue');
  });
});

describe('ProcessingStep', () => {
  it('renders stage, mode, rank, filtering attributes and symbolic lookups', () => {
    const { stack, dataverse } = newStack();
    const endpoint = queueEndpoint(stack, dataverse);
    const step = new ProcessingStep(stack, 'step', { endpoint, table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode', 'name'] });
    const record = step.toManifestRecord();
    expect(record.columns).toEqual({
      name: 'orders: Update of salesorder',
      description: 'Registered by cdktf-dataverse (test)',
      stage: 40,
      mode: 1,
      rank: 1,
      supporteddeployment: 0,
      asyncautodelete: true,
      filteringattributes: 'statuscode,name',
    });
    expect(record.references).toEqual([
      { column: 'eventhandler', navigation: 'eventhandler_serviceendpoint', table: 'serviceendpoint', entitySet: 'serviceendpoints', id: endpoint.recordId },
    ]);
    expect(record.lookups.map((l) => [l.column, l.entitySet, l.filter])).toEqual([
      ['sdkmessageid', 'sdkmessages', "name eq 'Update'"],
      ['sdkmessagefilterid', 'sdkmessagefilters', "primaryobjecttypecode eq 'salesorder' and sdkmessageid/name eq 'Update'"],
    ]);
    // rows of the environment are found by name, never by GUID
    expect(JSON.stringify(record.lookups)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/);
    expect(validationErrors(stack)).toEqual([]);
  });

  it('a synchronous step has asyncautodelete false by default', () => {
    const { stack, dataverse } = newStack();
    const endpoint = webhookEndpoint(stack, dataverse);
    const step = new ProcessingStep(stack, 'step', { endpoint, table: 'account', message: 'Create', stage: StepStage.PRE_OPERATION, mode: StepMode.SYNCHRONOUS });
    expect(step.toManifestRecord().columns).toMatchObject({ stage: 20, mode: 0, asyncautodelete: false });
    expect(validationErrors(stack)).toEqual([]);
  });

  const rules: Array<[string, any, string]> = [
    [
      'asynchronous only at stage 40',
      { stage: StepStage.PRE_OPERATION, mode: StepMode.ASYNCHRONOUS },
      'an asynchronous step must be registered at stage POST_OPERATION (40), not PRE_OPERATION (20)',
    ],
    [
      'filtering attributes only for Update',
      { message: 'Create', filteringAttributes: ['name'] },
      'filteringAttributes [name] apply to the Update message only; Dataverse ignores them for Create',
    ],
    ['table is a logical name', { table: 'SalesOrder' }, "table 'SalesOrder' is not a logical name"],
    ['message is a message name', { message: 'Create Order' }, "message 'Create Order' is not a message name"],
    ['filtering attributes are logical names', { message: 'Update', filteringAttributes: ['StatusCode'] }, "filteringAttributes: 'StatusCode' is not a column logical name"],
    ['filtering attributes listed once', { message: 'Update', filteringAttributes: ['name', 'name'] }, "filteringAttributes: 'name' is listed twice"],
    ['rank is a whole number', { rank: 1.5 }, 'rank 1.5 is not a whole number of 0 or more'],
    ['name length', { name: 'x'.repeat(257) }, 'is 257 characters long; it must be 1 to 256 characters'],
    ['description length', { description: 'x'.repeat(257) }, 'is 257 characters long; it must be at most 256 characters'],
    ['stage is a known stage', { stage: 30 }, 'stage 30 is not a stage a step can be registered in'],
    [
      'asyncAutoDelete needs an asynchronous step',
      { stage: StepStage.PRE_OPERATION, mode: StepMode.SYNCHRONOUS, asyncAutoDelete: true, useWebhook: true },
      'asyncAutoDelete applies to asynchronous steps only',
    ],
  ];
  it.each(rules)('rule: %s', (_name, props, message) => {
    const { stack, dataverse } = newStack();
    const { useWebhook, ...rest } = props;
    const endpoint = useWebhook ? webhookEndpoint(stack, dataverse) : queueEndpoint(stack, dataverse);
    new ProcessingStep(stack, 'step', { endpoint, table: 'salesorder', message: 'Update', ...rest });
    const errors = validationErrors(stack);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    const hit = errors.find((e) => e.includes(message));
    expect(hit, errors.join('\n')).toBeDefined();
    expect(hit).toContain('[test/step]');
    expect(hit).toContain('Fix:');
  });

  it.each([
    ['queue', ServiceEndpointContract.QUEUE],
    ['topic', ServiceEndpointContract.TOPIC],
    ['event hub', ServiceEndpointContract.EVENT_HUB],
  ])('a synchronous step on a %s endpoint is allowed, with a warning that the send cannot be recalled', (_kind, contract) => {
    const { stack, dataverse } = newStack();
    const endpoint = queueEndpoint(stack, dataverse, { contract });
    const sync = new ProcessingStep(stack, 'sync', { endpoint, table: 'salesorder', message: 'Update', stage: StepStage.PRE_OPERATION, mode: StepMode.SYNCHRONOUS });
    const async = new ProcessingStep(stack, 'async', { endpoint, table: 'salesorder', message: 'Create' });
    expect(validationErrors(stack)).toEqual([]);
    expect(sync.toManifestRecord().columns).toMatchObject({ mode: 0, stage: 20, asyncautodelete: false });
    const warnings = warningsOf(sync);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Step Update of salesorder is synchronous: Dataverse sends the message at once');
    expect(warnings[0]).toContain('rolled back, the message has been sent and cannot be recalled');
    expect(warningsOf(async)).toEqual([]);
  });

  it('a one-way relay endpoint takes asynchronous steps only', () => {
    const { stack, dataverse } = newStack();
    const endpoint = queueEndpoint(stack, dataverse, { contract: ServiceEndpointContract.ONE_WAY, namespaceAddress: 'https://relay-x.servicebus.windows.net/' });
    new ProcessingStep(stack, 'step', { endpoint, table: 'salesorder', message: 'Update', stage: StepStage.PRE_OPERATION, mode: StepMode.SYNCHRONOUS });
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('[test/step]');
    expect(errors[0]).toContain('mode SYNCHRONOUS is not possible here: a Relay one-way endpoint accepts asynchronous steps only. Fix: remove mode');
  });

  it('reports every problem of a step together', () => {
    const { stack, dataverse } = newStack();
    const endpoint = queueEndpoint(stack, dataverse);
    new ProcessingStep(stack, 'step', { endpoint, table: 'Bad Table', message: 'Create', stage: StepStage.PRE_VALIDATION, filteringAttributes: ['x'] });
    expect(validationErrors(stack)).toHaveLength(3);
  });
});

describe('StepImage', () => {
  function stepWith(message: string, stage: StepStage, mode: StepMode, imageType: StepImageType, extra: object = {}) {
    const { stack, dataverse } = newStack();
    const endpoint = webhookEndpoint(stack, dataverse);
    const step = new ProcessingStep(stack, 'step', { endpoint, table: 'account', message, stage, mode, images: [{ imageType, ...extra }] });
    return { stack, step };
  }

  it('renders the image with the Target property and its attributes', () => {
    const { stack, step } = stepWith('Update', StepStage.POST_OPERATION, StepMode.ASYNCHRONOUS, StepImageType.BOTH, { attributes: ['name', 'creditlimit'] });
    const image = step.images[0];
    const record = image.toManifestRecord();
    expect(record.table).toBe('sdkmessageprocessingstepimage');
    expect(record.columns).toEqual({ name: 'Image', entityalias: 'Image', imagetype: 2, messagepropertyname: 'Target', attributes: 'name,creditlimit' });
    expect(record.references[0]).toMatchObject({ column: 'sdkmessageprocessingstepid', id: step.recordId });
    expect(validationErrors(stack)).toEqual([]);
  });

  it('uses EntityMoniker for SetState', () => {
    const { step } = stepWith('SetState', StepStage.POST_OPERATION, StepMode.ASYNCHRONOUS, StepImageType.PRE_IMAGE);
    expect(step.images[0].toManifestRecord().columns.messagepropertyname).toBe('EntityMoniker');
  });

  it.each([
    ['no pre-image on Create', 'Create', StepStage.POST_OPERATION, StepMode.ASYNCHRONOUS, StepImageType.PRE_IMAGE, 'a Create step has no pre-image'],
    ['no post-image on Delete', 'Delete', StepStage.POST_OPERATION, StepMode.ASYNCHRONOUS, StepImageType.POST_IMAGE, 'a Delete step has no post-image'],
    [
      'post-images only at stage 40',
      'Update',
      StepStage.PRE_OPERATION,
      StepMode.SYNCHRONOUS,
      StepImageType.POST_IMAGE,
      'post-images exist only at stage POST_OPERATION (40), not PRE_OPERATION',
    ],
    ['both on Create is a pre-image too', 'Create', StepStage.POST_OPERATION, StepMode.ASYNCHRONOUS, StepImageType.BOTH, 'a Create step has no pre-image'],
    ['unknown message needs a property', 'contoso_Custom', StepStage.POST_OPERATION, StepMode.ASYNCHRONOUS, StepImageType.PRE_IMAGE, 'has no known entity property'],
  ])('rule: %s', (_n, message, stage, mode, type, expected) => {
    const { stack } = stepWith(message, stage, mode, type);
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(expected);
    expect(errors[0]).toContain('[test/step/image-');
  });

  it('rejects two images with the same alias', () => {
    const { stack, dataverse } = newStack();
    const endpoint = webhookEndpoint(stack, dataverse);
    new ProcessingStep(stack, 'step', {
      endpoint,
      table: 'account',
      message: 'Update',
      images: [
        { imageType: StepImageType.PRE_IMAGE, alias: 'img' },
        { imageType: StepImageType.POST_IMAGE, alias: 'img' },
      ],
    });
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("image alias 'img' is used twice. Fix: give each image its own alias.");
  });
});
