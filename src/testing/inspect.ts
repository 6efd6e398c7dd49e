// Internal pieces of the testing helpers: normalisation, annotations, the policy report.
// Not exported from src/index.ts.
import * as fs from 'fs';
import * as os from 'os';
import { App, DefaultTokenResolver, StringConcat, TerraformStack, Testing, Token, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';
import { DataverseEnvironment } from '../dataverse/environment';
import { DataversePolicyChecks } from '../policy/checks';

/** A synth result keeps the stack it came from here (not enumerable: invisible to snapshots). */
export const SOURCE_STACK = Symbol.for('cdktf-dataverse.testing.SourceStack');

/** The stack a DataverseTesting.synth() result came from. */
export function sourceStackOf(value: unknown): TerraformStack | undefined {
  return value !== null && typeof value === 'object' ? (value as any)[SOURCE_STACK] : undefined;
}

/** Whether a value holds an unresolved token anywhere (asymmetric matchers are skipped). */
export function holdsTokens(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'number') return Token.isUnresolved(value);
  if (Array.isArray(value)) return value.some(holdsTokens);
  if (value !== null && typeof value === 'object' && typeof (value as any).asymmetricMatch !== 'function') return Object.values(value).some(holdsTokens);
  return false;
}

/** Resolves the tokens of an expectation the way the stack synthesizes them (`${azurerm_x.y.id}`). */
export function resolveTokens(value: unknown, stack: TerraformStack): unknown {
  if (typeof value === 'string' || typeof value === 'number') {
    return Token.isUnresolved(value) ? Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) }) : value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveTokens(v, stack));
  if (value !== null && typeof value === 'object' && typeof (value as any).asymmetricMatch !== 'function') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTokens(v, stack)]));
  }
  return value;
}

/** The file the rule pack writes next to `cdk.tf.json`. */

const LEVELS: { [type: string]: string } = {
  '@cdktf/info': 'info',
  '@cdktf/warn': 'warning',
  '@cdktf/error': 'error',
};

/** An asset path `assets/<name>/<hash>/`: the hash changes with the asset's content. */
const ASSET_HASH = /(assets\/[^/\s"]+\/)[0-9A-Fa-f]{32}(?=\/)/g;

/** Placeholders for the absolute paths that differ between machines, longest path first. */
export function replacementsFor(stack: TerraformStack): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const add = (dir: string | undefined, placeholder: string) => {
    if (!dir) return;
    for (const variant of new Set([dir, realpath(dir)])) {
      if (variant.length > 1) pairs.push([variant, placeholder]);
    }
  };
  const root = stack.node.root;
  add(App.isApp(root) ? root.outdir : undefined, '<outdir>');
  add(process.cwd(), '<cwd>');
  add(os.tmpdir(), '<tmp>');
  add(os.homedir(), '<home>');
  // Longest first, so that a working directory inside the home folder becomes <cwd>, not <home>/...
  return pairs.sort((a, b) => b[0].length - a[0].length);
}

function realpath(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * Replaces machine-dependent parts of every string; drops cdktf's `//` metadata; with `sortKeys`,
 * orders object keys by code point (Testing.synth orders them by the machine's locale).
 */
export function normalizeJson(value: any, replacements: Array<[string, string]>, sortKeys: boolean): any {
  if (typeof value === 'string') return normalizeString(value, replacements);
  if (Array.isArray(value)) return value.map((v) => normalizeJson(v, replacements, sortKeys));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).filter((k) => k !== '//' && value[k] !== undefined);
  if (sortKeys) keys.sort(byCodePoint);
  const out: { [key: string]: any } = {};
  for (const key of keys) out[key] = normalizeJson(value[key], replacements, sortKeys);
  return out;
}

function normalizeString(text: string, replacements: Array<[string, string]>): string {
  let out = text;
  let replaced = false;
  for (const [from, to] of replacements) {
    if (!out.includes(from)) continue;
    // Whole path segments only: '/home/ann' is not the start of '/home/anna'.
    const next = out.replace(new RegExp(`${escapeRegExp(from)}(?![A-Za-z0-9._~-])`, 'g'), to);
    replaced = replaced || next !== out;
    out = next;
  }
  // Windows separators after a replaced prefix: the same snapshot on every machine.
  if (replaced && out.includes('\\')) out = out.replace(/(<(?:outdir|cwd|tmp|home)>[^\s"']*)/g, (m) => m.replace(/\\/g, '/'));
  return out.replace(ASSET_HASH, '$1<hash>');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The stack's DataverseEnvironment, if it has one. */
export function findEnvironment(stack: TerraformStack): DataverseEnvironment | undefined {
  return stack.node.findAll().find((c): c is DataverseEnvironment => DataverseEnvironment.isDataverseEnvironment(c));
}

/**
 * Info, warning and error Annotations below the stack, in construct tree order. An Annotation
 * repeated on the same construct is listed once: aspects run again on every synth, and the
 * result must not depend on how often the stack was synthesized.
 */
export function collectAnnotations(stack: TerraformStack): Array<{ path: string; level: string; message: string }> {
  const out: Array<{ path: string; level: string; message: string }> = [];
  const seen = new Set<string>();
  for (const construct of stack.node.findAll()) {
    for (const entry of (construct as IConstruct).node.metadata) {
      const level = LEVELS[entry.type];
      if (!level) continue;
      const annotation = { path: construct.node.path, level, message: String(entry.data) };
      const key = JSON.stringify(annotation);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(annotation);
    }
  }
  return out;
}

/** An unsuppressed finding of the rule pack, as the deployability check reads it. */
export interface PolicyFinding {
  readonly rule: string;
  readonly path: string;
  readonly message: string;
}

/**
 * The findings of the stack's rule pack (DataversePolicyChecks, enabled by every
 * DataverseEnvironment) that no suppression accepts, from the last synth. None when the pack is off.
 */
export function unsuppressedFindings(stack: TerraformStack): PolicyFinding[] {
  return DataversePolicyChecks.reportOf(stack)
    .findings.filter((f) => f.suppression === undefined)
    .map((f) => ({ rule: f.ruleId, path: f.path, message: f.detail }));
}

/**
 * Everything that stops a stack from deploying: validation errors, error Annotations and
 * unsuppressed policy findings. One line per problem.
 */
export function deploymentBlockers(stack: TerraformStack): string[] {
  const blockers: string[] = [];
  try {
    Testing.synth(stack, true);
  } catch (e) {
    const text = (e as Error).message ?? String(e);
    if (!text.startsWith('Validation failed')) throw e;
    for (const line of text.split('\n').map((l) => l.trim())) {
      const m = /^\[([^\]]+)\]\s*(.*)$/.exec(line);
      if (m) blockers.push(`validation error at ${m[1]}: ${m[2]}`);
    }
  }
  const errors = collectAnnotations(stack).filter((a) => a.level === 'error');
  for (const a of errors) blockers.push(`error annotation at ${a.path}: ${a.message}`);
  for (const f of unsuppressedFindings(stack)) {
    // A finding the rule pack also reported as an error Annotation is listed once.
    if (errors.some((a) => a.path === f.path && a.message.includes(f.rule))) continue;
    blockers.push(`unsuppressed policy finding ${f.rule} at ${f.path}: ${f.message}`);
  }
  return [...new Set(blockers)];
}
