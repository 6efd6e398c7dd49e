// The request handler of the on-premises listener: what Dataverse's REST contract posts through the
// hybrid connection, and what the listener answers.
//
// Sources:
// - Microsoft Learn, "Write a listener application for an Azure solution": a REST listener returns
//   a string to Dataverse (the built-in service endpoint plug-in does not use it); the context comes
//   in the endpoint's message format (application/json for Json, application/xml for XML,
//   application/msbin1 for .NET binary). RelayIntegration registers Json, which
//   RemoteExecutionContext.parse reads; the others are refused with 415 and the fix.
// - Microsoft Learn, "Use a hybrid relay connection" and the PowerApps-Samples hybrid relay
//   listener: the listener answers 200 with a JSON string body.
// - Azure Relay Hybrid Connections protocol: each request must be answered within 60 seconds, and a
//   listener may not answer 502 or 504 (the relay's own codes for "no listener" and "timed out").
// No Microsoft page documents the headers Dataverse sets on a REST post: only Content-Type is
// looked at, and a missing one is read as JSON.
import type { IncomingMessage, ServerResponse } from 'http';
import { RemoteExecutionContext } from 'cdktf-dataverse/lib/runtime/remote-execution-context';

/** How the handler treats each event. */
export interface RelayHandlerOptions {
  /** Called once per event; throw (or reject) to answer 500, which fails the Dataverse system job or operation. */
  readonly onEvent: (context: RemoteExecutionContext) => void | Promise<void>;
  /**
   * Largest body read, in bytes; a larger one is answered 413.
   * @default 4 MiB
   */
  readonly maxBodyBytes?: number;
  /**
   * Time onEvent may take before the handler answers 503 (the relay fails the delivery after 60 s).
   * @default 50000
   */
  readonly timeoutMs?: number;
  /**
   * Where problems are written (never the body: it holds business data).
   * @default - nowhere
   */
  readonly log?: (line: string) => void;
}

const NOT_JSON = /xml|msbin/i;

/** A one-line summary of an event, for the listener's own log. */
export function describeEvent(context: RemoteExecutionContext): string {
  return `${context.messageName} of ${context.primaryEntityName} ${context.primaryEntityId} (correlation ${context.correlationId}, ${context.isSynchronous ? 'synchronous' : 'asynchronous'})`;
}

/** A Node request handler (`http.createServer` or hyco-https' `createRelayedServer`) for Dataverse's REST posts. */
export function createRelayRequestHandler(options: RelayHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 50_000;
  const log = options.log ?? (() => undefined);
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return answer(res, 405, `Dataverse posts the execution context with POST; ${req.method} is not handled.`);
    }
    const contentType = String(req.headers['content-type'] ?? '');
    if (NOT_JSON.test(contentType)) {
      req.resume();
      return answer(
        res,
        415,
        `This listener reads the JSON RemoteExecutionContext, not ${contentType}. Set the service endpoint's message format to Json (RelayIntegration's default).`,
      );
    }
    let body: string | undefined;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (e) {
      log(`could not read a request: ${(e as Error).message}`);
      return answer(res, 400, 'The request body could not be read.');
    }
    if (body === undefined) return answer(res, 413, `The body is larger than ${maxBodyBytes} bytes.`);
    let context: RemoteExecutionContext;
    try {
      context = RemoteExecutionContext.parse(body.replace(/^\uFEFF/, ''));
    } catch (e) {
      log(`rejected a request: ${(e as Error).message}`);
      return answer(res, 400, (e as Error).message);
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      const outcome = await Promise.race([Promise.resolve().then(() => options.onEvent(context)), timedOut]);
      if (outcome === 'timeout') {
        log(`${describeEvent(context)}: not processed within ${timeoutMs} ms`);
        return answer(res, 503, `The listener did not process the event within ${timeoutMs} ms.`);
      }
    } catch (e) {
      // The error stays in the listener's log; Dataverse only learns that the event failed.
      log(`${describeEvent(context)}: ${(e as Error).message}`);
      return answer(res, 500, 'The listener failed to process the event; see its log.');
    } finally {
      clearTimeout(timer);
    }
    answer(res, 200, `Received ${context.messageName} of ${context.primaryEntityName} ${context.primaryEntityId}.`);
  };
}

/** The REST contract's reply: a string, sent as a JSON string. */
function answer(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(text));
}

/** The body as UTF-8 text, or undefined once it passes `limit` bytes (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size <= limit) chunks.push(buf);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
