// The fake Web API's table definitions, for change tracking (issue 17). Documented behaviour it
// follows (FAKE.md lists the sources):
// - `GET EntityDefinitions(LogicalName='<t>')` returns the EntityMetadata (with `$select`, only
//   those properties plus MetadataId), 404 when no table has that name ("Retrieve table
//   definitions by name or MetadataId"; "Query table definitions using the Web API");
// - `PUT EntityDefinitions(LogicalName='<t>')` replaces the definition with the body ("Create and
//   update table definitions using the Web API": PATCH is not supported; labels the body does not
//   carry are dropped unless `MSCRM.MergeLabels: true`); 204 without a body;
// - `ChangeTrackingEnabled` cannot go back to false once true, and cannot become true when
//   `CanChangeTrackingBeEnabled.Value` is false ("Use change tracking to synchronize data with
//   external systems"). The error texts are the fake's own: Microsoft does not document them.
import { createHash } from 'crypto';
import { OpAnswer } from './fake-batch';

type Definition = { [property: string]: any };

const ONE = /^EntityDefinitions\(LogicalName='([a-z0-9_]+)'\)$/;
const error = (status: number, code: string, message: string): OpAnswer => ({ status, body: { error: { code, message } } });

/** A table definition with the properties a real one has that matter here (shape of the Learn example). */
export function tableDefinition(logicalName: string, extra: Definition = {}): Definition {
  const label = (text: string, languageCode: number) => ({ '@odata.type': 'Microsoft.Dynamics.CRM.LocalizedLabel', Label: text, LanguageCode: languageCode });
  return {
    LogicalName: logicalName,
    SchemaName: logicalName.charAt(0).toUpperCase() + logicalName.slice(1),
    EntitySetName: logicalName.endsWith('y') ? `${logicalName.slice(0, -1)}ies` : `${logicalName}s`,
    PrimaryIdAttribute: `${logicalName}id`,
    MetadataId: createHash('md5')
      .update(logicalName)
      .digest('hex')
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
    ChangeTrackingEnabled: false,
    CanChangeTrackingBeEnabled: { Value: true, CanBeChanged: false, ManagedPropertyLogicalName: 'canchangetrackingbeenabled' },
    IsCustomEntity: false,
    IsAuditEnabled: { Value: false, CanBeChanged: true, ManagedPropertyLogicalName: 'canmodifyauditsettings' },
    DisplayName: { '@odata.type': 'Microsoft.Dynamics.CRM.Label', LocalizedLabels: [label(logicalName, 1033), label(`${logicalName} (de)`, 1031)] },
    ...extra,
  };
}

export class FakeTables {
  private readonly tables = new Map<string, Definition>();

  constructor(private readonly baseUrl: () => string) {
    for (const t of ['account', 'contact', 'salesorder', 'opportunity']) this.define(t);
  }

  /** Adds or replaces a table definition. */
  public define(logicalName: string, extra: Definition = {}): Definition {
    const d = tableDefinition(logicalName, extra);
    this.tables.set(logicalName, d);
    return d;
  }

  /** The definition as the fake holds it (for assertions). */
  public definition(logicalName: string): Definition | undefined {
    return this.tables.get(logicalName);
  }

  public handle(method: string, path: string, headers: { [name: string]: any }, body: any, select: string | null): OpAnswer | undefined {
    const m = ONE.exec(path);
    if (!m) return undefined;
    const current = this.tables.get(m[1]);
    if (!current) return error(404, '0x80040217', `Could not find an entity with the name ${m[1]}.`);
    if (method === 'GET') {
      const context = `${this.baseUrl()}/api/data/v9.2/$metadata#EntityDefinitions`;
      if (!select) return { status: 200, body: { '@odata.context': `${context}/$entity`, ...structuredClone(current) } };
      const picked: Definition = { '@odata.context': `${context}(${select})/$entity` };
      for (const p of select.split(',')) if (p in current) picked[p] = structuredClone(current[p]);
      picked.MetadataId = current.MetadataId;
      return { status: 200, body: picked };
    }
    if (method === 'PATCH') return error(405, '0x8006088a', 'PATCH is not supported on EntityDefinitions; use PUT with the whole definition.');
    if (method !== 'PUT') return error(405, '0x8006088a', `${method} is not supported on an entity definition.`);
    if (!body || body.LogicalName !== current.LogicalName || body.MetadataId !== current.MetadataId) {
      return error(400, '0x80048d19', 'The definition in the body is not the one of the URL (LogicalName or MetadataId differs).');
    }
    if (current.ChangeTrackingEnabled === true && body.ChangeTrackingEnabled === false) {
      return error(400, '0x80048d19', `Change tracking cannot be disabled on ${current.LogicalName} once it is enabled.`);
    }
    if (body.ChangeTrackingEnabled === true && current.ChangeTrackingEnabled !== true && current.CanChangeTrackingBeEnabled?.Value === false) {
      return error(400, '0x80048d19', `Change tracking cannot be enabled on ${current.LogicalName}.`);
    }
    const { '@odata.context': _c, ...next } = body;
    // Without MSCRM.MergeLabels: true, labels of languages the body leaves out are lost.
    if (String(headers['mscrm.mergelabels'] ?? '').toLowerCase() !== 'true' && next.DisplayName?.LocalizedLabels === undefined) next.DisplayName = { LocalizedLabels: [] };
    this.tables.set(current.LogicalName, next);
    return { status: 204 };
  }
}
