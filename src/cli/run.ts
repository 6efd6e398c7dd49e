import { CliError } from './errors';
import {
  applyGroups,
  ColumnChange,
  deletePlan,
  EngineContext,
  executeDelete,
  executePlan,
  mapLimit,
  planAll,
  planRecord,
  RecordPlan,
} from './engine';
import { loadManifest, OUTPUT_ENV_PREFIX, OutputValues } from './inputs';
import { CliIo, defaultTokenProvider } from './io';
import { Ledger } from './ledger';
import { LookupResolver } from './lookups';
import { WebApi } from './webapi';

export const USAGE = `Usage: cdktf-dataverse <plan|apply|prune> --manifest <stack folder or json> [options]

Applies the Dataverse registrations of a synthesized stack (dataverse-registrations.json) to the
environment, after 'cdktf deploy' has created the Azure side.

Commands:
  plan    show what apply would create, update or leave unchanged (and, with --prune, delete)
  apply   upsert the records in dependency order, then make the associations
  prune   delete the rows this stack registered earlier that are gone from the manifest

Options:
  --manifest <path>         cdktf.out/stacks/<stack> or its dataverse-registrations.json (required)
  --outputs <file>          'terraform output -json' of the deployed stack; an environment
                            variable ${OUTPUT_ENV_PREFIX}<OUTPUT NAME> (upper case, other
                            characters as _) overrides an output
  --environment-url <url>   use this environment URL instead of the manifest's
  --prune                   plan/apply: also delete rows gone from the manifest
  --detailed-exitcode       exit 0 without changes, 2 with changes, 1 on error
  --json                    print the result as JSON on standard output
  --parallelism <n>         records written at the same time within a group (default 4)
  --max-retries <n>         retries of a request answered 429/502/503/504 (default 5)
  -h, --help                show this text

Sign-in: DefaultAzureCredential (service principal from AZURE_* variables, workload identity,
managed identity, Azure CLI), token scope <environment url>/.default.`;

interface Options {
  command: 'plan' | 'apply' | 'prune';
  manifest: string;
  outputs?: string;
  environmentUrl?: string;
  prune: boolean;
  detailedExitcode: boolean;
  json: boolean;
  parallelism: number;
  maxRetries: number;
}

/** Tunables that tests shorten. */
export interface RunSettings {
  /** First back-off delay in milliseconds. @default 1000 */
  readonly baseDelayMs?: number;
  /** Longest back-off delay. @default 60000 */
  readonly maxDelayMs?: number;
}

/**
 * Runs the command line with `argv` (without `node` and the script) and returns the exit code.
 * Every line goes through `io`.
 */
export async function run(argv: string[], io: CliIo, settings: RunSettings = {}): Promise<number> {
  let options: Options | undefined;
  try {
    options = parseArgs(argv);
    if (options === undefined) {
      io.out(USAGE);
      return 0;
    }
    return await execute(options, io, settings);
  } catch (e) {
    if (e instanceof CliError) {
      if (options?.json && !e.reportedAsJson) io.out(JSON.stringify({ error: e.message }, null, 2));
      io.err(`Error: ${e.message}`);
      return 1;
    }
    io.err(`Error (unexpected, please report): ${(e as Error)?.stack ?? String(e)}`);
    return 1;
  }
}

function parseArgs(argv: string[]): Options | undefined {
  if (argv.length === 0 || argv.includes('-h') || argv.includes('--help') || argv[0] === 'help') return undefined;
  const [command, ...rest] = argv;
  if (command !== 'plan' && command !== 'apply' && command !== 'prune') {
    throw new CliError(`unknown command '${command}'. Fix: use plan, apply or prune (cdktf-dataverse --help).`);
  }
  const values: { [name: string]: string } = {};
  const flags = new Set<string>();
  const valued = new Set(['manifest', 'outputs', 'environment-url', 'parallelism', 'max-retries']);
  const boolean = new Set(['prune', 'detailed-exitcode', 'json']);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new CliError(`unexpected argument '${arg}'. Fix: see cdktf-dataverse --help.`);
    const [, name, inline] = m;
    if (valued.has(name)) {
      const value = inline ?? rest[++i];
      if (value === undefined || value.startsWith('--')) throw new CliError(`--${name} needs a value. Fix: see cdktf-dataverse --help.`);
      values[name] = value;
    } else if (boolean.has(name) && inline === undefined) {
      flags.add(name);
    } else {
      throw new CliError(`unknown option '${arg}'. Fix: see cdktf-dataverse --help.`);
    }
  }
  if (values.manifest === undefined) {
    throw new CliError('--manifest is required. Fix: pass the stack folder, e.g. --manifest cdktf.out/stacks/orders.');
  }
  if (command === 'prune' && flags.has('prune')) throw new CliError('--prune is for plan and apply; prune always prunes.');
  return {
    command,
    manifest: values.manifest,
    outputs: values.outputs,
    environmentUrl: values['environment-url'],
    prune: command === 'prune' || flags.has('prune'),
    detailedExitcode: flags.has('detailed-exitcode'),
    json: flags.has('json'),
    parallelism: positiveInteger('parallelism', values.parallelism, 4, 1),
    maxRetries: positiveInteger('max-retries', values['max-retries'], 5, 0),
  };
}

function positiveInteger(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} '${raw}' is not a whole number of ${min} or more.`);
  return n;
}

/** The environment URL: --environment-url, else the manifest's. Plain http only for loopback. */
function environmentUrl(raw: string): string {
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

async function execute(options: Options, io: CliIo, settings: RunSettings): Promise<number> {
  const { manifest } = loadManifest(options.manifest, io.cwd);
  const outputs = OutputValues.load(options.outputs, io.cwd, io.env);
  const url = environmentUrl(options.environmentUrl ?? manifest.environment.url);
  const progress = (line: string) => (options.json ? io.err(line) : io.out(line));
  if (options.environmentUrl !== undefined && url !== manifest.environment.url) {
    io.err(`Using ${url} instead of the manifest's ${manifest.environment.url} (record ids stay the manifest's).`);
  }
  if (options.command !== 'prune') outputs.checkComplete(manifest);

  const api = new WebApi({
    url,
    tokenProvider: async () => io.tokenProvider ?? defaultTokenProvider(),
    sleep: (ms) => io.sleep(ms),
    maxRetries: options.maxRetries,
    baseDelayMs: settings.baseDelayMs ?? 1000,
    maxDelayMs: settings.maxDelayMs ?? 60_000,
    onRetry: (what, status, delay, attempt) => io.err(`  … ${status} on ${what}; retry ${attempt}/${options.maxRetries} in ${delay} ms`),
  });
  const ledger = await Ledger.load(api, manifest);
  const ctx: EngineContext = { manifest, api, lookups: new LookupResolver(api, url), outputs, ledger };

  if (options.command === 'plan') {
    const plans = await planAll(ctx, { prune: options.prune, parallelism: options.parallelism });
    const counts = count(plans);
    const orphans = options.prune ? [] : ledger.orphans();
    if (options.json) {
      io.out(JSON.stringify({ stack: manifest.stack, environment: url, changes: plans.map(publicPlan), summary: counts, notPruned: orphans.map(publicPlan) }, null, 2));
    } else {
      io.out(`Plan for stack '${manifest.stack}' in ${url}:`);
      for (const p of plans) for (const line of describePlan(p, true)) io.out(line);
      io.out(`Plan: ${counts.create} to create, ${counts.update} to update, ${counts.unchanged} unchanged, ${counts.delete} to delete.`);
      if (orphans.length > 0) io.out(notPrunedNotice(orphans.length));
    }
    return exitCode(options, counts.create + counts.update + counts.delete > 0);
  }

  const results: RecordPlan[] = [];
  const failures: string[] = [];
  if (options.command === 'apply') {
    ledger.claim(manifest.records);
    await ledger.save();
    const total = manifest.records.length;
    const applied: (RecordPlan | undefined)[] = new Array(total);
    let done = 0;
    try {
      for (const group of applyGroups(manifest.records)) {
        await mapLimit(group, options.parallelism, async (record) => {
          try {
            const plan = await planRecord(ctx, record);
            await executePlan(ctx, plan);
            applied[manifest.records.indexOf(record)] = plan;
            progress(`[${++done}/${total}] ${describePlan(plan, false)[0].trim()}`);
          } catch (e) {
            if (!(e instanceof CliError)) throw e;
            failures.push(`${record.path}: ${e.message}`);
            progress(`[${++done}/${total}] ! failed ${record.table} ${record.path}: ${e.message}`);
          }
        });
        if (failures.length > 0) break;
      }
    } finally {
      results.push(...applied.filter((p): p is RecordPlan => p !== undefined));
      await ledger.save();
    }
  }
  if (options.prune && failures.length === 0) {
    const orphans = ledger.orphans();
    try {
      for (const orphan of orphans) {
        const plan = deletePlan(orphan);
        const existed = await executeDelete(ctx, plan);
        results.push(plan);
        progress(`- deleted ${plan.table} ${plan.path} (${plan.id})${existed ? '' : ' (already gone)'}`);
      }
    } finally {
      await ledger.save();
    }
  }
  const counts = count(results);
  const verb = options.command === 'apply' ? 'Apply' : 'Prune';
  const summary = `${verb} ${failures.length > 0 ? 'stopped' : 'complete'}: ${counts.create} created, ${counts.update} updated, ${counts.unchanged} unchanged, ${counts.delete} deleted${failures.length > 0 ? `, ${failures.length} failed` : ''}.`;
  if (options.json) {
    io.out(JSON.stringify({ stack: manifest.stack, environment: url, changes: results.map(publicPlan), summary: { ...counts, failed: failures.length }, failures }, null, 2));
  }
  progress(summary);
  if (!options.prune && ledger.orphans().length > 0) progress(notPrunedNotice(ledger.orphans().length));
  if (failures.length > 0) {
    const error = new CliError(`${failures.length} record(s) failed; records of later groups were not written:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    error.reportedAsJson = options.json;
    throw error;
  }
  return exitCode(options, counts.create + counts.update + counts.delete > 0);
}

function exitCode(options: Options, changed: boolean): number {
  return options.detailedExitcode && changed ? 2 : 0;
}

function notPrunedNotice(n: number): string {
  return `Note: ${n} row(s) this stack registered earlier are gone from the manifest; 'cdktf-dataverse prune' (or apply --prune) deletes them.`;
}

function count(plans: RecordPlan[]) {
  const c = { create: 0, update: 0, unchanged: 0, delete: 0 };
  for (const p of plans) c[p.action]++;
  return c;
}

/** The plan as --json shows it (no bodies, no digests, no sensitive values). */
function publicPlan(p: RecordPlan | { id: string; table: string; entitySet: string; path: string }): object {
  if (!('action' in p)) return { action: 'delete', table: p.table, entitySet: p.entitySet, id: p.id, path: p.path };
  return {
    action: p.action,
    table: p.table,
    entitySet: p.entitySet,
    id: p.id,
    path: p.path,
    columns: p.columns,
    associations: p.associations.map((a) => ({ relationship: a.relationship, target: a.target, targetId: a.targetId })),
  };
}

const SYMBOL = { create: '+', update: '~', unchanged: '=', delete: '-' };
const PAST = { create: 'created', update: 'updated', unchanged: 'unchanged', delete: 'deleted' };
const FUTURE = { create: 'create', update: 'update', unchanged: 'unchanged', delete: 'delete' };

function describePlan(p: RecordPlan, future: boolean): string[] {
  const verb = (future ? FUTURE : PAST)[p.action];
  const changed = p.columns.map((c) => c.column).concat(p.associations.map((a) => a.relationship));
  const head = `  ${SYMBOL[p.action]} ${verb} ${p.table} ${p.path} (${p.id})${!future && p.action === 'update' ? `: ${changed.join(', ')}` : ''}`;
  if (!future || p.action === 'unchanged' || p.action === 'delete') return [head];
  return [head, ...p.columns.map((c) => `      ${describeColumn(c, p.action)}`), ...p.associations.map((a) => `      ${a.relationship}: associate with ${a.target}`)];
}

function describeColumn(c: ColumnChange, action: string): string {
  if (c.sensitive) return `${c.column}: (sensitive)${c.reason ? ` ${c.reason}` : ''}`;
  const after = JSON.stringify(c.after);
  return action === 'create' ? `${c.column}: ${after}` : `${c.column}: ${JSON.stringify(c.before ?? null)} → ${after}`;
}
