import { TerraformVariable } from 'cdktf';
// eslint-disable-next-line import/no-extraneous-dependencies
import { resolve } from 'cdktf/lib/_tokens';
import { describe, expect, it } from 'vitest';
import { IUserAssignedIdentity, UserAssignedIdentity } from '../../src';
import { newStack, onlyResource, resourcesOf, synthJson, validationErrors } from '../helpers';

// The import id format of the azurerm 4.55 documentation (azurerm_user_assigned_identity); our values.
const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-apim';
const CLIENT = '11111111-2222-3333-4444-555555555555';
const PRINCIPAL = '66666666-7777-4888-9999-aaaaaaaaaaaa';

function one(errors: string[], text: string): string {
  const hits = errors.filter((e) => e.includes(text));
  expect(hits, `${text} in ${JSON.stringify(errors)}`).toHaveLength(1);
  expect(hits[0]).toContain('Fix:');
  return hits[0];
}

describe('UserAssignedIdentity block: default settings', () => {
  it('a generated, deterministic name in the given resource group and location; the Terraform address is the block’s', () => {
    const a = newStack();
    const b = newStack();
    const id = new UserAssignedIdentity(a.stack, 'caller', { resourceGroup: a.rg });
    const again = new UserAssignedIdentity(b.stack, 'caller', { resourceGroup: b.rg });
    const synth = synthJson(a.stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_user_assigned_identity'))).toEqual(['caller']);
    expect(onlyResource(synth, 'azurerm_user_assigned_identity')).toMatchObject({
      name: id.userAssignedIdentityName,
      location: '${azurerm_resource_group.rg.location}',
      resource_group_name: '${azurerm_resource_group.rg.name}',
    });
    expect(id.userAssignedIdentityName).toMatch(/^id-test-caller-[0-9a-f]{6}$/);
    expect(again.userAssignedIdentityName).toBe(id.userAssignedIdentityName);
    expect(resolve(a.stack, id.userAssignedIdentityId)).toBe('${azurerm_user_assigned_identity.caller.id}');
    expect(resolve(a.stack, id.principalId)).toBe('${azurerm_user_assigned_identity.caller.principal_id}');
    expect(resolve(a.stack, id.clientId)).toBe('${azurerm_user_assigned_identity.caller.client_id}');
    expect(resolve(a.stack, id.tenantId)).toBe('${azurerm_user_assigned_identity.caller.tenant_id}');
  });

  it('no role assignment: what the identity may do is granted by the other blocks', () => {
    const { stack, rg } = newStack();
    new UserAssignedIdentity(stack, 'caller', { resourceGroup: rg });
    expect(Object.keys(resourcesOf(synthJson(stack), 'azurerm_role_assignment'))).toHaveLength(0);
  });

  it('a given name and tags are used as they are; names Azure refuses are reported', () => {
    const { stack, rg } = newStack();
    new UserAssignedIdentity(stack, 'ok', { resourceGroup: rg, name: `Id_${'a'.repeat(125)}`, tags: { owner: 'crm' } });
    expect(onlyResource(synthJson(stack), 'azurerm_user_assigned_identity')).toMatchObject({ tags: { owner: 'crm' } });
    new UserAssignedIdentity(stack, 'short', { resourceGroup: rg, name: 'id' });
    new UserAssignedIdentity(stack, 'dotted', { resourceGroup: rg, name: 'id.apim' });
    new UserAssignedIdentity(stack, 'dash', { resourceGroup: rg, name: '-id-apim' });
    const errors = validationErrors(stack);
    expect(one(errors, "name: user-assigned identity name 'id' is not valid: it is 2 characters long and must be 3 to 128")).toMatch(/^\[test\/short\]/);
    one(errors, "name: user-assigned identity name 'id.apim' is not valid");
    one(errors, "name: user-assigned identity name '-id-apim' is not valid");
    expect(errors).toHaveLength(3);
  });

  it('JavaScript callers: missing props name the construct', () => {
    const { stack } = newStack();
    expect(() => new UserAssignedIdentity(stack, 'x', undefined as any)).toThrow('test/x: UserAssignedIdentity needs props');
    expect(() => new UserAssignedIdentity(stack, 'y', { name: 'id-x' } as any)).toThrow('test/y: UserAssignedIdentity needs resourceGroup');
  });
});

describe('UserAssignedIdentity.fromUserAssignedIdentityAttributes', () => {
  it('a literal id: name and resource group are read from it; nothing is created', () => {
    const { stack } = newStack();
    const id: IUserAssignedIdentity = UserAssignedIdentity.fromUserAssignedIdentityAttributes(stack, 'id', {
      userAssignedIdentityId: ID,
      principalId: PRINCIPAL,
      clientId: CLIENT,
    });
    expect([id.userAssignedIdentityName, id.resourceGroupName, id.principalId, id.clientId]).toEqual(['id-apim', 'rg-shared', PRINCIPAL, CLIENT]);
    expect(validationErrors(stack)).toEqual([]);
    expect(Object.keys(synthJson(stack).resource)).toEqual(['azurerm_resource_group']);
  });

  it('a reference id (a data source or variable) is taken as it is; its name and group are split at apply time', () => {
    const { stack } = newStack();
    const v = new TerraformVariable(stack, 'identity-id', { type: 'string' });
    const client = new TerraformVariable(stack, 'client-id', { type: 'string' });
    const id = UserAssignedIdentity.fromUserAssignedIdentityAttributes(stack, 'id', {
      userAssignedIdentityId: v.stringValue,
      principalId: PRINCIPAL,
      clientId: client.stringValue,
    });
    expect(validationErrors(stack)).toEqual([]);
    expect(resolve(stack, id.userAssignedIdentityName)).toBe('${element(split("/", var.identity-id), 8)}');
    expect(resolve(stack, id.resourceGroupName)).toBe('${element(split("/", var.identity-id), 4)}');
  });

  it('reports an id of another type, ids that are not GUIDs, and a client id given as the principal id', () => {
    const { stack } = newStack();
    UserAssignedIdentity.fromUserAssignedIdentityAttributes(stack, 'kv', {
      userAssignedIdentityId: ID.replace('Microsoft.ManagedIdentity/userAssignedIdentities', 'Microsoft.KeyVault/vaults'),
      principalId: PRINCIPAL,
      clientId: CLIENT,
    });
    UserAssignedIdentity.fromUserAssignedIdentityAttributes(stack, 'names', { userAssignedIdentityId: ID, principalId: 'id-apim', clientId: 'apim' });
    UserAssignedIdentity.fromUserAssignedIdentityAttributes(stack, 'same', { userAssignedIdentityId: ID, principalId: CLIENT, clientId: CLIENT.toUpperCase() });
    const errors = validationErrors(stack);
    expect(one(errors, 'is not the resource id of a Microsoft.ManagedIdentity/userAssignedIdentities')).toMatch(/^\[test\/kv\]/);
    one(errors, "clientId 'apim' is not a GUID. Fix: pass the identity's client id (not its principal id or name)");
    one(errors, "principalId 'id-apim' is not a GUID");
    expect(one(errors, 'clientId and principalId are both')).toMatch(/^\[test\/same\]/);
    expect(errors).toHaveLength(4);
  });

  it('JavaScript callers: every missing attribute is named at once', () => {
    const { stack } = newStack();
    expect(() => UserAssignedIdentity.fromUserAssignedIdentityAttributes(stack, 'a', { userAssignedIdentityId: ID } as any)).toThrow(
      'test/a: UserAssignedIdentity.fromUserAssignedIdentityAttributes needs principalId, clientId',
    );
  });
});
