// A FAKE of the Dataverse Web API (v9.2) for the command line's tests: 127.0.0.1, random port,
// rows in memory. It is NOT Dataverse: it implements the documented behaviours the command line
// relies on, and the faults it must survive. FAKE.md beside this file lists them with their sources.
import * as http from 'http';
import { AddressInfo } from 'net';
import { BatchItem, BatchOp, ItemAnswer, OpAnswer, parseBatchRequest, renderBatchAnswer } from './fake-batch';
import { refuseJobUpdate } from './fake-jobs';
import { FakeMetadata } from './fake-metadata';
import { FakeStore, Row } from './fake-store';
import { FakeTables } from './fake-tables';

export interface FakeRequest {
  readonly method: string;
  /** Path below /api/data/v9.2/, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: { [name: string]: string | string[] | undefined };
  readonly body: any;
  /** Set for operations that arrived inside a $batch (the batch's number, from 1). */
  readonly batch?: number;
}

export interface Fault {
  /**
   * `status` (default): answer `status` with a Dataverse error; `html`: a proxy's HTML page (200
   * unless `status`); `hang`: accept and never answer; `shape`: 200 JSON of another shape;
   * `nextlink`: an empty page whose `@odata.nextLink` points to another host; `garbage`: 200 with a
   * JSON Content-Type and a body that is not JSON (a truncated answer).
   */
  readonly kind?: 'status' | 'html' | 'hang' | 'shape' | 'nextlink' | 'garbage';
  readonly status?: number;
  readonly retryAfter?: string;
  readonly method?: string;
  readonly pathIncludes?: string;
  /** Also (or only) inside a $batch: `true` matches operations inside batches too. */
  readonly inBatch?: boolean;
  /** How many matching requests get the fault. */
  times: number;
}

/** The user the default token signs in as (WhoAmI). */
export const RUNNER = '0a11ce00-0000-4000-8000-000000000001';
/** Another user (a colleague, or whoever forged a note). */
export const SOMEONE_ELSE = '0b0b0000-0000-4000-8000-000000000002';

export class FakeDataverse {
  /** Starts a fake on 127.0.0.1 with a random port. */
  public static async start(): Promise<FakeDataverse> {
    const fake = new FakeDataverse();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The token the fake accepts, and the user it stands for. */
  public acceptedToken = 'fake-token';
  public tokenUser = RUNNER;
  /** When true, every authenticated request gets 403 (no security role). */
  public forbidden = false;
  /** Delay before every answer (the bench's network latency). */
  public latencyMs = 0;
  /** Largest page a collection answer holds (Dataverse: 5,000, or Prefer: odata.maxpagesize). */
  public maxPageSize = 5000;
  public readonly requests: FakeRequest[] = [];
  /** HTTP requests received (a $batch is one). */
  public httpRequests = 0;
  public readonly faults: Fault[] = [];
  /** Largest number of PATCH requests in flight at once (outside batches). */
  public maxPatchInFlight = 0;
  /** When set, a record PATCH is answered only once this many are in flight (or after 300 ms). */
  public patchBarrier = 0;
  public readonly store: FakeStore;
  /** Alternate keys, key-addressed writes and UpsertMultiple (fake-metadata.ts). */
  public readonly metadata: FakeMetadata;
  /** Table definitions: ChangeTrackingEnabled read and PUT (fake-tables.ts). */
  public readonly tables: FakeTables;

  private batches = 0;
  private patchInFlight = 0;
  private waiting: (() => void)[] = [];
  private readonly server: http.Server;

  private constructor() {
    this.store = new FakeStore(() => this.url);
    this.metadata = new FakeMetadata(this.store, () => this.url);
    this.tables = new FakeTables(() => this.url);
    this.server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        void this.handle(req, text).then(
          (answer) => {
            if (answer === 'hang') return;
            const send = () => {
              res.writeHead(answer.status, { 'Content-Type': answer.contentType ?? 'application/json; odata.metadata=minimal', 'OData-Version': '4.0', ...answer.headers });
              res.end(answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)));
            };
            if (this.latencyMs > 0) setTimeout(send, this.latencyMs);
            else send();
          },
          (e) => {
            res.writeHead(500, { 'Content-Type': 'application/json' });
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
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  public seed(entitySet: string, rows: Row[]): void {
    this.store.seed(entitySet, rows);
  }

  public rows(entitySet: string): Row[] {
    return this.store.rows(entitySet);
  }

  public row(entitySet: string, id: string): Row | undefined {
    return this.store.row(entitySet, id);
  }

  public secretsOf(entitySet: string, id: string): Row {
    return this.store.secretsOf(entitySet, id);
  }

  public refsOf(entitySet: string, id: string, relationship: string): string[] {
    return this.store.refsOf(entitySet, id, relationship);
  }

  public edit(entitySet: string, id: string, changes: Row): void {
    Object.assign(this.store.row(entitySet, id)!, changes);
  }

  public inject(fault: Fault): void {
    this.faults.push(fault);
  }

  /** Requests with a method (and optionally a path prefix), inner batch operations included. */
  public requestsOf(method: string, pathPrefix = ''): FakeRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  /** Writes (anything but GET and the $batch envelope). */
  public writes(): FakeRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && r.path !== '$batch');
  }

  private fault(method: string, path: string, inBatch: boolean): Fault | undefined {
    const f = this.faults.find(
      (x) =>
        x.times > 0 && (inBatch ? x.inBatch === true : true) && (x.method === undefined || x.method === method) && (x.pathIncludes === undefined || path.includes(x.pathIncludes)),
    );
    if (f) f.times--;
    return f;
  }

  private async handle(req: http.IncomingMessage, text: string): Promise<'hang' | { status: number; body?: any; text?: string; contentType?: string; headers?: any }> {
    this.httpRequests++;
    const url = new URL(req.url ?? '/', 'http://fake');
    const prefix = '/api/data/v9.2/';
    const path = decodeURIComponent(url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname);
    const method = req.method ?? 'GET';
    const isBatch = path === '$batch';
    let body: any;
    try {
      body = text && !isBatch ? JSON.parse(text) : undefined;
    } catch {
      return errorAnswer(400, '0x80048d19', 'The request body is not JSON.');
    }
    this.requests.push({ method, path, query: url.searchParams, headers: req.headers, body });
    if (!url.pathname.startsWith(prefix)) return errorAnswer(404, '0x80060888', `Resource not found for the segment '${url.pathname}'.`);
    if (req.headers.authorization !== `Bearer ${this.acceptedToken}`) {
      return { status: 401, text: '', headers: { 'WWW-Authenticate': 'Bearer authorization_uri=https://login.microsoftonline.com/fake' } };
    }
    const fault = this.fault(method, path, false);
    if (fault?.kind === 'hang') return 'hang';
    if (fault?.kind === 'html') {
      return {
        status: fault.status ?? 200,
        contentType: 'text/html; charset=utf-8',
        text: '<!DOCTYPE html><html><head><title>Sign in to continue</title></head><body>Corporate proxy: please sign in.</body></html>',
      };
    }
    if (fault?.kind === 'shape') return { status: 200, body: { ok: true } };
    if (fault?.kind === 'garbage') return { status: 200, text: '{"value":[{"asyncoperationid":"a5a5', contentType: 'application/json; odata.metadata=minimal' };
    if (fault?.kind === 'nextlink') return { status: 200, body: { value: [], '@odata.nextLink': 'https://collector.example.net/api/data/v9.2/serviceendpoints?$skiptoken=1' } };
    if (fault) return statusFault(fault);
    if (this.forbidden) {
      return errorAnswer(403, '0x80040220', 'Principal user (Id=00000000-0000-0000-0000-000000000000, type=8, roleCount=0) is missing prvReadSdkMessage privilege.');
    }
    if (isBatch && method === 'POST') return this.batch(req, text);
    const answer = await this.operation(method, path, url.searchParams, req.headers, body);
    return { status: answer.status, body: answer.body, headers: answer.headers };
  }

  /** One operation (outside or inside a batch). */
  private async operation(method: string, path: string, query: URLSearchParams, headers: http.IncomingHttpHeaders | { [k: string]: string }, body: any): Promise<OpAnswer> {
    const user = this.tokenUser;
    if (path === 'WhoAmI' && method === 'GET') {
      return {
        status: 200,
        body: {
          '@odata.context': `${this.url}/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
          BusinessUnitId: '6b1c0000-0000-4000-8000-000000000001',
          UserId: user,
          OrganizationId: '0c0c0000-0000-4000-8000-000000000003',
        },
      };
    }
    const table = this.tables.handle(method, path, headers, body, query.get('$select'));
    if (table) return table;
    const meta = this.metadata.handle(method, path, headers, body, query.get('$select'));
    if (meta) return meta;
    const ref = /^([A-Za-z_]+)\(([0-9a-fA-F-]{36})\)\/([A-Za-z_]+)\/\$ref$/.exec(path);
    if (ref) return this.store.ref(method, ref[1], ref[2].toLowerCase(), ref[3], body);
    const single = /^([A-Za-z_]+)\(([0-9a-fA-F-]{36})\)$/.exec(path);
    if (single) {
      const [, set, rawId] = single;
      const id = rawId.toLowerCase();
      if (!this.store.has(set)) return errorAnswer(404, '0x80060888', `Resource not found for the segment '${set}'.`);
      if (method === 'GET') return this.store.get(set, id, query.get('$select'));
      if (method === 'PATCH') {
        const refusal = set === 'asyncoperations' ? refuseJobUpdate(this.store.row(set, id), body) : undefined;
        if (refusal) return refusal;
        const write = () => this.store.patch(set, id, headers as any, body, user);
        return set === 'annotations' || this.patchBarrier <= 1 ? write() : this.throughBarrier(write);
      }
      if (method === 'DELETE') return this.store.delete(set, id);
      return errorAnswer(405, '0x8006088a', `${method} is not supported on a row.`);
    }
    const collection = /^([A-Za-z_]+)$/.exec(path);
    if (collection && method === 'GET') {
      if (!this.store.has(collection[1])) return errorAnswer(404, '0x80060888', `Resource not found for the segment '${collection[1]}'.`);
      const prefer = /odata\.maxpagesize=(\d+)/.exec(String((headers as any).prefer ?? ''));
      return this.store.query(collection[1], query, Math.min(this.maxPageSize, prefer ? Number(prefer[1]) : 5000));
    }
    return errorAnswer(400, '0x80060891', `The fake does not implement ${method} ${path}.`);
  }

  private async throughBarrier(write: () => OpAnswer): Promise<OpAnswer> {
    this.patchInFlight++;
    this.maxPatchInFlight = Math.max(this.maxPatchInFlight, this.patchInFlight);
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      const release = () => {
        const all = this.waiting;
        this.waiting = [];
        all.forEach((r) => r());
      };
      if (this.waiting.length >= this.patchBarrier) release();
      else setTimeout(release, 300);
    });
    this.patchInFlight--;
    return write();
  }

  private async batch(req: http.IncomingMessage, text: string) {
    const number = ++this.batches;
    let items: BatchItem[];
    try {
      items = parseBatchRequest(text, req.headers['content-type']);
    } catch (e) {
      return errorAnswer(400, '0x80048d19', `Invalid batch: ${(e as Error).message}`);
    }
    const count = items.reduce((n, i) => n + ('changeSet' in i ? i.changeSet.length : 1), 0);
    if (count > 1000) return errorAnswer(400, '0x8004d11c', `The batch holds ${count} requests; the maximum is 1000.`);
    const continueOnError = /odata\.continue-on-error/.test(String(req.headers.prefer ?? ''));
    const answers: ItemAnswer[] = [];
    let failed = false;
    for (const item of items) {
      if ('request' in item) {
        const a = await this.inner(item.request, number, new Map());
        answers.push({ single: a });
        if (a.status >= 400) failed = true;
      } else {
        const snapshot = this.store.snapshot();
        const locations = new Map<string, string>();
        const done: { answer: OpAnswer; contentId?: string }[] = [];
        let failure: { answer: OpAnswer; contentId?: string } | undefined;
        for (const op of item.changeSet) {
          const a = await this.inner(op, number, locations);
          if (a.status >= 400) {
            failure = { answer: a, contentId: op.contentId };
            break;
          }
          done.push({ answer: a, contentId: op.contentId });
        }
        if (failure) {
          this.store.restore(snapshot); // all or nothing
          answers.push({ single: failure.answer, contentId: failure.contentId });
          failed = true;
        } else {
          answers.push({ changeSet: done });
        }
      }
      if (failed && !continueOnError) break;
    }
    const rendered = renderBatchAnswer(answers);
    return { status: failed && !continueOnError ? 400 : 200, contentType: rendered.contentType, text: rendered.text };
  }

  private async inner(op: BatchOp, batch: number, locations: Map<string, string>): Promise<OpAnswer> {
    let url = op.url;
    const reference = /^\$(\d+)(.*)$/.exec(url);
    if (reference) {
      const target = locations.get(reference[1]);
      if (!target) return { status: 400, body: { error: { code: '0x80060891', message: `Content-ID Reference: '$${reference[1]}' does not exist in the batch context.` } } };
      url = target + reference[2];
    }
    const parsed = new URL(url, `${this.url}/api/data/v9.2/`);
    const prefix = '/api/data/v9.2/';
    const path = decodeURIComponent(parsed.pathname.startsWith(prefix) ? parsed.pathname.slice(prefix.length) : parsed.pathname);
    this.requests.push({ method: op.method, path, query: parsed.searchParams, headers: op.headers, body: op.body, batch });
    const fault = this.fault(op.method, path, true);
    if (fault) return statusFault(fault);
    const answer = await this.operation(op.method, path, parsed.searchParams, op.headers, op.body);
    const single = /^([A-Za-z_]+)\(([0-9a-fA-F-]{36})\)$/.exec(path);
    if (single && op.contentId && answer.status < 300) {
      const location = `${this.url}/api/data/v9.2/${single[1]}(${single[2].toLowerCase()})`;
      locations.set(op.contentId, location);
      return { ...answer, headers: { ...answer.headers, 'OData-EntityId': location } };
    }
    return answer;
  }
}

function statusFault(fault: Fault): OpAnswer & { text?: string } {
  const status = fault.status ?? 503;
  return {
    status,
    headers: fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {},
    body: { error: { code: '0x80072322', message: status === 429 ? 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.' : 'Service Unavailable' } },
  };
}

export function errorAnswer(status: number, code: string, message: string) {
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
    { id: '7c1c0000-0000-4000-8000-000000000003', roleid: '7c1c0000-0000-4000-8000-000000000003', name: 'System Administrator', _businessunitid_value: root },
  ]);
}
