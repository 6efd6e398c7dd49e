// The app settings the change-tracking function reads. The ChangeTrackingExport pattern sets them;
// set them yourself to run the function app elsewhere. Connections are identity-based (the
// function's managed identity; no keys, no connection strings).
import type { ChangeTrackingTable } from './reader';

/** App setting names. */
export const SETTINGS = {
  /** Environment URL, e.g. `https://contoso.crm.dynamics.com`. Required. */
  environmentUrl: 'DATAVERSE_ENVIRONMENT_URL',
  /** JSON array of `{ "name", "entitySetName", "columns": [...], "idColumn"? }`. Required. */
  tables: 'CHANGE_TRACKING_TABLES',
  /** NCRONTAB schedule (six fields). Default: every 5 minutes (DEFAULT_SCHEDULE). */
  schedule: 'CHANGE_TRACKING_SCHEDULE',
  /** Rows per page, 1-5000. Default 5000. */
  pageSize: 'CHANGE_TRACKING_PAGE_SIZE',
  /** `serviceBus`, `eventHub` or `blob`. Required. */
  sink: 'CHANGE_TRACKING_SINK',
  /** Service Bus namespace host, e.g. `contoso.servicebus.windows.net` (sink `serviceBus`). */
  serviceBusNamespace: 'CHANGE_TRACKING_SERVICEBUS__fullyQualifiedNamespace',
  /** Queue or topic name (sink `serviceBus`). */
  serviceBusEntity: 'CHANGE_TRACKING_SERVICEBUS_ENTITY',
  /** Event Hubs namespace host, e.g. `contoso.servicebus.windows.net` (sink `eventHub`). */
  eventHubNamespace: 'CHANGE_TRACKING_EVENTHUB__fullyQualifiedNamespace',
  /** Event hub name (sink `eventHub`). */
  eventHubName: 'CHANGE_TRACKING_EVENTHUB_NAME',
  /** Blob service URI of the JSON Lines output, e.g. `https://acct.blob.core.windows.net` (sink `blob`). */
  outputBlobServiceUri: 'CHANGE_TRACKING_OUTPUT__blobServiceUri',
  /** Container of the JSON Lines output (sink `blob`). */
  outputContainer: 'CHANGE_TRACKING_OUTPUT_CONTAINER',
  /** Blob service URI of the delta-token store. Required. */
  stateBlobServiceUri: 'CHANGE_TRACKING_STATE__blobServiceUri',
  /** Container of the delta-token store. Required. */
  stateContainer: 'CHANGE_TRACKING_STATE_CONTAINER',
  /** Client id of a user-assigned managed identity. Default: the system-assigned identity (DefaultAzureCredential). */
  identityClientId: 'CHANGE_TRACKING_IDENTITY_CLIENT_ID',
} as const;

export const DEFAULT_SCHEDULE = '0 */5 * * * *';

/** The parsed settings. */
export interface ChangeTrackingSettings {
  readonly environmentUrl: string;
  readonly tables: ChangeTrackingTable[];
  readonly pageSize: number;
  readonly sink:
    | { readonly kind: 'serviceBus'; readonly namespace: string; readonly entity: string }
    | { readonly kind: 'eventHub'; readonly namespace: string; readonly eventHub: string }
    | { readonly kind: 'blob'; readonly blobServiceUri: string; readonly container: string };
  readonly state: { readonly blobServiceUri: string; readonly container: string };
  readonly identityClientId?: string;
}

/** The schedule, read at load time (the timer registration needs it then). */
export function scheduleFrom(env: Record<string, string | undefined>): string {
  const s = env[SETTINGS.schedule]?.trim();
  return s ? s : DEFAULT_SCHEDULE;
}

/** Reads and checks every setting; one error lists every problem. */
export function loadSettings(env: Record<string, string | undefined>): ChangeTrackingSettings {
  const problems: string[] = [];
  const get = (name: string, required = true): string => {
    const v = env[name]?.trim() ?? '';
    if (!v && required) problems.push(`${name} is not set.`);
    return v;
  };
  const environmentUrl = get(SETTINGS.environmentUrl);
  if (environmentUrl && !/^https:\/\/[^/]+\/?$/i.test(environmentUrl) && !/^http:\/\/127\.0\.0\.1(:\d+)?\/?$/.test(environmentUrl)) {
    problems.push(`${SETTINGS.environmentUrl} must be an https URL without a path, e.g. https://contoso.crm.dynamics.com (got ${environmentUrl}).`);
  }

  let tables: ChangeTrackingTable[] = [];
  const rawTables = get(SETTINGS.tables);
  if (rawTables) {
    try {
      const parsed = JSON.parse(rawTables);
      if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('expected a non-empty JSON array');
      const names = new Set<string>();
      tables = parsed.map((t: unknown, i: number) => {
        const o = t as Record<string, unknown>;
        const where = `${SETTINGS.tables}[${i}]`;
        if (!o || typeof o !== 'object') throw new Error(`${where} is not an object`);
        if (typeof o.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.name)) throw new Error(`${where}.name must be a table logical name`);
        if (names.has(o.name)) throw new Error(`${where}: table ${o.name} is listed twice`);
        names.add(o.name);
        if (typeof o.entitySetName !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.entitySetName)) throw new Error(`${where}.entitySetName must be an entity set name`);
        if (!Array.isArray(o.columns) || o.columns.length === 0 || o.columns.some((c) => typeof c !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(c))) {
          throw new Error(`${where}.columns must be a non-empty array of column logical names`);
        }
        if (o.idColumn !== undefined && (typeof o.idColumn !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.idColumn))) {
          throw new Error(`${where}.idColumn must be a column name`);
        }
        return { name: o.name, entitySetName: o.entitySetName, columns: o.columns as string[], ...(o.idColumn ? { idColumn: o.idColumn as string } : {}) };
      });
    } catch (e) {
      problems.push(`${SETTINGS.tables} is not valid: ${(e as Error).message}.`);
    }
  }

  let pageSize = 5000;
  const rawPage = get(SETTINGS.pageSize, false);
  if (rawPage) {
    pageSize = Number(rawPage);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5000) problems.push(`${SETTINGS.pageSize} must be an integer from 1 to 5000 (got ${rawPage}).`);
  }

  const host = (name: string) => {
    const v = get(name);
    if (v && !/^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}$/i.test(v)) problems.push(`${name} must be a host name like contoso.servicebus.windows.net (got ${v}).`);
    return v;
  };
  const blobUri = (name: string) => {
    const v = get(name);
    if (v && !/^https:\/\/[^/]+\/?$/i.test(v) && !/^http:\/\/127\.0\.0\.1(:\d+)\/[a-z0-9]+\/?$/.test(v)) {
      problems.push(`${name} must be a blob service URI like https://account.blob.core.windows.net (got ${v}).`);
    }
    return v;
  };

  let sink: ChangeTrackingSettings['sink'] | undefined;
  const kind = get(SETTINGS.sink);
  if (kind === 'serviceBus') sink = { kind, namespace: host(SETTINGS.serviceBusNamespace), entity: get(SETTINGS.serviceBusEntity) };
  else if (kind === 'eventHub') sink = { kind, namespace: host(SETTINGS.eventHubNamespace), eventHub: get(SETTINGS.eventHubName) };
  else if (kind === 'blob') sink = { kind, blobServiceUri: blobUri(SETTINGS.outputBlobServiceUri), container: get(SETTINGS.outputContainer) };
  else if (kind) problems.push(`${SETTINGS.sink} must be serviceBus, eventHub or blob (got ${kind}).`);

  const state = { blobServiceUri: blobUri(SETTINGS.stateBlobServiceUri), container: get(SETTINGS.stateContainer) };
  const identityClientId = get(SETTINGS.identityClientId, false) || undefined;

  if (problems.length > 0) {
    throw new Error(`The change-tracking function is not configured:\n- ${problems.join('\n- ')}`);
  }
  return { environmentUrl: environmentUrl.replace(/\/$/, ''), tables, pageSize, sink: sink!, state, ...(identityClientId ? { identityClientId } : {}) };
}
