// Alternate keys (`entitykey` records): table metadata, not rows. Read by logical name
// (`GET EntityDefinitions(LogicalName='<table>')/Keys(LogicalName='<key>')`), created with
// `POST EntityDefinitions(LogicalName='<table>')/Keys` (microsoft/PowerApps-Samples
// CreateEntityKeyRequest.cs / RetrieveEntityKeyRequest.cs), then Dataverse builds the unique index in
// a system job: the command line polls EntityKeyIndexStatus (Pending, InProgress, Active, Failed)
// with a bound, and for a failed index reads the job (EntityKeyMetadata.AsyncJob → asyncoperation
// `message`, `friendlymessage`), whose text names the rows that break uniqueness. Keys are written
// one request each, never inside a $batch change set: Microsoft does not document metadata
// requests in change sets.
import { BatchOperation } from './batch';
import { mapLimit, RecordPlan } from './engine';
import { CliError } from './errors';
import { Ledger, LedgerEntry } from './ledger';
import { Row } from './rows';
import { WebApi } from './webapi';
import { ENTITY_KEY_TABLE, entityKeyMetadataBody, entityKeysPath } from '../dataverse/alternate-key-metadata';
import { ManifestRecord, RegistrationManifest } from '../dataverse/manifest';

/** `EntityDefinitions(LogicalName='<t>')/Keys(LogicalName='<k>')` with both names checked. */
const KEY_ADDRESS = /^EntityDefinitions\(LogicalName='[a-z][a-z0-9_]*'\)\/Keys\(LogicalName='[a-z][a-z0-9_]*'\)$/;

/** Whether a record is an alternate key. */
export function isKeyRecord(r: { table: string }): boolean {
  return r.table === ENTITY_KEY_TABLE;
}

/** Where a key record lives in the Web API (the ledger keeps it, so that prune can delete the key). */
export function keyAddress(r: ManifestRecord): string {
  return entityKeysPath(String(r.columns.entitylogicalname), String(r.columns.logicalname));
}

/** Whether a ledger entry's address is a key's (a tampered note cannot make prune delete a table). */
export function isKeyAddress(address: unknown): address is string {
  return typeof address === 'string' && KEY_ADDRESS.test(address);
}

/** The keys' current state by record id (absent: not there). Keys are read one request each. */
export async function readKeys(api: WebApi, records: ManifestRecord[], parallelism: number): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  await mapLimit(records, parallelism, async (r) => {
    const key = await readKey(api, keyAddress(r));
    if (key) found.set(r.id.toLowerCase(), key);
  });
  return found;
}

async function readKey(api: WebApi, address: string): Promise<Row | undefined> {
  const response = await api.request('GET', `${address}?$select=LogicalName,KeyAttributes,EntityKeyIndexStatus,AsyncJob`, { accept: [404], headers: { Consistency: 'Strong' } });
  if (response.status === 404) return undefined;
  const b = response.body ?? {};
  if (!Array.isArray(b.KeyAttributes) || typeof b.EntityKeyIndexStatus !== 'string') {
    throw new CliError(`Dataverse answered GET ${address} with something that is not an alternate key (no KeyAttributes list or EntityKeyIndexStatus).`);
  }
  return { keyattributes: b.KeyAttributes.join(','), status: b.EntityKeyIndexStatus, asyncjob: b.AsyncJob ?? null };
}

/** Compares a key record with the key Dataverse holds. A key's columns cannot change. */
export async function planKey(record: ManifestRecord, current: Row | undefined): Promise<RecordPlan> {
  const id = record.id.toLowerCase();
  const base = { table: record.table, entitySet: record.entitySet, id, path: record.path, associations: [] };
  const wanted = String(record.columns.keyattributes);
  if (!current) {
    const columns = Object.entries(record.columns).map(([column, after]) => ({ column, after, sensitive: false }));
    return { ...base, action: 'create', columns, body: entityKeyMetadataBody(record.columns) };
  }
  if (current.keyattributes !== wanted) {
    throw new CliError(
      `${record.path}: the alternate key ${keyAddress(record)} exists on columns ${current.keyattributes}, but the manifest has ${wanted}; Dataverse cannot change a key's columns. Fix: give the key a new schemaName (and prune the old one), or delete the key in Dataverse first.`,
    );
  }
  return { ...base, action: 'unchanged', columns: [] };
}

/** The request that creates a key. */
export function createKeyRequest(manifest: RegistrationManifest, plan: RecordPlan): BatchOperation {
  const solution = manifest.environment.solutionUniqueName;
  const c = Object.fromEntries(plan.columns.map((x) => [x.column, x.after]));
  return { method: 'POST', url: entityKeysPath(String(c.entitylogicalname)), headers: solution ? { 'MSCRM.SolutionUniqueName': solution } : {}, body: plan.body as any };
}

/** Seconds between two reads of a key's index status. */
export const KEY_POLL_SECONDS = 5;

/** How long and how often apply waits for the keys' indexes. */
export interface KeyWait {
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
  /** Sleeps (tests pass a fake clock). */
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Polls every key until its index is Active, a bounded number of times, reporting progress. A
 * failed index is an error with the job's message (the rows that break uniqueness); a key still
 * building at the bound is an error that says so (apply can be run again: it waits again).
 */
export async function waitForKeys(api: WebApi, records: ManifestRecord[], wait: KeyWait, progress: (line: string) => void): Promise<string[]> {
  const failures: string[] = [];
  const rounds = Math.max(1, Math.ceil(wait.timeoutSeconds / Math.max(1, wait.intervalSeconds)));
  let pending = [...records];
  for (let round = 0; pending.length > 0; round++) {
    const still: ManifestRecord[] = [];
    for (const r of pending) {
      const key = await readKey(api, keyAddress(r));
      const name = `${r.columns.logicalname} on ${r.columns.entitylogicalname}`;
      if (!key) {
        failures.push(`${r.path}: the alternate key ${name} is gone (deleted while its index was being built).`);
      } else if (key.status === 'Active') {
        progress(`  key ${name}: index Active`);
      } else if (key.status === 'Failed') {
        failures.push(
          `${r.path}: the index of alternate key ${name} failed: ${await jobMessage(api, key.asyncjob)} Fix: make the rows unique on ${r.columns.keyattributes} (or remove the duplicates), then run apply again.`,
        );
      } else if (round + 1 >= rounds) {
        failures.push(
          `${r.path}: the index of alternate key ${name} is still ${key.status} after ${wait.timeoutSeconds} s. Fix: run apply again later (it waits again), or raise --key-timeout.`,
        );
      } else {
        progress(`  key ${name}: index ${key.status} (${round * wait.intervalSeconds} s)`);
        still.push(r);
      }
    }
    pending = still;
    if (pending.length > 0) await wait.sleep(wait.intervalSeconds * 1000);
  }
  return failures;
}

/** The failed index job's message (asyncoperation `friendlymessage` or `message`). */
async function jobMessage(api: WebApi, job: unknown): Promise<string> {
  if (typeof job !== 'string' || !/^[0-9a-f-]{36}$/i.test(job)) return 'Dataverse gives no system job for it.';
  const response = await api.request('GET', `asyncoperations(${job.toLowerCase()})?$select=message,friendlymessage`, { accept: [404] });
  if (response.status === 404) return `its system job asyncoperations(${job}) is gone.`;
  const text = response.body?.friendlymessage || response.body?.message;
  return typeof text === 'string' && text.trim()
    ? `${text.trim().replace(/\s+/g, ' ')}${/[.!]$/.test(text.trim()) ? '' : '.'}`
    : `its system job asyncoperations(${job}) gives no message.`;
}

/** The delete of a pruned key, from its ledger entry (its address is checked first). */
export function deleteKeyOperations(entry: LedgerEntry): BatchOperation[] {
  if (!isKeyAddress(entry.address)) throw new CliError(`${entry.path}: the ownership note gives no valid address for this alternate key; left alone.`);
  return [{ method: 'DELETE', url: entry.address }];
}

/** Creates the keys a plan says are missing, one request each; returns the ones that failed. */
export async function writeKeyPlans(
  api: WebApi,
  ledger: Ledger,
  manifest: RegistrationManifest,
  plans: RecordPlan[],
  done: (plan: RecordPlan) => void,
): Promise<{ applied: RecordPlan[]; failures: { path: string; message: string }[] }> {
  const applied: RecordPlan[] = [];
  const failures: { path: string; message: string }[] = [];
  for (const plan of plans) {
    try {
      if (plan.action === 'create') {
        const op = createKeyRequest(manifest, plan);
        await api.request(op.method, op.url, { body: op.body, headers: op.headers });
        // Created by this app: prune may delete it once the manifest no longer declares it.
        ledger.setAddress(
          plan.id,
          entityKeysPath(String(plan.columns.find((c) => c.column === 'entitylogicalname')?.after), String(plan.columns.find((c) => c.column === 'logicalname')?.after)),
        );
      }
      applied.push(plan);
      done(plan);
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      failures.push({ path: plan.path, message: e.message });
    }
  }
  return { applied, failures };
}
