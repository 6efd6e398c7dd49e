// The message handling of the on-premises listener, apart from the program (listener.ts) so that it
// runs in-process in tests: decode each Service Bus message Dataverse sent, call your handler,
// settle the message.
//
// - Decoded with RemoteExecutionContext.fromServiceBusMessage (cdktf-dataverse): the JSON
//   RemoteExecutionContext, Dataverse's claim properties, the trimmed signal
//   (MessageMaxSizeExceeded) and a stable key for idempotency.
// - Handler resolves: the message is completed (removed from the queue).
// - Handler throws or runs past the timeout: the message is abandoned, so Service Bus delivers it
//   again and moves it to the dead-letter queue after the entity's max delivery count.
// - A message that cannot be decoded (XML or .NET binary message format, not a context) or that
//   lacks Dataverse's properties is dead-lettered at once with the reason: delivering it again
//   cannot fix it, and the dead-letter queue keeps it for inspection.
// - A settlement that fails (lock lost, connection gone) is logged; the message is then still on
//   the queue and comes back, so the handler must be idempotent (use `key`).
import { DataverseMessage, RemoteExecutionContext } from 'cdktf-dataverse';

/** A Service Bus message as the receiver gives it (a ServiceBusReceivedMessage fits). */
export interface ReceivedMessage {
  readonly body: any;
  readonly applicationProperties?: { [name: string]: any };
  readonly contentType?: string;
  readonly messageId?: any;
  readonly deliveryCount?: number;
}

/** The settlement methods of a ServiceBusReceiver. */
export interface Settlement {
  completeMessage(message: any): Promise<void>;
  abandonMessage(message: any): Promise<void>;
  deadLetterMessage(message: any, options: { deadLetterReason: string; deadLetterErrorDescription: string }): Promise<void>;
}

/** What the handler gets for each message. */
export interface ListenerEvent {
  /** The decoded message: context, Dataverse's properties, `trimmed`, `key`. */
  readonly message: DataverseMessage;
  /** The execution context (`message.context`). */
  readonly context: RemoteExecutionContext;
  /** Dataverse trimmed the context (over 192 KB): read the row with the Web API instead. */
  readonly trimmed: boolean;
  /** Stable key of the event: the same on every redelivery. Record it with your side effect. */
  readonly key: string;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  /** Aborted when the handler runs past the timeout (the message is then abandoned). */
  readonly signal: AbortSignal;
}

export type ListenerHandler = (event: ListenerEvent) => void | Promise<void>;

export interface Logger {
  info(text: string): void;
  error(text: string): void;
}

export interface HandleOptions {
  /** Dead-letter messages without Dataverse's claim properties. Default true. */
  readonly requireDataverseProperties?: boolean;
  /** Abandon the message when the handler takes longer (keep it under the lock renewal, 5 minutes). Default 240000. */
  readonly timeoutMs?: number;
  /** Default console. */
  readonly log?: Logger;
}

export type Outcome = 'completed' | 'abandoned' | 'dead-lettered' | 'unsettled';

export interface HandleResult {
  readonly outcome: Outcome;
  /** The event key, when the message could be decoded. */
  readonly key?: string;
  /** Why it was not completed. */
  readonly reason?: string;
}

const MAX_DESCRIPTION = 1000;
const CLOSE_MS = 5_000;

/** Handles one message: decode, call the handler, settle. Never throws. */
export async function handleMessage(message: ReceivedMessage, receiver: Settlement, handler: ListenerHandler, options: HandleOptions = {}): Promise<HandleResult> {
  const log = options.log ?? console;
  const id = message?.messageId ?? '(no id)';
  let decoded: DataverseMessage;
  try {
    decoded = RemoteExecutionContext.fromServiceBusMessage(message);
  } catch (e) {
    return deadLetter(receiver, message, 'UndecodableMessage', (e as Error).message, log, id);
  }
  if ((options.requireDataverseProperties ?? true) && !decoded.hasDataverseProperties) {
    const why =
      "the message carries none of Dataverse's claim properties (Organization, User, InitiatingUser, EntityLogicalName, RequestName), so Dataverse did not send it. Only Dataverse's service endpoint should hold a Send key on this entity.";
    return deadLetter(receiver, message, 'NotFromDataverse', why, log, id);
  }
  const key = decoded.key;
  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? 240_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`the handler did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    const event: ListenerEvent = {
      message: decoded,
      context: decoded.context,
      trimmed: decoded.trimmed,
      key,
      deliveryCount: message.deliveryCount ?? 1,
      signal: controller.signal,
    };
    await Promise.race([Promise.resolve().then(() => handler(event)), timeout]);
  } catch (e) {
    clearTimeout(timer);
    log.error(`message ${id} (key ${key}, delivery ${message.deliveryCount ?? 1}) failed: ${(e as Error)?.message ?? e}; abandoning it so Service Bus delivers it again.`);
    return settle(() => receiver.abandonMessage(message), { outcome: 'abandoned', key, reason: String((e as Error)?.message ?? e) }, log, id);
  }
  clearTimeout(timer);
  return settle(() => receiver.completeMessage(message), { outcome: 'completed', key }, log, id);
}

async function deadLetter(receiver: Settlement, message: ReceivedMessage, reason: string, description: string, log: Logger, id: unknown): Promise<HandleResult> {
  log.error(`message ${id} moved to the dead-letter queue (${reason}): ${description}`);
  const deadLetterErrorDescription = description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION - 3)}...` : description;
  return settle(() => receiver.deadLetterMessage(message, { deadLetterReason: reason, deadLetterErrorDescription }), { outcome: 'dead-lettered', reason }, log, id);
}

/** Runs a settlement; when it fails the message stays on the entity and comes back after its lock expires. */
async function settle(run: () => Promise<void>, result: HandleResult, log: Logger, id: unknown): Promise<HandleResult> {
  try {
    await run();
    return result;
  } catch (e) {
    log.error(`message ${id}: could not settle it as ${result.outcome} (${(e as Error)?.message ?? e}); it will be delivered again.`);
    return { outcome: 'unsettled', key: result.key, reason: `${result.outcome} failed: ${(e as Error)?.message ?? e}` };
  }
}

/** A receiver that can be subscribed to (ServiceBusReceiver). */
export interface SubscribableReceiver extends Settlement {
  subscribe(
    handlers: { processMessage(message: any): Promise<void>; processError(args: { error: Error; errorSource: string }): Promise<void> },
    options?: { autoCompleteMessages?: boolean; maxConcurrentCalls?: number },
  ): { close(): Promise<void> };
  close(): Promise<void>;
}

export interface RunningListener {
  /** Outcomes so far. */
  readonly counts: Record<Outcome, number>;
  /** Stops receiving, waits for the messages in hand (up to graceMs), closes the receiver. */
  stop(graceMs?: number): Promise<void>;
}

/** Subscribes to the receiver with manual settlement; each message goes through handleMessage. */
export function startListener(receiver: SubscribableReceiver, handler: ListenerHandler, options: HandleOptions & { maxConcurrentCalls?: number } = {}): RunningListener {
  const log = options.log ?? console;
  const counts: Record<Outcome, number> = { completed: 0, abandoned: 0, 'dead-lettered': 0, unsettled: 0 };
  const inFlight = new Set<Promise<unknown>>();
  let stopping = false;
  const subscription = receiver.subscribe(
    {
      processMessage: async (message) => {
        // A message that arrives while stopping is handed back untouched.
        if (stopping) return void (await receiver.abandonMessage(message).catch(() => undefined));
        const work = handleMessage(message, receiver, handler, options).then((r) => {
          counts[r.outcome]++;
          return r;
        });
        inFlight.add(work);
        try {
          await work;
        } finally {
          inFlight.delete(work);
        }
      },
      processError: async ({ error, errorSource }) => log.error(`Service Bus receiver error (${errorSource}): ${error.message}`),
    },
    { autoCompleteMessages: false, maxConcurrentCalls: options.maxConcurrentCalls ?? 1 },
  );
  return {
    counts,
    stop: async (graceMs = 30_000) => {
      stopping = true;
      // Closing waits for a connection attempt in progress; do not let an unreachable namespace hold the stop.
      if (!(await within(subscription.close(), CLOSE_MS))) log.error(`the subscription did not close within ${CLOSE_MS} ms; going on.`);
      if (!(await within(Promise.allSettled([...inFlight]), graceMs))) {
        log.error(`${inFlight.size} message(s) still in hand after ${graceMs} ms; their locks expire and Service Bus delivers them again.`);
      }
      if (!(await within(receiver.close(), CLOSE_MS))) log.error(`the receiver did not close within ${CLOSE_MS} ms; going on.`);
    },
  };
}

/** Whether the promise settled within ms (its rejection counts as settled). */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
