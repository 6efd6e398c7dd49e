// How an alternate key looks to the Web API: its table in the manifest, its EntityKeyMetadata body
// and its path. Shared by the record, the command line and the Power Platform provider mode.
// Internal: not exported from src/index.ts.

/** The table of alternate key records in the manifest (Dataverse's `entitykey`). @internal */
export const ENTITY_KEY_TABLE = 'entitykey';

/**
 * The EntityKeyMetadata body of `POST EntityDefinitions(LogicalName='<table>')/Keys`, from the
 * columns of an `entitykey` manifest record (shape of microsoft/PowerApps-Samples
 * WebAPIService/Metadata/Types/EntityKeyMetadata.cs and Label.cs). Shared by the command line and
 * the Power Platform provider mode.
 * @internal
 */
export function entityKeyMetadataBody(columns: { [column: string]: any }): any {
  return {
    SchemaName: columns.schemaname,
    LogicalName: columns.logicalname,
    EntityLogicalName: columns.entitylogicalname,
    KeyAttributes: String(columns.keyattributes).split(','),
    DisplayName: {
      '@odata.type': 'Microsoft.Dynamics.CRM.Label',
      LocalizedLabels: [{ '@odata.type': 'Microsoft.Dynamics.CRM.LocalizedLabel', Label: columns.displayname, LanguageCode: columns.languagecode }],
    },
  };
}

/** `EntityDefinitions(LogicalName='<table>')/Keys`, or one key of it, relative to the Web API root. @internal */
export function entityKeysPath(entityLogicalName: string, keyLogicalName?: string): string {
  const keys = `EntityDefinitions(LogicalName='${entityLogicalName}')/Keys`;
  return keyLogicalName === undefined ? keys : `${keys}(LogicalName='${keyLogicalName}')`;
}
