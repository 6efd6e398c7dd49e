// The fake Web API's rows and the row operations (see FAKE.md for the documented behaviours).
import * as http from 'http';
import type { OpAnswer } from './fake-batch';
import { Condition, meets, normalise, parseFilter } from './fake-filter';

export type Row = { [column: string]: any };

/** Navigation properties whose lookup column has another name. */
// Polymorphic lookups: the navigation property names the target table (contact.parentcustomerid: Microsoft Learn, contact table reference).
const NAVIGATION_COLUMNS: { [navigation: string]: string } = { eventhandler_serviceendpoint: 'eventhandler', parentcustomerid_account: 'parentcustomerid' };

/** Entity set of the rows a lookup column points to (for seeded rows and $filter navigation). */
const LOOKUP_TARGETS: { [column: string]: string } = {
  sdkmessageid: 'sdkmessages',
  sdkmessagefilterid: 'sdkmessagefilters',
  businessunitid: 'businessunits',
  parentbusinessunitid: 'businessunits',
  sdkmessageprocessingstepid: 'sdkmessageprocessingsteps',
};

/** Write-only columns and their flags, per entity set (serviceendpoint table reference). */
const WRITE_ONLY: { [entitySet: string]: { [column: string]: string } } = {
  serviceendpoints: { saskey: 'issaskeyset', sastoken: 'issastokenset', authvalue: 'isauthvalueset' },
};

/** Primary key column per entity set (Dataverse: `<table>id`). */
const PRIMARY_KEYS: { [entitySet: string]: string } = {
  serviceendpoints: 'serviceendpointid',
  sdkmessageprocessingsteps: 'sdkmessageprocessingstepid',
  sdkmessageprocessingstepimages: 'sdkmessageprocessingstepimageid',
  sdkmessages: 'sdkmessageid',
  sdkmessagefilters: 'sdkmessagefilterid',
  plugintypes: 'plugintypeid',
  roles: 'roleid',
  businessunits: 'businessunitid',
  systemusers: 'systemuserid',
  annotations: 'annotationid',
  customapis: 'customapiid',
  customapirequestparameters: 'customapirequestparameterid',
  customapiresponseproperties: 'customapiresponsepropertyid',
  accounts: 'accountid',
  asyncoperations: 'asyncoperationid',
};

const GUID = '[0-9a-fA-F-]{36}';
/** Columns Dataverse sets on a row it creates: a step starts Enabled (statecode 0, statuscode 1; sdkmessageprocessingstep table reference). */
const CREATED_DEFAULTS: { [entitySet: string]: Row } = { sdkmessageprocessingsteps: { statecode: 0, statuscode: 1 } };

/**
 * Columns Dataverse sets at creation only: an update's new value is ignored without an error
 * (Microsoft Learn, "CustomAPI tables": "Cannot be changed after it is saved"). Written from that
 * page, not from src/dataverse/immutable-columns.ts.
 */
const SET_ONCE: { [entitySet: string]: string[] } = {
  customapis: ['uniquename', 'bindingtype', 'boundentitylogicalname', 'isfunction', 'allowedcustomprocessingsteptype'],
  customapirequestparameters: ['uniquename', 'type', 'isoptional', 'logicalentityname'],
  customapiresponseproperties: ['uniquename', 'type', 'logicalentityname'],
};

/**
 * Parental relationships: deleting the parent deletes these children (Learn, customapi table
 * reference: customapi_customapirequestparameter and customapi_customapiresponseproperty cascade
 * delete). Child set → lookup column to the parent.
 */
const CASCADE_DELETE: { [parentSet: string]: { set: string; column: string }[] } = {
  customapis: [
    { set: 'customapirequestparameters', column: '_customapiid_value' },
    { set: 'customapiresponseproperties', column: '_customapiid_value' },
  ],
};

export class FakeStore {
  private tables = new Map<string, Map<string, Row>>();
  private secrets = new Map<string, Row>();
  private refs = new Map<string, Set<string>>();
  /** When false, `GET …/$ref` lists nothing (to exercise duplicate tolerance). */
  public listRefs = true;
  /** When true, collection queries ignore `$filter` (a server that answers with rows not asked for). */
  public ignoreFilter = false;

  constructor(private readonly url: () => string) {
    for (const set of Object.keys(PRIMARY_KEYS)) this.tables.set(set, new Map());
  }

  public has(set: string): boolean {
    return this.tables.has(set);
  }

  public seed(set: string, rows: Row[]): void {
    const table = this.table(set);
    for (const row of rows) table.set(String(row.id).toLowerCase(), { ...row, id: String(row.id).toLowerCase() });
  }

  public rows(set: string): Row[] {
    return [...this.table(set).values()];
  }

  public row(set: string, id: string): Row | undefined {
    return this.table(set).get(id.toLowerCase());
  }

  public secretsOf(set: string, id: string): Row {
    return this.secrets.get(`${set}(${id.toLowerCase()})`) ?? {};
  }

  public refsOf(set: string, id: string, relationship: string): string[] {
    return [...(this.refs.get(`${set}(${id.toLowerCase()})/${relationship}`) ?? [])];
  }

  /** A deep copy of everything, for the rollback of a failed change set. */
  public snapshot(): string {
    return JSON.stringify({
      tables: [...this.tables].map(([k, v]) => [k, [...v]]),
      secrets: [...this.secrets],
      refs: [...this.refs].map(([k, v]) => [k, [...v]]),
    });
  }

  public restore(snapshot: string): void {
    const s = JSON.parse(snapshot);
    this.tables = new Map(s.tables.map(([k, v]: [string, [string, Row][]]) => [k, new Map(v)]));
    this.secrets = new Map(s.secrets);
    this.refs = new Map(s.refs.map(([k, v]: [string, string[]]) => [k, new Set(v)]));
  }

  public get(set: string, id: string, select: string | null): OpAnswer {
    const row = this.table(set).get(id);
    if (!row) return notFound(id);
    return {
      status: 200,
      body: { '@odata.context': `${this.url()}/api/data/v9.2/$metadata#${set}/$entity`, '@odata.etag': `W/"${row.__version ?? 1}"`, ...this.project(set, row, select) },
    };
  }

  public patch(set: string, id: string, headers: http.IncomingHttpHeaders, body: any, user: string): OpAnswer {
    const table = this.table(set);
    const existing = table.get(id);
    if (headers['if-match'] === '*' && !existing) return notFound(id);
    if (headers['if-none-match'] === '*' && existing) return error(412, '0x80040237', 'A record with matching key values already exists.');
    const row: Row = existing ? { ...existing } : { id, _createdby_value: user, ...CREATED_DEFAULTS[set] };
    const secrets = { ...(this.secrets.get(`${set}(${id})`) ?? {}) };
    const flags = WRITE_ONLY[set] ?? {};
    for (const [key, value] of Object.entries<any>(body ?? {})) {
      if (key.endsWith('@odata.bind')) {
        const navigation = key.slice(0, -'@odata.bind'.length);
        const column = NAVIGATION_COLUMNS[navigation] ?? navigation.toLowerCase();
        const m = new RegExp(`^(?:.*/)?([A-Za-z_]+)\\((${GUID})\\)$`).exec(String(value));
        if (!m) return error(400, '0x80060891', `Invalid @odata.bind value '${value}'.`);
        if (!this.table(m[1]).has(m[2].toLowerCase())) return error(404, '0x80040217', `${m[1]} With Id = ${m[2]} Does Not Exist`);
        row[`_${column}_value`] = m[2].toLowerCase();
        row[`__target_${column}`] = m[1];
      } else if (flags[key]) {
        secrets[key] = value;
      } else if (existing && (SET_ONCE[set] ?? []).includes(key)) {
        continue; // Dataverse ignores it, and says nothing
      } else {
        row[key] = value;
      }
    }
    row.__version = (row.__version ?? 0) + 1;
    table.set(id, row);
    this.secrets.set(`${set}(${id})`, secrets);
    if (set === 'customapis' && !existing) this.customApiCreated(row);
    return { status: 204 };
  }

  public delete(set: string, id: string): OpAnswer {
    const row = this.table(set).get(id);
    if (!row) return notFound(id);
    // Microsoft Learn: only a disabled user can be deleted.
    if (set === 'systemusers' && row.isdisabled !== true) return error(400, '0x80040225', 'The user must be disabled before it can be deleted.');
    this.table(set).delete(id);
    this.secrets.delete(`${set}(${id})`);
    for (const child of CASCADE_DELETE[set] ?? []) {
      for (const r of this.rows(child.set)) if (r[child.column] === id) this.delete(child.set, r.id);
    }
    if (set === 'customapis') {
      // Its message (and filter) go with it.
      for (const m of this.rows('sdkmessages')) if (m.id === `5e1c0000-0000-4000-8000-${id.slice(-12)}`) this.table('sdkmessages').delete(m.id);
      for (const f of this.rows('sdkmessagefilters')) if (f.id === `5f1c0000-0000-4000-8000-${id.slice(-12)}`) this.table('sdkmessagefilters').delete(f.id);
    }
    if (set === 'serviceendpoints') {
      // Deleting an endpoint deletes its steps.
      for (const step of this.rows('sdkmessageprocessingsteps')) if (step._eventhandler_value === id) this.table('sdkmessageprocessingsteps').delete(step.id);
    }
    return { status: 204 };
  }

  public ref(method: string, set: string, id: string, relationship: string, body: any): OpAnswer {
    if (!this.table(set).has(id)) return notFound(id);
    const key = `${set}(${id})/${relationship}`;
    const refs = this.refs.get(key) ?? new Set<string>();
    this.refs.set(key, refs);
    if (method === 'GET') return { status: 200, body: { value: [...refs].filter(() => this.listRefs).map((r) => ({ '@odata.id': `${this.url()}/api/data/v9.2/${r}` })) } };
    if (method !== 'POST') return error(405, '0x8006088a', `${method} is not supported on $ref.`);
    const m = new RegExp(`/([A-Za-z_]+)\\((${GUID})\\)$`).exec(String(body?.['@odata.id'] ?? ''));
    if (!m) return error(400, '0x80060891', 'Invalid @odata.id.');
    const target = `${m[1]}(${m[2].toLowerCase()})`;
    if (!this.table(m[1]).has(m[2].toLowerCase())) return notFound(m[2]);
    if (refs.has(target)) return error(400, '0x80040237', 'Cannot insert duplicate key.');
    refs.add(target);
    return { status: 204 };
  }

  /** `GET <set>?$select&$filter&$top`, paged with `$skiptoken` / `@odata.nextLink`. */
  public query(set: string, params: URLSearchParams, pageSize: number): OpAnswer {
    const filter = params.get('$filter');
    let conditions: Condition[] = [];
    try {
      conditions = filter ? parseFilter(filter, params) : [];
    } catch (e) {
      return error(400, '0x80060888', `Could not parse $filter '${filter}': ${(e as Error).message}`);
    }
    let rows = [...this.table(set).values()].filter((row) => this.ignoreFilter || conditions.every((c) => meets(c, this.valueAt(set, row, c.path))));
    const top = params.get('$top');
    if (top !== null) rows = rows.slice(0, Number(top));
    const skip = Number(params.get('$skiptoken') ?? 0);
    const page = rows.slice(skip, skip + pageSize);
    const body: Row = {
      '@odata.context': `${this.url()}/api/data/v9.2/$metadata#${set}`,
      value: page.map((r) => ({ '@odata.etag': `W/"${r.__version ?? 1}"`, ...this.project(set, r, params.get('$select')) })),
    };
    if (top === null && skip + pageSize < rows.length) {
      const next = new URLSearchParams(params);
      next.set('$skiptoken', String(skip + pageSize));
      body['@odata.nextLink'] = `${this.url()}/api/data/v9.2/${set}?${next.toString()}`;
    }
    return { status: 200, body };
  }

  private table(set: string): Map<string, Row> {
    let t = this.tables.get(set);
    if (!t) {
      t = new Map();
      this.tables.set(set, t);
    }
    return t;
  }

  private project(set: string, row: Row, select: string | null): Row {
    const flags = WRITE_ONLY[set] ?? {};
    const secrets = this.secrets.get(`${set}(${row.id})`) ?? {};
    const visible = (column: string): any => {
      if (column === PRIMARY_KEYS[set]) return row.id;
      const flagOf = Object.entries(flags).find(([, flag]) => flag === column);
      if (flagOf) return secrets[flagOf[0]] !== undefined && secrets[flagOf[0]] !== null;
      if (flags[column]) return undefined; // write-only: never returned
      return row[column] ?? null;
    };
    const out: Row = {};
    const columns = select === null ? [...Object.keys(row).filter((k) => !k.startsWith('__') && !flags[k] && k !== 'id'), ...Object.values(flags)] : select.split(',');
    if (PRIMARY_KEYS[set]) out[PRIMARY_KEYS[set]] = row.id;
    for (const column of columns) {
      const value = visible(column);
      if (value !== undefined) out[column] = value;
    }
    return out;
  }

  /** Value of a property path (`name`, `_parentbusinessunitid_value`, `parentbusinessunitid`, `sdkmessageid/name`). */
  private valueAt(set: string, row: Row, path: string[]): any {
    const [head, ...rest] = path;
    if (rest.length === 0) {
      if (head === PRIMARY_KEYS[set]) return row.id;
      const lookup = `_${head}_value`;
      if (head in row) return normalise(row[head]);
      if (lookup in row || LOOKUP_TARGETS[head]) return normalise(row[lookup]);
      return normalise(row[head]);
    }
    const target = row[`__target_${head}`] ?? LOOKUP_TARGETS[head];
    const next = row[`_${head}_value`] && target ? this.table(target).get(row[`_${head}_value`]) : undefined;
    return next ? this.valueAt(target, next, rest) : null;
  }

  /** Creating a custom API creates its message (and, when bound, the message's filter). */
  private customApiCreated(row: Row): void {
    const messageId = `5e1c0000-0000-4000-8000-${row.id.slice(-12)}`;
    this.seed('sdkmessages', [{ id: messageId, sdkmessageid: messageId, name: row.uniquename }]);
    if (row.boundentitylogicalname) {
      const filterId = `5f1c0000-0000-4000-8000-${row.id.slice(-12)}`;
      this.seed('sdkmessagefilters', [{ id: filterId, sdkmessagefilterid: filterId, primaryobjecttypecode: row.boundentitylogicalname, _sdkmessageid_value: messageId }]);
    }
  }
}

function error(status: number, code: string, message: string): OpAnswer {
  return { status, body: { error: { code, message } } };
}

function notFound(id: string): OpAnswer {
  return error(404, '0x80040217', `Entity with Id = ${id} Does Not Exist`);
}
