// Internal: partial deep matching with a score, so that a failing matcher can show the closest
// candidate and only the values that differ. No dependency on a test runner.
import {
  MessageFormat,
  NamespaceFormat,
  ServiceEndpointAuthType,
  ServiceEndpointConnectionMode,
  ServiceEndpointContract,
  StepImageType,
  StepMode,
  StepStage,
  StepSupportedDeployment,
  UserClaim,
} from '../dataverse/enums';

/** One value that differs between what was expected and the candidate. */
export interface Mismatch {
  /** Where, e.g. `stage` or `requestParameters['contoso_OrderId'].type`. */
  readonly path: string;
  /** The column / property name the value belongs to (labels enum values). */
  readonly key: string;
  readonly expected: unknown;
  readonly received: unknown;
}

/** The result of comparing an expectation with one candidate. */
export interface Comparison {
  /** Number of expected leaf values. */
  readonly total: number;
  /** Number of expected leaf values the candidate has. */
  readonly matched: number;
  readonly mismatches: Mismatch[];
}

/** How expectation keys map to candidate keys, and which arrays hold named children. */
export interface CompareOptions {
  /** Maps a key of the expectation to the candidate's key. @default identity */
  readonly key?: (key: string) => string;
  /** Candidate keys whose arrays hold child records: each expected child is compared with its closest one, in any order. */
  readonly children?: ReadonlySet<string>;
  /** A short name of a child record, for paths. */
  readonly childLabel?: (child: any) => string | undefined;
}

/** Compares `expected` (a partial expectation) with `received`. */
export function comparePartial(expected: unknown, received: unknown, options: CompareOptions = {}): Comparison {
  const mismatches: Mismatch[] = [];
  const total = leaves(expected);
  walk(expected, received, '', '', options, mismatches);
  const missed = mismatches.reduce((n, m) => n + Math.max(1, leaves(m.expected)), 0);
  return { total, matched: Math.max(0, total - missed), mismatches };
}

function walk(expected: unknown, received: unknown, path: string, key: string, options: CompareOptions, out: Mismatch[]): void {
  if (isAsymmetric(expected)) {
    if (!expected.asymmetricMatch(received)) out.push({ path, key, expected, received });
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(received)) {
      out.push({ path, key, expected, received });
      return;
    }
    if (options.children?.has(key)) {
      expected.forEach((child, i) => {
        const best = closest(child, received, options);
        if (!best) {
          out.push({ path: `${path}[${i}]`, key, expected: child, received: undefined });
          return;
        }
        const label = options.childLabel?.(best.candidate);
        const childPath = label !== undefined ? `${path}[${quoteShort(label)}]` : `${path}[${i}]`;
        for (const m of best.comparison.mismatches) out.push({ ...m, path: m.path ? `${childPath}.${m.path}` : childPath });
      });
      return;
    }
    if (received.length !== expected.length) {
      out.push({ path, key, expected, received });
      return;
    }
    expected.forEach((e, i) => walk(e, received[i], `${path}[${i}]`, key, options, out));
    return;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(received)) {
      out.push({ path, key, expected, received });
      return;
    }
    for (const [k, v] of Object.entries(expected)) {
      if (v === undefined) continue;
      const target = options.key ? options.key(k) : k;
      walk(v, (received as any)[target], path ? `${path}.${k}` : k, target, options, out);
    }
    return;
  }
  if (!Object.is(expected, received)) out.push({ path, key, expected, received });
}

/** The candidate with most matching values (the first on a tie), or undefined when there are none. */
export function closest<T>(
  expected: unknown,
  candidates: T[],
  options: CompareOptions = {},
  value: (c: T) => unknown = (c) => c,
): { candidate: T; comparison: Comparison } | undefined {
  let best: { candidate: T; comparison: Comparison } | undefined;
  for (const candidate of candidates) {
    const comparison = comparePartial(expected, value(candidate), options);
    if (comparison.mismatches.length === 0) return { candidate, comparison };
    if (!best || comparison.matched > best.comparison.matched) best = { candidate, comparison };
  }
  return best;
}

function leaves(value: unknown): number {
  if (isAsymmetric(value)) return 1;
  if (Array.isArray(value)) {
    return Math.max(
      1,
      value.reduce((n: number, v) => n + leaves(v), 0),
    );
  }
  if (isPlainObject(value)) return Object.values(value).reduce((n: number, v) => n + (v === undefined ? 0 : leaves(v)), 0);
  return 1;
}

interface Asymmetric {
  sample?: unknown;
  asymmetricMatch(other: unknown): boolean;
  toString(): string;
  toAsymmetricMatcher?(): string;
}

function isAsymmetric(value: unknown): value is Asymmetric {
  return value !== null && typeof value === 'object' && typeof (value as any).asymmetricMatch === 'function';
}

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !isAsymmetric(value);
}

/** Option labels of the choice columns, for messages: `40 (POST_OPERATION)`. */
const CHOICES: { [column: string]: { [value: number]: string } } = {
  contract: ServiceEndpointContract,
  authtype: ServiceEndpointAuthType,
  connectionmode: ServiceEndpointConnectionMode,
  messageformat: MessageFormat,
  userclaim: UserClaim,
  namespaceformat: NamespaceFormat,
  stage: StepStage,
  mode: StepMode,
  supporteddeployment: StepSupportedDeployment,
  imagetype: StepImageType,
};

/** A value as a message shows it: short, one line; choice values with their names. */
export function show(value: unknown, key?: string, limit = 80): string {
  if (value === undefined) return 'nothing';
  if (isAsymmetric(value)) {
    if (typeof value.toAsymmetricMatcher === 'function') return value.toAsymmetricMatcher();
    return value.sample !== undefined ? `${value.toString()}(${show(value.sample)})` : value.toString();
  }
  if (typeof value === 'number' && key !== undefined) {
    const name = CHOICES[key.toLowerCase()]?.[value];
    if (typeof name === 'string') return `${value} (${name})`;
  }
  if (typeof value === 'string') return quoteShort(value, limit);
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) return truncate(`[${value.map((v) => show(v, key, limit)).join(', ')}]`, limit * 2);
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return truncate(`{ ${entries.map(([k, v]) => `${k}: ${show(v, k, limit)}`).join(', ')} }`, limit * 2);
  }
  return String(value);
}

function quoteShort(text: string, limit = 80): string {
  return `'${truncate(text, limit)}'`;
}

function truncate(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** The lines that explain a comparison: `  stage: expected 20 (PRE_OPERATION), received 40 (POST_OPERATION)`. */
export function explain(comparison: Comparison, maxLines = 8): string[] {
  const lines = comparison.mismatches.slice(0, maxLines).map((m) => `  ${m.path || '(value)'}: expected ${show(m.expected, m.key)}, received ${show(m.received, m.key)}`);
  const more = comparison.mismatches.length - maxLines;
  if (more > 0) lines.push(`  … and ${more} more`);
  return lines;
}
