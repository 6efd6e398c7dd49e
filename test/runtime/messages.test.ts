import { describe, expect, it } from 'vitest';
import { camelCasedKeys, dataverseProperties, messageFixture } from './message-fixtures';
import { DataverseMessage, DataverseMessageProperties, RemoteExecutionContext } from '../../src';

// Service Bus and Event Hubs messages in the format Microsoft documents (sources in
// message-fixtures/README.md): a JSON body (text, bytes, or the object an SDK parsed), content
// type application/json, Dataverse's claim properties, MessageMaxSizeExceeded when trimmed.
const UPDATE = messageFixture('account-update.json');
const TRIMMED = messageFixture('account-update-trimmed.json');
const FIX =
  "Set the service endpoint's message format to Json (messageFormat: MessageFormat.JSON, serviceendpoint.messageformat = 2); this receiver reads the JSON RemoteExecutionContext.";

function sbMessage(body: unknown, extra: Record<string, unknown> = {}) {
  return { body, contentType: 'application/json', messageId: '3f2a9c1e7b0d4e5f8a6b2c3d4e5f6a7b', applicationProperties: dataverseProperties(), ...extra };
}

describe('RemoteExecutionContext.fromServiceBusMessage', () => {
  it('decodes a JSON body with Dataverse properties: context, claims, message id, not trimmed', () => {
    const m = RemoteExecutionContext.fromServiceBusMessage(sbMessage(UPDATE));
    expect(m).toBeInstanceOf(DataverseMessage);
    const c = m.context;
    expect(c).toBeInstanceOf(RemoteExecutionContext);
    expect([c.messageName, c.primaryEntityName, c.primaryEntityId, c.stage, c.mode]).toEqual(['Update', 'account', 'd4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f01', 40, 1]);
    const target = c.inputParameters.Target;
    expect(target.attributes.revenue).toBe(125000.75);
    expect(target.attributes.industrycode).toBe(7);
    expect(target.attributes.primarycontactid).toEqual({ logicalName: 'contact', id: 'f6a7b8c9-d0e1-4f2a-9b3c-4d5e6f7a8b01' });
    expect(target.attributes.modifiedon).toEqual(new Date(1764590400000));
    expect(target.attributes.description).toBeNull();
    expect(target.formattedValues.industrycode).toBe('Consulting');
    expect(c.operationCreatedOn.getTime()).toBe(1764590400123);
    expect(m.trimmed).toBe(false);
    expect(m.hasDataverseProperties).toBe(true);
    expect([m.organization, m.userId, m.initiatingUserId, m.entityLogicalName, m.requestName]).toEqual([
      'northwind.crm4.dynamics.com',
      'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d01',
      'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d01',
      'account',
      'Update',
    ]);
    expect(m.messageId).toBe('3f2a9c1e7b0d4e5f8a6b2c3d4e5f6a7b');
    expect(m.contentType).toBe('application/json');
    expect(m.applicationProperties[DataverseMessageProperties.REQUEST_NAME]).toBe('Update');
  });

  it('reads the body as text, Buffer, Uint8Array (with a byte order mark) or an already parsed object, with the same result and key', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(UPDATE, 'utf8')]);
    // What the Functions Node worker hands over for a JSON body: JSON.parse of the text, so the
    // escaped `\/Date(…)\/` arrives as "/Date(…)/".
    const parsed = JSON.parse(UPDATE);
    expect(parsed.OperationCreatedOn).toBe('/Date(1764590400123+0100)/');
    const bodies: unknown[] = [UPDATE, Buffer.from(UPDATE, 'utf8'), new Uint8Array(bom), parsed];
    const results = bodies.map((body) => RemoteExecutionContext.fromServiceBusMessage(sbMessage(body)));
    for (const m of results) {
      expect(m.context.inputParameters.Target.attributes.modifiedon).toEqual(new Date(1764590400000));
      expect(m.context.operationCreatedOn.getTime()).toBe(1764590400123);
      expect(m.key).toBe(results[0].key);
    }
    expect(results[0].key).toMatch(/^dv1-[0-9a-f]{40}$/);
  });

  it('a ServiceBusReceivedMessage of @azure/service-bus fits as it is (numeric and binary message ids become strings)', () => {
    // Shape of ServiceBusReceivedMessage: body, contentType, messageId (string | number | Buffer), applicationProperties.
    const received = { body: JSON.parse(UPDATE), contentType: 'application/json', messageId: 42, applicationProperties: dataverseProperties(), deliveryCount: 1, lockToken: 'x' };
    expect(RemoteExecutionContext.fromServiceBusMessage(received).messageId).toBe('42');
    expect(RemoteExecutionContext.fromServiceBusMessage({ ...received, messageId: Buffer.from([0xab, 0x01]) }).messageId).toBe('ab01');
    expect(RemoteExecutionContext.fromServiceBusMessage({ ...received, messageId: undefined }).messageId).toBeUndefined();
  });

  it('trimmed: MessageMaxSizeExceeded present (any case, any value but false) → trimmed, the four members empty', () => {
    for (const value of [true, 'True', 'true', '', 1]) {
      const m = RemoteExecutionContext.fromServiceBusMessage(
        sbMessage(TRIMMED, { applicationProperties: dataverseProperties('account', 'Update', { MessageMaxSizeExceeded: value }) }),
      );
      expect(m.trimmed).toBe(true);
      expect(m.context.inputParameters).toEqual({});
      expect(m.context.preEntityImages).toEqual({});
      expect(m.context.postEntityImages).toEqual({});
      expect(m.context.parentContext).toBeUndefined();
      expect(m.context.sharedVariables).toEqual({ IsAutoTransact: true });
    }
    // The Functions host's Node library lower-cases the first letter of every property name.
    const viaHost = RemoteExecutionContext.fromServiceBusMessage(
      sbMessage(TRIMMED, { applicationProperties: camelCasedKeys(dataverseProperties('account', 'Update', { MessageMaxSizeExceeded: true })) }),
    );
    expect(viaHost.trimmed).toBe(true);
    expect(viaHost.entityLogicalName).toBe('account');
    for (const value of [false, 'False']) {
      expect(RemoteExecutionContext.fromServiceBusMessage(sbMessage(TRIMMED, { applicationProperties: { MessageMaxSizeExceeded: value } })).trimmed).toBe(false);
    }
    expect(RemoteExecutionContext.fromServiceBusMessage(sbMessage(TRIMMED)).trimmed).toBe(false);
  });

  it('the key is stable across redeliveries, re-posts (new message id) and trimming, and differs for another event or step', () => {
    const base = RemoteExecutionContext.fromServiceBusMessage(sbMessage(UPDATE));
    expect(RemoteExecutionContext.fromServiceBusMessage(sbMessage(UPDATE, { messageId: 'another-id' })).key).toBe(base.key);
    expect(RemoteExecutionContext.fromServiceBusMessage(sbMessage(TRIMMED, { applicationProperties: { MessageMaxSizeExceeded: true } })).key).toBe(base.key);
    const other = (patch: Record<string, unknown>) => RemoteExecutionContext.fromServiceBusMessage(sbMessage({ ...JSON.parse(UPDATE), ...patch })).key;
    expect(other({ OperationId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c99' })).not.toBe(base.key);
    expect(other({ OwningExtension: { Id: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c99', LogicalName: 'sdkmessageprocessingstep' } })).not.toBe(base.key);
    expect(other({ PrimaryEntityId: 'd4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f99' })).not.toBe(base.key);
    expect(other({ OperationCreatedOn: '/Date(1764590400124)/' })).not.toBe(base.key);
    // GUID case does not matter.
    expect(other({ OperationId: '0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C01' })).toBe(base.key);
  });

  it('a message without Dataverse properties decodes but says so (hasDataverseProperties false)', () => {
    const m = RemoteExecutionContext.fromServiceBusMessage({ body: UPDATE });
    expect(m.hasDataverseProperties).toBe(false);
    expect([m.organization, m.entityLogicalName, m.messageId, m.contentType]).toEqual([undefined, undefined, undefined, undefined]);
    expect(m.applicationProperties).toEqual({});
  });

  describe('wrong message format: one error naming the format and the fix', () => {
    const xml = '<RemoteExecutionContext xmlns="http://schemas.microsoft.com/xrm/2011/Contracts"><MessageName>Update</MessageName></RemoteExecutionContext>';
    // .NET binary XML (application/msbin1, [MC-NBFX]): records such as 0x40 ShortElement followed
    // by a length-prefixed name, and dictionary string ids above 0x7f: our own bytes in that layout.
    const msbin = Buffer.concat([Buffer.from([0x40, 0x16]), Buffer.from('RemoteExecutionContext'), Buffer.from([0x08, 0x01, 0x61, 0x05, 0xa3, 0x81, 0xff, 0x9e, 0x01])]);
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['content type application/xml', { body: xml, contentType: 'application/xml' }, 'XML (TextXML) message format (content type application/xml)'],
      [
        'content type application/xml; charset',
        { body: Buffer.from(xml), contentType: 'application/xml; charset=utf-8' },
        'XML (TextXML) message format (content type application/xml; charset=utf-8)',
      ],
      ['content type application/msbin1', { body: msbin, contentType: 'application/msbin1' }, '.NET binary (BinaryXML) message format (content type application/msbin1)'],
      ['XML text without a content type', { body: `  ${xml}` }, 'XML (TextXML) message format (the body starts with <)'],
      ['XML bytes without a content type', { body: Buffer.from(xml) }, 'XML (TextXML) message format (the body starts with <)'],
      ['.NET binary bytes without a content type', { body: msbin }, '.NET binary (BinaryXML) message format (the body is not UTF-8 text)'],
      ['.NET binary decoded to text by a host', { body: msbin.subarray(0, 28).toString('latin1') }, '.NET binary (BinaryXML) message format (the body holds control characters)'],
    ];
    for (const [name, message, expected] of cases) {
      it(name, () => {
        expect(() => RemoteExecutionContext.fromServiceBusMessage({ messageId: 'm-1', ...message } as any)).toThrow(
          `Service Bus message m-1: the body is in the ${expected}. ${FIX}`,
        );
      });
    }
  });

  it('garbage and empty bodies: errors that say what is wrong, never a TypeError', () => {
    const err = (message: unknown) => {
      try {
        RemoteExecutionContext.fromServiceBusMessage(message as any);
      } catch (e) {
        expect(e).not.toBeInstanceOf(TypeError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err({ body: undefined })).toBe('Service Bus message has no body: expected the JSON RemoteExecutionContext that Dataverse sends.');
    expect(err({ body: null, messageId: 'm-2' })).toBe('Service Bus message m-2 has no body: expected the JSON RemoteExecutionContext that Dataverse sends.');
    expect(err({ body: '' })).toBe('Service Bus message: The body is empty: expected the JSON RemoteExecutionContext that Dataverse sends.');
    expect(err({ body: '{"MessageName": "Upd' })).toMatch(
      /^Service Bus message: The body is not JSON \(.+\): expected the RemoteExecutionContext that Dataverse sends with message format Json\.$/,
    );
    expect(err({ body: { hello: 'world' } })).toBe(
      "Service Bus message: The body is not a RemoteExecutionContext: it lacks MessageName, PrimaryEntityName, Stage, Mode. Check that the service endpoint's message format is Json.",
    );
    expect(err({ body: [JSON.parse(UPDATE)] })).toBe('Service Bus message: The body is an array: expected the JSON object of a RemoteExecutionContext.');
    expect(err({ body: 42 })).toBe('Service Bus message: the body is a number: expected the JSON RemoteExecutionContext that Dataverse sends (text, bytes or a parsed object).');
    expect(err(null)).toBe('The Service Bus message is null: expected an object with a body.');
    expect(err('text')).toBe('The Service Bus message is a string: expected an object with a body.');
    expect(err({ body: '{"MessageName":"Update","PrimaryEntityName":"account","Stage":"forty","Mode":1}' })).toBe('Service Bus message: body.Stage is "forty": expected a number.');
  });
});

describe('RemoteExecutionContext.fromEventHubMessage', () => {
  it('decodes an event (body and properties) like a Service Bus message', () => {
    const m = RemoteExecutionContext.fromEventHubMessage({ body: JSON.parse(UPDATE), properties: dataverseProperties() });
    expect(m.context.primaryEntityName).toBe('account');
    expect(m.entityLogicalName).toBe('account');
    expect(m.hasDataverseProperties).toBe(true);
    expect(m.messageId).toBeUndefined();
    expect(m.key).toBe(RemoteExecutionContext.fromServiceBusMessage(sbMessage(UPDATE)).key);
  });

  it('an event without properties decodes; trimmed when the property is there; XML is refused with the fix', () => {
    expect(RemoteExecutionContext.fromEventHubMessage({ body: Buffer.from(UPDATE) }).hasDataverseProperties).toBe(false);
    expect(RemoteExecutionContext.fromEventHubMessage({ body: TRIMMED, properties: { MessageMaxSizeExceeded: true } }).trimmed).toBe(true);
    expect(() => RemoteExecutionContext.fromEventHubMessage({ body: '<RemoteExecutionContext/>' })).toThrow(
      `Event Hubs event: the body is in the XML (TextXML) message format (the body starts with <). ${FIX}`,
    );
    expect(() => RemoteExecutionContext.fromEventHubMessage(undefined as any)).toThrow('The Event Hubs event is a undefined: expected an object with a body.');
  });
});

// Dataverse sends images without `__type` (use-webhooks.md): decoded through both message entry points.
describe('images as Dataverse sends them (no __type), through the message entry points', () => {
  it('post-image and nested ParentContext of a Create', () => {
    const m = RemoteExecutionContext.fromServiceBusMessage(
      sbMessage(messageFixture('contact-create-images.json'), { applicationProperties: dataverseProperties('contact', 'Create') }),
    );
    expect(m.context.postEntityImages.AsynchronousStepPrimaryName.attributes.fullname).toBe('Maria Santos');
    expect(m.context.postEntityImages.AsynchronousStepPrimaryName.logicalName).toBe('contact');
    expect(m.context.parentContext?.stage).toBe(30);
    expect(m.context.outputParameters.id).toBe('28394a5b-6c7d-4e8f-9a0b-1c2d3e4f5a02');
    const e = RemoteExecutionContext.fromEventHubMessage({ body: Buffer.from(messageFixture('contact-create-images.json')) });
    expect(e.context.postEntityImages.AsynchronousStepPrimaryName.id).toBe('28394a5b-6c7d-4e8f-9a0b-1c2d3e4f5a02');
  });
});
