// vitest matchers for stacks that use cdktf-dataverse. NOT part of the jsii API (never exported
// from src/index.ts): import `cdktf-dataverse/lib/testing/setup` from your vitest setupFiles.
// vitest is needed only for these helpers; this file imports nothing from it at run time.
import { TerraformStack } from 'cdktf';
import type { ExpectStatic, MatcherState } from 'vitest';
import { DataverseTesting } from './dataverse-testing';
import { holdsTokens, resolveTokens, sourceStackOf } from './inspect';
import { CompareOptions, Comparison, closest, explain, show } from './match';
import { DataverseEnvironment } from '../dataverse/environment';
import { ManifestRecord, RegistrationManifest } from '../dataverse/manifest';

/** A provider / resource / data source class (it has a static `tfResourceType`), or the type name. */
export type TerraformType = string | { readonly tfResourceType: string };

/** Expected values of a `serviceendpoint`: any column, camelCase or logical name. */
export interface ServiceEndpointExpectation {
  readonly name?: unknown;
  /** ServiceEndpointContract, as its number. */
  readonly contract?: unknown;
  /** ServiceEndpointAuthType, as its number. */
  readonly authType?: unknown;
  /** Queue, topic, event hub or hybrid connection name. */
  readonly path?: unknown;
  readonly url?: unknown;
  readonly [column: string]: unknown;
}

/** Expected values of an entity image of a step. */
export interface StepImageExpectation {
  /** `entityalias`. */
  readonly alias?: unknown;
  /** StepImageType, as its number. */
  readonly imageType?: unknown;
  /** Columns of the image, in any order (an array or a comma-separated string). */
  readonly attributes?: unknown;
  readonly [column: string]: unknown;
}

/** Expected values of an `sdkmessageprocessingstep`. */
export interface StepExpectation {
  /** Logical name of the table (from the step's message filter). */
  readonly table?: unknown;
  /** Message name, e.g. `Update`. */
  readonly message?: unknown;
  /** StepStage, as its number. */
  readonly stage?: unknown;
  /** StepMode, as its number. */
  readonly mode?: unknown;
  /** Columns that trigger the step, in any order (an array or a comma-separated string). */
  readonly filteringAttributes?: unknown;
  /** Name of the service endpoint the step sends to. */
  readonly endpoint?: unknown;
  /** Images the step must have (others may exist), matched in any order. */
  readonly images?: StepImageExpectation[];
  readonly [column: string]: unknown;
}

/** Expected values of a `customapi` and its parameters. */
export interface CustomApiExpectation {
  readonly uniqueName?: unknown;
  /** Request parameters it must have (others may exist), matched in any order. */
  readonly requestParameters?: Array<{ readonly [column: string]: unknown }>;
  /** Response properties it must have (others may exist), matched in any order. */
  readonly responseProperties?: Array<{ readonly [column: string]: unknown }>;
  readonly [column: string]: unknown;
}

/**
 * The matchers. Received values: a TerraformStack, the result of `DataverseTesting.synth()`, or
 * (Azure side) the synthesized Terraform JSON / (Dataverse side) a RegistrationManifest or a
 * DataverseEnvironment. Expected values match partially (only the keys you give), deeply, and
 * accept asymmetric matchers such as `expect.stringMatching(...)`.
 */
export interface DataverseMatchers<R = unknown> {
  /** A resource of the type whose properties (snake_case, as synthesized) include `properties`. */
  toHaveResource(type: TerraformType, properties?: { readonly [key: string]: unknown }): R;
  /** A data source of the type whose properties include `properties`. */
  toHaveDataSource(type: TerraformType, properties?: { readonly [key: string]: unknown }): R;
  /** A provider configuration of the type (e.g. `azurerm`) whose properties include `properties`. */
  toHaveProvider(type: TerraformType, properties?: { readonly [key: string]: unknown }): R;
  /** A `serviceendpoint` record with these values (contract, authType, path …). */
  toHaveServiceEndpoint(expected?: ServiceEndpointExpectation): R;
  /** An `sdkmessageprocessingstep` record for a table and message, with stage / mode / filtering attributes … */
  toHaveStep(expected?: StepExpectation): R;
  /** A `customapi` record with these values and parameters. */
  toHaveCustomApi(expected?: CustomApiExpectation): R;
  /** Any record of a table with these column values (logical names). */
  toHaveRecord(table: string, columns?: { readonly [column: string]: unknown }): R;
  /** No validation error, no error Annotation, no unsuppressed policy finding (received: a TerraformStack). */
  toBeDeployable(): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Assertion<T = any> extends DataverseMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends DataverseMatchers {}
}

/** What a matcher returns (vitest's synchronous expectation result). */
interface MatcherResult {
  pass: boolean;
  message: () => string;
}

type Matcher = (this: MatcherState, received: unknown, ...args: any[]) => MatcherResult;

// ---------------------------------------------------------------- Azure side

type BlockKind = 'resource' | 'data source' | 'provider';

function typeName(type: TerraformType, matcher: string): string {
  if (typeof type === 'string' && type.length > 0) return type;
  if (type !== null && (typeof type === 'function' || typeof type === 'object') && typeof (type as any).tfResourceType === 'string') {
    return (type as any).tfResourceType;
  }
  throw new TypeError(`${matcher}: the type must be a Terraform type name such as 'azurerm_servicebus_queue' or a provider class such as ServicebusQueue; received ${show(type)}.`);
}

function terraformOf(received: unknown, matcher: string): { json: any; stack?: TerraformStack } {
  if (TerraformStack.isStack(received)) return { json: DataverseTesting.synth(received).terraform, stack: received };
  if (typeof received === 'string') {
    try {
      return { json: JSON.parse(received) };
    } catch {
      throw new TypeError(`${matcher}: the received string is not synthesized Terraform JSON.`);
    }
  }
  if (isObject(received) && 'terraform' in received && Array.isArray((received as any).annotations)) {
    return { json: (received as any).terraform, stack: sourceStackOf(received) };
  }
  if (isObject(received)) return { json: received };
  throw new TypeError(`${matcher}: expected a TerraformStack, the result of DataverseTesting.synth(), or synthesized Terraform JSON; received ${show(received)}.`);
}

function blockMatcher(kind: BlockKind, matcher: string): Matcher {
  return function (received, type: TerraformType, given?: { [key: string]: unknown }) {
    const name = typeName(type, matcher);
    const { json, stack } = terraformOf(received, matcher);
    // References (`queue.id`) compare as synthesized (`${azurerm_servicebus_queue.x.id}`) when the stack is known.
    const properties = stack && given ? (resolveTokens(given, stack) as { [key: string]: unknown }) : given;
    const tokenHint = !stack && holdsTokens(given) ? [TOKEN_HINT_TERRAFORM] : [];
    const section = kind === 'resource' ? json.resource : kind === 'data source' ? json.data : json.provider;
    const plural = kind === 'provider' ? `${name} provider configurations` : `${name} ${kind}s`;
    const candidates: Array<{ label: string; value: unknown }> = [];
    const entries = section?.[name];
    if (kind === 'provider') {
      for (const config of Array.isArray(entries) ? entries : entries ? [entries] : []) {
        candidates.push({ label: config?.alias !== undefined ? `alias ${show(config.alias)}` : 'the default configuration', value: config });
      }
    } else {
      for (const [id, value] of Object.entries(entries ?? {})) candidates.push({ label: id, value });
    }
    const wanted = `${kind} ${name}${properties && Object.keys(properties).length > 0 ? ` with ${show(properties, undefined, 100)}` : ''}`;
    const best = closest(properties ?? {}, candidates, {}, (c) => c.value);
    const pass = best !== undefined && best.comparison.mismatches.length === 0;
    return {
      pass,
      message: () => {
        if (pass) return `expected no ${wanted}\nbut ${best!.candidate.label} matches`;
        if (!best) {
          const present = Object.keys(section ?? {}).sort();
          const types = present.length === 0 ? `the stack has no ${kind}s` : `${kind} types present: ${list(present)}`;
          return `expected a ${wanted}\nthere is no ${kind === 'provider' ? `${name} provider` : `${name} ${kind}`}; ${types}`;
        }
        return [
          `expected a ${wanted}`,
          closestLine(candidates.length, `${name} ${kind === 'provider' ? 'provider configuration' : kind}`, plural, best.candidate.label, best.comparison),
          ...explain(best.comparison),
          ...tokenHint,
        ].join('\n');
      },
    };
  };
}

const TOKEN_HINT_TERRAFORM =
  "note: the expectation holds Terraform references (tokens); pass the stack or DataverseTesting.synth(stack) so that they compare as synthesized, or write them as '${type.name.attribute}'";

// ---------------------------------------------------------------- Dataverse side

const TOKEN_HINT_MANIFEST = "note: the expectation holds Terraform references (tokens), but the manifest holds literals: a column set from a reference reads '<output NAME>'";

interface Manifested {
  readonly manifest?: RegistrationManifest;
}

function manifestOf(received: unknown, matcher: string): Manifested {
  if (TerraformStack.isStack(received)) return { manifest: DataverseTesting.synth(received).manifest };
  if (DataverseEnvironment.isDataverseEnvironment(received)) return { manifest: JSON.parse(JSON.stringify(received.toManifest())) };
  if (typeof received === 'string') {
    try {
      return manifestOf(JSON.parse(received), matcher);
    } catch {
      throw new TypeError(`${matcher}: the received string is not a registration manifest.`);
    }
  }
  if (isObject(received) && Array.isArray((received as any).annotations) && 'terraform' in received) return { manifest: (received as any).manifest };
  if (isObject(received) && Array.isArray((received as any).records)) return { manifest: received as any };
  throw new TypeError(
    `${matcher}: expected a TerraformStack, the result of DataverseTesting.synth(), a RegistrationManifest or a DataverseEnvironment; received ${show(received)}.`,
  );
}

/** Keys of an expectation that are not a column's lowercase name. */
const KEY_ALIASES: { [key: string]: string } = { alias: 'entityalias' };
/** Columns that hold comma-separated lists: compared as sorted arrays. */
const LIST_COLUMNS = new Set(['filteringattributes', 'attributes']);

const DATAVERSE_OPTIONS: CompareOptions = {
  key: (k) => KEY_ALIASES[k] ?? k.toLowerCase(),
  children: new Set(['images', 'requestparameters', 'responseproperties']),
  childLabel: (c) => c?.uniquename ?? c?.entityalias ?? c?.name,
};

/** Lists given as arrays or comma-separated strings become sorted arrays (order does not matter). */
function normalizeExpectation(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeExpectation);
  if (!isObject(value) || typeof (value as any).asymmetricMatch === 'function') return value;
  const out: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = LIST_COLUMNS.has(k.toLowerCase()) && (typeof v === 'string' || Array.isArray(v)) ? toList(v) : normalizeExpectation(v);
  }
  return out;
}

function toList(value: unknown): unknown[] {
  const items =
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : (value as unknown[]);
  return [...items].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

/** A record as matchers see it: literal columns, and output-fed columns as `<output NAME>`. */
function columnsView(r: ManifestRecord): { [key: string]: unknown } {
  const view: { [key: string]: unknown } = { ...r.columns };
  for (const o of r.fromOutputs ?? []) view[o.column] = `<output ${o.output}>`;
  for (const column of LIST_COLUMNS) {
    if (typeof view[column] === 'string') view[column] = toList(view[column]);
  }
  return view;
}

function childrenOf(parent: ManifestRecord, records: ManifestRecord[], table: string): ManifestRecord[] {
  return records.filter((r) => r.table === table && (r.references ?? []).some((ref) => ref.id === parent.id));
}

function stepView(r: ManifestRecord, records: ManifestRecord[]): { [key: string]: unknown } {
  const filter = (r.lookups ?? []).find((l) => l.column === 'sdkmessagefilterid');
  const message = (r.lookups ?? []).find((l) => l.column === 'sdkmessageid');
  const handler = (r.references ?? []).find((ref) => ref.column === 'eventhandler');
  const endpoint = handler ? records.find((x) => x.id === handler.id) : undefined;
  return {
    ...columnsView(r),
    table: filter?.key.table,
    message: message?.key.message ?? filter?.key.message,
    endpoint: endpoint?.columns.name,
    filteringattributes: columnsView(r).filteringattributes ?? [],
    images: childrenOf(r, records, 'sdkmessageprocessingstepimage').map(columnsView),
  };
}

function customApiView(r: ManifestRecord, records: ManifestRecord[]): { [key: string]: unknown } {
  return {
    ...columnsView(r),
    requestparameters: childrenOf(r, records, 'customapirequestparameter').map(columnsView),
    responseproperties: childrenOf(r, records, 'customapiresponseproperty').map(columnsView),
  };
}

interface RecordKind {
  readonly table: string;
  /** Singular noun for messages. */
  readonly noun: string;
  readonly plural: string;
  readonly view: (r: ManifestRecord, records: ManifestRecord[]) => unknown;
}

function recordMatcher(kindOf: (args: unknown[]) => { kind: RecordKind; expected: unknown }, matcher: string): Matcher {
  return function (received, ...args: unknown[]) {
    const { kind, expected } = kindOf(args);
    const { manifest } = manifestOf(received, matcher);
    const records = manifest?.records ?? [];
    const candidates = records.filter((r) => r.table === kind.table);
    const normalized = normalizeExpectation(expected ?? {});
    const best = closest(normalized, candidates, DATAVERSE_OPTIONS, (r) => kind.view(r, records));
    const pass = best !== undefined && best.comparison.mismatches.length === 0;
    const given = isObject(expected) && Object.keys(expected).length > 0 ? ` with ${show(expected, undefined, 100)}` : '';
    return {
      pass,
      message: () => {
        if (pass) return `expected no ${kind.noun}${given}\nbut ${best!.candidate.path} matches`;
        if (!best) {
          if (!manifest) return `expected a ${kind.noun}${given}\nthe stack has no DataverseEnvironment, so no registration manifest`;
          return `expected a ${kind.noun}${given}\nthe manifest has no ${kind.table} record; its records: ${tally(records)}`;
        }
        return [
          `expected a ${kind.noun}${given}`,
          closestLine(candidates.length, kind.noun, kind.plural, best.candidate.path, best.comparison),
          ...explain(best.comparison),
          ...(holdsTokens(expected) ? [TOKEN_HINT_MANIFEST] : []),
        ].join('\n');
      },
    };
  };
}

const ENDPOINT: RecordKind = { table: 'serviceendpoint', noun: 'service endpoint', plural: 'service endpoints', view: columnsView };
const STEP: RecordKind = { table: 'sdkmessageprocessingstep', noun: 'step', plural: 'steps', view: stepView };
const CUSTOM_API: RecordKind = { table: 'customapi', noun: 'custom API', plural: 'custom APIs', view: customApiView };

function tally(records: ManifestRecord[]): string {
  if (records.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.table, (counts.get(r.table) ?? 0) + 1);
  return [...counts.entries()].map(([table, n]) => `${n} ${table}`).join(', ');
}

// ---------------------------------------------------------------- deployability

const toBeDeployable: Matcher = function (received) {
  if (!TerraformStack.isStack(received)) {
    throw new TypeError(`toBeDeployable: expected a TerraformStack; received ${show(received)}.`);
  }
  const blockers = DataverseTesting.deploymentBlockers(received);
  const pass = blockers.length === 0;
  return {
    pass,
    message: () =>
      pass
        ? `expected stack ${received.node.id} not to be deployable\nbut it has no validation error, no error annotation and no unsuppressed policy finding`
        : `expected stack ${received.node.id} to be deployable\nbut it has ${blockers.length} ${blockers.length === 1 ? 'problem' : 'problems'}:\n${blockers.map((b) => `  - ${b}`).join('\n')}`,
  };
};

// ---------------------------------------------------------------- registration

/** The matchers, for `expect.extend(dataverseMatchers)`. */
export const dataverseMatchers: { [name in keyof DataverseMatchers]: Matcher } = {
  toHaveResource: blockMatcher('resource', 'toHaveResource'),
  toHaveDataSource: blockMatcher('data source', 'toHaveDataSource'),
  toHaveProvider: blockMatcher('provider', 'toHaveProvider'),
  toHaveServiceEndpoint: recordMatcher(([expected]) => ({ kind: ENDPOINT, expected }), 'toHaveServiceEndpoint'),
  toHaveStep: recordMatcher(([expected]) => ({ kind: STEP, expected }), 'toHaveStep'),
  toHaveCustomApi: recordMatcher(([expected]) => ({ kind: CUSTOM_API, expected }), 'toHaveCustomApi'),
  toHaveRecord: recordMatcher(([table, columns]) => {
    if (typeof table !== 'string' || table.length === 0) throw new TypeError(`toHaveRecord: the table must be a logical name such as 'serviceendpoint'; received ${show(table)}.`);
    return { kind: { table, noun: `${table} record`, plural: `${table} records`, view: columnsView }, expected: columns };
  }, 'toHaveRecord'),
  toBeDeployable,
};

/** Registers the matchers on vitest's `expect` (what `cdktf-dataverse/lib/testing/setup` does). */
export function registerDataverseMatchers(expect: Pick<ExpectStatic, 'extend'>): void {
  expect.extend(dataverseMatchers);
}

/** `none of the 2 steps matches; closest: <label> (2 of 5 values match):`, or for one candidate `the only …`. */
function closestLine(count: number, noun: string, plural: string, label: string, comparison: Comparison): string {
  const score = `${comparison.matched} of ${comparison.total} values match`;
  return count === 1 ? `the only ${noun}, ${label}, does not match (${score}):` : `none of the ${count} ${plural} matches; closest: ${label} (${score}):`;
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

function list(items: string[], max = 12): string {
  return items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');
}
