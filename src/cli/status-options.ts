// The arguments of `cdktf-dataverse status [stack…] [--since 24h] [--json] [--retry]`.
import * as fs from 'fs';
import * as path from 'path';
import { CliError } from './errors';
import { ManifestFormat } from '../dataverse/manifest';

/** Options of the status command. */
export interface StatusOptions {
  /** Stack folders or manifest files, resolved against the working directory. */
  readonly manifests: string[];
  /** The window as given (`24h`). */
  readonly since: string;
  /** The window in milliseconds. */
  readonly sinceMs: number;
  readonly json: boolean;
  readonly retry: boolean;
  readonly environmentUrl?: string;
  readonly parallelism: number;
  readonly maxRetries: number;
  readonly requestTimeoutMs: number;
  readonly maxRetryAfterMs: number;
}

export const STATUS_HELP = `Options (status [stack…]):
  stack…                    stack names (cdktf.out/stacks/<name>), stack folders or manifest
                            files; none: every stack under cdktf.out/stacks with a manifest
  --manifest <path>         a stack folder or manifest file (repeatable; as a stack argument)
  --since <n>(m|h|d)        window of the system jobs reported (default 24h, at most 90d)
  --retry                   resume the waiting (Suspended) system jobs of the stack's steps;
                            no other job is touched
  --json, --environment-url, --parallelism, --max-retries, --request-timeout,
  --max-retry-after         as for plan and apply
  Exit code: 0 without failures, 2 when a step has failed or waiting system jobs in the
  window or is disabled or missing, 1 on errors.`;

const UNIT_MS: { [unit: string]: number } = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_SINCE_MS = 90 * 86_400_000;

/** Parses the arguments after `status`. */
export function parseStatusOptions(rest: string[], cwd: string): StatusOptions {
  const values: { [name: string]: string } = {};
  const locations: string[] = [];
  const flags = new Set<string>();
  const valued = new Set(['since', 'environment-url', 'parallelism', 'max-retries', 'request-timeout', 'max-retry-after', 'manifest']);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) {
      locations.push(arg);
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = m?.[1] ?? '';
    if (valued.has(name)) {
      const value = m![2] ?? rest[++i];
      if (value === undefined || value.startsWith('--')) throw new CliError(`--${name} needs a value. Fix: see cdktf-dataverse --help.`);
      if (name === 'manifest') locations.push(value);
      else values[name] = value;
    } else if ((name === 'json' || name === 'retry') && m![2] === undefined) {
      flags.add(name);
    } else {
      throw new CliError(`unknown option '${arg}' for status. Fix: see cdktf-dataverse --help.`);
    }
  }
  const since = values.since ?? '24h';
  const w = /^(\d+)([mhd])$/.exec(since);
  const sinceMs = w ? Number(w[1]) * UNIT_MS[w[2]] : NaN;
  if (!w || sinceMs <= 0 || sinceMs > MAX_SINCE_MS) {
    throw new CliError(`--since '${since}' is not a window. Fix: use a whole number of minutes, hours or days from 1m to 90d, e.g. 30m, 24h or 7d.`);
  }
  return {
    manifests: locations.length > 0 ? locations.map((l) => stackLocation(l, cwd)) : allStacks(cwd),
    since,
    sinceMs,
    json: flags.has('json'),
    retry: flags.has('retry'),
    environmentUrl: values['environment-url'],
    parallelism: whole('parallelism', values.parallelism, 4, 1),
    maxRetries: whole('max-retries', values['max-retries'], 5, 0),
    requestTimeoutMs: seconds('request-timeout', values['request-timeout'], 60),
    maxRetryAfterMs: seconds('max-retry-after', values['max-retry-after'], 300),
  };
}

/** A path as given when it exists, else the stack of that name under cdktf.out/stacks. */
function stackLocation(location: string, cwd: string): string {
  if (fs.existsSync(path.resolve(cwd, location))) return location;
  const named = path.join('cdktf.out', 'stacks', location);
  if (/^[A-Za-z0-9_-]+$/.test(location) && fs.existsSync(path.resolve(cwd, named))) return named;
  throw new CliError(`'${location}' is neither a stack folder, a manifest file nor a stack under cdktf.out/stacks. Fix: run 'cdktf synth' first, and pass a stack name or folder.`);
}

/** Every synthesized stack with a manifest. */
function allStacks(cwd: string): string[] {
  const root = path.resolve(cwd, 'cdktf.out', 'stacks');
  const stacks = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((s) => fs.existsSync(path.join(root, s, ManifestFormat.FILE_NAME)))
        .sort()
    : [];
  if (stacks.length === 0) {
    throw new CliError(`no stack with a ${ManifestFormat.FILE_NAME} under ${root}. Fix: run 'cdktf synth' first, or pass the stack folder.`);
  }
  return stacks.map((s) => path.join('cdktf.out', 'stacks', s));
}

function whole(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} '${raw}' is not a whole number of ${min} or more.`);
  return n;
}

function seconds(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback * 1000;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 86_400) throw new CliError(`--${name} '${raw}' is not a number of seconds (more than 0 to 86400).`);
  return Math.round(n * 1000);
}
