import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { ApplicationUser, ManifestFormat } from '../../src';
import { newStack, synthJson, validationErrors } from '../helpers';

const CLIENT_ID = '11111111-2222-3333-4444-555555555555';

describe('ApplicationUser', () => {
  it('is a systemuser with applicationid, the root business unit and role associations, applied after the custom APIs', () => {
    const { stack, dataverse } = newStack();
    const user = new ApplicationUser(stack, 'user', { environment: dataverse, applicationId: CLIENT_ID, securityRoleNames: ['Basic User', "Partner's role"] });
    expect(user.applyOrder).toBe(500);
    expect(validationErrors(stack)).toEqual([]);
    const [record] = dataverse.toManifest().records;
    expect(record).toMatchObject({
      table: 'systemuser',
      entitySet: 'systemusers',
      columns: { applicationid: CLIENT_ID },
      lookups: [
        {
          column: 'businessunitid',
          navigation: 'businessunitid',
          table: 'businessunit',
          entitySet: 'businessunits',
          idColumn: 'businessunitid',
          filter: '_parentbusinessunitid_value eq null',
        },
      ],
    });
    expect(record.associations.map((a) => a.relationship)).toEqual(['systemuserroles_association', 'systemuserroles_association']);
    expect(record.associations[0].target).toMatchObject({
      table: 'role',
      entitySet: 'roles',
      idColumn: 'roleid',
      filter: "name eq 'Basic User' and businessunitid/_parentbusinessunitid_value eq null",
      key: { role: 'Basic User' },
    });
    expect(record.associations[1].target.filter).toContain("name eq 'Partner''s role'");
    const validate = new Ajv({ allErrors: true, strict: false }).compile(ManifestFormat.schema());
    expect(validate(JSON.parse(JSON.stringify(dataverse.toManifest()))), JSON.stringify(validate.errors)).toBe(true);
  });

  it("an identity's client id (a reference) travels through a non-sensitive output", () => {
    const { stack, rg, dataverse } = newStack();
    const identity = new UserAssignedIdentity(stack, 'identity', { name: 'id-test', location: rg.location, resourceGroupName: rg.name });
    const user = new ApplicationUser(stack, 'user', { environment: dataverse, applicationId: identity.clientId });
    const [record] = dataverse.toManifest().records;
    expect(record.columns).not.toHaveProperty('applicationid');
    expect(record.fromOutputs).toEqual([{ column: 'applicationid', output: user.outputNameOf('applicationid'), sensitive: false }]);
    const synth = synthJson(stack);
    expect(synth.output[user.outputNameOf('applicationid')!]).toMatchObject({ sensitive: false, value: '${azurerm_user_assigned_identity.identity.client_id}' });
  });

  it('reports an applicationId that is not a GUID', () => {
    const { stack, dataverse } = newStack();
    new ApplicationUser(stack, 'user', { environment: dataverse, applicationId: 'my-app' });
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("applicationId 'my-app' is not a GUID");
  });

  it('reports an empty, too long or repeated role name', () => {
    const { stack, dataverse } = newStack();
    new ApplicationUser(stack, 'user', { environment: dataverse, applicationId: CLIENT_ID, securityRoleNames: ['', 'x'.repeat(101), 'A', 'A'] });
    const errors = validationErrors(stack);
    expect(errors.filter((e) => e.includes('must be 1 to 100 characters'))).toHaveLength(2);
    expect(errors.filter((e) => e.includes("security role 'A' is listed twice"))).toHaveLength(1);
  });
});
