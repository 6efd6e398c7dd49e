// Reading the stack's rows: one query per table for all of its ids, not one GET per row.
// Dataverse's Web API is an OData 4.0 service and does not offer OData 4.01's `in` operator
// (Microsoft Learn, "Use OData to query data": "OData version 4.01 ... not currently available");
// it offers the query function Microsoft.Dynamics.CRM.In(PropertyName, PropertyValues) ("Filter
// rows using OData", Dataverse query functions; syntax `$filter=Microsoft.Dynamics.CRM.In(
// PropertyName=@p1,PropertyValues=@p2)&@p1='name'&@p2=[...]`). A GET URL may be 32,768 characters
// long, so ids go in chunks; pages follow `@odata.nextLink` (Prefer: odata.maxpagesize, at most
// 5,000 rows a page, "Page results using OData").
import { CliError } from './errors';
import { WebApi } from './webapi';

/** Ids per query: 250 GUIDs in JSON are about 10,000 characters of URL. */
export const IDS_PER_QUERY = 250;
const PAGE_SIZE = 5000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A row as the Web API returns it. */
export type Row = { [column: string]: any };

/** The `$filter` (with its parameter aliases) that selects rows by primary key. */
export function inFilter(primaryKey: string, ids: string[]): string {
  return `$filter=${encodeURIComponent('Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)')}&@p1=${encodeURIComponent(`'${primaryKey}'`)}&@p2=${encodeURIComponent(JSON.stringify(ids))}`;
}

/**
 * The rows with these ids (lowercase GUIDs), keyed by id; absent ids have no row. Refuses answers
 * that hold rows it did not ask for, a row twice, or rows without the primary key.
 */
export async function readRows(api: WebApi, entitySet: string, primaryKey: string, ids: string[], select: string[]): Promise<Map<string, Row>> {
  const rows = new Map<string, Row>();
  const wanted = new Set(ids);
  const columns = [...new Set([primaryKey, ...select])].join(',');
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    let next: string | undefined = `${entitySet}?$select=${columns}&${inFilter(primaryKey, ids.slice(i, i + IDS_PER_QUERY))}`;
    for (let page = 0; next !== undefined; page++) {
      if (page > ids.length) throw new CliError(`querying ${entitySet}: more pages than rows asked for; the server keeps answering with an '@odata.nextLink'.`);
      const response = await api.request('GET', next, { expect: 'collection', headers: { Prefer: `odata.maxpagesize=${PAGE_SIZE}` } });
      for (const row of response.body.value as Row[]) {
        const id = typeof row[primaryKey] === 'string' ? row[primaryKey].toLowerCase() : undefined;
        if (id === undefined || !GUID.test(id)) {
          throw new CliError(
            `querying ${entitySet} by ${primaryKey}: the answer holds a row without a ${primaryKey} GUID (${JSON.stringify(row).slice(0, 80)}). Nothing was taken as read.`,
          );
        }
        if (!wanted.has(id) || rows.has(id)) {
          throw new CliError(
            `querying ${entitySet} by ${primaryKey}: the answer holds row ${id} ${rows.has(id) ? 'twice' : 'which was not asked for'}; the server did not apply the filter. Nothing was taken as read.`,
          );
        }
        rows.set(id, row);
      }
      next = response.body['@odata.nextLink'];
    }
  }
  return rows;
}
