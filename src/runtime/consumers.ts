// @azure/functions v4 handler wrappers for functions that consume what Dataverse sends to Service
// Bus (queues, topic subscriptions) and Event Hubs. Not exported from the package root (typed with
// @azure/functions, a dependency of your function app, not of this library): import them as
// `cdktf-dataverse/lib/runtime/consumers`.
//
// What the Functions host passes (azure-sdk-for-net, Microsoft.Azure.WebJobs.Extensions.ServiceBus
// and .EventHubs, *TriggerBindingStrategy): the body as the handler's first argument (the Node
// worker JSON-parses text bodies, bytes arrive as a Buffer) and the metadata in
// `context.triggerMetadata`, whose keys the Node library turns to camelCase, nested ones included:
// Service Bus `messageId`, `contentType`, `deliveryCount`, `applicationProperties` (also
// `userProperties`); with `cardinality: 'many'` the same names with `Array` appended. Event Hubs
// `properties`, `sequenceNumber`, `partitionKey`, `offset` (batch: `propertiesArray`, ...).
import type { InvocationContext } from '@azure/functions';
import { DataverseMessage } from './messages';
import { RemoteExecutionContext } from './remote-execution-context';

/** What a consumer's handler receives for each message. */
export interface DataverseConsumerEvent {
  /** The decoded execution context. */
  readonly context: RemoteExecutionContext;
  /** The message: context, Dataverse's properties, the trimmed signal, the key. */
  readonly message: DataverseMessage;
  /**
   * Dataverse trimmed the context (it passed 192 KB): InputParameters, images and ParentContext
   * are empty. Read the row with the Web API instead.
   */
  readonly trimmed: boolean;
  /**
   * A stable key for idempotent processing (DataverseMessage.key): the same on every redelivery
   * and re-post of this event. Record it with your side effect and skip keys you have done.
   */
  readonly key: string;
  /** The invocation (logging, ids). */
  readonly invocation: InvocationContext;
  /** Position in the batch (0 without batching). */
  readonly index: number;
  /** Service Bus: how often the message was delivered (1 the first time), when the host said. */
  readonly deliveryCount?: number;
  /** Event Hubs: the event's sequence number in its partition, when the host said. */
  readonly sequenceNumber?: number;
}

/** A consumer's handler: return (or resolve) on success, throw (or reject) on failure. */
export type DataverseConsumerHandler = (event: DataverseConsumerEvent) => void | Promise<void>;

/** Options of the consumer wrappers. */
export interface DataverseConsumerOptions {
  /**
   * Refuse messages without Dataverse's claim properties (Microsoft: "check each message ... to
   * determine if the message originated from Dataverse"): they fail like unparsable messages.
   * Default: true for Service Bus (Dataverse sets them on queue and topic messages), false for
   * Event Hubs (not documented there).
   */
  readonly requireDataverseProperties?: boolean;
}

/**
 * Wraps a handler as an `app.serviceBusQueue` / `app.serviceBusTopic` handler.
 *
 * - Each message is decoded with `RemoteExecutionContext.fromServiceBusMessage` (body as parsed
 *   object, text or bytes; the application properties and message id from triggerMetadata).
 * - A message that cannot be decoded (XML or .NET binary format, not a context, no Dataverse
 *   properties) or whose handler throws makes the invocation fail: the host abandons the message,
 *   Service Bus delivers it again and moves it to the dead-letter queue after the entity's
 *   MaxDeliveryCount. The error is logged with the message id and key.
 * - With `cardinality: 'many'`, every message of the batch is handled; failures are logged one by
 *   one and the invocation then fails, so the whole batch is abandoned and delivered again,
 *   including the messages that succeeded: delivery is at least once, make the handler idempotent
 *   with `key`.
 */
export function dataverseServiceBusHandler(handler: DataverseConsumerHandler, options: DataverseConsumerOptions = {}) {
  const requireProperties = options.requireDataverseProperties ?? true;
  return async (messages: unknown, invocation: InvocationContext): Promise<void> => {
    const meta = (invocation.triggerMetadata ?? {}) as Record<string, any>;
    const batch = isBatch(messages, invocation, ['messageIdArray', 'applicationPropertiesArray', 'userPropertiesArray']);
    const items = batch ? (messages as unknown[]) : [messages];
    await run(
      items,
      invocation,
      'Service Bus message',
      (body, i) => {
        const at = <T>(single: string): T | undefined => (batch ? meta[`${single}Array`]?.[i] : meta[single]);
        const properties = at<Record<string, any>>('applicationProperties') ?? at<Record<string, any>>('userProperties') ?? {};
        const message = RemoteExecutionContext.fromServiceBusMessage({
          body,
          applicationProperties: properties,
          contentType: at<string>('contentType') ?? undefined,
          messageId: at<string>('messageId') ?? undefined,
        });
        if (requireProperties && !message.hasDataverseProperties) {
          throw new Error(
            `Service Bus message ${message.messageId ?? '(no id)'} carries none of Dataverse's properties (http://schemas.microsoft.com/xrm/2011/Claims/ Organization, User, InitiatingUser, EntityLogicalName, RequestName): it was not sent by Dataverse. Refused; pass { requireDataverseProperties: false } to accept such messages.`,
          );
        }
        const deliveryCount = at<number>('deliveryCount');
        return { message, deliveryCount: typeof deliveryCount === 'number' ? deliveryCount : undefined };
      },
      handler,
    );
  };
}

/**
 * Wraps a handler as an `app.eventHub` handler (for `cardinality: 'one'` or `'many'`).
 *
 * - Each event is decoded with `RemoteExecutionContext.fromEventHubMessage` (properties from
 *   triggerMetadata).
 * - Every event of a batch is handled; each failure (undecodable event or handler error) is
 *   logged with its sequence number and key, and the invocation fails at the end if any did.
 * - Event Hubs has no redelivery of its own: without a retry policy on the function
 *   (`retry: { strategy: 'exponentialBackoff', ... }` in `app.eventHub`), the checkpoint moves on
 *   and a failed event is not read again by this consumer group (the log is what is left). With a
 *   retry policy the whole batch runs again, including the events that succeeded: delivery is at
 *   least once, make the handler idempotent with `key`.
 */
export function dataverseEventHubHandler(handler: DataverseConsumerHandler, options: DataverseConsumerOptions = {}) {
  const requireProperties = options.requireDataverseProperties ?? false;
  return async (events: unknown, invocation: InvocationContext): Promise<void> => {
    const meta = (invocation.triggerMetadata ?? {}) as Record<string, any>;
    const batch = isBatch(events, invocation, ['propertiesArray', 'sequenceNumberArray']);
    const items = batch ? (events as unknown[]) : [events];
    await run(
      items,
      invocation,
      'Event Hubs event',
      (body, i) => {
        const at = <T>(single: string): T | undefined => (batch ? meta[`${single}Array`]?.[i] : meta[single]);
        const message = RemoteExecutionContext.fromEventHubMessage({ body, properties: at<Record<string, any>>('properties') ?? {} });
        if (requireProperties && !message.hasDataverseProperties) {
          throw new Error("Event Hubs event carries none of Dataverse's properties: refused (requireDataverseProperties is true).");
        }
        const sequenceNumber = at<number>('sequenceNumber');
        return { message, sequenceNumber: typeof sequenceNumber === 'number' ? sequenceNumber : undefined };
      },
      handler,
    );
  };
}

interface Decoded {
  readonly message: DataverseMessage;
  readonly deliveryCount?: number;
  readonly sequenceNumber?: number;
}

/** Whether the trigger delivered a batch (`cardinality: 'many'`). */
function isBatch(input: unknown, invocation: InvocationContext, arrayKeys: string[]): boolean {
  const cardinality = invocation.options?.trigger?.cardinality;
  if (cardinality === 'many') return true;
  if (cardinality === 'one') return false;
  // Not declared: a batch is an array that comes with per-message metadata arrays.
  const meta = (invocation.triggerMetadata ?? {}) as Record<string, unknown>;
  return Array.isArray(input) && arrayKeys.some((k) => Array.isArray(meta[k]));
}

async function run(
  items: unknown[],
  invocation: InvocationContext,
  what: string,
  decode: (body: unknown, index: number) => Decoded,
  handler: DataverseConsumerHandler,
): Promise<void> {
  const failures: string[] = [];
  for (let index = 0; index < items.length; index++) {
    let decoded: Decoded;
    try {
      decoded = decode(items[index], index);
    } catch (e) {
      const label = items.length > 1 ? `${what} ${index + 1} of ${items.length}` : what;
      invocation.error(`${label} is not a Dataverse message and was not handled: ${(e as Error).message}`);
      failures.push(label);
      continue;
    }
    const { message } = decoded;
    const c = message.context;
    const label = `${what}${message.messageId ? ` ${message.messageId}` : ''}${decoded.sequenceNumber !== undefined ? ` #${decoded.sequenceNumber}` : ''} (${c.messageName} of ${c.primaryEntityName} ${c.primaryEntityId}, key ${message.key})`;
    try {
      await handler({
        context: c,
        message,
        trimmed: message.trimmed,
        key: message.key,
        invocation,
        index,
        deliveryCount: decoded.deliveryCount,
        sequenceNumber: decoded.sequenceNumber,
      });
    } catch (e) {
      invocation.error(`Handler failed for ${label}: ${(e as Error)?.stack ?? e}`);
      failures.push(label);
    }
  }
  if (failures.length > 0) {
    throw new Error(`${failures.length} of ${items.length} Dataverse message(s) failed (see the log): ${failures.join('; ')}`);
  }
}
