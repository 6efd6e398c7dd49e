import { CliError, WebApiError } from './errors';
import { AccessTokenLike, AccessTokenProvider } from './io';

/** Statuses that mean "try again later": service protection limits and transient outages. */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** Network errors worth a retry (the connection dropped); others (refused, unknown host) are not. */
const RETRY_NETWORK_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET', 'EAI_AGAIN']);

/** Options of the Web API client. */
export interface WebApiOptions {
  /** Environment URL without trailing slash. */
  readonly url: string;
  readonly tokenProvider: () => Promise<AccessTokenProvider>;
  readonly sleep: (ms: number) => Promise<void>;
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** First back-off delay when the server gives no Retry-After. */
  readonly baseDelayMs: number;
  /** Longest back-off delay. */
  readonly maxDelayMs: number;
  /** Told about each retry (progress output). */
  readonly onRetry?: (what: string, status: string, delayMs: number, attempt: number) => void;
}

/** A response with its JSON body (undefined for 204). */
export interface WebApiResponse {
  readonly status: number;
  readonly body: any;
}

/** Options of one request. */
export interface RequestOptions {
  readonly body?: unknown;
  readonly headers?: { [name: string]: string };
  /** Statuses returned instead of thrown (e.g. 404 when checking whether a row exists). */
  readonly accept?: number[];
}

/**
 * A small Dataverse Web API (v9.2) client: bearer token for `<url>/.default`, JSON, retries on
 * 429/502/503/504 honouring Retry-After (else exponential back-off: base, 2×base, 4×base …,
 * capped), and errors that say how to fix them.
 */
export class WebApi {
  public readonly apiRoot: string;
  public readonly scope: string;
  private provider?: Promise<AccessTokenProvider>;
  private token?: AccessTokenLike;

  constructor(private readonly options: WebApiOptions) {
    this.apiRoot = `${options.url}/api/data/v9.2/`;
    this.scope = `${options.url}/.default`;
  }

  /** The absolute URL of a row, as `@odata.id` wants it. */
  public rowUrl(entitySet: string, id: string): string {
    return `${this.apiRoot}${entitySet}(${id})`;
  }

  public async request(method: string, relative: string, options: RequestOptions = {}): Promise<WebApiResponse> {
    const what = `${method} ${relative}`;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(this.apiRoot + relative, {
          method,
          headers: await this.headers(options),
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
        });
      } catch (e) {
        const code = networkCode(e);
        if (RETRY_NETWORK_CODES.has(code) && attempt < this.options.maxRetries) {
          const delay = this.backoff(attempt);
          this.options.onRetry?.(what, code, delay, attempt + 1);
          await this.options.sleep(delay);
          continue;
        }
        throw new CliError(
          `cannot reach ${this.options.url} (${code || (e as Error).message}) for ${what}. Fix: check the environment URL (the manifest's environment.url or --environment-url) and that this machine can reach it (proxy, firewall, DNS).`,
        );
      }
      const text = await response.text();
      const body = parseBody(text);
      if (response.ok || options.accept?.includes(response.status)) {
        return { status: response.status, body };
      }
      if (response.status === 401 && attempt === 0 && this.token !== undefined) {
        // The cached token may have expired early: fetch a fresh one once.
        this.token = undefined;
        continue;
      }
      if (RETRY_STATUSES.has(response.status) && attempt < this.options.maxRetries) {
        const delay = retryAfterMs(response.headers.get('retry-after')) ?? this.backoff(attempt);
        this.options.onRetry?.(what, String(response.status), delay, attempt + 1);
        await this.options.sleep(delay);
        continue;
      }
      throw this.httpError(what, response.status, body, attempt);
    }
  }

  private backoff(attempt: number): number {
    return Math.min(this.options.baseDelayMs * 2 ** attempt, this.options.maxDelayMs);
  }

  private async headers(options: RequestOptions): Promise<{ [name: string]: string }> {
    const headers: { [name: string]: string } = {
      'Authorization': `Bearer ${await this.accessToken()}`,
      'Accept': 'application/json',
      'OData-MaxVersion': '4.0',
      'OData-Version': '4.0',
      ...options.headers,
    };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
    return headers;
  }

  private async accessToken(): Promise<string> {
    const now = Date.now();
    if (this.token && (this.token.expiresOnTimestamp === undefined || this.token.expiresOnTimestamp - 120_000 > now)) {
      return this.token.token;
    }
    this.provider ??= this.options.tokenProvider();
    let token: AccessTokenLike | null;
    try {
      token = await (await this.provider).getToken(this.scope);
    } catch (e) {
      throw new CliError(
        `could not get an access token for ${this.scope}: ${(e as Error).message.split('\n')[0]}. Fix: in a pipeline, sign in with a service principal (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or workload identity federation via azure/login or AzureCLI@2); locally, run 'az login'.`,
      );
    }
    if (!token?.token) {
      throw new CliError(`the credential returned no access token for ${this.scope}. Fix: sign in (az login, or a service principal in AZURE_* variables).`);
    }
    this.token = token;
    return token.token;
  }

  private httpError(what: string, status: number, body: any, attempt: number): WebApiError {
    const code: string | undefined = body?.error?.code;
    const serverMessage: string = body?.error?.message ?? (typeof body === 'string' ? body : '');
    const detail = serverMessage ? `: ${serverMessage}` : '';
    if (status === 401) {
      return new WebApiError(
        `Dataverse at ${this.options.url} refused the access token (401 Unauthorized) for ${what}${detail}. Fix: the identity must be an application user of this environment: in the Power Platform admin center, open the environment > Settings > Users + permissions > Application users, add the service principal's app (client) id and give it a security role; check that the token's tenant is the environment's.`,
        status,
        code,
      );
    }
    if (status === 403) {
      return new WebApiError(
        `Dataverse at ${this.options.url} denied ${what} (403 Forbidden)${detail}. Fix: give the application user a security role that may register plug-in steps and service endpoints (System Customizer or System Administrator) and read, write and delete Notes (the ownership record), in the Power Platform admin center > environment > Settings > Application users > Manage roles.`,
        status,
        code,
      );
    }
    if (RETRY_STATUSES.has(status)) {
      return new WebApiError(
        `Dataverse at ${this.options.url} answered ${status} to ${what} ${attempt + 1} times${detail}. Fix: try again later, or raise --max-retries.`,
        status,
        code,
      );
    }
    return new WebApiError(`Dataverse answered ${status} to ${what}${detail}${code ? ` (${code})` : ''}.`, status, code);
  }
}

/** Retry-After as seconds or an HTTP date, in milliseconds. */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function parseBody(text: string): any {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function networkCode(e: unknown): string {
  let cause: any = e;
  for (let i = 0; i < 4 && cause; i++) {
    if (typeof cause.code === 'string') return cause.code;
    cause = cause.cause;
  }
  return '';
}
