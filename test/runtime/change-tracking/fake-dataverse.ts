// A fake Dataverse Web API with change tracking, on 127.0.0.1, built from the documented behaviour:
//
// - learn.microsoft.com/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems
//   (MicrosoftDocs/powerapps-docs: powerapps-docs/developer/data-platform/use-change-tracking-synchronize-data-external-systems.md):
//   `Prefer: odata.track-changes` on `GET <set>?$select=...` returns all rows and `@odata.deltaLink`
//   (`<set>?$select=...&$deltatoken=<version>%21<date>`); answer header `Preference-Applied:
//   odata.track-changes`; GET on the delta link returns created/updated rows (selected columns, the
//   primary key, `@odata.etag` `W/"<version>"`) then deleted rows as
//   `{"@odata.context": "<org>/api/data/v9.x/$metadata#<set>/$deletedEntity", "id": ..., "reason": "deleted"}`
//   and a new delta link, with `@odata.context` ending in `/$delta`; $filter/$orderby/$expand/$top
//   are refused with "The "$x" query parameter isn't supported when Change Tracking is enabled.";
//   new or updated rows come first (by version), deletions last; a row created and deleted between
//   two reads still comes as a deletion; tokens older than Organization.ExpireChangeTrackingInDays
//   (7 days by default) fail.
// - The expired-token error: code 0x80044352 (ExpiredVersionStamp), message "Version stamp
//   associated with the client has expired. Please perform a full sync." (Dataverse web service
//   error codes); the error body shape `{"error":{"code","message"}}` from
//   webapi/compose-http-requests-handle-errors.md. The HTTP status for it is not documented: 400 here.
// - Paging: `Prefer: odata.maxpagesize=N`, `@odata.nextLink` on every page but the last
//   (webapi/query/page-results.md); the next link's $skiptoken is opaque.
// - Service protection: 429 with `Retry-After` in seconds (api-limits.md).
// Values are our own; nothing is copied.
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface FakeRow {
  readonly id: string;
  readonly version: number;
  readonly columns: Record<string, unknown>;
}

interface LogEntry {
  readonly version: number;
  readonly id: string;
}

type Entry = { kind: 'row'; row: FakeRow } | { kind: 'deleted'; id: string };

export type Fault =
  | { kind: 'status'; status: 429 | 503; retryAfter?: string }
  | { kind: 'html' }
  | { kind: 'hang' }
  | { kind: 'json'; status: number; body: unknown; contentType?: string }
  | { kind: 'rewrite'; edit: (body: Record<string, unknown>) => Record<string, unknown> };

export interface RecordedRequest {
  readonly url: string;
  readonly prefer?: string;
  readonly authorization?: string;
}

export class FakeTable {
  readonly rows = new Map<string, FakeRow>();
  readonly log: LogEntry[] = [];
  constructor(
    readonly entitySetName: string,
    readonly idColumn: string,
  ) {}
}

let counter = 0;
function guid(): string {
  counter++;
  const hex = counter.toString(16).padStart(12, '0');
  return `7f3c2a10-5b6d-4e8f-9a01-${hex}`;
}

export class FakeDataverse {
  readonly token = 'fake-dataverse-token';
  readonly tables = new Map<string, FakeTable>();
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  /** Delta tokens with a version below this are expired. */
  expiredBefore = 0;
  private version = 1000;
  private readonly cursors = new Map<string, { entries: Entry[]; deltaVersion: number; select: string[]; set: string; delta: boolean }>();
  private cursorSeq = 0;
  private server?: Server;
  origin = '';

  addTable(entitySetName: string, idColumn: string): FakeTable {
    const t = new FakeTable(entitySetName, idColumn);
    this.tables.set(entitySetName, t);
    return t;
  }

  create(set: string, columns: Record<string, unknown>, id: string = guid()): string {
    const t = this.table(set);
    const version = ++this.version;
    t.rows.set(id, { id, version, columns: { ...columns } });
    t.log.push({ version, id });
    return id;
  }

  update(set: string, id: string, columns: Record<string, unknown>): void {
    const t = this.table(set);
    const row = t.rows.get(id);
    if (!row) throw new Error(`no row ${id}`);
    const version = ++this.version;
    t.rows.set(id, { id, version, columns: { ...row.columns, ...columns } });
    t.log.push({ version, id });
  }

  delete(set: string, id: string): void {
    const t = this.table(set);
    if (!t.rows.delete(id)) throw new Error(`no row ${id}`);
    t.log.push({ version: ++this.version, id });
  }

  currentVersion(): number {
    return this.version;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this.origin;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private table(set: string): FakeTable {
    const t = this.tables.get(set);
    if (!t) throw new Error(`no table ${set}`);
    return t;
  }

  private deltaToken(version: number): string {
    // Documented shape: `<version>!<MM/dd/yyyy HH:mm:ss>` (URL-encoded in the link).
    return `${version}!12/01/2026 10:00:00`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.origin);
    this.requests.push({ url: url.toString(), prefer: req.headers.prefer as string | undefined, authorization: req.headers.authorization });
    const fault = this.faults.shift();
    if (fault?.kind === 'hang') return; // never answers
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'content-type': 'application/json; odata.metadata=minimal', ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}) });
      res.end(JSON.stringify({ error: { code: '0x80072322', message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.' } }));
      return;
    }
    if (fault?.kind === 'html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body>proxy</body></html>');
      return;
    }
    if (fault?.kind === 'json') {
      res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json; odata.metadata=minimal' });
      res.end(typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body));
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) return this.error(res, 401, '0x80072560', 'The user is not a member of the organization.');
    const m = /^\/api\/data\/v9\.\d\/([A-Za-z_][A-Za-z0-9_]*)$/.exec(url.pathname);
    const t = m ? this.tables.get(m[1]) : undefined;
    if (!m || !t) return this.error(res, 404, '0x80060888', `Resource not found for the segment '${url.pathname}'.`);
    for (const opt of ['$filter', '$orderby', '$expand', '$top']) {
      if (url.searchParams.has(opt)) return this.error(res, 400, '0x80060888', `The "${opt}" query parameter isn't supported when Change Tracking is enabled.`);
    }
    const prefer = String(req.headers.prefer ?? '');
    const maxPage = Number(/odata\.maxpagesize=(\d+)/.exec(prefer)?.[1] ?? 5000);
    const tracking = /odata\.track-changes/.test(prefer);
    const skip = url.searchParams.get('$skiptoken');
    let cursorId: string;
    let offset = 0;
    if (skip) {
      const [id, off] = skip.split(':');
      if (!this.cursors.has(id)) return this.error(res, 400, '0x80040203', 'Invalid skip token.');
      cursorId = id;
      offset = Number(off);
    } else {
      const select = (url.searchParams.get('$select') ?? '').split(',').filter(Boolean);
      const token = url.searchParams.get('$deltatoken');
      let entries: Entry[];
      if (token) {
        const from = Number(/^(\d+)!/.exec(token)?.[1] ?? NaN);
        if (Number.isNaN(from)) return this.error(res, 400, '0x80040203', 'Invalid delta token.');
        if (from < this.expiredBefore) return this.error(res, 400, '0x80044352', 'Version stamp associated with the client has expired. Please perform a full sync.');
        const touched = new Set(t.log.filter((e) => e.version > from).map((e) => e.id));
        const upserts = [...touched]
          .map((id) => t.rows.get(id))
          .filter((r): r is FakeRow => r !== undefined)
          .sort((a, b) => a.version - b.version);
        const deleted = [...touched].filter((id) => !t.rows.has(id));
        entries = [...upserts.map((row): Entry => ({ kind: 'row', row })), ...deleted.map((id): Entry => ({ kind: 'deleted', id }))];
      } else {
        entries = [...t.rows.values()].sort((a, b) => a.version - b.version).map((row) => ({ kind: 'row', row }));
      }
      cursorId = String(++this.cursorSeq);
      this.cursors.set(cursorId, { entries, deltaVersion: this.version, select, set: t.entitySetName, delta: token !== null });
    }
    const cursor = this.cursors.get(cursorId)!;
    const pageEntries = cursor.entries.slice(offset, offset + maxPage);
    const base = `${this.origin}/api/data/v9.2`;
    const selectList = cursor.select.join(',');
    let body: Record<string, unknown> = {
      '@odata.context': `${base}/$metadata#${cursor.set}(${selectList})${cursor.delta ? '/$delta' : ''}`,
      value: pageEntries.map((e) =>
        e.kind === 'row'
          ? { '@odata.etag': `W/"${e.row.version}"`, ...Object.fromEntries(cursor.select.map((c) => [c, e.row.columns[c] ?? null])), [t.idColumn]: e.row.id }
          : { '@odata.context': `${base}/$metadata#${cursor.set}/$deletedEntity`, id: e.id, reason: 'deleted' },
      ),
    };
    if (offset + maxPage < cursor.entries.length) {
      const next = new URL(`${base}/${cursor.set}`);
      next.searchParams.set('$select', selectList);
      next.searchParams.set('$skiptoken', `${cursorId}:${offset + maxPage}`);
      body['@odata.nextLink'] = next.toString();
    } else if (tracking || cursor.delta) {
      // Without the Prefer header, an ordinary read: no delta link.
      body['@odata.deltaLink'] = `${base}/${cursor.set}?$select=${selectList}&$deltatoken=${encodeURIComponent(this.deltaToken(cursor.deltaVersion)).replace(/!/g, '%21')}`;
    }
    if (fault?.kind === 'rewrite') body = fault.edit(body);
    res.writeHead(200, {
      'content-type': 'application/json; odata.metadata=minimal',
      'odata-version': '4.0',
      ...(tracking ? { 'preference-applied': `odata.track-changes,odata.maxpagesize=${maxPage}` } : {}),
    });
    res.end(JSON.stringify(body));
  }

  private error(res: ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0' });
    res.end(JSON.stringify({ error: { code, message } }));
  }
}
