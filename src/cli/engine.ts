import { BatchOperation } from './batch';
import { planChangeTracking, readChangeTracking } from './change-tracking';
import { CliError, WebApiError } from './errors';
import { OutputValues } from './inputs';
import { createKeyRequest, planKey, readKeys } from './keys';
import { kindOf } from './kinds';
import { Ledger, LedgerEntry } from './ledger';
import { describeKey, LookupNotFoundError, LookupResolver } from './lookups';
import { readRows, Row } from './rows';
import { WebApi } from './webapi';
import { IMMUTABLE_COLUMNS } from '../dataverse/immutable-columns';
import { ManifestAssociation, ManifestLookup, ManifestRecord, RegistrationManifest } from '../dataverse/manifest';

/** Dataverse's error code for "this association exists already". */
const DUPLICATE_KEY = '0x80040237';

/**
 * `replace`: a column Dataverse sets only at creation differs (the Web API would ignore the new value
 * on update), so the row is deleted, then created with every column.
 */
export type Action = 'create' | 'update' | 'replace' | 'unchanged' | 'delete';

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
  /** Internal: a lookup waits for a record of this run (plan shows it as pending). */
  readonly pending?: boolean;
  /** For `replace`: the columns that cannot change after creation, and their values before and after. */
  readonly immutable?: ColumnChange[];
  /** Why a row is created although it exists (Dataverse deletes it with the parent being replaced). */
  readonly recreated?: string;
}

/** Everything an operation needs. */
export interface EngineContext {
  readonly manifest: RegistrationManifest;
  readonly api: WebApi;
  readonly lookups: LookupResolver;
  readonly outputs: OutputValues;
  readonly ledger: Ledger;
  /** Records read at most this many requests at a time. */
  readonly parallelism: number;
}

/**
 * How one kind of record is read, compared with what Dataverse holds, and written. A kind
 * (kinds.ts) names its strategy; a new kind of record (an alternate key created through
 * EntityDefinitions, change tracking enabled by a metadata update) adds one here without touching
 * the commands or the writer.
 */
export interface ApplyStrategy {
  /** The current state of the records, by lowercase id (absent: not there). */
  read(api: WebApi, records: ManifestRecord[], parallelism: number): Promise<Map<string, Row>>;
  /** Compares one record with its current state. */
  plan(ctx: EngineContext, record: ManifestRecord, row: Row | undefined, earlier?: ManifestRecord[]): Promise<RecordPlan>;
  /** The requests that carry out a plan; they go into their level's change set. */
  operations(manifest: RegistrationManifest, plan: RecordPlan): BatchOperation[];
}

const ROW_STRATEGY: ApplyStrategy = {
  read: readTableRows,
  plan: planRow,
  operations: (manifest, plan) => {
    const op = upsertOperation(manifest, plan);
    // A replace deletes the row first, in the same change set: both commit or neither does.
    const del: BatchOperation[] = plan.action === 'replace' ? [{ method: 'DELETE', url: `${plan.entitySet}(${plan.id})` }] : [];
    return op ? [...del, op] : del;
  },
};

/** Alternate keys (keys.ts): read by name, created with POST EntityDefinitions(...)/Keys, never updated. */
const KEY_STRATEGY: ApplyStrategy = {
  read: readKeys,
  plan: (_ctx, record, row) => planKey(record, row),
  operations: (manifest, plan) => (plan.action === 'create' ? [createKeyRequest(manifest, plan)] : []),
};

/**
 * Change tracking (change-tracking.ts): read from the table definition, enabled with a PUT of the
 * definition that apply sends itself (never in a change set); no operations for the writer.
 */
const CHANGE_TRACKING_STRATEGY: ApplyStrategy = {
  read: readChangeTracking,
  plan: (_ctx, record, row) => planChangeTracking(record, row),
  operations: () => [],
};

const STRATEGIES: { readonly [name: string]: ApplyStrategy } = { row: ROW_STRATEGY, entitykey: KEY_STRATEGY, changetracking: CHANGE_TRACKING_STRATEGY };

function strategyOf(table: string, entitySet: string): ApplyStrategy {
  const name = kindOf(table, entitySet).strategy;
  const strategy = STRATEGIES[name];
  if (!strategy) throw new Error(`no apply strategy '${name}' for ${table}`);
  return strategy;
}

/** The current state of the manifest's records, each kind read by its strategy. */
export async function readCurrentRows(api: WebApi, records: ManifestRecord[], parallelism: number): Promise<Map<string, Row>> {
  const byStrategy = new Map<ApplyStrategy, ManifestRecord[]>();
  for (const r of records) {
    const s = strategyOf(r.table, r.entitySet);
    byStrategy.set(s, [...(byStrategy.get(s) ?? []), r]);
  }
  const found = new Map<string, Row>();
  for (const rows of await Promise.all([...byStrategy].map(([s, rs]) => s.read(api, rs, parallelism)))) for (const [id, row] of rows) found.set(id, row);
  return found;
}

/** Compares one record with its current state (its kind's strategy). */
export function planRecord(ctx: EngineContext, record: ManifestRecord, row: Row | undefined, earlier?: ManifestRecord[]): Promise<RecordPlan> {
  return strategyOf(record.table, record.entitySet).plan(ctx, record, row, earlier);
}

/** The requests that carry out a plan (its kind's strategy). */
export function writeOperations(manifest: RegistrationManifest, plan: RecordPlan): BatchOperation[] {
  return strategyOf(plan.table, plan.entitySet).operations(manifest, plan);
}

/**
 * Rows: one query per table (chunked and paged, rows.ts), selecting the columns the records set,
 * their lookups and the flags of write-only columns.
 */
async function readTableRows(api: WebApi, records: ManifestRecord[], parallelism: number): Promise<Map<string, Row>> {
  const bySet = new Map<string, ManifestRecord[]>();
  for (const r of records) bySet.set(r.entitySet, [...(bySet.get(r.entitySet) ?? []), r]);
  const found = new Map<string, Row>();
  await mapLimit([...bySet.values()], parallelism, async (group) => {
    const kind = kindOf(group[0].table, group[0].entitySet);
    const select = new Set<string>();
    for (const r of group) {
      const writeOnly = new Set(r.writeOnly);
      for (const c of Object.keys(r.columns)) if (!writeOnly.has(c)) select.add(c);
      for (const o of r.fromOutputs) if (!writeOnly.has(o.column)) select.add(o.column);
      for (const b of [...r.references, ...r.lookups]) select.add(`_${b.column}_value`);
      for (const c of writeOnly) if (kind.writeOnlyFlags[c]) select.add(kind.writeOnlyFlags[c]);
    }
    const rows = await readRows(
      api,
      group[0].entitySet,
      kind.primaryKey,
      group.map((r) => r.id.toLowerCase()),
      [...select].sort(),
    );
    for (const [id, row] of rows) found.set(id, row);
  });
  return found;
}

/**
 * Dependency level of each record: 0 without references to other records of the manifest, else
 * one more than the deepest record it references. Records of one level never reference each other.
 */
export function dependencyLevels(records: ManifestRecord[]): Map<string, number> {
  const byId = new Map(records.map((r) => [r.id.toLowerCase(), r]));
  const levels = new Map<string, number>();
  const visit = (r: ManifestRecord, seen: Set<string>): number => {
    const id = r.id.toLowerCase();
    const known = levels.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0; // a cycle cannot be written in any order; Dataverse will say so
    seen.add(id);
    const targets = r.references.map((ref) => byId.get(ref.id.toLowerCase())).filter((t): t is ManifestRecord => t !== undefined);
    const level = targets.length === 0 ? 0 : 1 + Math.max(...targets.map((t) => visit(t, seen)));
    levels.set(id, level);
    return level;
  };
  for (const r of records) visit(r, new Set());
  return levels;
}

/**
 * Compares one record with its row (`undefined`: no row). `earlier` lets a lookup that finds
 * nothing pass as pending when an earlier record of the manifest carries the key (a custom API
 * creates its own sdkmessage): apply resolves it after that record is written.
 */
async function planRow(ctx: EngineContext, record: ManifestRecord, row: Row | undefined, earlier?: ManifestRecord[]): Promise<RecordPlan> {
  const desired: { [column: string]: unknown } = { ...record.columns };
  const sensitive = new Set(record.writeOnly);
  for (const o of record.fromOutputs) {
    desired[o.column] = ctx.outputs.get(o.output);
    if (o.sensitive) sensitive.add(o.column);
  }
  const writeOnly = new Set(record.writeOnly);
  const flags = kindOf(record.table, record.entitySet).writeOnlyFlags;

  // Bindings: references to rows of the manifest and lookups to rows of the environment.
  const binds: { column: string; navigation: string; entitySet: string; id?: string; pending?: string }[] = [];
  for (const ref of record.references) {
    binds.push({ column: ref.column, navigation: ref.navigation, entitySet: ref.entitySet, id: ref.id.toLowerCase() });
  }
  const resolved = await Promise.allSettled(record.lookups.map((lookup) => ctx.lookups.resolve(lookup)));
  record.lookups.forEach((lookup, i) => {
    const r = resolved[i];
    if (r.status === 'fulfilled') {
      binds.push({ column: lookup.column, navigation: lookup.navigation, entitySet: lookup.entitySet, id: r.value });
      return;
    }
    const creator = r.reason instanceof LookupNotFoundError && earlier ? earlierCreator(lookup, earlier) : undefined;
    if (!creator) throw r.reason;
    binds.push({ column: lookup.column, navigation: lookup.navigation, entitySet: lookup.entitySet, pending: `resolved after ${creator} is written` });
  });

  const id = record.id.toLowerCase();
  const exists = row !== undefined;
  const current = row ?? {};
  const columns: ColumnChange[] = [];
  const body: { [key: string]: unknown } = {};
  const digests: { [column: string]: string } = {};
  for (const [column, value] of Object.entries(desired)) {
    if (writeOnly.has(column)) {
      const { digest, recorded } = await ctx.ledger.compareSecret(id, column, value);
      digests[column] = digest;
      const reason = !exists
        ? undefined
        : flags[column] && current[flags[column]] === false
          ? `not set in Dataverse (${flags[column]} is false)`
          : recorded === 'none'
            ? 'no digest of the value last sent is recorded yet'
            : recorded === 'different'
              ? 'the value changed'
              : undefined;
      if (!exists || reason) {
        columns.push({ column, sensitive: true, ...(reason ? { reason } : {}) });
        body[column] = value;
      }
      continue;
    }
    if (!exists || !sameValue(current[column], value)) {
      const hide = sensitive.has(column);
      columns.push({ column, sensitive: hide, ...(hide ? {} : { before: exists ? (current[column] ?? null) : undefined, after: value }) });
      body[column] = value;
    }
  }
  for (const b of binds) {
    const before = current[`_${b.column}_value`];
    if (b.pending) {
      columns.push({ column: b.column, sensitive: false, before: exists ? (before ?? null) : undefined, after: `(${b.pending})` });
      continue;
    }
    if (!exists || String(before ?? '').toLowerCase() !== b.id) {
      columns.push({ column: b.column, sensitive: false, before: exists ? (before ?? null) : undefined, after: `${b.entitySet}(${b.id})` });
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

  const locked = exists ? columns.filter((c) => (IMMUTABLE_COLUMNS[record.table] ?? []).includes(c.column)) : [];
  if (locked.length > 0) {
    // Planned as the row's creation (every column, binding and association), after its deletion.
    const created = await planRow(ctx, record, undefined, earlier);
    return { ...created, action: 'replace', immutable: locked };
  }
  const action: Action = !exists ? 'create' : columns.length > 0 || associations.length > 0 ? 'update' : 'unchanged';
  const pending = binds.some((b) => b.pending !== undefined);
  return { action, table: record.table, entitySet: record.entitySet, id, path: record.path, columns, associations, body, digests, ...(pending ? { pending } : {}) };
}

/** The upsert of a planned record, or undefined when its columns need no write. */
function upsertOperation(manifest: RegistrationManifest, plan: RecordPlan): BatchOperation | undefined {
  if (plan.action !== 'create' && plan.action !== 'replace' && !(plan.action === 'update' && plan.columns.length > 0)) return undefined;
  const headers: { [name: string]: string } = {};
  const solution = manifest.environment.solutionUniqueName;
  if (solution) headers['MSCRM.SolutionUniqueName'] = solution;
  // An update sends only the differing columns: If-Match makes sure it never creates a partial row.
  if (plan.action === 'update') headers['If-Match'] = '*';
  return { method: 'PATCH', url: `${plan.entitySet}(${plan.id})`, headers, body: plan.body };
}

/** Makes the missing associations of a written record (a duplicate-key answer counts as done). */
export async function associate(ctx: EngineContext, plan: RecordPlan): Promise<void> {
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

/**
 * Records whose parent is replaced: Dataverse deletes a Custom API's request parameters and
 * response properties with it (parental relationships), so every record that references a replaced
 * (or so recreated) record is planned as a creation, whatever its row holds now. Transitive.
 */
export async function planCascades(ctx: EngineContext, records: ManifestRecord[], plans: RecordPlan[]): Promise<RecordPlan[]> {
  const out = [...plans];
  const index = new Map(out.map((p, i) => [p.id, i]));
  const gone = new Map(out.filter((p) => p.action === 'replace').map((p) => [p.id, p.path]));
  for (let grew = gone.size > 0; grew;) {
    grew = false;
    for (const r of records) {
      const id = r.id.toLowerCase();
      const i = index.get(id);
      if (i === undefined || gone.has(id)) continue;
      const parent = r.references.find((ref) => gone.has(ref.id.toLowerCase()));
      if (!parent) {
        const replacedCreator = messageOfReplacedApi(r, out, records);
        if (replacedCreator) {
          throw new CliError(
            `${r.path} looks up a row that ${replacedCreator} creates (its message), and ${replacedCreator} must be replaced: Dataverse deletes that row with it, so ${r.path} would point at nothing. Fix: apply once without ${r.path} (remove it, apply --prune), then add it back; or keep the Custom API's unchangeable columns as they were.`,
          );
        }
        continue;
      }
      const created = await planRow(ctx, r, undefined, records.slice(0, records.indexOf(r)));
      out[i] = { ...created, recreated: `Dataverse deletes it with ${gone.get(parent.id.toLowerCase())}, which is replaced` };
      gone.set(id, r.path);
      grew = true;
    }
  }
  return out;
}

export function deletePlan(entry: LedgerEntry): RecordPlan {
  return { action: 'delete', table: entry.table, entitySet: entry.entitySet, id: entry.id, path: entry.path, columns: [], associations: [] };
}

async function isAssociated(api: WebApi, record: ManifestRecord, association: ManifestAssociation, targetId: string): Promise<boolean> {
  const response = await api.request('GET', `${record.entitySet}(${record.id.toLowerCase()})/${association.relationship}/$ref`, { expect: 'collection' });
  const refs: any[] = response.body.value;
  const suffix = `(${targetId.toLowerCase()})`;
  return refs.some((r) =>
    String(r['@odata.id'] ?? '')
      .toLowerCase()
      .endsWith(suffix),
  );
}

function isDuplicate(body: any): boolean {
  const code = String(body?.error?.code ?? '').toLowerCase();
  return code === DUPLICATE_KEY || /duplicate/i.test(String(body?.error?.message ?? ''));
}

/** A replaced Custom API whose message (or its filter) one of the record's lookups finds: its path. */
function messageOfReplacedApi(record: ManifestRecord, plans: RecordPlan[], records: ManifestRecord[]): string | undefined {
  const apis = plans.filter((p) => p.action === 'replace' && p.table === 'customapi').map((p) => records.find((x) => x.id.toLowerCase() === p.id)!);
  for (const lookup of record.lookups) {
    if (lookup.table !== 'sdkmessage' && lookup.table !== 'sdkmessagefilter') continue;
    const values = new Set(Object.values(lookup.key ?? {}));
    const api = apis.find((a) => values.has(String(a.columns.uniquename)));
    if (api) return api.path;
  }
  return undefined;
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
