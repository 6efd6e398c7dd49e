import { spawn } from 'child_process';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../examples/servicebus-listener/config';
import { ListenerEvent, ReceivedMessage, handleMessage, startListener } from '../../examples/servicebus-listener/handle';
import { dataverseProperties, messageFixture } from '../runtime/message-fixtures';

// Messages as @azure/service-bus hands them over (ServiceBusReceivedMessage: body, contentType,
// applicationProperties, messageId, deliveryCount), with the bodies of test/runtime/message-fixtures
// (the JSON RemoteExecutionContext in Microsoft's documented shape; see its README for the sources)
// and Dataverse's claim properties (Microsoft.Xrm.Sdk.ClaimTypes, "Write a listener application").
// Dataverse sends the JSON format as bytes with content type application/json.
function sbMessage(text: string | Buffer | null, extra: Partial<ReceivedMessage> = {}): ReceivedMessage {
  return {
    body: typeof text === 'string' ? Buffer.from(text, 'utf8') : text,
    contentType: 'application/json',
    applicationProperties: dataverseProperties(),
    messageId: 'c0ffee00-0000-4000-8000-000000000001',
    deliveryCount: 1,
    ...extra,
  };
}

type Call = { op: string; message: any; options?: any };

/** A receiver that records settlements; each may be made to fail (a lost lock) or to hang. */
function fakeReceiver(fail: Partial<Record<'complete' | 'abandon' | 'deadLetter', Error>> = {}) {
  const calls: Call[] = [];
  const op = (name: 'complete' | 'abandon' | 'deadLetter') => async (message: any, options?: any) => {
    calls.push({ op: name, message, options });
    if (fail[name]) throw fail[name];
  };
  const subscriptions: any[] = [];
  const receiver = {
    calls,
    subscriptions,
    closed: 0,
    completeMessage: op('complete'),
    abandonMessage: op('abandon'),
    deadLetterMessage: op('deadLetter'),
    subscribe(handlers: any, options: any) {
      const sub = { handlers, options, closed: false, close: async () => void (sub.closed = true) };
      subscriptions.push(sub);
      return sub;
    },
    close: async () => void receiver.closed++,
  };
  return receiver;
}

function quietLog() {
  const lines: string[] = [];
  return { lines, info: (t: string) => lines.push(t), error: (t: string) => lines.push(t) };
}

const lockLost = Object.assign(new Error('The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.'), {
  code: 'MessageLockLost',
});

describe('examples/servicebus-listener: handling one message', () => {
  it('a Dataverse message: the handler gets the decoded context, the key and the delivery count; the message is completed', async () => {
    const receiver = fakeReceiver();
    const seen: ListenerEvent[] = [];
    const message = sbMessage(messageFixture('account-update.json'), { deliveryCount: 3 });
    const result = await handleMessage(message, receiver, (e) => void seen.push(e), { log: quietLog() });
    expect(result).toEqual({ outcome: 'completed', key: expect.stringMatching(/^dv1-[0-9a-f]{40}$/) });
    expect(seen).toHaveLength(1);
    expect(seen[0].context.messageName).toBe('Update');
    expect(seen[0].context.primaryEntityName).toBe('account');
    expect(seen[0].trimmed).toBe(false);
    expect(seen[0].deliveryCount).toBe(3);
    expect(seen[0].key).toBe(result.key);
    expect(seen[0].message.entityLogicalName).toBe('account');
    expect(receiver.calls).toEqual([{ op: 'complete', message, options: undefined }]);
  });

  it('the key is the same on a redelivery (idempotency) and differs for another event', async () => {
    const keys: string[] = [];
    const handler = (e: ListenerEvent) => void keys.push(e.key);
    await handleMessage(sbMessage(messageFixture('account-update.json')), fakeReceiver(), handler, { log: quietLog() });
    await handleMessage(sbMessage(messageFixture('account-update.json'), { deliveryCount: 2, messageId: 'other-transport-id' }), fakeReceiver(), handler, { log: quietLog() });
    await handleMessage(sbMessage(messageFixture('contact-create-images.json'), { applicationProperties: dataverseProperties('contact', 'Create') }), fakeReceiver(), handler, {
      log: quietLog(),
    });
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('a trimmed message (MessageMaxSizeExceeded) reaches the handler with trimmed and empty parameters, and is completed', async () => {
    const receiver = fakeReceiver();
    let event: ListenerEvent | undefined;
    const message = sbMessage(messageFixture('account-update-trimmed.json'), { applicationProperties: dataverseProperties('account', 'Update', { MessageMaxSizeExceeded: true }) });
    const result = await handleMessage(message, receiver, (e) => void (event = e), { log: quietLog() });
    expect(result.outcome).toBe('completed');
    expect(event!.trimmed).toBe(true);
    expect(event!.context.inputParameters).toEqual({});
    expect(event!.context.preEntityImages).toEqual({});
    expect(receiver.calls.map((c) => c.op)).toEqual(['complete']);
  });

  it('a handler that throws: the message is abandoned (delivered again, dead-lettered by Service Bus after max delivery count), never completed', async () => {
    const receiver = fakeReceiver();
    const log = quietLog();
    const result = await handleMessage(
      sbMessage(messageFixture('account-update.json')),
      receiver,
      () => {
        throw new Error('ERP is down');
      },
      { log },
    );
    expect(result).toMatchObject({ outcome: 'abandoned', reason: 'ERP is down' });
    expect(receiver.calls.map((c) => c.op)).toEqual(['abandon']);
    expect(log.lines.join('\n')).toMatch(/message c0ffee00-.* \(key dv1-[0-9a-f]+, delivery 1\) failed: ERP is down; abandoning it/);
  });

  it('a handler that hangs: aborted after the timeout, the message abandoned', async () => {
    const receiver = fakeReceiver();
    let signal: AbortSignal | undefined;
    const result = await handleMessage(
      sbMessage(messageFixture('account-update.json')),
      receiver,
      (e) => {
        signal = e.signal;
        return new Promise<void>(() => undefined);
      },
      { timeoutMs: 30, log: quietLog() },
    );
    expect(result).toMatchObject({ outcome: 'abandoned', reason: 'the handler did not finish within 30 ms' });
    expect(signal!.aborted).toBe(true);
    expect(receiver.calls.map((c) => c.op)).toEqual(['abandon']);
  });

  it("a message without Dataverse's properties is dead-lettered at once, the handler not called; allowed when the check is off", async () => {
    const receiver = fakeReceiver();
    let called = 0;
    const foreign = sbMessage(messageFixture('account-update.json'), { applicationProperties: { sender: 'someone-else' } });
    const result = await handleMessage(foreign, receiver, () => void called++, { log: quietLog() });
    expect(result).toEqual({ outcome: 'dead-lettered', reason: 'NotFromDataverse' });
    expect(called).toBe(0);
    expect(receiver.calls).toEqual([
      {
        op: 'deadLetter',
        message: foreign,
        options: { deadLetterReason: 'NotFromDataverse', deadLetterErrorDescription: expect.stringContaining("none of Dataverse's claim properties") },
      },
    ]);
    expect((await handleMessage(foreign, fakeReceiver(), () => void called++, { requireDataverseProperties: false, log: quietLog() })).outcome).toBe('completed');
    expect(called).toBe(1);
  });

  it('garbage is dead-lettered with the reason and the fix: XML and .NET binary formats, JSON that is no context, no body', async () => {
    const cases: Array<[ReceivedMessage, RegExp]> = [
      [sbMessage('<RemoteExecutionContext/>', { contentType: 'application/xml' }), /XML \(TextXML\) message format.*Set the service endpoint's message format to Json/],
      [sbMessage(Buffer.from([0x40, 0x16, 0x52, 0x65, 0x6d, 0x6f, 0x74, 0x65, 0xff, 0xfe]), { contentType: 'application/msbin1' }), /\.NET binary \(BinaryXML\)/],
      [sbMessage('{"hello":"world"}'), /Service Bus message c0ffee00-.*: /],
      [sbMessage('not json at all'), /Service Bus message c0ffee00-/],
      [sbMessage(null), /has no body/],
    ];
    for (const [message, why] of cases) {
      const receiver = fakeReceiver();
      let called = false;
      const result = await handleMessage(message, receiver, () => void (called = true), { log: quietLog() });
      expect(result).toEqual({ outcome: 'dead-lettered', reason: 'UndecodableMessage' });
      expect(called).toBe(false);
      expect(receiver.calls).toHaveLength(1);
      expect(receiver.calls[0].op).toBe('deadLetter');
      expect(receiver.calls[0].options.deadLetterErrorDescription).toMatch(why);
      expect(receiver.calls[0].options.deadLetterErrorDescription.length).toBeLessThanOrEqual(1000);
    }
    // Not even an object: still no exception out of handleMessage.
    const receiver = fakeReceiver();
    expect((await handleMessage(undefined as any, receiver, () => undefined, { log: quietLog() })).outcome).toBe('dead-lettered');
  });

  it('settlements that fail (lock lost, connection gone) are reported as unsettled, never as done, and never throw', async () => {
    const log = quietLog();
    const ok = sbMessage(messageFixture('account-update.json'));
    expect(await handleMessage(ok, fakeReceiver({ complete: lockLost }), () => undefined, { log })).toMatchObject({
      outcome: 'unsettled',
      reason: expect.stringContaining('completed failed: The lock supplied is invalid'),
    });
    expect((await handleMessage(ok, fakeReceiver({ abandon: new Error('socket closed') }), () => Promise.reject(new Error('x')), { log })).outcome).toBe('unsettled');
    expect((await handleMessage(sbMessage('{}'), fakeReceiver({ deadLetter: new Error('socket closed') }), () => undefined, { log })).outcome).toBe('unsettled');
    expect(log.lines.filter((l) => l.includes('it will be delivered again'))).toHaveLength(3);
  });
});

describe('examples/servicebus-listener: the subscription', () => {
  it('subscribes with manual settlement, counts outcomes, and on stop finishes the message in hand before closing', async () => {
    const receiver = fakeReceiver();
    let release!: () => void;
    const handled: string[] = [];
    const listener = startListener(
      receiver,
      async (e) => {
        handled.push(e.context.primaryEntityName);
        if (handled.length === 2) await new Promise<void>((r) => (release = r));
      },
      { maxConcurrentCalls: 4, log: quietLog() },
    );
    const sub = receiver.subscriptions[0];
    expect(sub.options).toEqual({ autoCompleteMessages: false, maxConcurrentCalls: 4 });
    await sub.handlers.processMessage(sbMessage(messageFixture('account-update.json')));
    await sub.handlers.processMessage(sbMessage('<x/>', { contentType: 'application/xml' }));
    const slow = sub.handlers.processMessage(sbMessage(messageFixture('contact-create-images.json'), { applicationProperties: dataverseProperties('contact', 'Create') }));
    const stopping = listener.stop(5_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(sub.closed).toBe(true);
    expect(receiver.closed).toBe(0); // still waiting for the message in hand
    // A message that arrives while stopping goes back untouched.
    const late = sbMessage(messageFixture('account-update.json'), { messageId: 'late' });
    await sub.handlers.processMessage(late);
    release();
    await slow;
    await stopping;
    expect(receiver.closed).toBe(1);
    expect(handled).toEqual(['account', 'contact']);
    expect(listener.counts).toEqual({ completed: 2, abandoned: 0, 'dead-lettered': 1, unsettled: 0 });
    expect(receiver.calls.filter((c) => c.message === late).map((c) => c.op)).toEqual(['abandon']);
  });

  it('a handler that never finishes does not hold the stop past the grace period', async () => {
    const receiver = fakeReceiver();
    const log = quietLog();
    const listener = startListener(receiver, () => new Promise<void>(() => undefined), { log, timeoutMs: 60_000 });
    void receiver.subscriptions[0].handlers.processMessage(sbMessage(messageFixture('account-update.json')));
    await new Promise((r) => setTimeout(r, 10));
    await listener.stop(50);
    expect(receiver.closed).toBe(1);
    expect(log.lines.join('\n')).toContain('1 message(s) still in hand after 50 ms');
  });

  it('receiver errors are logged, not thrown', async () => {
    const receiver = fakeReceiver();
    const log = quietLog();
    startListener(receiver, () => undefined, { log });
    await receiver.subscriptions[0].handlers.processError({ error: new Error('ENOTFOUND'), errorSource: 'receive' });
    expect(log.lines).toEqual(['Service Bus receiver error (receive): ENOTFOUND']);
  });
});

describe('examples/servicebus-listener: settings', () => {
  it('a queue or a topic subscription with an identity; defaults for concurrency and timeout', () => {
    expect(readConfig({ SERVICEBUS_FULLY_QUALIFIED_NAMESPACE: 'sb-orders.servicebus.windows.net', SERVICEBUS_QUEUE_NAME: 'orders' })).toEqual({
      fullyQualifiedNamespace: 'sb-orders.servicebus.windows.net',
      connectionString: undefined,
      queueName: 'orders',
      topicName: undefined,
      subscriptionName: undefined,
      maxConcurrentCalls: 1,
      timeoutMs: 240_000,
    });
    expect(
      readConfig({
        SERVICEBUS_FULLY_QUALIFIED_NAMESPACE: 'sb-orders.servicebus.windows.net',
        SERVICEBUS_TOPIC_NAME: 'orders',
        SERVICEBUS_SUBSCRIPTION_NAME: 'erp',
        MAX_CONCURRENT_CALLS: '8',
        HANDLER_TIMEOUT_SECONDS: '60',
      }),
    ).toMatchObject({
      topicName: 'orders',
      subscriptionName: 'erp',
      maxConcurrentCalls: 8,
      timeoutMs: 60_000,
    });
  });

  it('every problem in one error: nothing set, both credentials, a URL for a host, queue and topic, a topic alone, bad numbers', () => {
    expect(() => readConfig({})).toThrow(
      'The listener is not configured:\n- set SERVICEBUS_FULLY_QUALIFIED_NAMESPACE, e.g. sb-orders.servicebus.windows.net\n- set SERVICEBUS_QUEUE_NAME, or SERVICEBUS_TOPIC_NAME with SERVICEBUS_SUBSCRIPTION_NAME',
    );
    let message = '';
    try {
      readConfig({
        SERVICEBUS_FULLY_QUALIFIED_NAMESPACE: 'sb://sb-orders.servicebus.windows.net/',
        SERVICEBUS_CONNECTION_STRING: 'Endpoint=sb://x/;SharedAccessKeyName=listen;SharedAccessKey=abc',
        SERVICEBUS_QUEUE_NAME: 'orders',
        SERVICEBUS_TOPIC_NAME: 'orders',
        MAX_CONCURRENT_CALLS: '0',
        HANDLER_TIMEOUT_SECONDS: 'soon',
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n').slice(1)).toEqual([
      '- set SERVICEBUS_FULLY_QUALIFIED_NAMESPACE (identity) or SERVICEBUS_CONNECTION_STRING (SAS key), not both',
      "- SERVICEBUS_FULLY_QUALIFIED_NAMESPACE 'sb://sb-orders.servicebus.windows.net/' is not a host name like sb-orders.servicebus.windows.net (no scheme, no slash)",
      '- set SERVICEBUS_QUEUE_NAME, or SERVICEBUS_TOPIC_NAME with SERVICEBUS_SUBSCRIPTION_NAME, not both',
      "- MAX_CONCURRENT_CALLS '0' is not a whole number from 1 to 100",
      "- HANDLER_TIMEOUT_SECONDS 'soon' is not a whole number from 1 to 3600",
    ]);
    expect(message).not.toContain('SharedAccessKey=abc');
    expect(() => readConfig({ SERVICEBUS_FULLY_QUALIFIED_NAMESPACE: 'sb-orders.servicebus.windows.net', SERVICEBUS_TOPIC_NAME: 'orders' })).toThrow(
      '- set SERVICEBUS_QUEUE_NAME, or SERVICEBUS_TOPIC_NAME with SERVICEBUS_SUBSCRIPTION_NAME',
    );
  });
});

describe('examples/servicebus-listener: the program', () => {
  const root = path.join(__dirname, '..', '..');
  const run = (env: Record<string, string>, onOutput?: (text: string, child: ReturnType<typeof spawn>) => void) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      // As npm start and the systemd unit run it: one node process with the tsx loader (the tsx CLI
      // puts a parent in between whose signal relay can kill the program before its handlers run).
      const child = spawn(process.execPath, ['--import', 'tsx', 'examples/servicebus-listener/listener.ts'], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TSX_TSCONFIG_PATH: 'tsconfig.dev.json', ...env },
      });
      let out = '';
      const collect = (d: Buffer) => {
        out += d.toString();
        onOutput?.(out, child);
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.on('close', (code) => resolve({ code, out }));
    });

  it('exits 2 with the list of problems when it is not configured', async () => {
    const { code, out } = await run({});
    expect(code).toBe(2);
    expect(out).toContain('The listener is not configured:');
  });

  it('stops cleanly on SIGTERM, even while the namespace cannot be reached', async () => {
    let sent = false;
    const { code, out } = await run({ SERVICEBUS_FULLY_QUALIFIED_NAMESPACE: 'sb-unreachable.servicebus.invalid', SERVICEBUS_QUEUE_NAME: 'orders' }, (text, child) => {
      if (!sent && text.includes('listening on orders (Entra ID)')) {
        sent = true;
        child.kill('SIGTERM');
      }
    });
    expect(out).toContain('SIGTERM: finishing the messages in hand, then stopping');
    expect(out).toContain('stopped: {"completed":0,"abandoned":0,"dead-lettered":0,"unsettled":0}');
    expect(code).toBe(0);
  }, 30_000);
});
