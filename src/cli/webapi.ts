import { Expect, RawAnswer, readError, readSuccess, UnexpectedAnswerError, firstBytes } from './answers';
import { CliError, WebApiError } from './errors';
import { AccessTokenLike, AccessTokenProvider } from './io';

/** Statuses that mean "try again later": service protection limits and transient outages. */
export const RETRY_STATUSES = new Set([429, 502, 503, 504]);
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
  /** First back-off delay when the server gives no usable Retry-After. */
  readonly baseDelayMs: number;
  /** Longest back-off delay. */
  readonly maxDelayMs: number;
  /** Time one attempt may take, answer body included; running out counts as a transient failure. */
  readonly requestTimeoutMs: number;
  /** Longest wait a Retry-After header can ask for; longer asks wait this long. */
  readonly maxRetryAfterMs: number;
  /** Told about each retry (progress output). */
  readonly onRetry?: (what: string, reason: string, delayMs: number, attempt: number) => void;
}

/** A checked answer with its parsed body (undefined for 204). */
export interface WebApiResponse {
  readonly status: number;
  readonly body: any;
}

/** Options of one request. */
export interface RequestOptions {
  readonly body?: unknown;
  readonly headers?: { [name: string]: string };
  /** Error statuses returned instead of thrown (e.g. 404 = gone); they must carry a Dataverse error body. */
  readonly accept?: number[];
  /** The shape a successful answer must have. @default GET: 'entity', others: 'write' */
  readonly expect?: Expect;
}

/** A request whose body and answer the caller builds and reads itself ($batch). */
export interface RawRequestOptions {
  readonly body: string;
  readonly contentType: string;
  readonly headers?: { [name: string]: string };
  /**
   * Reads the answer (any status). Returns the value, or `{ retry }` for a transient failure
   * reported inside the body (a batch part answered 429), with that part's Retry-After.
   */
  readonly read: (answer: RawAnswer) => { value: any } | RetryAsk;
}

/** A transient failure reported inside an answer; `last` is returned when the retries run out. */
export interface RetryAsk {
  readonly retry: string | null;
  readonly reason: string;
  readonly last?: { value: any };
}

/**
 * A small Dataverse Web API (v9.2) client: bearer token for `<url>/.default`, JSON, a timeout per
 * attempt, retries on 429/502/503/504, dropped connections and timeouts (honouring Retry-After up
 * to a cap, else exponential back-off: base, 2×base, 4×base …, capped), every answer checked
 * (answers.ts), and errors that say how to fix them.
 */
export class WebApi {
  public readonly apiRoot: string;
  public readonly scope: string;
  /** Requests sent (attempts included). */
  public requestCount = 0;
  private provider?: Promise<AccessTokenProvider>;
  private token?: AccessTokenLike;
  private signIn?: Promise<string>;

  constructor(private readonly options: WebApiOptions) {
    this.apiRoot = `${options.url}/api/data/v9.2/`;
    this.scope = `${options.url}/.default`;
  }

  /** The absolute URL of a row, as `@odata.id` wants it. */
  public rowUrl(entitySet: string, id: string): string {
    return `${this.apiRoot}${entitySet}(${id})`;
  }

  /** A JSON request; `relative` is below the API root, or an absolute URL on it (a nextLink). */
  public async request(method: string, relative: string, options: RequestOptions = {}): Promise<WebApiResponse> {
    const expect = options.expect ?? (method === 'GET' ? 'entity' : 'write');
    const headers: { [name: string]: string } = { Accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    return this.send(method, relative, headers, body, (answer) => {
      if (answer.status >= 200 && answer.status < 300) return { value: { status: answer.status, body: readSuccess(answer, expect) } };
      if (options.accept?.includes(answer.status)) {
        const error = readError(answer);
        if (!error) throw new UnexpectedAnswerError(answer, `${answer.status} without a Dataverse error body`);
        return { value: { status: answer.status, body: { error } } };
      }
      return undefined;
    });
  }

  /** A request with a body the caller built and an answer the caller reads ($batch). */
  public async raw(method: string, relative: string, options: RawRequestOptions): Promise<any> {
    const headers = { Accept: 'application/json', ...options.headers, 'Content-Type': options.contentType };
    return this.send(method, relative, headers, options.body, options.read);
  }

  private async send(
    method: string,
    relative: string,
    extraHeaders: { [name: string]: string },
    body: string | undefined,
    read: (answer: RawAnswer) => { value: any } | RetryAsk | undefined,
  ): Promise<any> {
    const url = relative.startsWith('http') ? relative : this.apiRoot + relative;
    if (!url.startsWith(this.apiRoot)) {
      throw new CliError(`refusing to send the access token to ${url}, which is not below ${this.apiRoot} (a next-page link pointed elsewhere).`);
    }
    const what = `${method} ${url.slice(this.apiRoot.length).split('?')[0]}`;
    for (let attempt = 0; ; attempt++) {
      // The token comes first, outside the network error handling: a sign-in failure is not a network failure.
      const headers = { Authorization: `Bearer ${await this.accessToken()}`, 'OData-MaxVersion': '4.0', 'OData-Version': '4.0', ...extraHeaders };
      let answer: RawAnswer;
      this.requestCount++;
      try {
        answer = await this.fetchWithTimeout(url, method, headers, body);
      } catch (e) {
        const code = e instanceof AttemptTimeout ? 'timeout' : networkCode(e);
        if ((code === 'timeout' || RETRY_NETWORK_CODES.has(code)) && attempt < this.options.maxRetries) {
          await this.wait(what, code === 'timeout' ? `no answer within ${seconds(this.options.requestTimeoutMs)}` : code, this.backoff(attempt), attempt);
          continue;
        }
        if (code === 'timeout') {
          throw new CliError(
            `${this.options.url} gave no answer to ${what} within ${seconds(this.options.requestTimeoutMs)}, ${attempt + 1} time(s). Fix: check the network path to the environment (a proxy or firewall that holds connections open), or raise --request-timeout (seconds).`,
          );
        }
        throw new CliError(
          `cannot reach ${this.options.url} (${code || (e as Error).message}) for ${what}. Fix: check the environment URL (the manifest's environment.url or --environment-url) and that this machine can reach it (proxy, firewall, DNS).`,
        );
      }
      const result = read(answer);
      if (result && 'value' in result) return result.value;
      if (result && 'retry' in result) {
        if (attempt < this.options.maxRetries) {
          await this.wait(what, result.reason, this.retryDelay(result.retry, attempt), attempt);
          continue;
        }
        if (result.last) return result.last.value;
        throw new WebApiError(`Dataverse at ${this.options.url} answered ${result.reason} to ${what} ${attempt + 1} times. Fix: try again later, or raise --max-retries.`, 429);
      }
      if (answer.status === 401 && attempt === 0 && this.token !== undefined) {
        // The cached token may have expired early: fetch a fresh one once.
        this.token = undefined;
        continue;
      }
      if (RETRY_STATUSES.has(answer.status) && attempt < this.options.maxRetries) {
        await this.wait(what, String(answer.status), this.retryDelay(answer.header('retry-after'), attempt), attempt);
        continue;
      }
      throw this.httpError(what, answer, attempt);
    }
  }

  private async fetchWithTimeout(url: string, method: string, headers: { [name: string]: string }, body: string | undefined): Promise<RawAnswer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new AttemptTimeout()), this.options.requestTimeoutMs);
    try {
      const response = await fetch(url, { method, headers, body, signal: controller.signal });
      const text = await response.text();
      return { url, status: response.status, contentType: response.headers.get('content-type') ?? '', text, header: (name) => response.headers.get(name) };
    } catch (e) {
      if (controller.signal.aborted) throw new AttemptTimeout();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private async wait(what: string, reason: string, delay: number, attempt: number): Promise<void> {
    this.options.onRetry?.(what, reason, delay, attempt + 1);
    await this.options.sleep(delay);
  }

  private backoff(attempt: number): number {
    return Math.min(this.options.baseDelayMs * 2 ** attempt, this.options.maxDelayMs);
  }

  /** Retry-After when usable (capped at --max-retry-after), else the back-off. */
  private retryDelay(header: string | null, attempt: number): number {
    const asked = retryAfterMs(header);
    return asked === undefined ? this.backoff(attempt) : Math.min(asked, this.options.maxRetryAfterMs);
  }

  private async accessToken(): Promise<string> {
    const now = Date.now();
    if (this.token && (this.token.expiresOnTimestamp === undefined || this.token.expiresOnTimestamp - 120_000 > now)) {
      return this.token.token;
    }
    // Requests in flight together share one sign-in.
    this.signIn ??= this.fetchToken().finally(() => (this.signIn = undefined));
    return this.signIn;
  }

  private async fetchToken(): Promise<string> {
    this.provider ??= this.options.tokenProvider();
    const provider = await this.provider;
    const source = provider.description ?? 'the token provider';
    let token: AccessTokenLike | null;
    try {
      token = await provider.getToken(this.scope);
    } catch (e) {
      throw new CliError(
        `could not get an access token for ${this.scope} from ${source}: ${credentialMessage(e)}\nFix: in a pipeline, sign in with a service principal (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or workload identity federation via azure/login or AzureCLI@2); locally, run 'az login'.`,
      );
    }
    if (!token?.token) {
      throw new CliError(`${source} returned no access token for ${this.scope}. Fix: sign in (az login, or a service principal in AZURE_* variables).`);
    }
    this.token = token;
    return token.token;
  }

  private httpError(what: string, answer: RawAnswer, attempt: number): WebApiError {
    const status = answer.status;
    const error = readError(answer);
    const detail = error?.message ? `: ${error.message}` : `; the body starts with ${firstBytes(answer.text)}`;
    const code = error?.code;
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

class AttemptTimeout extends Error {
  constructor() {
    super('attempt timed out');
  }
}

/**
 * Retry-After as seconds or an HTTP date, in milliseconds; undefined when absent, negative or
 * unparsable (the caller then backs off as without one).
 */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    const secs = Number(text);
    return secs >= 0 ? Math.ceil(secs * 1000) : undefined;
  }
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * A credential's own words: @azure/identity's ChainedTokenCredential (DefaultAzureCredential)
 * throws an AggregateAuthenticationError whose `errors` hold one error per credential tried.
 */
export function credentialMessage(e: unknown): string {
  const err = e as { name?: string; message?: string; errors?: unknown[] };
  const first = (m: unknown) =>
    String(m ?? '')
      .split('\n')[0]
      .trim();
  if (Array.isArray(err?.errors) && err.errors.length > 0) {
    return `${first(err.message)}\n${err.errors.map((x: any) => `  - ${x?.name ?? 'Error'}: ${first(x?.message)}`).join('\n')}`;
  }
  return `${err?.name && err.name !== 'Error' ? `${err.name}: ` : ''}${first(err?.message ?? e)}`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function networkCode(e: unknown): string {
  let cause: any = e;
  for (let i = 0; i < 4 && cause; i++) {
    if (typeof cause.code === 'string') return cause.code;
    cause = cause.cause;
  }
  return '';
}
