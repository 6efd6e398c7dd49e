// The @azure/functions v4 HTTP handler wrapper for Dataverse webhooks. Not exported from the
// package root (it is typed with @azure/functions, a dependency of your function app, not of this
// library): import it as `cdktf-dataverse/lib/runtime/azure-functions`.
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { RemoteExecutionContext } from './remote-execution-context';
import { TrimmedPayload, WebhookSecretVerifier } from './webhook-auth';

/**
 * Throw it from a handler of a synchronous step to make Dataverse cancel the user's operation
 * (and roll back its transaction). The wrapper answers with `rejectStatus` (default 422) and the
 * message in the body.
 */
export class DataverseRejection extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataverseRejection';
  }
}

/** What a handler receives. */
export interface DataverseWebhookEvent {
  /** The decoded execution context. */
  readonly context: RemoteExecutionContext;
  /**
   * Dataverse trimmed the payload (above 256 KB): InputParameters, images and ParentContext are
   * empty. Read the row with the Web API instead.
   */
  readonly trimmed: boolean;
  readonly request: HttpRequest;
  readonly invocation: InvocationContext;
}

/** What a handler may return: nothing (success) or a rejection message. */
export interface DataverseWebhookOutcome {
  /** Cancel the operation with this message (synchronous steps; on asynchronous ones the system job fails). */
  readonly reject?: string;
}

export type DataverseWebhookHandler = (event: DataverseWebhookEvent) => void | DataverseWebhookOutcome | Promise<void | DataverseWebhookOutcome>;

/** Options of `dataverseWebhook`. */
export interface DataverseWebhookOptions {
  /** The secret check. Default: `WebhookSecretVerifier.fromEnvironment()` on the first call. */
  readonly verifier?: WebhookSecretVerifier;
  /**
   * Status code of a rejection. Not 502/503/504: Dataverse retries those once.
   * Default: 422.
   */
  readonly rejectStatus?: number;
}

/**
 * Wraps a handler as an @azure/functions v4 HTTP handler:
 * - 401 when the shared secret is missing or wrong (checked in constant time, before the body is read);
 * - 400 with a message when the body is not a RemoteExecutionContext;
 * - 422 (or `rejectStatus`) with the message when the handler rejects the operation;
 * - 500 when the handler fails otherwise (the error is logged, not returned);
 * - 200 on success.
 *
 * Dataverse reads only the status code of a webhook response: any status other than 2xx fails a
 * synchronous step, which cancels the user's operation and rolls its transaction back, and the
 * user gets Dataverse's error for a failed webhook. No Microsoft page says the response body is
 * shown to the user: treat it as being for your logs and for whoever tests the endpoint.
 */
export function dataverseWebhook(handler: DataverseWebhookHandler, options: DataverseWebhookOptions = {}) {
  let verifier = options.verifier;
  const rejectStatus = options.rejectStatus ?? 422;
  if ([502, 503, 504].includes(rejectStatus) || rejectStatus < 400 || rejectStatus > 599) {
    throw new Error(`rejectStatus ${rejectStatus} is not allowed: use a 4xx or 5xx status other than 502, 503 and 504 (Dataverse retries those).`);
  }
  return async (request: HttpRequest, invocation: InvocationContext): Promise<HttpResponseInit> => {
    if (request.method.toUpperCase() !== 'POST') {
      return { status: 405, headers: { allow: 'POST' }, jsonBody: { error: 'method-not-allowed', message: 'Dataverse webhooks use POST.' } };
    }
    try {
      verifier ??= WebhookSecretVerifier.fromEnvironment();
    } catch (e) {
      invocation.error(`Webhook secret check is not configured: ${(e as Error).message}`);
      return { status: 500, jsonBody: { error: 'not-configured', message: 'The receiver is not configured.' } };
    }
    const headers = Object.fromEntries(request.headers.entries());
    const query = Object.fromEntries(request.query.entries());
    if (!verifier.verify(headers, query)) {
      invocation.warn('Rejected a webhook call without the shared secret.');
      return { status: 401, jsonBody: { error: 'unauthorized', message: 'The shared secret is missing or wrong.' } };
    }
    let context: RemoteExecutionContext;
    try {
      context = RemoteExecutionContext.parse(await request.text());
    } catch (e) {
      return { status: 400, jsonBody: { error: 'malformed-body', message: (e as Error).message } };
    }
    const trimmed = TrimmedPayload.fromWebhookHeaders(headers);
    try {
      const outcome = await handler({ context, trimmed, request, invocation });
      if (outcome && typeof outcome.reject === 'string') {
        return reject(invocation, rejectStatus, context, outcome.reject);
      }
      return { status: 200, jsonBody: { ok: true } };
    } catch (e) {
      if (e instanceof DataverseRejection || (e as Error)?.name === 'DataverseRejection') {
        return reject(invocation, rejectStatus, context, (e as Error).message);
      }
      invocation.error(`Handler failed for ${context.messageName} of ${context.primaryEntityName} ${context.primaryEntityId}: ${(e as Error)?.stack ?? e}`);
      return { status: 500, jsonBody: { error: 'handler-failed', message: 'The receiver failed; see its logs.', correlationId: context.correlationId } };
    }
  };
}

function reject(invocation: InvocationContext, status: number, context: RemoteExecutionContext, message: string): HttpResponseInit {
  invocation.log(`Rejected ${context.messageName} of ${context.primaryEntityName} ${context.primaryEntityId}: ${message}`);
  return { status, jsonBody: { error: 'rejected', message, correlationId: context.correlationId } };
}
