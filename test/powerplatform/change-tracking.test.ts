import { describe, expect, it } from 'vitest';
import { ChangeTrackingExport, RegistrationMode, ServiceBusNamespace, ServiceBusQueue, TableChangeTracking } from '../../src';
import { newStack, resourcesOf, synthJson, validationErrors } from '../helpers';
import { functionFolder } from '../patterns/change-tracking-fixtures';

// The requests follow Microsoft Learn, "Create and update table definitions using the Web API"
// (PUT of the whole definition with MSCRM.MergeLabels: true; PATCH is not supported) and the
// powerplatform_rest_query data source of microsoft/terraform-provider-power-platform
// (docs/data-sources/rest_query.md: scope, method, url, expected_http_status; output.body).
const ENV_URL = 'https://contoso.crm4.dynamics.com';
const DEF_URL = `${ENV_URL}/api/data/v9.2/EntityDefinitions(LogicalName='account')`;

function providerStack() {
  const ctx = newStack({ registrationMode: RegistrationMode.POWER_PLATFORM_PROVIDER, environmentId: '11111111-2222-3333-4444-555555555555' });
  new TableChangeTracking(ctx.stack, 'track-account', { environment: ctx.dataverse, table: 'account' });
  return ctx;
}

describe('Power Platform provider mode: change tracking', () => {
  it('reads the whole definition at plan time and PUTs it back with ChangeTrackingEnabled true and MergeLabels', () => {
    const { stack } = providerStack();
    expect(validationErrors(stack)).toEqual([]);
    const synth = synthJson(stack);
    const queries = Object.entries(synth.data?.powerplatform_rest_query ?? {}) as Array<[string, any]>;
    expect(queries).toHaveLength(1);
    const [queryId, query] = queries[0];
    expect(query).toMatchObject({ scope: `${ENV_URL}/.default`, method: 'GET', url: DEF_URL, expected_http_status: [200] });
    const rest = Object.values(resourcesOf(synth, 'powerplatform_rest')) as any[];
    expect(rest).toHaveLength(1);
    expect(rest[0].create).toMatchObject({
      method: 'PUT',
      url: DEF_URL,
      headers: [{ name: 'MSCRM.MergeLabels', value: 'true' }],
      expected_http_status: [204],
    });
    expect(rest[0].create.body).toBe(`\${jsonencode(merge(jsondecode(data.powerplatform_rest_query.${queryId}.output.body), {"ChangeTrackingEnabled" = true}))}`);
    // Not added to the solution: no MSCRM.SolutionUniqueName on the PUT.
    expect(JSON.stringify(rest[0].create.headers)).not.toContain('SolutionUniqueName');
  });

  it('reads only the property; no update, no destroy (permanent); later edits of the table do not resend the PUT', () => {
    const rest = Object.values(resourcesOf(synthJson(providerStack().stack), 'powerplatform_rest')) as any[];
    expect(rest[0].read).toMatchObject({ method: 'GET', url: `${DEF_URL}?$select=LogicalName,ChangeTrackingEnabled`, expected_http_status: [200] });
    expect(rest[0]).not.toHaveProperty('update');
    expect(rest[0]).not.toHaveProperty('destroy');
    expect(rest[0].lifecycle).toEqual({ ignore_changes: ['create'] });
  });

  it('a ChangeTrackingExport in provider mode: one definition PUT per table, the application user with its role, no errors', () => {
    const { stack, dataverse, rg } = newStack({ registrationMode: RegistrationMode.POWER_PLATFORM_PROVIDER, environmentId: '11111111-2222-3333-4444-555555555555' });
    const ns = new ServiceBusNamespace(stack, 'bus', { resourceGroup: rg, name: 'sb-contoso-changes' });
    new ChangeTrackingExport(stack, 'export', {
      dataverse,
      resourceGroup: rg,
      tables: [{ logicalName: 'account' }, { logicalName: 'contact' }],
      securityRoleName: 'Change tracking export',
      functionCode: functionFolder(),
      serviceBusQueue: new ServiceBusQueue(stack, 'q', { serviceBusNamespace: ns }),
    });
    expect(validationErrors(stack)).toEqual([]);
    const rest = Object.values(resourcesOf(synthJson(stack), 'powerplatform_rest')) as any[];
    expect(rest.filter((r) => r.create?.method === 'PUT').map((r) => r.create.url)).toEqual([
      `${ENV_URL}/api/data/v9.2/EntityDefinitions(LogicalName='account')`,
      `${ENV_URL}/api/data/v9.2/EntityDefinitions(LogicalName='contact')`,
    ]);
    expect(rest.some((r) => /systemusers\(/.test(r.create?.url ?? '') && r.create.body.includes('applicationid'))).toBe(true);
    expect(rest.some((r) => /systemuserroles_association\/\$ref$/.test(r.create?.url ?? ''))).toBe(true);
  });
});
