import { EventHubFunctionOptions, InvocationContext, ServiceBusQueueFunctionOptions, ServiceBusTopicFunctionOptions } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { dataverseProperties, messageFixture } from './message-fixtures';
import { DataverseConsumerEvent, dataverseEventHubHandler, dataverseServiceBusHandler } from '../../src/runtime/consumers';

// The wrappers are called the way the Functions host calls a v4 handler. What the host passes
// (azure-sdk-for-net: Microsoft.Azure.WebJobs.Extensions.ServiceBus ServiceBusTriggerBindingStrategy,
// Microsoft.Azure.WebJobs.Extensions.EventHubs EventHubTriggerBindingStrategy):
// - the body: the Node worker JSON-parses text (fromRpcTypedData → tryJsonParse), bytes are a Buffer;
// - binding data MessageId, ContentType, DeliveryCount, ApplicationProperties, UserProperties
//   (Service Bus), Properties, SequenceNumber, PartitionKey (Event Hubs), with `Array` appended
//   for cardinality 'many';
// - which @azure/functions turns into context.triggerMetadata with every key's first letter
//   lower-cased, nested keys included (fromRpcTriggerMetadata → toCamelCaseValue).
const UPDATE = messageFixture('account-update.json');
const TRIMMED = messageFixture('account-update-trimmed.json');

function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camel(v)]));
}
/** The body as the Node worker hands it over: JSON text parsed when it parses, else the text. */
function hostBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

interface Logged {
  level: string;
  text: string;
}
function invocation(bindingData: Record<string, unknown>, cardinality?: 'one' | 'many', type = 'serviceBusTrigger') {
  const logs: Logged[] = [];
  const ctx = new InvocationContext({
    invocationId: 'inv-1',
    functionName: 'consumer',
    triggerMetadata: camel(bindingData) as Record<string, unknown>,
    options: { trigger: { type, name: 'message', ...(cardinality ? { cardinality } : {}) } },
    logHandler: (level, ...args) => logs.push({ level, text: args.map(String).join(' ') }),
  });
  return { ctx, logs };
}

function sbBinding(extra: Record<string, unknown> = {}) {
  return {
    MessageId: 'a1b2c3d4e5f6',
    ContentType: 'application/json',
    DeliveryCount: 1,
    ApplicationProperties: dataverseProperties(),
    UserProperties: dataverseProperties(),
    ...extra,
  };
}

describe('dataverseServiceBusHandler', () => {
  it('fits app.serviceBusQueue and app.serviceBusTopic (type check)', () => {
    const queue: ServiceBusQueueFunctionOptions = { connection: 'SERVICEBUS', queueName: 'orders', handler: dataverseServiceBusHandler(() => {}) };
    const topic: ServiceBusTopicFunctionOptions = {
      connection: 'SERVICEBUS',
      topicName: 't',
      subscriptionName: 's',
      cardinality: 'many',
      handler: dataverseServiceBusHandler(async () => {}),
    };
    expect(typeof queue.handler).toBe('function');
    expect(typeof topic.handler).toBe('function');
  });

  it('single message: the handler gets the context, the key, the message id and the delivery count; the invocation succeeds', async () => {
    const seen: DataverseConsumerEvent[] = [];
    const { ctx, logs } = invocation(sbBinding({ DeliveryCount: 3 }), 'one');
    await expect(dataverseServiceBusHandler((e) => void seen.push(e))(hostBody(UPDATE), ctx)).resolves.toBeUndefined();
    expect(seen).toHaveLength(1);
    const e = seen[0];
    expect(e.context.inputParameters.Target.attributes.name).toBe('Northwind Traders');
    expect([e.trimmed, e.index, e.deliveryCount, e.message.messageId, e.message.entityLogicalName]).toEqual([false, 0, 3, 'a1b2c3d4e5f6', 'account']);
    expect(e.key).toMatch(/^dv1-[0-9a-f]{40}$/);
    expect(e.invocation).toBe(ctx);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('trimmed message: MessageMaxSizeExceeded arrives as messageMaxSizeExceeded and still counts', async () => {
    const seen: DataverseConsumerEvent[] = [];
    const { ctx } = invocation(sbBinding({ ApplicationProperties: dataverseProperties('account', 'Update', { MessageMaxSizeExceeded: true }) }), 'one');
    expect(Object.keys(ctx.triggerMetadata!.applicationProperties as object)).toContain('messageMaxSizeExceeded');
    await dataverseServiceBusHandler((e) => void seen.push(e))(hostBody(TRIMMED), ctx);
    expect(seen[0].trimmed).toBe(true);
    expect(seen[0].context.inputParameters).toEqual({});
  });

  it('body as bytes (Buffer) and properties only under the older name userProperties', async () => {
    const seen: DataverseConsumerEvent[] = [];
    const { ctx } = invocation({ MessageId: 'b-1', UserProperties: dataverseProperties() }, 'one');
    await dataverseServiceBusHandler((e) => void seen.push(e))(Buffer.from(UPDATE), ctx);
    expect(seen[0].message.hasDataverseProperties).toBe(true);
    expect(seen[0].deliveryCount).toBeUndefined();
  });

  it('a failing handler fails the invocation (the host abandons, Service Bus redelivers, then dead-letters); the log names the message', async () => {
    const { ctx, logs } = invocation(sbBinding(), 'one');
    const key = await (async () => {
      let k = '';
      await dataverseServiceBusHandler((e) => void (k = e.key))(hostBody(UPDATE), invocation(sbBinding(), 'one').ctx);
      return k;
    })();
    await expect(
      dataverseServiceBusHandler(() => {
        throw new Error('ERP is down');
      })(hostBody(UPDATE), ctx),
    ).rejects.toThrow(`1 of 1 Dataverse message(s) failed (see the log): Service Bus message a1b2c3d4e5f6 (Update of account d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f01, key ${key})`);
    const errors = logs.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].text).toContain(
      `Handler failed for Service Bus message a1b2c3d4e5f6 (Update of account d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f01, key ${key}): Error: ERP is down`,
    );
  });

  it('an XML body fails without calling the handler; the log names the format and the fix', async () => {
    let called = false;
    const { ctx, logs } = invocation(sbBinding({ ContentType: 'application/xml' }), 'one');
    await expect(dataverseServiceBusHandler(() => void (called = true))('<RemoteExecutionContext/>', ctx)).rejects.toThrow('1 of 1 Dataverse message(s) failed');
    expect(called).toBe(false);
    expect(logs.find((l) => l.level === 'error')?.text).toBe(
      "Service Bus message is not a Dataverse message and was not handled: Service Bus message a1b2c3d4e5f6: the body is in the XML (TextXML) message format (content type application/xml). Set the service endpoint's message format to Json (messageFormat: MessageFormat.JSON, serviceendpoint.messageformat = 2); this receiver reads the JSON RemoteExecutionContext.",
    );
  });

  it("refuses a message without Dataverse's properties unless told otherwise", async () => {
    const { ctx, logs } = invocation({ MessageId: 'x-9', ApplicationProperties: { origin: 'someone else' } }, 'one');
    await expect(dataverseServiceBusHandler(() => {})(hostBody(UPDATE), ctx)).rejects.toThrow('1 of 1');
    expect(logs.find((l) => l.level === 'error')?.text).toContain("Service Bus message x-9 carries none of Dataverse's properties");
    const seen: string[] = [];
    await dataverseServiceBusHandler((e) => void seen.push(e.key), { requireDataverseProperties: false })(hostBody(UPDATE), invocation({ MessageId: 'x-9' }, 'one').ctx);
    expect(seen).toHaveLength(1);
  });

  it("cardinality 'many': every message is handled, failures logged one by one, then the invocation fails (the batch is redelivered: at least once)", async () => {
    const bodies = [hostBody(UPDATE), hostBody(TRIMMED), '<RemoteExecutionContext/>', Buffer.from(UPDATE)];
    const binding = {
      MessageIdArray: ['m-0', 'm-1', 'm-2', 'm-3'],
      ContentTypeArray: ['application/json', 'application/json', 'application/xml', 'application/json'],
      DeliveryCountArray: [1, 2, 1, 1],
      ApplicationPropertiesArray: [dataverseProperties(), dataverseProperties('account', 'Update', { MessageMaxSizeExceeded: true }), dataverseProperties(), dataverseProperties()],
    };
    const { ctx, logs } = invocation(binding, 'many');
    const seen: DataverseConsumerEvent[] = [];
    const run = dataverseServiceBusHandler((e) => {
      seen.push(e);
      if (e.index === 3) throw new Error('duplicate row');
    })(bodies, ctx);
    await expect(run).rejects.toThrow(/^2 of 4 Dataverse message\(s\) failed \(see the log\): Service Bus message 3 of 4; Service Bus message m-3 \(Update of account/);
    expect(seen.map((e) => [e.index, e.message.messageId, e.trimmed, e.deliveryCount])).toEqual([
      [0, 'm-0', false, 1],
      [1, 'm-1', true, 2],
      [3, 'm-3', false, 1],
    ]);
    // The same event (and its trimmed re-send) has the same key: a handler can skip what it did.
    expect(new Set(seen.map((e) => e.key)).size).toBe(1);
    const errors = logs.filter((l) => l.level === 'error').map((l) => l.text);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(
      /^Service Bus message 3 of 4 is not a Dataverse message and was not handled: Service Bus message m-2: the body is in the XML \(TextXML\) message format/,
    );
    expect(errors[1]).toMatch(/^Handler failed for Service Bus message m-3 \(Update of account .*\): Error: duplicate row/);
  });

  it('cardinality not declared: an array with per-message metadata arrays is a batch; with cardinality one an array body is one (bad) message', async () => {
    const seen: string[] = [];
    const { ctx } = invocation({ MessageIdArray: ['m-0', 'm-1'], ApplicationPropertiesArray: [dataverseProperties(), dataverseProperties()] });
    await dataverseServiceBusHandler((e) => void seen.push(e.message.messageId!))([hostBody(UPDATE), hostBody(UPDATE)], ctx);
    expect(seen).toEqual(['m-0', 'm-1']);
    const one = invocation(sbBinding(), 'one');
    await expect(dataverseServiceBusHandler(() => {})([hostBody(UPDATE)], one.ctx)).rejects.toThrow('1 of 1');
    expect(one.logs.find((l) => l.level === 'error')?.text).toContain('The body is an array: expected the JSON object of a RemoteExecutionContext.');
  });

  it('an empty batch succeeds without calling the handler', async () => {
    let called = false;
    await dataverseServiceBusHandler(() => void (called = true))([], invocation({ MessageIdArray: [] }, 'many').ctx);
    expect(called).toBe(false);
  });
});

describe('dataverseEventHubHandler', () => {
  it('fits app.eventHub (type check)', () => {
    const options: EventHubFunctionOptions = {
      connection: 'EVENTHUB',
      eventHubName: 'dataverse',
      consumerGroup: 'erp',
      cardinality: 'many',
      retry: { strategy: 'exponentialBackoff', maxRetryCount: 5, minimumInterval: { seconds: 10 }, maximumInterval: { minutes: 5 } },
      handler: dataverseEventHubHandler(() => {}),
    };
    expect(typeof options.handler).toBe('function');
  });

  it('batch: per-event sequence numbers and properties; one failure is logged, the others are handled, the invocation fails at the end', async () => {
    const binding = {
      PropertiesArray: [dataverseProperties(), {}, dataverseProperties('account', 'Update', { MessageMaxSizeExceeded: true })],
      SequenceNumberArray: [101, 102, 103],
      PartitionKeyArray: [null, null, null],
    };
    const { ctx, logs } = invocation(binding, 'many', 'eventHubTrigger');
    const seen: DataverseConsumerEvent[] = [];
    await expect(
      dataverseEventHubHandler((e) => {
        seen.push(e);
        if (e.sequenceNumber === 102) throw new Error('boom');
      })([hostBody(UPDATE), Buffer.from(UPDATE), hostBody(TRIMMED)], ctx),
    ).rejects.toThrow(/^1 of 3 Dataverse message\(s\) failed \(see the log\): Event Hubs event #102 \(Update of account d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f01, key dv1-/);
    expect(seen.map((e) => [e.index, e.sequenceNumber, e.trimmed, e.message.hasDataverseProperties, e.deliveryCount])).toEqual([
      [0, 101, false, true, undefined],
      [1, 102, false, false, undefined],
      [2, 103, true, true, undefined],
    ]);
    expect(logs.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('single event succeeds; an undecodable event fails with the reason in the log', async () => {
    const seen: number[] = [];
    await dataverseEventHubHandler((e) => void seen.push(e.sequenceNumber!))(hostBody(UPDATE), invocation({ SequenceNumber: 7, Properties: {} }, 'one', 'eventHubTrigger').ctx);
    expect(seen).toEqual([7]);
    const bad = invocation({ SequenceNumber: 8, Properties: {} }, 'one', 'eventHubTrigger');
    await expect(dataverseEventHubHandler(() => {})('not json at all', bad.ctx)).rejects.toThrow('1 of 1');
    expect(bad.logs.find((l) => l.level === 'error')?.text).toMatch(/^Event Hubs event is not a Dataverse message and was not handled: Event Hubs event: The body is not JSON/);
  });

  it('requireDataverseProperties: true refuses events without them', async () => {
    const { ctx, logs } = invocation({ SequenceNumber: 1, Properties: {} }, 'one', 'eventHubTrigger');
    await expect(dataverseEventHubHandler(() => {}, { requireDataverseProperties: true })(hostBody(UPDATE), ctx)).rejects.toThrow('1 of 1');
    expect(logs.find((l) => l.level === 'error')?.text).toContain("carries none of Dataverse's properties");
  });
});

// The documented structure with an image: Dataverse sends the post-image without `__type`
// (use-webhooks.md request body), and the Node worker hands the handler the parsed object, in
// which `\/Date(…)\/` has become `/Date(…)/`.
describe('consumers: a Create with an untyped post-image and a nested ParentContext', () => {
  const CREATE = messageFixture('contact-create-images.json');

  it('Service Bus: the image, the parent context and the dates decode from the parsed body and from bytes', async () => {
    const seen: DataverseConsumerEvent[] = [];
    const handler = dataverseServiceBusHandler((e) => void seen.push(e));
    const binding = sbBinding({ ApplicationProperties: dataverseProperties('contact', 'Create'), UserProperties: dataverseProperties('contact', 'Create') });
    await handler(hostBody(CREATE), invocation(binding, 'one').ctx);
    await handler(Buffer.from(CREATE), invocation(binding, 'one').ctx);
    expect((JSON.parse(CREATE).PostEntityImages[0].value as object).hasOwnProperty('__type')).toBe(false);
    for (const e of seen) {
      const image = e.context.postEntityImages.AsynchronousStepPrimaryName;
      expect([image.logicalName, image.id, image.attributes.fullname]).toEqual(['contact', '28394a5b-6c7d-4e8f-9a0b-1c2d3e4f5a02', 'Maria Santos']);
      expect(e.context.parentContext?.stage).toBe(30);
      expect(e.context.operationCreatedOn).toEqual(new Date(1764594000000));
      expect(e.message.requestName).toBe('Create');
    }
    expect(seen[0].key).toBe(seen[1].key);
  });

  it('Event Hubs: the same body in a batch', async () => {
    const seen: DataverseConsumerEvent[] = [];
    const { ctx } = invocation({ PropertiesArray: [{}, {}], SequenceNumberArray: [1, 2] }, 'many', 'eventHubTrigger');
    await dataverseEventHubHandler((e) => void seen.push(e))([hostBody(CREATE), Buffer.from(CREATE)], ctx);
    expect(seen.map((e) => e.context.postEntityImages.AsynchronousStepPrimaryName.attributes.fullname)).toEqual(['Maria Santos', 'Maria Santos']);
  });
});
