// The upsert layer as data (the plan) and the request/response logic as pure functions over it.
// The API Management policy (upsert-policy.ts) embeds the plan and runs the same steps in C#; these
// functions are its twin, so that tests evaluate the logic on hostile inputs. Internal.
//
// Sources: Microsoft Learn "Use an alternate key to reference a record" (key URLs
// `accounts(accountnumber='ABC123')`, multi-part keys, `@odata.bind` with a key), "Work with
// alternate keys" (characters `/ < > * % & : \ ? +` in a key value break GET and PATCH), "Use Upsert
// to create or update a record" (key values in the URL, not the body; `Prefer: return=representation`
// answers 201 on create and 200 on update), "Perform conditional operations" (If-None-Match: * → 412,
// If-Match: * → 404), the UpsertMultiple action (`Targets` with `@odata.type` and `@odata.id`, 204),
// "Compose HTTP requests and handle errors" (`{ error: { code, message } }` plus annotations).
import { UpsertField, UpsertFieldType, UpsertMode, UpsertOperationOptions } from './upsert-api';
import { AlternateKeyColumnType, IAlternateKey } from '../dataverse/alternate-key';

/** How a key value is written in a URL. @internal */
export type KeyValueType = 'string' | 'integer' | 'decimal' | 'choice';

/** One column of a key, and the external name its value comes from. @internal */
export interface PlanKeyPart {
  /** External name (path parameter / JSON property); for a lookup's key, the column itself. */
  readonly name: string;
  readonly column: string;
  readonly type: KeyValueType;
}

/** One body field. @internal */
export interface PlanField {
  readonly name: string;
  readonly type: UpsertFieldType;
  /** The body property written: the column, or `<nav>@odata.bind` for a lookup. */
  readonly target: string;
  /** A lookup: the other table's set and key columns (one part: the value is a scalar). */
  readonly lookup?: { readonly entitySet: string; readonly key: PlanKeyPart[] };
}

/** Everything the policy needs to know of one upsert operation. @internal */
export interface UpsertPlan {
  readonly entitySet: string;
  readonly odataType: string;
  readonly primaryKey: string;
  readonly mode: UpsertMode;
  /** The alternate key's logical name (for readers of the policy: the diagram, reviewers). */
  readonly alternateKey?: string;
  readonly key: PlanKeyPart[];
  readonly fields: PlanField[];
  readonly maxBatchSize?: number;
}

/** Characters that Dataverse cannot take in an alternate key value of a URL. @internal */
export const FORBIDDEN_KEY_CHARACTERS = '/<>*%&:\\?+';
/** The same as a regular expression character class (JavaScript and .NET read it alike). @internal */
export const FORBIDDEN_KEY_CLASS = '[/<>*%&:\\\\?+]';
const NUMBER_PATTERNS: { [type: string]: RegExp } = { integer: /^-?[0-9]+$/, choice: /^-?[0-9]+$/, decimal: /^-?[0-9]+(\.[0-9]+)?$/ };

/** The key value types a gateway key may have, by the key column's type. @internal */
export const KEY_VALUE_TYPES: { [columnType: string]: KeyValueType | undefined } = {
  [AlternateKeyColumnType.STRING]: 'string',
  [AlternateKeyColumnType.INTEGER]: 'integer',
  [AlternateKeyColumnType.DECIMAL]: 'decimal',
  [AlternateKeyColumnType.CHOICE]: 'choice',
};

/** The field types that match a key column type. @internal */
export const FIELD_TYPE_OF_KEY: { [type: string]: UpsertFieldType } = {
  string: UpsertFieldType.STRING,
  integer: UpsertFieldType.INTEGER,
  decimal: UpsertFieldType.DECIMAL,
  choice: UpsertFieldType.CHOICE,
};

/** The entity set of a table when none is given. @internal */
export function defaultEntitySet(table: string): string {
  return `${table}s`;
}

/** The plan of an operation (assumes the options passed checkUpsert; used after validation). @internal */
export function upsertPlan(o: UpsertOperationOptions): UpsertPlan {
  const entries = Object.entries(o.fields ?? {}).filter(([, f]) => typeof f === 'object' && f !== null);
  const byColumn = new Map(entries.map(([name, f]) => [f.column, name]));
  const columns = (o.alternateKey.keyColumns ?? []).filter((c) => typeof c === 'object' && c !== null);
  const keyColumns = new Set(columns.map((c) => c.logicalName));
  const key = columns.map((c) => ({ name: byColumn.get(c.logicalName) ?? c.logicalName, column: c.logicalName, type: KEY_VALUE_TYPES[c.columnType] ?? 'string' }));
  const fields = entries.filter(([, f]) => !keyColumns.has(f.column)).map(([name, f]) => planField(name, f));
  return {
    entitySet: o.entitySetName ?? defaultEntitySet(o.table),
    odataType: `Microsoft.Dynamics.CRM.${o.table}`,
    primaryKey: `${o.table}id`,
    mode: o.mode ?? UpsertMode.UPSERT,
    alternateKey: o.alternateKey.keyLogicalName,
    key,
    fields,
    ...(o.bulk ? { maxBatchSize: o.bulk.maxBatchSize ?? 100 } : {}),
  };
}

function planField(name: string, f: UpsertField): PlanField {
  if (f.fieldType !== UpsertFieldType.LOOKUP || !f.lookup) return { name, type: f.fieldType, target: f.column };
  return {
    name,
    type: f.fieldType,
    target: `${f.lookup.navigationProperty}@odata.bind`,
    lookup: { entitySet: f.lookup.entitySetName ?? defaultEntitySet(f.lookup.table), key: lookupKeyParts(f.lookup.alternateKey) },
  };
}

function lookupKeyParts(key: IAlternateKey | undefined): PlanKeyPart[] {
  return (key?.keyColumns ?? [])
    .filter((c) => typeof c === 'object' && c !== null)
    .map((c) => ({ name: c.logicalName, column: c.logicalName, type: KEY_VALUE_TYPES[c.columnType] ?? 'string' }));
}

// ---------------------------------------------------------------------------------------------
// Request logic (twin of the C# in upsert-policy.ts)

/** .NET `Uri.EscapeDataString` (RFC 3986: everything but `A-Z a-z 0-9 - _ . ~` is percent-encoded, UTF-8). @internal */
export function escapeDataString(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The text of a JSON value used in a key: a string as it is, a number as JSON writes it; otherwise undefined. @internal */
export function keyValueText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return JSON.stringify(value);
  return undefined;
}

/**
 * The OData literal of one key value, URL-encoded: strings quoted with single quotes doubled, numbers
 * as they are. Undefined when the value cannot address a row: empty, a forbidden character, or not a
 * number where a number is due.
 * @internal
 */
export function keyLiteral(type: KeyValueType, text: string | undefined): string | undefined {
  if (text === undefined || text.length === 0) return undefined;
  if (type === 'string') {
    if (new RegExp(FORBIDDEN_KEY_CLASS).test(text)) return undefined;
    return `'${escapeDataString(text.replace(/'/g, "''"))}'`;
  }
  return NUMBER_PATTERNS[type].test(text) ? escapeDataString(text) : undefined;
}

/** A key segment `col1=<literal>,col2=<literal>`, or the first part whose value cannot be used. @internal */
export interface KeySegmentResult {
  readonly segment?: string;
  readonly invalidPart?: PlanKeyPart;
}

/** The key segment from the values of each part (in key order). @internal */
export function keySegment(parts: PlanKeyPart[], valueOf: (part: PlanKeyPart) => unknown): KeySegmentResult {
  const out: string[] = [];
  for (const part of parts) {
    const literal = keyLiteral(part.type, keyValueText(valueOf(part)));
    if (literal === undefined) return { invalidPart: part };
    out.push(`${part.column}=${literal}`);
  }
  return { segment: out.join(',') };
}

/** `Uri.UnescapeDataString`: decodes valid %XX sequences (UTF-8), leaves the rest as it is. @internal */
export function unescapeDataString(text: string): string {
  return text.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** The key segment of a PUT, from the route's path parameters. @internal */
export function pathKeySegment(plan: UpsertPlan, params: { [name: string]: string | undefined }): KeySegmentResult {
  return keySegment(plan.key, (p) => (params[p.name] === undefined ? undefined : unescapeDataString(params[p.name]!)));
}

/** The result of a body transformation: the Dataverse body, or the name of the field that cannot be used. @internal */
export interface TransformResult {
  readonly body?: { [property: string]: unknown };
  readonly invalidField?: string;
}

/** The Dataverse body of one row: only the plan's fields, lookups as `@odata.bind` by key. @internal */
export function transformBody(plan: UpsertPlan, input: unknown): TransformResult {
  const src = isObject(input) ? input : {};
  const body: { [property: string]: unknown } = {};
  for (const f of plan.fields) {
    const v = src[f.name];
    if (v === undefined || v === null) continue;
    if (f.lookup) {
      const one = f.lookup.key.length === 1;
      const key = keySegment(f.lookup.key, (p) => (one ? v : isObject(v) ? v[p.column] : undefined));
      if (key.segment === undefined) return { invalidField: f.name };
      body[f.target] = `/${f.lookup.entitySet}(${key.segment})`;
    } else {
      body[f.target] = v;
    }
  }
  return { body };
}

/** The UpsertMultiple request (`Targets`) and each item's key as the caller sent it, or the first unusable item. @internal */
export interface BulkTransformResult {
  readonly request?: { Targets: Array<{ [property: string]: unknown }> };
  readonly keys?: Array<{ [name: string]: unknown }>;
  readonly invalidItem?: number;
  readonly invalidField?: string;
}

/** The UpsertMultiple body: each item's key as `@odata.id`, its fields transformed like a single upsert. @internal */
export function transformBulk(plan: UpsertPlan, input: unknown): BulkTransformResult {
  const items = isObject(input) && Array.isArray(input.items) ? input.items : [];
  const targets: Array<{ [property: string]: unknown }> = [];
  const keys: Array<{ [name: string]: unknown }> = [];
  for (let i = 0; i < items.length; i++) {
    const item = isObject(items[i]) ? items[i] : {};
    const key = keySegment(plan.key, (p) => item[p.name]);
    if (key.segment === undefined) return { invalidItem: i, invalidField: key.invalidPart!.name };
    const t = transformBody(plan, item);
    if (t.invalidField !== undefined) return { invalidItem: i, invalidField: t.invalidField };
    targets.push({ '@odata.type': plan.odataType, '@odata.id': `${plan.entitySet}(${key.segment})`, ...t.body });
    keys.push(Object.fromEntries(plan.key.map((p) => [p.name, item[p.name]])));
  }
  return { request: { Targets: targets }, keys };
}

// ---------------------------------------------------------------------------------------------
// Response logic

/** Status and body the caller gets. @internal */
export interface GatewayResponse {
  readonly status: number;
  readonly body?: unknown;
}

/** Dataverse's error without its internals (annotations, trace text, inner errors). @internal */
export function publicError(body: unknown): { error: { code: string; message: string } } {
  const e = isObject(body) && isObject(body.error) ? body.error : {};
  return { error: { code: typeof e.code === 'string' ? e.code : '', message: typeof e.message === 'string' ? e.message : 'Dataverse returned an error.' } };
}

/**
 * What the caller gets for Dataverse's answer to the PATCH (sent with `Prefer: return=representation`
 * and `$select=<primary key>`): 201 with the new row's id, 204 for an update, 409 for create-only on
 * an existing row, and every other error as `{ error: { code, message } }` with its status.
 * @internal
 */
export function upsertResponse(plan: UpsertPlan, status: number, body: unknown): GatewayResponse {
  if (status === 201) return { status: 201, body: { id: isObject(body) ? (body[plan.primaryKey] ?? null) : null } };
  if (status === 200 || status === 204) return { status: 204 };
  if (status === 412 && plan.mode === UpsertMode.CREATE_ONLY) return { status: 409, body: publicError(body) };
  return status >= 400 ? { status, body: publicError(body) } : { status, body };
}

/** One item of a bulk answer. @internal */
export interface BulkItemResult {
  readonly index: number;
  readonly key: { [name: string]: unknown };
  readonly status: 'upserted' | 'rolled-back';
}

/**
 * The caller's answer for UpsertMultiple (204 without per-item data): 200 with every item upserted,
 * or Dataverse's error status with every item rolled back (a standard table's batch is one
 * transaction), each by the caller's key.
 * @internal
 */
export function bulkResponse(keys: Array<{ [name: string]: unknown }>, status: number, body: unknown): GatewayResponse {
  const ok = status === 204 || status === 200;
  const results: BulkItemResult[] = keys.map((key, index) => ({ index, key, status: ok ? 'upserted' : 'rolled-back' }));
  return ok ? { status: 200, body: { results } } : { status, body: { ...publicError(body), results } };
}

function isObject(x: unknown): x is { [k: string]: any } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
