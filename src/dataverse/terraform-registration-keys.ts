// The Power Platform provider mode for alternate keys: a key is table metadata, so its
// powerplatform_rest sends `POST EntityDefinitions(LogicalName='<table>')/Keys` on create, reads the
// key by its logical name, and deletes it on destroy; there is no update (every column is immutable:
// a change replaces the key). Terraform does not wait for the key's index: the provider sends one
// request per step. Internal.
import { entityKeyMetadataBody, entityKeysPath } from './alternate-key-metadata';
import { ManifestRecord } from './manifest';
import { PowerPlatformRestHeader, PowerPlatformRestOperation } from '../powerplatform/rest';

/** The create, read and destroy requests of an `entitykey` record. @internal */
export function alternateKeyRequests(
  webApiUrl: string,
  scope: string,
  manifest: ManifestRecord,
  headers: PowerPlatformRestHeader[] | undefined,
  escapeTemplate: (text: string) => string,
): { create: PowerPlatformRestOperation; read: PowerPlatformRestOperation; destroy: PowerPlatformRestOperation } {
  const c = manifest.columns;
  const keyUrl = `${webApiUrl}/${entityKeysPath(c.entitylogicalname, c.logicalname)}`;
  return {
    // Microsoft documents 204 for metadata creation; 200 is accepted for a response with a body.
    create: {
      scope,
      method: 'POST',
      url: `${webApiUrl}/${entityKeysPath(c.entitylogicalname)}`,
      body: escapeTemplate(JSON.stringify(entityKeyMetadataBody(c))),
      headers,
      expectedHttpStatus: [200, 204],
    },
    // Not EntityKeyIndexStatus: it changes on its own (Pending → Active) and would show as drift.
    read: { scope, method: 'GET', url: `${keyUrl}?$select=LogicalName,KeyAttributes`, expectedHttpStatus: [200, 404] },
    destroy: { scope, method: 'DELETE', url: keyUrl, expectedHttpStatus: [204, 404] },
  };
}
