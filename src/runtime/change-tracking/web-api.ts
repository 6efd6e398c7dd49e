// The HTTP layer of the change-tracking reader: one GET with a bearer token, a per-request timeout,
// back-off on 429/503 honouring Retry-After, and strict checks of what came back (status, JSON
// Content-Type, a JSON object). Only the Dataverse Web API is called through it.
//
// Sources:
// - Service protection limits answer 429 with a Retry-After header (seconds):
//   learn.microsoft.com/power-apps/developer/data-platform/api-limits ("Retry operations").
// - Error bodies are `{ "error": { "code": "0x...", "message": "..." } }`:
//   learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors.
// - An expired change-tracking token: error code 0x80044352 (ExpiredVersionStamp, -2147204270),
//   message "Version stamp associated with the client has expired. Please perform a full sync."
//   (Dataverse web service error codes; the change-tracking article says the retention is
//   Organization.ExpireChangeTrackingInDays, 7 days by default, and that older tokens fail).

/** Returns a bearer token for the Dataverse environment (called before every request). */
export type TokenProvider = () => Promise<string>;

/** The part of `@azure/core-auth`'s TokenCredential the adapter uses. */
export interface AccessTokenCredential {
  getToken(scopes: string | string[]): Promise<{ token: string } | null>;
}

/**
 * Adapts an `@azure/identity` credential (ManagedIdentityCredential, DefaultAzureCredential, ...)
 * to a TokenProvider for the environment: scope `<environment URL>/.default`. The credential
 * caches and refreshes tokens itself.
 */
export function tokenProviderFromCredential(credential: AccessTokenCredential, environmentUrl: string): TokenProvider {
  const scope = `${new URL(environmentUrl).origin}/.default`;
  return async () => {
    const token = await credential.getToken(scope);
    if (!token?.token) {
      throw new Error(`The credential returned no access token for ${scope}.`);
    }
    return token.token;
  };
}

/** The Dataverse error code of an expired change-tracking token (ExpiredVersionStamp). */
export const EXPIRED_VERSION_STAMP = '0x80044352';

/** A Web API answer that is not what the reader expects (status, content type or shape). */
export class WebApiError extends Error {
  constructor(
    message: string,
    /** The URL requested. */
    readonly url: string,
    /** The HTTP status, or 0 when no answer came (timeout, network). */
    readonly status: number,
    /** The Dataverse error code (`error.code`), when the body had one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'WebApiError';
  }
}

/**
 * The delta token is no longer usable: Dataverse keeps change-tracking data for a limited time
 * (Organization.ExpireChangeTrackingInDays, 7 days by default). Read the table in full again and
 * mark that read as a full re-read for consumers.
 */
export class DeltaTokenExpiredError extends WebApiError {
  constructor(url: string, status: number, code: string | undefined, detail: string) {
    super(`The change-tracking token expired (${code ?? 'no code'}: ${detail}); a full re-read of the table is needed. URL: ${url}`, url, status, code);
    this.name = 'DeltaTokenExpiredError';
  }
}

/** Options of the HTTP layer (all have defaults). */
export interface WebApiOptions {
  /** Abort one request after this many milliseconds. Default 60 000. */
  readonly timeoutMs?: number;
  /** Retries of one request after 429, 503, a timeout or a network error. Default 5. */
  readonly maxRetries?: number;
  /** Longest wait honoured from Retry-After, in ms. Default 120 000. */
  readonly maxRetryAfterMs?: number;
  /** First back-off when Retry-After is absent or unusable (doubles per retry), in ms. Default 2 000. */
  readonly defaultBackoffMs?: number;
  /** The fetch implementation. Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** How to wait (tests replace it). Default: setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const RETRYABLE = new Set([429, 503]);

/** Parses Retry-After (delta seconds or an HTTP date) into ms; undefined when absent, negative or unparsable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  if (/^-/.test(v)) return undefined;
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  const ms = date - now;
  return ms >= 0 ? ms : undefined;
}

/** Sends GET requests to one Dataverse environment; never sends its token to another host. */
export class WebApiClient {
  readonly origin: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryAfterMs: number;
  private readonly defaultBackoffMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    environmentUrl: string,
    private readonly tokenProvider: TokenProvider,
    options: WebApiOptions = {},
  ) {
    const url = new URL(environmentUrl);
    if (url.protocol !== 'https:' && !isLoopback(url.hostname)) {
      throw new Error(`The environment URL must use https: ${environmentUrl}`);
    }
    this.origin = url.origin;
    this.timeoutMs = positive(options.timeoutMs, 60_000, 'timeoutMs');
    this.maxRetries = nonNegative(options.maxRetries, 5, 'maxRetries');
    this.maxRetryAfterMs = nonNegative(options.maxRetryAfterMs, 120_000, 'maxRetryAfterMs');
    this.defaultBackoffMs = nonNegative(options.defaultBackoffMs, 2_000, 'defaultBackoffMs');
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** GET a URL of this environment and return its JSON object body. */
  async getJson(url: string, headers: Record<string, string>): Promise<Record<string, unknown>> {
    const target = new URL(url);
    if (target.origin !== this.origin) {
      throw new WebApiError(`Refusing to send the Dataverse token to ${target.origin}: the link does not belong to the environment ${this.origin}.`, url, 0);
    }
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokenProvider();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeoutMs);
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(url, {
          method: 'GET',
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            'OData-MaxVersion': '4.0',
            'OData-Version': '4.0',
            'Cache-Control': 'no-cache',
            ...headers,
          },
          signal: controller.signal,
          redirect: 'error',
        });
        text = await response.text();
      } catch (e) {
        const reason = controller.signal.aborted ? `no answer within ${this.timeoutMs} ms` : `request failed: ${(e as Error).message}`;
        if (attempt < this.maxRetries) {
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw new WebApiError(`GET ${url}: ${reason} (after ${attempt + 1} attempts).`, url, 0);
      } finally {
        clearTimeout(timer);
      }

      if (RETRYABLE.has(response.status)) {
        if (attempt < this.maxRetries) {
          const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
          await this.sleep(retryAfter === undefined ? this.backoff(attempt) : Math.min(retryAfter, this.maxRetryAfterMs));
          continue;
        }
        throw new WebApiError(`GET ${url}: HTTP ${response.status} after ${attempt + 1} attempts (service protection or unavailable); try again later.`, url, response.status);
      }
      return this.check(url, response, text);
    }
  }

  private backoff(attempt: number): number {
    return Math.min(this.defaultBackoffMs * 2 ** attempt, this.maxRetryAfterMs);
  }

  private check(url: string, response: Response, text: string): Record<string, unknown> {
    const contentType = response.headers.get('content-type') ?? '';
    const isJson = /^application\/json\b/i.test(contentType.trim());
    let body: unknown;
    if (isJson) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    if (!response.ok) {
      const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const code = typeof error?.code === 'string' ? error.code : undefined;
      const message = typeof error?.message === 'string' ? error.message : firstBytes(text);
      if (code?.toLowerCase() === EXPIRED_VERSION_STAMP || /version stamp associated with the client has expired/i.test(message)) {
        throw new DeltaTokenExpiredError(url, response.status, code, message);
      }
      throw new WebApiError(`GET ${url}: HTTP ${response.status}${code ? ` ${code}` : ''}: ${message}`, url, response.status, code);
    }
    if (!isJson) {
      throw new WebApiError(
        `GET ${url}: HTTP ${response.status} with Content-Type "${contentType || '(none)'}" instead of application/json (a proxy or sign-in page?). First bytes: ${firstBytes(text)}`,
        url,
        response.status,
      );
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new WebApiError(`GET ${url}: HTTP ${response.status} but the body is not a JSON object. First bytes: ${firstBytes(text)}`, url, response.status);
    }
    return body as Record<string, unknown>;
  }
}

function firstBytes(text: string): string {
  const t = text.slice(0, 200);
  return JSON.stringify(text.length > 200 ? `${t}...` : t);
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${value}.`);
  return v;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be zero or more, got ${value}.`);
  return v;
}
