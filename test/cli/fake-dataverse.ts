// A FAKE of the Dataverse Web API (v9.2) for the command line's tests. It runs in the test process
// on 127.0.0.1 (random port) and keeps rows in memory. It is NOT Dataverse: it implements only the
// documented behaviours the command line relies on —
//   - upsert by `PATCH <set>(<id>)`; `If-Match: *` = update only (404 when missing),
//     `If-None-Match: *` = create only (412 when present);
//   - `GET <set>(<id>)?$select=...`; write-only columns (saskey, sastoken, authvalue) are never
//     returned, their `is…set` flags are;
//   - `GET <set>?$filter=...&$select=...&$top=n` with `eq` comparisons joined by `and`, on plain
//     columns, lookups (`parentbusinessunitid eq null`) and one-hop navigation
//     (`sdkmessageid/name eq 'Create'`);
//   - `<navigation>@odata.bind` lookups, read back as `_<column>_value`;
//   - `POST <set>(<id>)/<relationship>/$ref` (duplicate → 400 0x80040237) and `GET …/$ref`;
//   - `DELETE <set>(<id>)`;
//   - creating a `customapis` row creates its `sdkmessages` row (and the filter when bound);
//   - bearer token check (401), a forbidden switch (403), unknown entity sets (404), and injected
//     faults (429 / 503 with Retry-After);
//   - every request is recorded with its headers (e.g. MSCRM.SolutionUniqueName).
import * as http from 'http';
import { AddressInfo } from 'net';

export interface FakeRequest {
  readonly method: string;
  /** Path below /api/data/v9.2/, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: any;
}

export interface Fault {
  readonly status: number;
  readonly retryAfter?: string;
  readonly method?: string;
  readonly pathIncludes?: string;
  /** How many matching requests get the fault. */
  times: number;
}

type Row = { [column: string]: any };

/** Navigation properties whose lookup column has another name. */
const NAVIGATION_COLUMNS: { [navigation: string]: string } = {
  eventhandler_serviceendpoint: 'eventhandler',
};

/** Entity set of the rows a lookup column points to (for seeded rows and $filter navigation). */
const LOOKUP_TARGETS: { [column: string]: string } = {
  sdkmessageid: 'sdkmessages',
  sdkmessagefilterid: 'sdkmessagefilters',
  businessunitid: 'businessunits',
  parentbusinessunitid: 'businessunits',
  sdkmessageprocessingstepid: 'sdkmessageprocessingsteps',
};

/** Write-only columns and their flags, per entity set. */
const WRITE_ONLY: { [entitySet: string]: { [column: string]: string } } = {
  serviceendpoints: { saskey: 'issaskeyset', sastoken: 'issastokenset', authvalue: 'isauthvalueset' },
};

const DEFAULT_SETS = [
  'serviceendpoints',
  'sdkmessageprocessingsteps',
  'sdkmessageprocessingstepimages',
  'sdkmessages',
  'sdkmessagefilters',
  'plugintypes',
  'roles',
  'businessunits',
  'systemusers',
  'annotations',
  'customapis',
  'customapirequestparameters',
  'customapiresponseproperties',
];

export class FakeDataverse {
  /** Starts a fake on 127.0.0.1 with a random port. */
  public static async start(): Promise<FakeDataverse> {
    const fake = new FakeDataverse();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The token the fake accepts. */
  public acceptedToken = 'fake-token';
  /** When true, every authenticated request gets 403 (no security role). */
  public forbidden = false;
  /** When false, `GET …/$ref` lists nothing (to exercise duplicate tolerance). */
  public listRefs = true;
  public readonly requests: FakeRequest[] = [];
  public readonly faults: Fault[] = [];
  /** Largest number of PATCH requests in flight at once. */
  public maxPatchInFlight = 0;
  /**
   * When set, a record PATCH is answered only once this many are in flight (or after 300 ms):
   * makes concurrency observable without depending on timing.
   */
  public patchBarrier = 0;

  private readonly tables = new Map<string, Map<string, Row>>();
  private readonly secrets = new Map<string, Row>();
  private readonly refs = new Map<string, Set<string>>();
  private patchInFlight = 0;
  private waiting: (() => void)[] = [];
  private readonly server: http.Server;

  private constructor() {
    for (const set of DEFAULT_SETS) this.tables.set(set, new Map());
    this.server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        void this.handle(req, text).then(
          ({ status, body, headers }) => {
            res.writeHead(status, { 'Content-Type': 'application/json; odata.metadata=minimal', ...headers });
            res.end(body === undefined ? '' : JSON.stringify(body));
          },
          (e) => {
            res.writeHead(500);
            res.end(JSON.stringify({ error: { code: 'fake', message: String(e?.stack ?? e) } }));
          },
        );
      });
    });
  }

  /** The environment URL to pass with --environment-url. */
  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Adds rows (lookups as `_<column>_value`). */
  public seed(entitySet: string, rows: Row[]): void {
    const table = this.table(entitySet);
    for (const row of rows) table.set(String(row.id).toLowerCase(), { ...row, id: String(row.id).toLowerCase() });
  }

  public rows(entitySet: string): Row[] {
    return [...this.table(entitySet).values()];
  }

  public row(entitySet: string, id: string): Row | undefined {
    return this.table(entitySet).get(id.toLowerCase());
  }

  /** The write-only values a row received (what Dataverse would keep but never return). */
  public secretsOf(entitySet: string, id: string): Row {
    return this.secrets.get(`${entitySet}(${id.toLowerCase()})`) ?? {};
  }

  public refsOf(entitySet: string, id: string, relationship: string): string[] {
    return [...(this.refs.get(`${entitySet}(${id.toLowerCase()})/${relationship}`) ?? [])];
  }

  /** Changes a column behind the command line's back (drift). */
  public edit(entitySet: string, id: string, changes: Row): void {
    Object.assign(this.table(entitySet).get(id.toLowerCase())!, changes);
  }

  public inject(fault: Fault): void {
    this.faults.push(fault);
  }

  /** Requests with a method (and optionally a path prefix). */
  public requestsOf(method: string, pathPrefix = ''): FakeRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  private table(entitySet: string): Map<string, Row> {
    let t = this.tables.get(entitySet);
    if (!t) {
      t = new Map();
      this.tables.set(entitySet, t);
    }
    return t;
  }

  private async handle(req: http.IncomingMessage, text: string): Promise<{ status: number; body?: any; headers?: any }> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const prefix = '/api/data/v9.2/';
    const path = decodeURIComponent(url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname);
    const method = req.method ?? 'GET';
    const body = text ? JSON.parse(text) : undefined;
    this.requests.push({ method, path, query: url.searchParams, headers: req.headers, body });

    if (!url.pathname.startsWith(prefix)) return error(404, '0x80060888', `Resource not found for the segment '${url.pathname}'.`);
    if (req.headers.authorization !== `Bearer ${this.acceptedToken}`) {
      return { status: 401, headers: { 'WWW-Authenticate': 'Bearer authorization_uri=https://login.microsoftonline.com/fake' } };
    }
    const fault = this.faults.find(
      (f) => f.times > 0 && (f.method === undefined || f.method === method) && (f.pathIncludes === undefined || path.includes(f.pathIncludes)),
    );
    if (fault) {
      fault.times--;
      return {
        status: fault.status,
        headers: fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {},
        body: { error: { code: '0x80072322', message: fault.status === 429 ? 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.' : 'Service Unavailable' } },
      };
    }
    if (this.forbidden) {
      return error(403, '0x80040220', 'Principal user (Id=00000000-0000-0000-0000-000000000000, type=8, roleCount=0) is missing prvReadSdkMessage privilege.');
    }

    const ref = /^([A-Za-z_]+)\(([0-9a-fA-F-]{36})\)\/([A-Za-z_]+)\/\$ref$/.exec(path);
    if (ref) return this.handleRef(method, ref[1], ref[2].toLowerCase(), ref[3], body);
    const single = /^([A-Za-z_]+)\(([0-9a-fA-F-]{36})\)$/.exec(path);
    if (single) {
      const [, set, rawId] = single;
      const id = rawId.toLowerCase();
      if (!this.tables.has(set)) return error(404, '0x80060888', `Resource not found for the segment '${set}'.`);
      if (method === 'GET') return this.get(set, id, url.searchParams);
      if (method === 'PATCH') return this.patch(set, id, req.headers, body);
      if (method === 'DELETE') return this.delete(set, id);
      return error(405, '0x8006088a', `${method} is not supported on a row.`);
    }
    const collection = /^([A-Za-z_]+)$/.exec(path);
    if (collection && method === 'GET') {
      if (!this.tables.has(collection[1])) return error(404, '0x80060888', `Resource not found for the segment '${collection[1]}'.`);
      return this.query(collection[1], url.searchParams);
    }
    return error(400, '0x80060891', `The fake does not implement ${method} ${path}.`);
  }

  private get(set: string, id: string, params: URLSearchParams) {
    const row = this.table(set).get(id);
    if (!row) return error(404, '0x80040217', `Entity with Id = ${id} Does Not Exist`);
    return { status: 200, body: { '@odata.etag': `W/"${row.__version ?? 1}"`, ...this.project(set, row, params.get('$select')) } };
  }

  private project(set: string, row: Row, select: string | null): Row {
    const flags = WRITE_ONLY[set] ?? {};
    const secrets = this.secrets.get(`${set}(${row.id})`) ?? {};
    const visible = (column: string): any => {
      const flagOf = Object.entries(flags).find(([, flag]) => flag === column);
      if (flagOf) return secrets[flagOf[0]] !== undefined && secrets[flagOf[0]] !== null;
      if (flags[column]) return undefined; // write-only: never returned
      return row[column] ?? null;
    };
    if (select === null) {
      const out: Row = {};
      for (const [k, v] of Object.entries(row)) if (!k.startsWith('__') && !flags[k]) out[k] = v;
      for (const flag of Object.values(flags)) out[flag] = visible(flag);
      return out;
    }
    const out: Row = { id: row.id };
    for (const column of select.split(',')) {
      const value = visible(column);
      if (value !== undefined) out[column] = value;
    }
    return out;
  }

  private patch(set: string, id: string, headers: http.IncomingHttpHeaders, body: any) {
    const table = this.table(set);
    const existing = table.get(id);
    if (headers['if-match'] === '*' && !existing) return error(404, '0x80040217', `Entity with Id = ${id} Does Not Exist`);
    if (headers['if-none-match'] === '*' && existing) return error(412, '0x80040237', 'A record with matching key values already exists.');
    const row: Row = existing ?? { id };
    const secrets = this.secrets.get(`${set}(${id})`) ?? {};
    const flags = WRITE_ONLY[set] ?? {};
    for (const [key, value] of Object.entries<any>(body ?? {})) {
      if (key.endsWith('@odata.bind')) {
        const navigation = key.slice(0, -'@odata.bind'.length);
        const column = NAVIGATION_COLUMNS[navigation] ?? navigation.toLowerCase();
        const m = /^\/?([A-Za-z_]+)\(([0-9a-fA-F-]{36})\)$/.exec(String(value));
        if (!m) return error(400, '0x80060891', `Invalid @odata.bind value '${value}'.`);
        if (!this.table(m[1]).has(m[2].toLowerCase())) {
          return error(404, '0x80040217', `${m[1]} With Id = ${m[2]} Does Not Exist`);
        }
        row[`_${column}_value`] = m[2].toLowerCase();
        row[`__target_${column}`] = m[1];
      } else if (flags[key]) {
        secrets[key] = value;
      } else {
        row[key] = value;
      }
    }
    row.__version = (row.__version ?? 0) + 1;
    this.patchInFlight++;
    this.maxPatchInFlight = Math.max(this.maxPatchInFlight, this.patchInFlight);
    const done = () => {
      this.patchInFlight--;
      table.set(id, row);
      this.secrets.set(`${set}(${id})`, secrets);
      if (set === 'customapis' && !existing) this.customApiCreated(row);
      return { status: 204 };
    };
    if (this.patchBarrier <= 1 || set === 'annotations') return done();
    return new Promise<{ status: number }>((resolve) => {
      this.waiting.push(() => resolve(done()));
      const release = () => {
        const all = this.waiting;
        this.waiting = [];
        all.forEach((r) => r());
      };
      if (this.waiting.length >= this.patchBarrier) release();
      else setTimeout(release, 300);
    });
  }

  /** Creating a custom API creates its message (and, when bound, the message's filter). */
  private customApiCreated(row: Row): void {
    const messageId = `5e1c0000-0000-4000-8000-${row.id.slice(-12)}`;
    this.seed('sdkmessages', [{ id: messageId, sdkmessageid: messageId, name: row.uniquename }]);
    if (row.boundentitylogicalname) {
      const filterId = `5f1c0000-0000-4000-8000-${row.id.slice(-12)}`;
      this.seed('sdkmessagefilters', [
        { id: filterId, sdkmessagefilterid: filterId, primaryobjecttypecode: row.boundentitylogicalname, _sdkmessageid_value: messageId },
      ]);
    }
  }

  private delete(set: string, id: string) {
    if (!this.table(set).delete(id)) return error(404, '0x80040217', `Entity with Id = ${id} Does Not Exist`);
    this.secrets.delete(`${set}(${id})`);
    return { status: 204 };
  }

  private handleRef(method: string, set: string, id: string, relationship: string, body: any) {
    if (!this.table(set).has(id)) return error(404, '0x80040217', `Entity with Id = ${id} Does Not Exist`);
    const key = `${set}(${id})/${relationship}`;
    const refs = this.refs.get(key) ?? new Set<string>();
    this.refs.set(key, refs);
    if (method === 'GET') {
      return { status: 200, body: { value: this.listRefs ? [...refs].map((r) => ({ '@odata.id': `${this.url}/api/data/v9.2/${r}` })) : [] } };
    }
    if (method !== 'POST') return error(405, '0x8006088a', `${method} is not supported on $ref.`);
    const m = /\/([A-Za-z_]+)\(([0-9a-fA-F-]{36})\)$/.exec(String(body?.['@odata.id'] ?? ''));
    if (!m) return error(400, '0x80060891', 'Invalid @odata.id.');
    const target = `${m[1]}(${m[2].toLowerCase()})`;
    if (!this.table(m[1]).has(m[2].toLowerCase())) return error(404, '0x80040217', `${target} Does Not Exist`);
    if (refs.has(target)) return error(400, '0x80040237', 'Cannot insert duplicate key.');
    refs.add(target);
    return { status: 204 };
  }

  private query(set: string, params: URLSearchParams) {
    const filter = params.get('$filter');
    let conditions: Condition[] = [];
    try {
      conditions = filter ? parseFilter(filter) : [];
    } catch (e) {
      return error(400, '0x80060891', `The fake cannot parse $filter '${filter}': ${(e as Error).message}`);
    }
    let rows = [...this.table(set).values()].filter((row) => conditions.every((c) => this.valueAt(row, c.path) === c.value));
    const top = params.get('$top');
    if (top !== null) rows = rows.slice(0, Number(top));
    return { status: 200, body: { value: rows.map((r) => this.project(set, r, params.get('$select'))) } };
  }

  /** Value of a property path (`name`, `parentbusinessunitid`, `sdkmessageid/name`). */
  private valueAt(row: Row, path: string[]): any {
    const [head, ...rest] = path;
    const lookup = `_${head}_value`;
    if (rest.length === 0) {
      if (head in row) return normalise(row[head]);
      if (lookup in row || LOOKUP_TARGETS[head]) return normalise(row[lookup]);
      return normalise(row[head]);
    }
    const target = row[`__target_${head}`] ?? LOOKUP_TARGETS[head];
    const next = row[lookup] && target ? this.table(target).get(row[lookup]) : undefined;
    return next ? this.valueAt(next, rest) : null;
  }
}

interface Condition {
  readonly path: string[];
  readonly value: any;
}

/** `a eq 'x' and b/c eq null and d eq 5` → conditions. */
function parseFilter(filter: string): Condition[] {
  const tokens = filter.match(/'(?:[^']|'')*'|[^\s]+/g) ?? [];
  const out: Condition[] = [];
  let i = 0;
  while (i < tokens.length) {
    const [path, op, literal] = tokens.slice(i, i + 3);
    if (op !== 'eq' || literal === undefined || !/^[A-Za-z_][A-Za-z0-9_/]*$/.test(path)) throw new Error(`unsupported near '${tokens.slice(i).join(' ')}'`);
    out.push({ path: path.split('/'), value: parseLiteral(literal) });
    i += 3;
    if (i < tokens.length) {
      if (tokens[i] !== 'and') throw new Error(`only 'and' is supported, not '${tokens[i]}'`);
      i++;
    }
  }
  return out;
}

function parseLiteral(literal: string): any {
  if (literal.startsWith("'")) return literal.slice(1, -1).replace(/''/g, "'");
  if (literal === 'null') return null;
  if (literal === 'true') return true;
  if (literal === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(literal)) return Number(literal);
  if (/^[0-9a-fA-F-]{36}$/.test(literal)) return literal.toLowerCase();
  throw new Error(`unsupported literal ${literal}`);
}

function normalise(v: any): any {
  return v === undefined ? null : typeof v === 'string' && /^[0-9a-fA-F-]{36}$/.test(v) ? v.toLowerCase() : v;
}

function error(status: number, code: string, message: string) {
  return { status, body: { error: { code, message } } };
}

/** Rows every environment has: messages, filters for a few tables, the root business unit, roles. */
export function seedStandardRows(fake: FakeDataverse): void {
  const messages = { Create: '20bebb1b-ea3e-db11-86a7-000a3a5473e8', Update: '20bebb1b-ea3e-db11-86a7-000a3a5473e9', Delete: '20bebb1b-ea3e-db11-86a7-000a3a5473ea' };
  fake.seed(
    'sdkmessages',
    Object.entries(messages).map(([name, id]) => ({ id, sdkmessageid: id, name })),
  );
  let n = 0;
  const filters: Row[] = [];
  for (const table of ['salesorder', 'account', 'contact']) {
    for (const messageId of Object.values(messages)) {
      const id = `4a1c0000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
      filters.push({ id, sdkmessagefilterid: id, primaryobjecttypecode: table, _sdkmessageid_value: messageId });
    }
  }
  fake.seed('sdkmessagefilters', filters);
  const root = '6b1c0000-0000-4000-8000-000000000001';
  const child = '6b1c0000-0000-4000-8000-000000000002';
  fake.seed('businessunits', [
    { id: root, businessunitid: root, name: 'contoso', _parentbusinessunitid_value: null },
    { id: child, businessunitid: child, name: 'sales', _parentbusinessunitid_value: root },
  ]);
  fake.seed('roles', [
    { id: '7c1c0000-0000-4000-8000-000000000001', roleid: '7c1c0000-0000-4000-8000-000000000001', name: 'System Customizer', _businessunitid_value: root },
    { id: '7c1c0000-0000-4000-8000-000000000002', roleid: '7c1c0000-0000-4000-8000-000000000002', name: 'System Customizer', _businessunitid_value: child },
  ]);
}
