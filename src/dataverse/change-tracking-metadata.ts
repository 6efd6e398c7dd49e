// How a table's change tracking looks to the Web API: its record in the manifest and the paths of
// its table definition. Shared by the record, the command line and the Power Platform provider
// mode. Internal: not exported from src/index.ts.
//
// Microsoft Learn, "Use change tracking to synchronize data with external systems": change
// tracking is the table definition's `ChangeTrackingEnabled` property (EntityMetadata); once
// enabled it cannot be disabled; `CanChangeTrackingBeEnabled` (a managed property) says whether a
// table is eligible. "Create and update table definitions using the Web API": a definition is
// updated with PUT of the whole definition (PATCH is not supported), with `MSCRM.MergeLabels: true`
// so that labels in other languages are kept; `EntityDefinitions(LogicalName='<table>')` addresses
// it by its logical name ("Retrieve table definitions by name or MetadataId").

/** The (pseudo) table of change-tracking records in the manifest: not a row, a table definition property. @internal */
export const CHANGE_TRACKING_TABLE = 'entitychangetracking';
/** Its entity set in the manifest (lowercase like every set there; the Web API path is EntityDefinitions). @internal */
export const CHANGE_TRACKING_SET = 'entitydefinitions';

/** `EntityDefinitions(LogicalName='<table>')`, relative to the Web API root. @internal */
export function entityDefinitionPath(logicalName: string): string {
  return `EntityDefinitions(LogicalName='${logicalName}')`;
}

/** What the command line and the provider mode read back: enough to compare, nothing else. @internal */
export const CHANGE_TRACKING_SELECT = 'LogicalName,EntitySetName,ChangeTrackingEnabled,CanChangeTrackingBeEnabled';

/** The header the documented PUT carries: keep the labels of languages the body does not list. @internal */
export const MERGE_LABELS_HEADER = 'MSCRM.MergeLabels';
