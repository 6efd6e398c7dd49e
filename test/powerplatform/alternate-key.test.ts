import { describe, expect, it } from 'vitest';
import { AlternateKey, AlternateKeyColumnType, AlternateKeyProps, RegistrationMode } from '../../src';
import { newStack, resourcesOf, synthJson, validationErrors } from '../helpers';

// The request shapes follow microsoft/PowerApps-Samples (WebAPIService/Metadata/Messages/
// CreateEntityKeyRequest.cs: POST EntityDefinitions(LogicalName='<table>')/Keys with an
// EntityKeyMetadata body; RetrieveEntityKeyRequest.cs: .../Keys(LogicalName='<key>')).
const ENV_URL = 'https://contoso.crm4.dynamics.com';
const API = `${ENV_URL}/api/data/v9.2`;

function providerStack(extra: Partial<AlternateKeyProps> = {}) {
  const ctx = newStack({ registrationMode: RegistrationMode.POWER_PLATFORM_PROVIDER, environmentId: '11111111-2222-3333-4444-555555555555' });
  const key = new AlternateKey(ctx.stack, 'account-number', {
    environment: ctx.dataverse,
    table: 'account',
    schemaName: 'contoso_AccountNumber',
    displayName: 'Account number',
    columns: [{ logicalName: 'accountnumber', columnType: AlternateKeyColumnType.STRING, maxLength: 20 }],
    ...extra,
  });
  return { ...ctx, key };
}

function keyResources(synth: any) {
  const rest = Object.entries(resourcesOf(synth, 'powerplatform_rest')) as Array<[string, any]>;
  expect(rest).toHaveLength(1);
  const data = Object.entries(resourcesOf(synth, 'terraform_data')) as Array<[string, any]>;
  expect(data).toHaveLength(1);
  return { rest: rest[0][1], dataId: data[0][0], data: data[0][1] };
}

describe('Power Platform provider mode: alternate keys', () => {
  it('create POSTs the EntityKeyMetadata to the table’s Keys, in the solution', () => {
    const { stack } = providerStack({
      columns: [
        { logicalName: 'accountnumber', columnType: AlternateKeyColumnType.STRING },
        { logicalName: 'address1_postalcode', columnType: AlternateKeyColumnType.STRING },
      ],
    });
    expect(validationErrors(stack)).toEqual([]);
    const { rest } = keyResources(synthJson(stack));
    expect(rest.create).toMatchObject({
      method: 'POST',
      url: `${API}/EntityDefinitions(LogicalName='account')/Keys`,
      scope: `${ENV_URL}/.default`,
      headers: [{ name: 'MSCRM.SolutionUniqueName', value: 'ContosoIntegration' }],
      expected_http_status: [200, 204],
    });
    expect(JSON.parse(rest.create.body)).toEqual({
      SchemaName: 'contoso_AccountNumber',
      LogicalName: 'contoso_accountnumber',
      EntityLogicalName: 'account',
      KeyAttributes: ['accountnumber', 'address1_postalcode'],
      DisplayName: {
        '@odata.type': 'Microsoft.Dynamics.CRM.Label',
        LocalizedLabels: [{ '@odata.type': 'Microsoft.Dynamics.CRM.LocalizedLabel', Label: 'Account number', LanguageCode: 1033 }],
      },
    });
  });

  it('reads and deletes the key by its logical name; no update: every column replaces it', () => {
    const { stack } = providerStack();
    const { rest, dataId, data } = keyResources(synthJson(stack));
    const keyUrl = `${API}/EntityDefinitions(LogicalName='account')/Keys(LogicalName='contoso_accountnumber')`;
    expect(rest.read).toMatchObject({ method: 'GET', url: `${keyUrl}?$select=LogicalName,KeyAttributes`, expected_http_status: [200, 404] });
    expect(rest.destroy).toMatchObject({ method: 'DELETE', url: keyUrl, expected_http_status: [204, 404] });
    expect(rest).not.toHaveProperty('update');
    expect(rest.lifecycle).toEqual({ replace_triggered_by: [`terraform_data.${dataId}`] });
    expect(data.triggers_replace).toEqual({
      entitylogicalname: 'account',
      schemaname: 'contoso_AccountNumber',
      logicalname: 'contoso_accountnumber',
      displayname: 'Account number',
      keyattributes: 'accountnumber',
      languagecode: 1033,
    });
    expect(keyResources(synthJson(providerStack({ displayName: 'Account no.' }).stack)).data.triggers_replace.displayname).toBe('Account no.');
  });

  it('a display name with ${ or %{ stays literal text in the Terraform template', () => {
    const { rest } = keyResources(synthJson(providerStack({ displayName: 'Key ${var.x} %{if}' }).stack));
    expect(rest.create.body).toContain('Key $${var.x} %%{if}');
  });
});
