// The Power Platform provider mode for change tracking: a table definition property, not a row.
// A `powerplatform_rest_query` data source reads the whole definition (GET
// EntityDefinitions(LogicalName='<table>')) at plan time; the record's powerplatform_rest PUTs it
// back on create with ChangeTrackingEnabled true and `MSCRM.MergeLabels: true` (Microsoft Learn,
// "Create and update table definitions using the Web API": PUT of the whole definition, PATCH is not
// supported). The PUT is idempotent, so it is sent on create even when change tracking is on
// already. Reads select only LogicalName and ChangeTrackingEnabled (no drift from other edits of the
// table); there is no update and no destroy: change tracking cannot be disabled ("Use change
// tracking to synchronize data with external systems"), so `terraform destroy` forgets it and
// leaves it on. The definition read at plan time is what the PUT sends: an edit of the table between
// plan and apply would be overwritten (plan and apply close together, as usual). Internal.
import { Fn, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { entityDefinitionPath, MERGE_LABELS_HEADER } from './change-tracking-metadata';
import { ManifestRecord } from './manifest';
import { PowerPlatformRestOperation } from '../powerplatform/rest';
import { DataPowerPlatformRestQuery } from '../powerplatform/rest-query';

/** Construct id of the data source that reads the table definition. @internal */
export const DEFINITION_QUERY_ID = 'power-platform-definition';

/** The create and read requests of an `entitychangetracking` record (and the definition's query). @internal */
export function changeTrackingRequests(
  record: Construct,
  webApiUrl: string,
  scope: string,
  manifest: ManifestRecord,
  provider: TerraformProvider | undefined,
): { create: PowerPlatformRestOperation; read: PowerPlatformRestOperation; query: DataPowerPlatformRestQuery } {
  const url = `${webApiUrl}/${entityDefinitionPath(String(manifest.columns.logicalname))}`;
  const query = new DataPowerPlatformRestQuery(record, DEFINITION_QUERY_ID, { provider, scope, method: 'GET', url, expectedHttpStatus: [200] });
  return {
    query,
    create: {
      scope,
      method: 'PUT',
      url,
      body: Fn.jsonencode(Fn.merge([Fn.jsondecode(query.outputBody), { ChangeTrackingEnabled: true }])),
      headers: [{ name: MERGE_LABELS_HEADER, value: 'true' }],
      expectedHttpStatus: [204],
    },
    read: { scope, method: 'GET', url: `${url}?$select=LogicalName,ChangeTrackingEnabled`, expectedHttpStatus: [200] },
  };
}
