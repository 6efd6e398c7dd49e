// Change tracking (`entitychangetracking` records, issue 17): a property of the table definition,
// not a row. Read with `GET EntityDefinitions(LogicalName='<t>')?$select=LogicalName,EntitySetName,
// ChangeTrackingEnabled,CanChangeTrackingBeEnabled`; enabled, when it is false, the way Microsoft
// Learn documents a definition update ("Create and update table definitions using the Web API"):
// the whole definition is read, `ChangeTrackingEnabled` set to true, and the definition PUT back
// with `MSCRM.MergeLabels: true` (PATCH is not supported on definitions; without the header labels
// in other languages would be lost). Then it is read again: apply reports success only when
// Dataverse says change tracking is on. Nothing is published: Microsoft Learn ("Publish
// customizations") says publishing makes the web application aware of changes that affect the user
// interface, which change tracking does not, and PublishXml would also publish other people's
// pending customizations of the table. The table is not added to the solution. Microsoft Learn ("Use change tracking to
// synchronize data with external systems"): once enabled it cannot be disabled, so prune never
// writes: it forgets the record and says so.
import { mapLimit, RecordPlan } from './engine';
import { CliError } from './errors';
import type { LedgerEntry } from './ledger';
import { Row } from './rows';
import { WebApi } from './webapi';
import { CHANGE_TRACKING_SELECT, CHANGE_TRACKING_TABLE, entityDefinitionPath, MERGE_LABELS_HEADER } from '../dataverse/change-tracking-metadata';
import { ManifestRecord } from '../dataverse/manifest';

/** Whether a record (or ledger entry) is a table's change tracking. */
export function isChangeTrackingRecord(r: { table: string }): boolean {
  return r.table === CHANGE_TRACKING_TABLE;
}

/** The table definition a record is about (the ledger keeps it, so that prune can name the table). */
export function changeTrackingAddress(r: ManifestRecord): string {
  return entityDefinitionPath(String(r.columns.logicalname));
}

/** The table a ledger entry's address names, if it is a definition address. */
function tableOfAddress(address: unknown): string | undefined {
  const m = typeof address === 'string' ? /^EntityDefinitions\(LogicalName='([a-z][a-z0-9_]*)'\)$/.exec(address) : null;
  return m ? m[1] : undefined;
}

/** What prune says instead of deleting: change tracking stays on. */
export function forgottenLine(entry: LedgerEntry, future: boolean): string {
  const table = tableOfAddress(entry.address);
  const what = table ? `table '${table}'` : 'the table';
  return `  - ${future ? 'forget' : 'forgot'} ${entry.table} ${entry.path} (${entry.id}): change tracking stays enabled on ${what}; Dataverse cannot turn it off (permanent), so prune only removes the record from the ownership note`;
}

/** The definitions' current state by record id (absent: no such table). One request per table. */
export async function readChangeTracking(api: WebApi, records: ManifestRecord[], parallelism: number): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  await mapLimit(records, parallelism, async (r) => {
    const row = await readDefinition(api, String(r.columns.logicalname));
    if (row) found.set(r.id.toLowerCase(), row);
  });
  return found;
}

async function readDefinition(api: WebApi, table: string): Promise<Row | undefined> {
  const address = entityDefinitionPath(table);
  const response = await api.request('GET', `${address}?$select=${CHANGE_TRACKING_SELECT}`, { accept: [404], headers: { Consistency: 'Strong' } });
  if (response.status === 404) return undefined;
  const b = response.body ?? {};
  if (b.LogicalName !== table || typeof b.ChangeTrackingEnabled !== 'boolean') {
    throw new CliError(
      `Dataverse answered GET ${address} with something that is not that table's definition (LogicalName ${JSON.stringify(b.LogicalName)}, ChangeTrackingEnabled ${JSON.stringify(b.ChangeTrackingEnabled)}).`,
    );
  }
  const can = b.CanChangeTrackingBeEnabled;
  return {
    changetrackingenabled: b.ChangeTrackingEnabled,
    entitysetname: b.EntitySetName ?? null,
    canbeenabled: typeof can === 'object' && can !== null ? can.Value !== false : can !== false,
  };
}

/** Compares a record with the table's definition: unchanged when on, an update when off. */
export async function planChangeTracking(record: ManifestRecord, current: Row | undefined): Promise<RecordPlan> {
  const id = record.id.toLowerCase();
  const table = String(record.columns.logicalname);
  const base = { table: record.table, entitySet: record.entitySet, id, path: record.path, associations: [] };
  if (!current) {
    throw new CliError(
      `${record.path}: the table '${table}' does not exist in this environment (GET ${entityDefinitionPath(table)} answered 404). Fix: use the table's logical name, or create the table (import its solution) first.`,
    );
  }
  const wantedSet = String(record.columns.entitysetname);
  if (current.entitysetname !== wantedSet) {
    throw new CliError(
      `${record.path}: the table '${table}' has the entity set name '${current.entitysetname}', but the manifest has '${wantedSet}' (the change-tracking function would read the wrong URL). Fix: set entitySetName: '${current.entitysetname}' for '${table}'.`,
    );
  }
  if (current.changetrackingenabled === true) return { ...base, action: 'unchanged', columns: [] };
  if (!current.canbeenabled) {
    throw new CliError(
      `${record.path}: change tracking cannot be enabled on the table '${table}' (CanChangeTrackingBeEnabled is false). Fix: export another table, or remove '${table}' from the tables.`,
    );
  }
  return { ...base, action: 'update', columns: [{ column: 'changetrackingenabled', before: false, after: true, sensitive: false }] };
}

/** Enables change tracking where the plan says so, one table at a time; returns the failures. */
export async function writeChangeTrackingPlans(
  api: WebApi,
  plans: RecordPlan[],
  tableOf: (plan: RecordPlan) => string,
  done: (plan: RecordPlan) => void,
): Promise<{ applied: RecordPlan[]; failures: { path: string; message: string }[] }> {
  const applied: RecordPlan[] = [];
  const failures: { path: string; message: string }[] = [];
  for (const plan of plans) {
    try {
      if (plan.action === 'update') await enable(api, tableOf(plan));
      applied.push(plan);
      done(plan);
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      failures.push({ path: plan.path, message: e.message });
    }
  }
  return { applied, failures };
}

/** GET the whole definition, set the property, PUT it back with MergeLabels, read it again. */
async function enable(api: WebApi, table: string): Promise<void> {
  const address = entityDefinitionPath(table);
  const definition = (await api.request('GET', address, { headers: { Consistency: 'Strong' } })).body;
  if (!definition || typeof definition !== 'object' || definition.LogicalName !== table || typeof definition.MetadataId !== 'string') {
    throw new CliError(`Dataverse answered GET ${address} with something that is not that table's definition (no LogicalName '${table}' or MetadataId); nothing was written.`);
  }
  await api.request('PUT', address, { body: { ...definition, ChangeTrackingEnabled: true }, headers: { [MERGE_LABELS_HEADER]: 'true' } });
  const after = await readDefinition(api, table);
  if (after?.changetrackingenabled !== true) {
    throw new CliError(
      `Dataverse accepted the update of ${address}, but reading it again gives ChangeTrackingEnabled ${JSON.stringify(after?.changetrackingenabled ?? null)}: change tracking is not on. Fix: check the table in the maker portal (Advanced options, Track changes) and run apply again.`,
    );
  }
}
