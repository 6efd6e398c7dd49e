// ChangeTrackingReader: reads what changed in a Dataverse table with the Web API's change tracking.
// Usable in any Node process (needs only fetch and a token provider).
//
// Documented behaviour it relies on (learn.microsoft.com/power-apps/developer/data-platform/
// use-change-tracking-synchronize-data-external-systems, "Retrieve changes for a table using the
// Web API"; OData 4.0 part 1 §11.3 delta links; Web API paging: query-data-web-api "Page results",
// `Prefer: odata.maxpagesize`):
// - The first request `GET <set>?$select=...` with `Prefer: odata.track-changes` returns every row
//   and, on its last page, `@odata.deltaLink` (`...&$deltatoken=<opaque>`).
// - GET on the delta link returns the rows created or updated since (with the selected columns and
//   the primary key) and deleted rows as `{"@odata.context": ".../$metadata#<set>/$deletedEntity",
//   "id": "<guid>", "reason": "deleted"}`, then a new `@odata.deltaLink`.
// - Pages other than the last carry `@odata.nextLink` instead.
// - `$filter`, `$orderby`, `$expand` and `$top` are not supported with change tracking.
// - Each row carries `@odata.etag` `W/"<version number>"`: the row's version.
import { DeltaTokenExpiredError, TokenProvider, WebApiClient, WebApiError, WebApiOptions } from './web-api';

/** A table to read. */
export interface ChangeTrackingTable {
  /** Logical name, e.g. `account`. Used in message ids and blob names. */
  readonly name: string;
  /** Web API entity set name, e.g. `accounts`. */
  readonly entitySetName: string;
  /** Columns to select (logical names; lookups as `_x_value`). At least one. */
  readonly columns: readonly string[];
  /** The primary key column. Default: `<name>id` (activities use `activityid`). */
  readonly idColumn?: string;
}

/** A created or updated row. */
export interface RowChange {
  /** The primary key. */
  readonly id: string;
  /** The row's version (from `@odata.etag`, or `versionnumber` when selected). */
  readonly version: string;
  /** The selected columns (as the Web API returned them). */
  readonly columns: Record<string, unknown>;
}

/** A deleted row (`$deletedEntity`). */
export interface RowDeletion {
  readonly id: string;
  /** `deleted` (or `changed`: the row left the result set). */
  readonly reason: string;
}

/** One page of an answer. */
export interface ChangePage {
  readonly changes: readonly RowChange[];
  readonly deletions: readonly RowDeletion[];
  /** On the last page only: the link to read the next changes from. */
  readonly deltaLink?: string;
}

/** Everything a read returned. */
export interface ChangeSet {
  /** The delta token expired or was rejected: nothing was read; read the table in full again. */
  readonly expired: boolean;
  /** This was a full read (no delta link given): every row, no deletions. */
  readonly fullRead: boolean;
  readonly changes: readonly RowChange[];
  readonly deletions: readonly RowDeletion[];
  /** The link for the next read (absent when expired). */
  readonly deltaLink?: string;
  /** How many pages were read. */
  readonly pages: number;
}

/** Options of the reader. */
export interface ChangeTrackingReaderOptions extends WebApiOptions {
  /** The environment URL, e.g. `https://contoso.crm.dynamics.com`. */
  readonly environmentUrl: string;
  /** Returns a bearer token for the environment (see `tokenProviderFromCredential`). */
  readonly tokenProvider: TokenProvider;
  /** Web API version. Default `v9.2`. */
  readonly apiVersion?: string;
  /** Rows per page (`Prefer: odata.maxpagesize`), 1 to 5000. Default 5000. */
  readonly pageSize?: number;
  /** Stop after this many pages of one read (a server that never ends). Default 100 000. */
  readonly maxPages?: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads changes of Dataverse tables through the Web API's change tracking. */
export class ChangeTrackingReader {
  private readonly client: WebApiClient;
  private readonly apiVersion: string;
  private readonly pageSize: number;
  private readonly maxPages: number;

  constructor(options: ChangeTrackingReaderOptions) {
    this.client = new WebApiClient(options.environmentUrl, options.tokenProvider, options);
    this.apiVersion = options.apiVersion ?? 'v9.2';
    if (!/^v\d+\.\d+$/.test(this.apiVersion)) throw new Error(`apiVersion must look like v9.2, got ${this.apiVersion}.`);
    this.pageSize = options.pageSize ?? 5000;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1 || this.pageSize > 5000) {
      throw new Error(`pageSize must be an integer from 1 to 5000, got ${options.pageSize}.`);
    }
    this.maxPages = options.maxPages ?? 100_000;
  }

  /** The URL of a full read of the table (what the first run requests). */
  initialUrl(table: ChangeTrackingTable): string {
    checkTable(table);
    return `${this.client.origin}/api/data/${this.apiVersion}/${table.entitySetName}?$select=${table.columns.join(',')}`;
  }

  /**
   * Why a stored delta link cannot be used for this table (another environment, another entity set,
   * other columns, no token), or undefined when it can. A link that cannot be used means a full re-read.
   */
  deltaLinkProblem(table: ChangeTrackingTable, deltaLink: string): string | undefined {
    checkTable(table);
    let url: URL;
    try {
      url = new URL(deltaLink);
    } catch {
      return 'the stored delta link is not a URL';
    }
    if (url.origin !== this.client.origin) return `the stored delta link belongs to ${url.origin}, not ${this.client.origin}`;
    if (!url.pathname.endsWith(`/${table.entitySetName}`)) return `the stored delta link reads ${url.pathname}, not the entity set ${table.entitySetName}`;
    if (!url.searchParams.get('$deltatoken')) return 'the stored delta link has no $deltatoken';
    const select = (url.searchParams.get('$select') ?? '').split(',').filter((c) => c !== '');
    const want = new Set(table.columns.map((c) => c.toLowerCase()));
    const have = new Set(select.map((c) => c.toLowerCase()));
    if (want.size !== have.size || [...want].some((c) => !have.has(c))) {
      return `the selected columns changed (stored: ${select.join(',') || '(none)'}; now: ${table.columns.join(',')})`;
    }
    return undefined;
  }

  /**
   * Reads page by page. Without `deltaLink`: the full table. With one: the changes since. Throws
   * `DeltaTokenExpiredError` when Dataverse no longer accepts the token, `WebApiError` on any other
   * failure (after the retries), never returns a partial result as complete.
   */
  async *pages(table: ChangeTrackingTable, deltaLink?: string): AsyncGenerator<ChangePage> {
    let url: string;
    if (deltaLink === undefined) {
      url = this.initialUrl(table);
    } else {
      const problem = this.deltaLinkProblem(table, deltaLink);
      if (problem) throw new DeltaTokenExpiredError(deltaLink, 0, undefined, problem);
      url = deltaLink;
    }
    const idColumn = table.idColumn ?? `${table.name}id`;
    const seen = new Set<string>();
    for (let page = 1; ; page++) {
      if (page > this.maxPages) throw new WebApiError(`Stopped after ${this.maxPages} pages of ${table.entitySetName}: the server keeps sending @odata.nextLink.`, url, 200);
      seen.add(url);
      const body = await this.client.getJson(url, { Prefer: `odata.track-changes,odata.maxpagesize=${this.pageSize}` });
      const parsed = parsePage(url, body, idColumn, table.columns);
      const next = body['@odata.nextLink'];
      const delta = body['@odata.deltaLink'];
      if (typeof next === 'string') {
        if (delta !== undefined) throw new WebApiError(`GET ${url}: the page has both @odata.nextLink and @odata.deltaLink.`, url, 200);
        if (seen.has(next)) throw new WebApiError(`GET ${url}: @odata.nextLink points back to a page already read (${next}).`, url, 200);
        yield parsed;
        url = next;
        continue;
      }
      if (typeof delta !== 'string' || delta === '') {
        throw new WebApiError(
          `GET ${url}: the last page has no @odata.deltaLink (was the Prefer: odata.track-changes header dropped, or change tracking not enabled on ${table.name}?).`,
          url,
          200,
        );
      }
      const problem = this.deltaLinkProblem(table, delta);
      if (problem) throw new WebApiError(`GET ${url}: the returned @odata.deltaLink is unusable: ${problem}.`, url, 200);
      yield { ...parsed, deltaLink: delta };
      return;
    }
  }

  /**
   * Reads everything at once (small tables, scripts). An expired or unusable token is reported as
   * `expired: true` with nothing read: read again without a delta link and treat that read as a
   * full re-read.
   */
  async read(table: ChangeTrackingTable, deltaLink?: string): Promise<ChangeSet> {
    const changes: RowChange[] = [];
    const deletions: RowDeletion[] = [];
    let next: string | undefined;
    let pages = 0;
    try {
      for await (const page of this.pages(table, deltaLink)) {
        pages++;
        changes.push(...page.changes);
        deletions.push(...page.deletions);
        next = page.deltaLink;
      }
    } catch (e) {
      if (e instanceof DeltaTokenExpiredError && deltaLink !== undefined) {
        return { expired: true, fullRead: false, changes: [], deletions: [], pages };
      }
      throw e;
    }
    return { expired: false, fullRead: deltaLink === undefined, changes, deletions, deltaLink: next, pages };
  }
}

function checkTable(table: ChangeTrackingTable): void {
  if (!NAME.test(table.name)) throw new Error(`Table name ${JSON.stringify(table.name)} is not a logical name.`);
  if (!NAME.test(table.entitySetName)) throw new Error(`Entity set name ${JSON.stringify(table.entitySetName)} of ${table.name} is not valid.`);
  if (table.idColumn !== undefined && !NAME.test(table.idColumn)) throw new Error(`idColumn ${JSON.stringify(table.idColumn)} of ${table.name} is not a column name.`);
  if (table.columns.length === 0) throw new Error(`Table ${table.name} selects no columns.`);
  for (const c of table.columns) {
    if (!NAME.test(c)) throw new Error(`Column ${JSON.stringify(c)} of ${table.name} is not a column name.`);
  }
}

function parsePage(url: string, body: Record<string, unknown>, idColumn: string, columns: readonly string[]): ChangePage {
  const value = body.value;
  if (!Array.isArray(value)) {
    throw new WebApiError(`GET ${url}: the answer has no "value" array (keys: ${Object.keys(body).slice(0, 10).join(', ') || 'none'}).`, url, 200);
  }
  const changes: RowChange[] = [];
  const deletions: RowDeletion[] = [];
  value.forEach((entry, i) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new WebApiError(`GET ${url}: value[${i}] is not an object.`, url, 200);
    }
    const row = entry as Record<string, unknown>;
    const context = row['@odata.context'];
    if (typeof context === 'string' && context.endsWith('/$deletedEntity')) {
      if (typeof row.id !== 'string' || !GUID.test(row.id)) throw new WebApiError(`GET ${url}: value[${i}] is a $deletedEntity without a GUID id.`, url, 200);
      deletions.push({ id: row.id.toLowerCase(), reason: typeof row.reason === 'string' ? row.reason : 'deleted' });
      return;
    }
    const id = row[idColumn];
    if (typeof id !== 'string' || !GUID.test(id)) {
      throw new WebApiError(`GET ${url}: value[${i}] has no ${idColumn} GUID (set idColumn if the table's key has another name).`, url, 200);
    }
    const version = rowVersion(row);
    if (version === undefined) throw new WebApiError(`GET ${url}: value[${i}] (${id}) has neither @odata.etag nor versionnumber.`, url, 200);
    const selected: Record<string, unknown> = {};
    for (const c of columns) {
      if (Object.prototype.hasOwnProperty.call(row, c)) selected[c] = row[c];
    }
    changes.push({ id: id.toLowerCase(), version, columns: selected });
  });
  return { changes, deletions };
}

function rowVersion(row: Record<string, unknown>): string | undefined {
  const vn = row.versionnumber;
  if (typeof vn === 'number' || (typeof vn === 'string' && /^\d+$/.test(vn))) return String(vn);
  const etag = row['@odata.etag'];
  if (typeof etag === 'string') {
    const m = /^(?:W\/)?"(\d+)"$/.exec(etag);
    if (m) return m[1];
  }
  return undefined;
}
