// The fake Web API's alternate keys and key-addressed writes (issue 16). Documented behaviour it
// follows (FAKE.md lists the sources):
// - keys: `POST EntityDefinitions(LogicalName='<t>')/Keys` with an EntityKeyMetadata (204 with
//   OData-EntityId), `GET|DELETE …/Keys(LogicalName='<k>')`; the index is built by a system job:
//   EntityKeyIndexStatus goes Pending → InProgress → Active, or Failed when rows share key values,
//   the job (AsyncJob, an asyncoperation) holding the message; at most 10 keys per table, 16 columns
//   ("Work with alternate keys");
// - rows by key: `PATCH <set>(<col>='v',…)` creates or updates (key values from the URL, not the
//   body), If-Match: * → 404 when absent, If-None-Match: * → 412 when present, `Prefer:
//   return=representation` → 201 / 200 with the selected columns ("Use Upsert", "Perform
//   conditional operations"); a key that is not Active or not defined → 400 ("Use an alternate key
//   to reference a record": "The key in the request URI is not valid …");
// - `POST <set>/Microsoft.Dynamics.CRM.UpsertMultiple` with `Targets` (`@odata.type`, `@odata.id`):
//   all or nothing on a standard table, 204 without a body (UpsertMultiple action reference).
// The failure message's wording is the fake's own: Microsoft does not document it; it names the
// duplicate rows, which is what the command line must pass on.
import { randomUUID } from 'crypto';
import { OpAnswer } from './fake-batch';
import { FakeStore, Row } from './fake-store';

interface FakeKey {
  readonly entity: string;
  readonly LogicalName: string;
  readonly SchemaName: string;
  readonly KeyAttributes: string[];
  readonly MetadataId: string;
  readonly AsyncJob: string;
  status: 'Pending' | 'InProgress' | 'Active' | 'Failed';
  /** Reads left before the index job ends. */
  readsLeft: number;
}

const KEYS = /^EntityDefinitions\(LogicalName='([a-z0-9_]+)'\)\/Keys$/;
const ONE_KEY = /^EntityDefinitions\(LogicalName='([a-z0-9_]+)'\)\/Keys\(LogicalName='([a-z0-9_]+)'\)$/;
const BY_KEY = /^([A-Za-z_]+)\(((?:[a-z0-9_]+=(?:'(?:[^']|'')*'|-?[0-9.]+),?)+)\)$/;
const UPSERT_MULTIPLE = /^([A-Za-z_]+)\/Microsoft\.Dynamics\.CRM\.UpsertMultiple$/;

const error = (status: number, code: string, message: string): OpAnswer => ({ status, body: { error: { code, message } } });

export class FakeMetadata {
  /** Reads of a key's status before its index job ends (Pending, InProgress, …, then Active or Failed). */
  public readsToBuild = 2;
  /** Jobs by id: the system job of each key's index. */
  public readonly jobs = new Map<string, Row>();
  private readonly keys: FakeKey[] = [];

  constructor(
    private readonly store: FakeStore,
    private readonly baseUrl: () => string,
  ) {}

  /** The key definitions of a table. */
  public keysOf(entity: string): FakeKey[] {
    return this.keys.filter((k) => k.entity === entity);
  }

  /** Answers the requests this module implements; undefined for the others. */
  public handle(method: string, path: string, headers: { [name: string]: any }, body: any, select: string | null): OpAnswer | undefined {
    let m = KEYS.exec(path);
    if (m && method === 'POST') return this.createKey(m[1], body);
    m = ONE_KEY.exec(path);
    if (m) return this.oneKey(method, m[1], m[2]);
    m = /^asyncoperations\(([0-9a-f-]{36})\)$/.exec(path);
    if (m && method === 'GET') {
      return this.jobs.has(m[1]) ? { status: 200, body: this.jobs.get(m[1]) } : error(404, '0x80040217', `asyncoperation With Id = ${m[1]} Does Not Exist`);
    }
    m = UPSERT_MULTIPLE.exec(path);
    if (m && method === 'POST') return this.upsertMultiple(m[1], body);
    m = BY_KEY.exec(path);
    if (m && method === 'PATCH' && !/^[0-9a-f-]{36}$/i.test(m[2])) return this.patchByKey(m[1], m[2], headers, body, select);
    return undefined;
  }

  private createKey(entity: string, body: any): OpAnswer {
    const attrs: unknown = body?.KeyAttributes;
    if (typeof body?.SchemaName !== 'string' || !Array.isArray(attrs) || attrs.length === 0 || attrs.length > 16) {
      return error(400, '0x80048d19', 'EntityKeyMetadata needs a SchemaName and 1 to 16 KeyAttributes.');
    }
    const logical = String(body.LogicalName ?? body.SchemaName).toLowerCase();
    if (this.keysOf(entity).some((k) => k.LogicalName === logical)) return error(400, '0x80048403', `An entity key with the name ${logical} already exists.`);
    if (this.keysOf(entity).length >= 10) return error(400, '0x80048403', `The entity ${entity} already has the maximum number of keys (10).`);
    const key: FakeKey = {
      entity,
      LogicalName: logical,
      SchemaName: body.SchemaName,
      KeyAttributes: attrs.map(String),
      MetadataId: randomUUID(),
      AsyncJob: randomUUID(),
      status: 'Pending',
      readsLeft: this.readsToBuild,
    };
    this.keys.push(key);
    this.jobs.set(key.AsyncJob, {
      asyncoperationid: key.AsyncJob,
      name: `Create index for ${body.DisplayName?.LocalizedLabels?.[0]?.Label ?? logical} for table ${entity}`,
      statuscode: 0,
      message: null,
      friendlymessage: null,
    });
    return { status: 204, headers: { 'OData-EntityId': `${this.baseUrl()}/api/data/v9.2/EntityDefinitions(LogicalName='${entity}')/Keys(${key.MetadataId})` } };
  }

  private oneKey(method: string, entity: string, logical: string): OpAnswer {
    const key = this.keysOf(entity).find((k) => k.LogicalName === logical);
    if (!key) return error(404, '0x80040217', `Could not find an entity key with the name ${logical} on ${entity}.`);
    if (method === 'DELETE') {
      this.keys.splice(this.keys.indexOf(key), 1);
      return { status: 204 };
    }
    if (method !== 'GET') return error(405, '0x8006088a', `${method} is not supported on an entity key.`);
    this.advance(key);
    const { entity: _e, readsLeft: _r, status, ...rest } = key;
    return { status: 200, body: { ...rest, EntityLogicalName: entity, EntityKeyIndexStatus: status } };
  }

  /** The index job moves on with each read; it fails when rows share the key's values. */
  private advance(key: FakeKey): void {
    if (key.status === 'Active' || key.status === 'Failed') return;
    if (key.readsLeft-- > 0) {
      key.status = 'InProgress';
      return;
    }
    const seen = new Map<string, string>();
    for (const row of this.store.rows(`${key.entity}s`)) {
      const value = JSON.stringify(key.KeyAttributes.map((c) => row[c] ?? null));
      if (key.KeyAttributes.every((c) => row[c] === undefined || row[c] === null)) continue;
      const other = seen.get(value);
      if (other) {
        key.status = 'Failed';
        const values = key.KeyAttributes.map((c) => `${c} = '${row[c]}'`).join(', ');
        const text = `Cannot create the index for key ${key.LogicalName}: the rows ${other} and ${row.id} of ${key.entity} have the same values (${values}).`;
        this.jobs.set(key.AsyncJob, { ...this.jobs.get(key.AsyncJob), statuscode: 31, message: `${text} Sql Number: 1505`, friendlymessage: text });
        return;
      }
      seen.set(value, String(row.id));
    }
    key.status = 'Active';
    this.jobs.set(key.AsyncJob, { ...this.jobs.get(key.AsyncJob), statuscode: 30 });
  }

  /** The row a key segment addresses, or an error when the segment is not an Active key of the table. */
  private find(set: string, segment: string): { values?: Row; id?: string; answer?: OpAnswer } {
    const values: Row = {};
    for (const m of segment.matchAll(/([a-z0-9_]+)=('(?:[^']|'')*'|-?[0-9.]+)/g)) {
      values[m[1]] = m[2].startsWith("'") ? m[2].slice(1, -1).replace(/''/g, "'") : Number(m[2]);
    }
    const entity = set.replace(/s$/, '');
    const columns = Object.keys(values).sort().join(',');
    const key = this.keysOf(entity).find((k) => [...k.KeyAttributes].sort().join(',') === columns && k.status === 'Active');
    if (!key) {
      const type = `Microsoft.Dynamics.CRM.${entity}`;
      return {
        answer: error(
          400,
          '0x80060891',
          `The key in the request URI is not valid for resource '${type}'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource '${type}'.`,
        ),
      };
    }
    const row = this.store.rows(set).find((r) => key.KeyAttributes.every((c) => r[c] === values[c]));
    return { values, id: row ? String(row.id) : undefined };
  }

  private patchByKey(set: string, segment: string, headers: { [name: string]: any }, body: any, select: string | null): OpAnswer {
    if (!this.store.has(set)) return error(404, '0x80060888', `Resource not found for the segment '${set}'.`);
    const found = this.find(set, segment);
    if (found.answer) return found.answer;
    const existing = found.id !== undefined;
    if (headers['if-match'] === '*' && !existing) return error(404, '0x80040217', `${set.replace(/s$/, '')} With Ids = ${segment} Do Not Exist`);
    if (headers['if-none-match'] === '*' && existing) return error(412, '0x80040237', 'A record with matching key values already exists.');
    const id = found.id ?? randomUUID();
    // Key values come from the URL: on update the body's copies are dropped, on create they are added.
    const changes = { ...(body ?? {}) };
    for (const [name, value] of Object.entries(changes)) {
      const bind = name.endsWith('@odata.bind') ? /^\/?([A-Za-z_]+)\((.+)\)$/.exec(String(value)) : null;
      if (!bind || /^[0-9a-f-]{36}$/i.test(bind[2])) continue;
      const target = this.find(bind[1], decodeURIComponent(bind[2]));
      if (target.answer) return target.answer;
      if (target.id === undefined) return error(404, '0x80040217', `${bind[1].replace(/s$/, '')} With Ids = ${decodeURIComponent(bind[2])} Do Not Exist`);
      changes[name] = `/${bind[1]}(${target.id})`;
    }
    for (const c of Object.keys(found.values!)) delete changes[c];
    const answer = this.store.patch(set, id, {} as any, existing ? changes : { ...found.values, ...changes }, 'fake');
    if (answer.status >= 300) return answer;
    if (!/return=representation/.test(String(headers.prefer ?? ''))) return { status: 204, headers: { 'OData-EntityId': `${this.baseUrl()}/api/data/v9.2/${set}(${id})` } };
    const row = this.store.get(set, id, select);
    return { status: existing ? 200 : 201, body: row.body };
  }

  private upsertMultiple(set: string, body: any): OpAnswer {
    const targets: unknown = body?.Targets;
    if (!Array.isArray(targets)) return error(400, '0x80048d19', "UpsertMultiple needs 'Targets'.");
    const snapshot = this.store.snapshot();
    for (const [i, t] of targets.entries()) {
      const m = new RegExp(`^${set}\\((.+)\\)$`).exec(String(t?.['@odata.id'] ?? ''));
      if (t?.['@odata.type'] !== `Microsoft.Dynamics.CRM.${set.replace(/s$/, '')}` || !m) {
        this.store.restore(snapshot);
        return error(400, '0x80048d19', `Targets[${i}] needs @odata.type and an @odata.id of ${set}.`);
      }
      const { '@odata.type': _t, '@odata.id': _i, ...columns } = t;
      const answer = this.patchByKey(set, decodeURIComponent(m[1]), {}, columns, null);
      if (answer.status >= 300) {
        this.store.restore(snapshot);
        return answer;
      }
    }
    return { status: 204 };
  }
}
