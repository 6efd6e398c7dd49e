// The contract between the pattern and the function it deploys: the app settings the construct
// writes are the ones the runtime's loadSettings accepts, for every sink. Terraform references
// (a created account's blob endpoint, an identity's client id) are replaced by values of the shape
// Azure gives them.
import { describe, expect, it } from 'vitest';
import { build, SinkKind } from './change-tracking-fixtures';
import { loadSettings } from '../../src/runtime/change-tracking/settings';
import { onlyResource, synthJson } from '../helpers';

/** The app settings with references replaced as Terraform would fill them in. */
function deployedSettings(kind: SinkKind): Record<string, string> {
  const settings: Record<string, string> = onlyResource(synthJson(build(kind).stack), 'azurerm_function_app_flex_consumption').app_settings;
  const fill = (v: string) =>
    v
      .replace(/\$\{azurerm_storage_account\.([^.}]+)\.primary_blob_endpoint\}/g, (_m, id) => `https://${id.replace(/[^a-z0-9]/g, '').slice(0, 20)}.blob.core.windows.net/`)
      .replace(/\$\{azurerm_user_assigned_identity\.[^}]+\.client_id\}/g, '33333333-3333-4333-8333-333333333333');
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, fill(v)]));
}

describe('ChangeTrackingExport settings are what the function reads', () => {
  it.each<[SinkKind, object]>([
    ['queue', { kind: 'serviceBus', namespace: 'sb-contoso-changes.servicebus.windows.net', entity: 'dataverse-changes' }],
    ['topic', { kind: 'serviceBus', namespace: 'sb-contoso-changes.servicebus.windows.net', entity: 'dataverse-changes' }],
    ['eventHub', { kind: 'eventHub', namespace: 'eh-contoso-changes.servicebus.windows.net', eventHub: 'dataverse-changes' }],
    ['storage', { kind: 'blob', container: 'dataverse-changes' }],
  ])('%s', (kind, sink) => {
    const settings = loadSettings(deployedSettings(kind));
    expect(settings.environmentUrl).toBe('https://contoso.crm4.dynamics.com');
    expect(settings.sink).toMatchObject(sink);
    expect(settings.tables).toEqual([
      { name: 'account', entitySetName: 'accounts', columns: ['name', 'accountnumber', '_parentaccountid_value'] },
      { name: 'contact', entitySetName: 'contacts', columns: ['contactid'] },
    ]);
    expect(settings.state).toEqual({ blobServiceUri: expect.stringMatching(/^https:\/\/[a-z0-9]+\.blob\.core\.windows\.net\/$/), container: 'change-tracking-state' });
    expect(settings.identityClientId).toBe('33333333-3333-4333-8333-333333333333');
    expect(settings.pageSize).toBe(5000);
  });
});
