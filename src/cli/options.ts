import { CliError } from './errors';
import { OUTPUT_ENV_PREFIX } from './inputs';

/** Options shared by plan, apply and prune. */
export interface Options {
  readonly command: 'plan' | 'apply' | 'prune';
  readonly manifest: string;
  readonly outputs?: string;
  readonly environmentUrl?: string;
  readonly prune: boolean;
  readonly detailedExitcode: boolean;
  readonly json: boolean;
  readonly batch: boolean;
  readonly parallelism: number;
  readonly maxRetries: number;
  readonly requestTimeoutMs: number;
  readonly maxRetryAfterMs: number;
  /** systemuserids besides the runner whose ownership notes prune trusts. */
  readonly ledgerOwners: string[];
  /** How long apply waits for the indexes of alternate keys. */
  readonly keyTimeoutMs: number;
}

export const OPTIONS_HELP = `Options (plan, apply, prune):
  --manifest <path>         cdktf.out/stacks/<stack> or its dataverse-registrations.json (required)
  --outputs <file>          'terraform output -json' of the deployed stack; an environment
                            variable ${OUTPUT_ENV_PREFIX}<OUTPUT NAME> (upper case, other
                            characters as _) overrides an output
  --environment-url <url>   use this environment URL instead of the manifest's
  --prune                   plan/apply: also delete rows gone from the manifest
  --detailed-exitcode       exit 0 without changes, 2 with changes, 1 on error
  --json                    print the result as JSON on standard output
  --no-batch                one request per write instead of OData $batch change sets
  --parallelism <n>         requests in flight at the same time (default 4)
  --max-retries <n>         retries of a request answered 429/502/503/504, dropped or timed
                            out (default 5)
  --request-timeout <s>     seconds one request may take before it counts as failed and is
                            retried (default 60)
  --max-retry-after <s>     longest wait a Retry-After answer can ask for (default 300)
  --ledger-owner <id>       systemuserid whose ownership notes prune also trusts (repeatable,
                            or comma-separated), e.g. a former pipeline identity
  --key-timeout <s>         apply: how long to wait for the unique index of each alternate key
                            it created or found still building (default 600)`;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses the arguments after the command name. */
export function parseOptions(command: Options['command'], rest: string[]): Options {
  const values: { [name: string]: string } = {};
  const owners: string[] = [];
  const flags = new Set<string>();
  const valued = new Set(['manifest', 'outputs', 'environment-url', 'parallelism', 'max-retries', 'request-timeout', 'max-retry-after', 'ledger-owner', 'key-timeout']);
  const boolean = new Set(['prune', 'detailed-exitcode', 'json', 'no-batch']);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new CliError(`unexpected argument '${arg}'. Fix: see cdktf-dataverse --help.`);
    const [, name, inline] = m;
    if (valued.has(name)) {
      const value = inline ?? rest[++i];
      if (value === undefined || value.startsWith('--')) throw new CliError(`--${name} needs a value. Fix: see cdktf-dataverse --help.`);
      if (name === 'ledger-owner') owners.push(...value.split(',').map((v) => v.trim()));
      else values[name] = value;
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
  const bad = owners.filter((o) => !GUID.test(o));
  if (bad.length > 0) throw new CliError(`--ledger-owner '${bad[0]}' is not a systemuserid (a GUID). Fix: pass the id of the Dataverse user that created the ownership note.`);
  return {
    command,
    manifest: values.manifest,
    outputs: values.outputs,
    environmentUrl: values['environment-url'],
    prune: command === 'prune' || flags.has('prune'),
    detailedExitcode: flags.has('detailed-exitcode'),
    json: flags.has('json'),
    batch: !flags.has('no-batch'),
    parallelism: wholeNumber('parallelism', values.parallelism, 4, 1),
    maxRetries: wholeNumber('max-retries', values['max-retries'], 5, 0),
    requestTimeoutMs: secondsOption('request-timeout', values['request-timeout'], 60, false),
    maxRetryAfterMs: secondsOption('max-retry-after', values['max-retry-after'], 300, true),
    ledgerOwners: owners.map((o) => o.toLowerCase()),
    keyTimeoutMs: secondsOption('key-timeout', values['key-timeout'], 600, true),
  };
}

function wholeNumber(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} '${raw}' is not a whole number of ${min} or more.`);
  return n;
}

function secondsOption(name: string, raw: string | undefined, fallback: number, zeroAllowed: boolean): number {
  if (raw === undefined) return fallback * 1000;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || (n === 0 && !zeroAllowed) || n > 86_400) {
    throw new CliError(`--${name} '${raw}' is not a number of seconds (${zeroAllowed ? '0' : 'more than 0'} to 86400).`);
  }
  return Math.round(n * 1000);
}
