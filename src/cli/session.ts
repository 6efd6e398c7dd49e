// What plan, apply and prune share: the checked manifest and outputs, the Web API client, the
// identity running the command (WhoAmI) and the ownership record, read in parallel.
import { EngineContext, readCurrentRows } from './engine';
import { CliError } from './errors';
import { loadManifest, OutputValues } from './inputs';
import { CliIo, defaultTokenProvider } from './io';
import { Ledger } from './ledger';
import { LookupResolver } from './lookups';
import { Options } from './options';
import { Row } from './rows';
import { WebApi } from './webapi';
import { RegistrationManifest } from '../dataverse/manifest';

/** Tunables that tests shorten. */
export interface RunSettings {
  /** First back-off delay in milliseconds. @default 1000 */
  readonly baseDelayMs?: number;
  /** Longest back-off delay. @default 60000 */
  readonly maxDelayMs?: number;
}

/** An open session against one environment. */
export interface Session {
  readonly options: Options;
  readonly manifest: RegistrationManifest;
  readonly url: string;
  readonly ctx: EngineContext;
  /** Progress lines: standard output, or standard error with --json. */
  readonly progress: (line: string) => void;
  /** The current rows of the manifest's records (plan and apply; read while the session opens). */
  readonly rows: Promise<Map<string, Row>>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function openSession(options: Options, io: CliIo, settings: RunSettings): Promise<Session> {
  const { manifest } = loadManifest(options.manifest, io.cwd);
  const outputs = OutputValues.load(options.outputs, io.cwd, io.env);
  const url = environmentUrl(options.environmentUrl ?? manifest.environment.url);
  const progress = (line: string) => (options.json ? io.err(line) : io.out(line));
  if (options.environmentUrl !== undefined && url !== manifest.environment.url) {
    io.err(`Using ${url} instead of the manifest's ${manifest.environment.url} (record ids stay the manifest's).`);
  }
  if (options.command !== 'prune') outputs.checkComplete(manifest);

  const api = connect(url, options, io, settings);
  // Everything that does not depend on another answer goes out at once: who runs the command,
  // the ownership notes, the rows of every table and every distinct lookup.
  const lookups = new LookupResolver(api, url);
  const reading = options.command === 'prune';
  const rows = reading ? Promise.resolve(new Map<string, Row>()) : readCurrentRows(api, manifest.records, options.parallelism);
  rows.catch(() => undefined); // awaited by the command; a failure before that is reported there
  if (!reading) lookups.prefetch(manifest.records.flatMap((r) => [...r.lookups, ...r.associations.map((a) => a.target)]));
  const runner = whoAmI(api);
  const ledger = await Ledger.load(
    api,
    manifest,
    runner.then((id) => ({ runner: id, others: options.ledgerOwners })),
  );
  for (const notice of ledger.notices) io.err(`Note: ${notice}`);
  const ctx: EngineContext = { manifest, api, lookups, outputs, ledger, parallelism: options.parallelism };
  return { options, manifest, url, ctx, progress, rows };
}

/** The systemuserid of the identity running the command (WhoAmI function, Microsoft Learn). */
export async function whoAmI(api: WebApi): Promise<string> {
  const response = await api.request('GET', 'WhoAmI');
  const id = response.body.UserId;
  if (typeof id !== 'string' || !GUID.test(id)) {
    throw new CliError(
      `WhoAmI answered without a UserId GUID (${JSON.stringify(response.body).slice(0, 80)}): the command cannot tell who it runs as, so it trusts no ownership record.`,
    );
  }
  return id.toLowerCase();
}

/** The environment URL: --environment-url, else the manifest's. Plain http only for loopback. */
export function environmentUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`environment URL '${raw}' is not a URL. Fix: use the environment's https URL, e.g. https://contoso.crm4.dynamics.com.`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new CliError(`environment URL '${raw}' is not https: the access token must not travel in clear text. Fix: use https://<environment host>.`);
  }
  return `${url.protocol}//${url.host}`;
}

/** The retry and timeout options every command that talks to Dataverse takes. */
export interface ConnectOptions {
  readonly maxRetries: number;
  readonly requestTimeoutMs: number;
  readonly maxRetryAfterMs: number;
}

/** A Web API client for `url` with the command's retry options; retries are reported on standard error. */
export function connect(url: string, options: ConnectOptions, io: CliIo, settings: RunSettings): WebApi {
  return new WebApi({
    url,
    tokenProvider: async () => io.tokenProvider ?? defaultTokenProvider(),
    sleep: (ms) => io.sleep(ms),
    maxRetries: options.maxRetries,
    baseDelayMs: settings.baseDelayMs ?? 1000,
    maxDelayMs: settings.maxDelayMs ?? 60_000,
    requestTimeoutMs: options.requestTimeoutMs,
    maxRetryAfterMs: options.maxRetryAfterMs,
    onRetry: (what, reason, delay, attempt) => io.err(`  … ${reason} on ${what}; retry ${attempt}/${options.maxRetries} in ${delay} ms`),
  });
}
