import { CliError } from './errors';
import { WebApi } from './webapi';
import { ManifestLookup } from '../dataverse/manifest';

/** A lookup that matched no row. */
export class LookupNotFoundError extends CliError {
  constructor(
    message: string,
    public readonly lookup: ManifestLookup,
  ) {
    super(message);
    this.name = 'LookupNotFoundError';
  }
}

/**
 * Resolves symbolic lookups (`sdkmessage` by name, `sdkmessagefilter` by table and message,
 * plug-in type, role, business unit …) to ids of this environment, once per distinct
 * (entity set, filter). Only successes are remembered, so a row that an earlier apply group
 * creates (a custom API's message) is found when a later group asks again.
 */
export class LookupResolver {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(
    private readonly api: WebApi,
    private readonly environmentUrl: string,
  ) {}

  public resolve(lookup: ManifestLookup): Promise<string> {
    const key = `${lookup.entitySet}|${lookup.filter}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.query(lookup);
      this.cache.set(key, found);
      found.catch(() => this.cache.delete(key));
    }
    return found;
  }

  /**
   * Starts resolving every distinct lookup at once (with the reads of the rows); failures are
   * left for resolve() to report, with the record that needs the lookup.
   */
  public prefetch(lookups: ManifestLookup[]): void {
    for (const l of lookups) this.resolve(l).catch(() => undefined);
  }

  private async query(lookup: ManifestLookup): Promise<string> {
    const query = `$select=${encodeURIComponent(lookup.idColumn)}&$filter=${encodeURIComponent(lookup.filter)}&$top=2`;
    const response = await this.api.request('GET', `${lookup.entitySet}?${query}`, { expect: 'collection' });
    const rows: any[] = response.body.value;
    const what = describeKey(lookup);
    if (rows.length === 0) {
      throw new LookupNotFoundError(`${what} does not exist in ${this.environmentUrl} (no ${lookup.table} row matches $filter=${lookup.filter}). Fix: ${fixFor(lookup)}`, lookup);
    }
    if (rows.length > 1) {
      throw new CliError(
        `${what} is ambiguous in ${this.environmentUrl}: more than one ${lookup.table} row matches $filter=${lookup.filter}, and a lookup must find exactly one. Fix: make the key unique (for example name a specific business unit), or remove the duplicate rows.`,
      );
    }
    const id = rows[0][lookup.idColumn];
    if (typeof id !== 'string') {
      throw new CliError(`${what}: the ${lookup.table} row came back without ${lookup.idColumn}. Fix: check the manifest's idColumn for ${lookup.entitySet}.`);
    }
    return id.toLowerCase();
  }
}

/** "the sdkmessagefilter for table 'salesorder', message 'Create'". */
export function describeKey(lookup: ManifestLookup): string {
  const parts = Object.entries(lookup.key ?? {}).map(([k, v]) => `${k} '${v}'`);
  return parts.length > 0 ? `the ${lookup.table} for ${parts.join(', ')}` : `the ${lookup.table} of $filter=${lookup.filter}`;
}

function fixFor(lookup: ManifestLookup): string {
  const keys = Object.keys(lookup.key ?? {});
  const hints: string[] = [];
  if (keys.includes('table')) {
    hints.push(`check the table logical name '${lookup.key.table}' (lowercase, e.g. 'salesorder'; the table must exist in this environment)`);
  }
  if (keys.includes('message')) {
    hints.push(
      `check that the message '${lookup.key.message}' exists${keys.includes('table') ? ' for that table' : ''} (Create, Update, Delete … or a custom API unique name; not every message applies to every table)`,
    );
  }
  for (const k of keys.filter((name) => name !== 'table' && name !== 'message')) {
    hints.push(`check the ${k} '${lookup.key[k]}'`);
  }
  if (hints.length === 0) hints.push('check the values the construct was given');
  return `${hints.join('; ')}.`;
}
