import { CliError, WebApiError } from './errors';
import { OutputValues } from './inputs';
import { Ledger, LedgerEntry, secretDigest } from './ledger';
import { describeKey, LookupNotFoundError, LookupResolver } from './lookups';
import { WebApi } from './webapi';
import { ManifestAssociation, ManifestLookup, ManifestRecord, RegistrationManifest } from '../dataverse/manifest';

/**
 * Write-only columns Dataverse reports through a flag instead of the value. This is the one
 * table-specific fact of the command line: Dataverse forces it. Write-only columns of other tables
 * are compared through the digests of the ownership record only.
 */
const WRITE_ONLY_FLAGS: { [table: string]: { [column: string]: string } } = {
  serviceendpoint: { saskey: 'issaskeyset', sastoken: 'issastokenset', authvalue: 'isauthvalueset' },
};

/** Dataverse's error code for "this association exists already". */
const DUPLICATE_KEY = '0x80040237';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENTITY_SET = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type Action = 'create' | 'update' | 'unchanged' | 'delete';

/** One column that differs. Values of sensitive columns are never kept. */
export interface ColumnChange {
  readonly column: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly sensitive: boolean;
  /** Why a write-only column counts as changed. */
  readonly reason?: string;
}

/** One association to make. */
export interface AssociationChange {
  readonly relationship: string;
  readonly target: string;
  readonly entitySet: string;
  readonly targetId?: string;
}

/** What happens (or would happen) to one row. */
export interface RecordPlan {
  readonly action: Action;
  readonly table: string;
  readonly entitySet: string;
  readonly id: string;
  readonly path: string;
  readonly columns: ColumnChange[];
  readonly associations: AssociationChange[];
  /** Internal: the PATCH body and the digests to record. */
  readonly body?: { [key: string]: unknown };
  readonly digests?: { [column: string]: string };
}

/** Everything an operation needs. */
export interface EngineContext {
  readonly manifest: RegistrationManifest;
  readonly api: WebApi;
  readonly lookups: LookupResolver;
  readonly outputs: OutputValues;
  readonly ledger: Ledger;
}

/** Consecutive records of one entity set that do not reference each other run in parallel. */
export function applyGroups(records: ManifestRecord[]): ManifestRecord[][] {
  const groups: ManifestRecord[][] = [];
  let current: ManifestRecord[] = [];
  let ids = new Set<string>();
  for (const r of records) {
    const dependsOnCurrent = r.references.some((ref) => ids.has(ref.id));
    if (current.length > 0 && (current[0].entitySet !== r.entitySet || dependsOnCurrent)) {
      groups.push(current);
      current = [];
      ids = new Set();
    }
    current.push(r);
    ids.add(r.id);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** The plan of every record (and, with prune, of the rows to delete). */
export async function planAll(ctx: EngineContext, options: { prune: boolean; parallelism: number }): Promise<RecordPlan[]> {
  const records = ctx.manifest.records;
  const plans = await mapLimit(records, options.parallelism, (record, index) => planRecord(ctx, record, records.slice(0, index)));
  if (options.prune) plans.push(...ctx.ledger.orphans().map(deletePlan));
  return plans;
}

/**
 * Compares one record with its row. `earlier` (plan only) lets a lookup that finds nothing pass
 * as pending when an earlier record of the manifest carries the key (a custom API creates its
 * own sdkmessage): apply resolves it after that record is written.
 */
export async function planRecord(ctx: EngineContext, record: ManifestRecord, earlier?: ManifestRecord[]): Promise<RecordPlan> {
  const desired: { [column: string]: unknown } = { ...record.columns };
  const sensitive = new Set(record.writeOnly);
  for (const o of record.fromOutputs) {
    desired[o.column] = ctx.outputs.get(o.output);
    if (o.sensitive) sensitive.add(o.column);
  }
  const writeOnly = new Set(record.writeOnly);
  const flags = WRITE_ONLY_FLAGS[record.table] ?? {};

  // Bindings: references to rows of the manifest and lookups to rows of the environment.
  const binds: { column: string; navigation: string; entitySet: string; id?: string; pending?: string }[] = [];
  for (const ref of record.references) {
    binds.push({ column: ref.column, navigation: ref.navigation, entitySet: ref.entitySet, id: ref.id.toLowerCase() });
  }
  for (const lookup of record.lookups) {
    try {
      binds.push({ column: lookup.column, navigation: lookup.navigation, entitySet: lookup.entitySet, id: await ctx.lookups.resolve(lookup) });
    } catch (e) {
      const creator = e instanceof LookupNotFoundError && earlier ? earlierCreator(lookup, earlier) : undefined;
      if (!creator) throw e;
      binds.push({ column: lookup.column, navigation: lookup.navigation, entitySet: lookup.entitySet, pending: `resolved after ${creator} is written` });
    }
  }

  const select = [
    ...Object.keys(desired).filter((c) => !writeOnly.has(c)),
    ...binds.map((b) => `_${b.column}_value`),
    ...[...writeOnly].filter((c) => flags[c]).map((c) => flags[c]),
  ];
  const id = record.id.toLowerCase();
  const query = select.length > 0 ? `?$select=${[...new Set(select)].join(',')}` : '';
  const current = await ctx.api.request('GET', `${record.entitySet}(${id})${query}`, { accept: [404] });
  const exists = current.status !== 404;
  const row = current.body ?? {};

  const columns: ColumnChange[] = [];
  const body: { [key: string]: unknown } = {};
  const digests: { [column: string]: string } = {};
  for (const [column, value] of Object.entries(desired)) {
    if (writeOnly.has(column)) {
      const digest = secretDigest(id, column, value);
      digests[column] = digest;
      const reason = !exists
        ? undefined
        : flags[column] && row[flags[column]] === false
          ? `not set in Dataverse (${flags[column]} is false)`
          : ctx.ledger.digest(id, column) === undefined
            ? 'no digest of the value last sent is recorded yet'
            : ctx.ledger.digest(id, column) !== digest
              ? 'the value changed'
              : undefined;
      if (!exists || reason) {
        columns.push({ column, sensitive: true, ...(reason ? { reason } : {}) });
        body[column] = value;
      }
      continue;
    }
    if (!exists || !sameValue(row[column], value)) {
      const hide = sensitive.has(column);
      columns.push({ column, sensitive: hide, ...(hide ? {} : { before: exists ? row[column] ?? null : undefined, after: value }) });
      body[column] = value;
    }
  }
  for (const b of binds) {
    const before = row[`_${b.column}_value`];
    if (b.pending) {
      columns.push({ column: b.column, sensitive: false, before: exists ? before ?? null : undefined, after: `(${b.pending})` });
      continue;
    }
    if (!exists || String(before ?? '').toLowerCase() !== b.id) {
      columns.push({ column: b.column, sensitive: false, before: exists ? before ?? null : undefined, after: `${b.entitySet}(${b.id})` });
      body[`${b.navigation}@odata.bind`] = `/${b.entitySet}(${b.id})`;
    }
  }

  const associations: AssociationChange[] = [];
  for (const association of record.associations) {
    const target = await ctx.lookups.resolve(association.target);
    if (!exists || !(await isAssociated(ctx.api, record, association, target))) {
      associations.push({ relationship: association.relationship, target: describeKey(association.target), entitySet: association.target.entitySet, targetId: target });
    }
  }

  const action: Action = !exists ? 'create' : columns.length > 0 || associations.length > 0 ? 'update' : 'unchanged';
  return { action, table: record.table, entitySet: record.entitySet, id, path: record.path, columns, associations, body, digests };
}

/** Writes one planned record: the PATCH when columns differ, then the missing associations. */
export async function executePlan(ctx: EngineContext, plan: RecordPlan): Promise<void> {
  const solution = ctx.manifest.environment.solutionUniqueName;
  if (plan.action === 'create' || (plan.action === 'update' && plan.columns.length > 0)) {
    const headers: { [name: string]: string } = {};
    if (solution) headers['MSCRM.SolutionUniqueName'] = solution;
    // An update sends only the differing columns: If-Match makes sure it never creates a partial row.
    if (plan.action === 'update') headers['If-Match'] = '*';
    await ctx.api.request('PATCH', `${plan.entitySet}(${plan.id})`, { body: plan.body, headers });
    if (plan.digests && Object.keys(plan.digests).length > 0) ctx.ledger.setDigests(plan.id, plan.digests);
  }
  for (const a of plan.associations) {
    const response = await ctx.api.request('POST', `${plan.entitySet}(${plan.id})/${a.relationship}/$ref`, {
      body: { '@odata.id': ctx.api.rowUrl(a.entitySet, a.targetId!) },
      accept: [400],
    });
    if (response.status === 400 && !isDuplicate(response.body)) {
      throw new WebApiError(
        `Dataverse answered 400 to associating ${plan.path} with ${a.target} through ${a.relationship}: ${response.body?.error?.message ?? ''}`,
        400,
        response.body?.error?.code,
      );
    }
  }
}

/** Deletes one row the ownership record lists (404: already gone, e.g. by cascade). */
export async function executeDelete(ctx: EngineContext, plan: RecordPlan): Promise<boolean> {
  if (!ctx.ledger.has(plan.id) || ctx.manifest.records.some((r) => r.id.toLowerCase() === plan.id)) {
    throw new CliError(`refusing to delete ${plan.entitySet}(${plan.id}): the stack does not own it or still declares it.`);
  }
  if (!GUID.test(plan.id) || !ENTITY_SET.test(plan.entitySet)) {
    throw new CliError(
      `the ownership record lists '${plan.entitySet}(${plan.id})', which is not a row address: the note was edited. Fix: remove that entry from the note.`,
    );
  }
  const response = await ctx.api.request('DELETE', `${plan.entitySet}(${plan.id})`, { accept: [404] });
  ctx.ledger.forget(plan.id);
  return response.status !== 404;
}

export function deletePlan(entry: LedgerEntry): RecordPlan {
  return { action: 'delete', table: entry.table, entitySet: entry.entitySet, id: entry.id, path: entry.path, columns: [], associations: [] };
}

async function isAssociated(api: WebApi, record: ManifestRecord, association: ManifestAssociation, targetId: string): Promise<boolean> {
  const response = await api.request('GET', `${record.entitySet}(${record.id.toLowerCase()})/${association.relationship}/$ref`);
  const refs: any[] = response.body?.value ?? [];
  const suffix = `(${targetId.toLowerCase()})`;
  return refs.some((r) => String(r['@odata.id'] ?? '').toLowerCase().endsWith(suffix));
}

function isDuplicate(body: any): boolean {
  const code = String(body?.error?.code ?? '').toLowerCase();
  return code === DUPLICATE_KEY || /duplicate/i.test(String(body?.error?.message ?? ''));
}

/** An earlier record whose columns carry one of the lookup's key values, e.g. a custom API's unique name. */
function earlierCreator(lookup: ManifestLookup, earlier: ManifestRecord[]): string | undefined {
  const keys = new Set(Object.values(lookup.key ?? {}));
  return earlier.find((r) => Object.values(r.columns).some((v) => typeof v === 'string' && keys.has(v)))?.path;
}

/** Dataverse returns null for empty text; numbers and booleans come back typed. */
export function sameValue(actual: unknown, desired: unknown): boolean {
  const empty = (v: unknown) => v === undefined || v === null || v === '';
  if (empty(actual) && empty(desired)) return true;
  if (typeof desired === 'object' || typeof actual === 'object') return JSON.stringify(actual) === JSON.stringify(desired);
  return actual === desired;
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the order of `items`. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
