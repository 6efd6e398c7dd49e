// The Power Platform provider mode: renders the records of a DataverseEnvironment as Terraform
// resources of `microsoft/power-platform`, so that `cdktf deploy` registers them and `cdktf destroy`
// removes them. Generic over DataverseRecord / ManifestRecord: any record kind renders the same way.
// Not exported from src/index.ts (internal; tests import it by path).
import { DataResource, dependable, Fn, IAspect, TerraformProvider, TerraformStack, Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { ENTITY_KEY_TABLE } from './alternate-key-metadata';
import { CHANGE_TRACKING_TABLE } from './change-tracking-metadata';
import type { DataverseEnvironment } from './environment';
import { IMMUTABLE_COLUMNS } from './immutable-columns';
import { ManifestAssociation, ManifestLookup, ManifestRecord } from './manifest';
import type { DataverseRecord } from './record';
import { changeTrackingRequests } from './terraform-registration-change-tracking';
import { alternateKeyRequests } from './terraform-registration-keys';
import { shortHash } from '../core/ids';
import { annotate } from '../core/problems';
import { DataPowerPlatformDataRecords } from '../powerplatform/data-records';
import { PowerPlatformProvider } from '../powerplatform/provider';
import { PowerPlatformRest, PowerPlatformRestHeader, PowerPlatformRestOperation } from '../powerplatform/rest';

/** Web API path every request uses. @internal */
export const WEB_API_PATH = '/api/data/v9.2';
/** Construct id of a record's resource (a child of the record). @internal */
export const RECORD_RESOURCE_ID = 'power-platform';
/** Construct id of the `terraform_data` that holds a record's columns that cannot change after creation. @internal */
export const IMMUTABLE_RESOURCE_ID = 'power-platform-immutable';
/** Construct id of the resource that disables an application user before it is deleted. @internal */
export const DISABLE_BEFORE_DELETE_ID = 'power-platform-disable-before-delete';

/** One record and what it was rendered as. @internal */
export interface RenderedRecord {
  readonly record: DataverseRecord;
  /** The record as the manifest holds it (the same object the resource was rendered from). */
  readonly manifest: ManifestRecord;
  /** The record's `powerplatform_rest` resource. */
  readonly resource: PowerPlatformRest;
  /** One `powerplatform_rest` per association, in the record's order. */
  readonly associations: PowerPlatformRest[];
  /**
   * The `terraform_data` whose `triggers_replace` holds the columns that cannot change after
   * creation (Custom API tables); the record's resource is replaced when it is.
   */
  readonly immutable?: DataResource;
  /** The resource whose destroy disables an application user before the user is deleted. */
  readonly disableBeforeDelete?: PowerPlatformRest;
}

/** Everything the mode added to the stack. @internal */
export interface RenderedRegistration {
  /** The provider configuration the resources use. */
  readonly provider: TerraformProvider;
  /** Records in apply order (the manifest's order). */
  readonly records: RenderedRecord[];
  /** Lookup queries, one per distinct lookup, in first-use order. */
  readonly lookups: DataPowerPlatformDataRecords[];
}

interface RenderState {
  provider: TerraformProvider;
  explicitProvider?: TerraformProvider;
  readonly byRecord: Map<DataverseRecord, RenderedRecord>;
  readonly lookups: Map<string, { source: DataPowerPlatformDataRecords; lookup: ManifestLookup; users: RenderedRecord[] }>;
}

const STATES = new WeakMap<DataverseEnvironment, RenderState>();

/**
 * Renders the environment's records (idempotent and incremental: records added since the last call
 * are rendered, dependencies are recomputed). Runs from PowerPlatformRegistrationAspect at synth.
 * @internal
 */
export function renderPowerPlatformRegistration(env: DataverseEnvironment): RenderedRegistration {
  const state = STATES.get(env) ?? newState(env);
  STATES.set(env, state);

  const records = env.records;
  for (const record of records) {
    if (!state.byRecord.has(record)) renderRecord(env, state, record);
  }
  wireDependencies(state, records);

  return {
    provider: state.provider,
    records: records.map((r) => state.byRecord.get(r)!),
    lookups: [...state.lookups.values()].map((l) => l.source),
  };
}

/**
 * Renders the records when the stack is synthesized (records are created after the environment).
 * @internal
 */
export class PowerPlatformRegistrationAspect implements IAspect {
  constructor(private readonly env: DataverseEnvironment) {}

  public visit(node: IConstruct): void {
    if (node === TerraformStack.of(this.env)) renderPowerPlatformRegistration(this.env);
  }
}

function newState(env: DataverseEnvironment): RenderState {
  const stack = TerraformStack.of(env);
  let provider: TerraformProvider | undefined = env.powerPlatformProvider;
  if (!provider) {
    provider = stack.node.findAll().find((c): c is TerraformProvider => PowerPlatformProvider.isPowerPlatformProvider(c) && (c as TerraformProvider).alias === undefined);
  }
  if (!provider) {
    provider = new PowerPlatformProvider(env, 'power-platform-provider');
    annotate(
      env,
      'info',
      'No powerplatform provider in the stack: added one without settings, so it authenticates from the POWER_PLATFORM_* environment variables. Add a PowerPlatformProvider (or pass powerPlatformProvider) to configure it.',
    );
  }
  annotate(
    env,
    'info',
    `Records are registered by Terraform: one powerplatform_rest per record (microsoft/power-platform ${PowerPlatformProvider.VERSION_CONSTRAINT}; the provider marks powerplatform_rest as deprecated and warns on each plan).`,
  );
  return { provider, explicitProvider: env.powerPlatformProvider, byRecord: new Map(), lookups: new Map() };
}

function renderRecord(env: DataverseEnvironment, state: RenderState, record: DataverseRecord): void {
  const manifest = record.toManifestRecord();
  const scope = `${env.url}/.default`;
  const rowUrl = `${env.url}${WEB_API_PATH}/${manifest.entitySet}(${manifest.id})`;
  const headers: PowerPlatformRestHeader[] | undefined = env.solutionUniqueName ? [{ name: 'MSCRM.SolutionUniqueName', value: env.solutionUniqueName }] : undefined;
  const lookupId = (lookup: ManifestLookup) => lookupSource(env, state, lookup).rowValue(0, lookup.idColumn);

  const write: PowerPlatformRestOperation = {
    scope,
    method: 'PATCH',
    url: rowUrl,
    body: requestBody(record, manifest, lookupId),
    headers,
    expectedHttpStatus: [204],
  };
  const immutable = immutableValues(env, record, manifest);
  const immutableData = immutable ? new DataResource(record, IMMUTABLE_RESOURCE_ID, { triggersReplace: immutable }) : undefined;
  const tracking = manifest.table === CHANGE_TRACKING_TABLE;
  const requests =
    manifest.table === ENTITY_KEY_TABLE
      ? alternateKeyRequests(`${env.url}${WEB_API_PATH}`, scope, manifest, headers, escapeTemplate)
      : tracking
        ? (({ create, read }) => ({ create, read }))(changeTrackingRequests(record, `${env.url}${WEB_API_PATH}`, scope, manifest, state.explicitProvider))
        : {
            create: write,
            update: write,
            read: { scope, method: 'GET', url: `${rowUrl}?$select=${readColumns(manifest).join(',')}`, expectedHttpStatus: [200, 404] },
            destroy: { scope, method: 'DELETE', url: rowUrl, expectedHttpStatus: [204, 404] },
          };
  const resource = new PowerPlatformRest(record, RECORD_RESOURCE_ID, {
    provider: state.explicitProvider,
    ...requests,
    // The provider replaces a powerplatform_rest only when a scope changes; a changed immutable
    // column replaces the terraform_data, and that replaces the row (DELETE, then PATCH).
    // A plain address, not the construct: cdktf would write it as "${...}", which Terraform
    // refuses in replace_triggered_by (hashicorp/terraform-cdk#3196, #3532).
    lifecycle: immutableData
      ? { replaceTriggeredBy: [`${DataResource.tfResourceType}.${immutableData.friendlyUniqueId}`] }
      : // The definition the PUT carries changes whenever someone edits the table: not a reason to send it again.
        tracking
        ? { ignoreChanges: ['create'] }
        : undefined,
  });

  // Dataverse deletes only disabled users. A powerplatform_rest sends one request on destroy, so
  // the disabling is a resource of its own: it has no create, read or update (nothing is sent on
  // apply), only a destroy that PATCHes isdisabled. It depends on the user, so Terraform destroys
  // it first; If-Match: * keeps the PATCH from creating a user that is already gone (404).
  const disableBeforeDelete =
    manifest.table === 'systemuser'
      ? new PowerPlatformRest(record, DISABLE_BEFORE_DELETE_ID, {
          provider: state.explicitProvider,
          dependsOn: [resource],
          destroy: {
            scope,
            method: 'PATCH',
            url: rowUrl,
            body: '{"isdisabled":true}',
            headers: [{ name: 'If-Match', value: '*' }],
            expectedHttpStatus: [204, 404],
          },
        })
      : undefined;

  const associations = manifest.associations.map((association) => {
    const targetId = lookupId(association.target);
    return new PowerPlatformRest(record, `${RECORD_RESOURCE_ID}-${association.relationship}-${associationKey(association)}`, {
      provider: state.explicitProvider,
      // After the disabling resource: on destroy the roles are removed while the user is enabled,
      // then the user is disabled, then deleted.
      dependsOn: disableBeforeDelete ? [resource, disableBeforeDelete] : [resource],
      create: {
        scope,
        method: 'POST',
        url: `${rowUrl}/${association.relationship}/$ref`,
        body: `{"@odata.id":"${escapeTemplate(`${env.url}${WEB_API_PATH}/${association.target.entitySet}(`)}${targetId})"}`,
        expectedHttpStatus: [204],
      },
      destroy: { scope, method: 'DELETE', url: `${rowUrl}/${association.relationship}(${targetId})/$ref`, expectedHttpStatus: [204, 404] },
    });
  });

  const rendered: RenderedRecord = { record, manifest, resource, associations, immutable: immutableData, disableBeforeDelete };
  state.byRecord.set(record, rendered);
  for (const lookup of [...manifest.lookups, ...manifest.associations.map((a) => a.target)]) {
    const entry = state.lookups.get(lookupKey(lookup))!;
    if (!entry.users.includes(rendered)) entry.users.push(rendered);
  }
}

/**
 * The values of the record's immutable columns, and those of the record it belongs to (a Custom
 * API's parameters and properties: Dataverse deletes them with the API, so a replaced API must
 * replace them too). Undefined for tables without immutable columns.
 */
function immutableValues(env: DataverseEnvironment, record: DataverseRecord, manifest: ManifestRecord): { [key: string]: any } | undefined {
  const own = IMMUTABLE_COLUMNS[manifest.table];
  if (!own) return undefined;
  const values: { [key: string]: any } = {};
  const columns = record.columnValues();
  for (const c of own) if (columns[c] !== undefined) values[c] = columns[c];
  for (const ref of manifest.references) {
    const parentColumns = IMMUTABLE_COLUMNS[ref.table];
    const parent = env.records.find((r) => r.recordId === ref.id);
    if (!parentColumns || !parent) continue;
    const pc = parent.columnValues();
    for (const c of parentColumns) if (pc[c] !== undefined) values[`${ref.table}.${c}`] = pc[c];
  }
  return values;
}

/** The lookup's data source, created on first use (one per distinct query). */
function lookupSource(env: DataverseEnvironment, state: RenderState, lookup: ManifestLookup): DataPowerPlatformDataRecords {
  const key = lookupKey(lookup);
  const existing = state.lookups.get(key);
  if (existing) return existing.source;
  const source = new DataPowerPlatformDataRecords(env, `lookup-${lookup.table}-${shortHash(key)}`, {
    provider: state.explicitProvider,
    environmentId: env.environmentId!,
    entityCollection: lookup.entitySet,
    filter: lookup.filter,
    selectColumns: [lookup.idColumn],
    // Two, so that the postcondition can tell "exactly one" from "several".
    top: 2,
    lifecycle: {
      postcondition: [
        {
          condition: '${length(self.rows) == 1}',
          errorMessage: `The lookup of ${lookup.table} ${describeKey(lookup)} (${lookup.entitySet}?$filter=${lookup.filter}) must find exactly one row. Check the name in the stack, or that the row exists in this environment.`,
        },
      ],
    },
  });
  state.lookups.set(key, { source, lookup, users: [] });
  return source;
}

/** Columns that name a row, so that a lookup by name can find it (e.g. a Custom API's `uniquename`). */
const NAME_COLUMNS = ['uniquename', 'name'];

/**
 * depends_on between the resources: a record after the records it references (step after endpoint,
 * image after step); a lookup query after a record, earlier in apply order, whose name or unique
 * name is a value of the lookup's key: the row it looks for is created by that record (e.g. a step
 * on a Custom API's message waits for the Custom API, whose creation adds the sdkmessage).
 */
function wireDependencies(state: RenderState, records: DataverseRecord[]): void {
  const rendered = records.map((r) => state.byRecord.get(r)!);
  const byId = new Map(rendered.map((r) => [r.manifest.id, r]));
  for (const r of rendered) {
    const targets = r.manifest.references.map((ref) => byId.get(ref.id)?.resource).filter((t): t is PowerPlatformRest => t !== undefined);
    r.resource.dependsOn = targets.length > 0 ? unique(targets).map((t) => dependable(t)) : undefined;
  }
  for (const { source, lookup, users } of state.lookups.values()) {
    const firstUse = Math.min(...users.map((u) => u.record.applyOrder));
    const values = new Set(Object.values(lookup.key));
    const creators = rendered.filter(
      (r) => r.record.applyOrder < firstUse && NAME_COLUMNS.some((c) => typeof r.manifest.columns[c] === 'string' && values.has(r.manifest.columns[c])),
    );
    source.dependsOn = creators.length > 0 ? unique(creators.map((c) => c.resource)).map((t) => dependable(t)) : undefined;
  }
}

/**
 * The request body: every column (Terraform references stay references, so secrets flow from the
 * azurerm attributes inside Terraform), then `@odata.bind` for references and lookups. A template
 * whose literal parts are the JSON text and whose interpolations are `jsonencode(...)` of references
 * (`jsonencode(sensitive(...))` for secret columns).
 */
function requestBody(record: DataverseRecord, manifest: ManifestRecord, lookupId: (l: ManifestLookup) => string): string {
  const secret = new Set(manifest.writeOnly);
  const members: string[] = [];
  for (const [column, value] of Object.entries(record.columnValues())) {
    members.push(`${literal(column)}:${jsonValue(value, secret.has(column))}`);
  }
  for (const ref of manifest.references) {
    members.push(`${literal(`${ref.navigation}@odata.bind`)}:${literal(`/${ref.entitySet}(${ref.id})`)}`);
  }
  for (const lookup of manifest.lookups) {
    // A GUID needs no JSON escaping, so the data source's value is interpolated as it is.
    members.push(`${literal(`${lookup.navigation}@odata.bind`)}:"${escapeTemplate(`/${lookup.entitySet}(`)}${lookupId(lookup)})"`);
  }
  return `{${members.join(',')}}`;
}

/**
 * The columns the read request selects: what the stack writes, except write-only columns (never
 * returned), plus `_<lookup>_value` of every reference and lookup. Never all columns: system
 * columns such as modifiedon or versionnumber change on their own and would show as drift.
 */
function readColumns(manifest: ManifestRecord): string[] {
  const writeOnly = new Set(manifest.writeOnly);
  const columns = [...Object.keys(manifest.columns), ...manifest.fromOutputs.map((o) => o.column)].filter((c) => !writeOnly.has(c));
  const lookups = [...manifest.references.map((r) => r.column), ...manifest.lookups.map((l) => l.column)].map((c) => `_${c}_value`);
  const all = unique([...columns, ...lookups]);
  return all.length > 0 ? all : [`${manifest.table}id`];
}

/** A literal JSON value as template text. */
function literal(value: unknown): string {
  return escapeTemplate(JSON.stringify(value));
}

function jsonValue(value: any, secret: boolean): string {
  if (!Token.isUnresolved(value) && !containsToken(value)) return literal(value);
  let expression: any = value;
  if (typeof value === 'string') {
    const fragments = splitTokens(value);
    if (fragments.length > 1 || !isTokenMarker(fragments[0])) {
      expression = Fn.join(
        '',
        fragments.map((f) => (isTokenMarker(f) ? f : hclLiteral(f))),
      );
    }
  }
  return Fn.jsonencode(secret ? Fn.sensitive(expression) : expression);
}

const TOKEN_MARKER = /\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;

function containsToken(value: unknown): boolean {
  return typeof value === 'object' && value !== null && new RegExp(TOKEN_MARKER.source).test(JSON.stringify(value) ?? '');
}

function splitTokens(value: string): string[] {
  const out: string[] = [];
  let last = 0;
  for (const m of value.matchAll(TOKEN_MARKER)) {
    if (m.index! > last) out.push(value.slice(last, m.index));
    out.push(m[0]);
    last = m.index! + m[0].length;
  }
  if (last < value.length) out.push(value.slice(last));
  return out;
}

function isTokenMarker(fragment: string | undefined): boolean {
  return fragment !== undefined && new RegExp(`^${TOKEN_MARKER.source}$`).test(fragment);
}

/** A string literal inside a Terraform expression (cdktf escapes newlines, `${` and quotes; not backslashes or `%{`). */
function hclLiteral(text: string): string {
  return Fn.rawString(text.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/%\{/g, '%%{'));
}

/** Literal text inside a Terraform template: `${` and `%{` start interpolations and directives. */
function escapeTemplate(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

function lookupKey(lookup: ManifestLookup): string {
  return `${lookup.entitySet}|${lookup.idColumn}|${lookup.filter}`;
}

function associationKey(association: ManifestAssociation): string {
  return shortHash(`${association.relationship}|${lookupKey(association.target)}`);
}

function describeKey(lookup: ManifestLookup): string {
  return Object.entries(lookup.key)
    .map(([k, v]) => `${k} '${v}'`)
    .join(', ');
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
