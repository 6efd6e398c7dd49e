// Provider-mode lifecycles that Dataverse constrains: application users are deleted only when
// disabled; Custom API columns that cannot change after creation force a replacement.
// powerplatform_rest (internal/services/rest/resource_rest.go in microsoft/terraform-provider-power-platform,
// v3.9.0 to v4.1.0): Delete sends the one `destroy` request of the state; only `scope` has
// RequiresReplace; a missing `create` stores the resource without sending anything.
import { describe, expect, it } from 'vitest';
import {
  ApplicationUser,
  CustomApi,
  CustomApiBindingType,
  CustomApiDefinition,
  CustomApiFieldType,
  CustomApiProcessingStepType,
  DataverseEnvironmentProps,
  RegistrationMode,
} from '../../src';
import { newStack, resourcesOf, synthJson } from '../helpers';

const ENV_URL = 'https://contoso.crm4.dynamics.com';
const PROVIDER_MODE: Partial<DataverseEnvironmentProps> = {
  registrationMode: RegistrationMode.POWER_PLATFORM_PROVIDER,
  environmentId: '11111111-2222-3333-4444-555555555555',
};
const CLIENT_ID = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';

/** The logical id of the resource at construct path `<stack>/<path>` (cdktf: the path joined by `_`, then a hash). */
function idOf(synth: any, type: string, path: string): string {
  const pattern = new RegExp(`^${path.replace(/\//g, '_')}_[0-9A-F]{8}$`);
  const found = Object.keys(resourcesOf(synth, type)).filter((id) => pattern.test(id));
  expect(found, `${type} at ${path}`).toHaveLength(1);
  return found[0];
}

describe('provider mode: an application user is disabled before it is deleted', () => {
  function userStack(roles: string[] = []) {
    const ctx = newStack(PROVIDER_MODE);
    const user = new ApplicationUser(ctx.stack, 'user', { environment: ctx.dataverse, applicationId: CLIENT_ID, securityRoleNames: roles });
    return { ...ctx, user, synth: synthJson(ctx.stack) };
  }

  it('a second resource, destroyed first, PATCHes isdisabled to true (update only, a gone user is fine); the user is then deleted', () => {
    const { synth, user } = userStack();
    const row = `${ENV_URL}/api/data/v9.2/systemusers(${user.recordId})`;
    const all = resourcesOf(synth, 'powerplatform_rest');
    const userId = idOf(synth, 'powerplatform_rest', 'user/power-platform');
    const disableId = idOf(synth, 'powerplatform_rest', 'user/power-platform-disable-before-delete');
    const disable = all[disableId];
    expect(disable.destroy).toEqual({
      scope: `${ENV_URL}/.default`,
      method: 'PATCH',
      url: row,
      body: '{"isdisabled":true}',
      headers: [{ name: 'If-Match', value: '*' }],
      expected_http_status: [204, 404],
    });
    // Nothing is sent on apply, nothing read or updated: the resource only orders the destroy.
    expect(disable.create).toBeUndefined();
    expect(disable.read).toBeUndefined();
    expect(disable.update).toBeUndefined();
    // depends_on the user: Terraform destroys dependents first, so the PATCH precedes the DELETE.
    expect(disable.depends_on).toEqual([`powerplatform_rest.${userId}`]);
    expect(all[userId].destroy).toEqual({ scope: `${ENV_URL}/.default`, method: 'DELETE', url: row, expected_http_status: [204, 404] });
    expect(all[userId].depends_on ?? []).not.toContain(`powerplatform_rest.${disableId}`);
  });

  it('role associations are removed before the user is disabled (they depend on the disabling resource)', () => {
    const { synth } = userStack(['Basic User']);
    const disableId = idOf(synth, 'powerplatform_rest', 'user/power-platform-disable-before-delete');
    const associations = Object.values(resourcesOf(synth, 'powerplatform_rest')).filter((r: any) => r.create?.method === 'POST') as any[];
    expect(associations).toHaveLength(1);
    expect(associations[0].depends_on).toContain(`powerplatform_rest.${disableId}`);
  });

  it('only application users get one; other records do not', () => {
    const { stack, dataverse } = newStack(PROVIDER_MODE);
    new CustomApi(stack, 'api', { environment: dataverse, uniqueName: 'contoso_Approve', displayName: 'Approve' });
    const synth = synthJson(stack);
    const patchesOnDestroy = Object.values(resourcesOf(synth, 'powerplatform_rest')).filter((r: any) => r.destroy?.method === 'PATCH');
    expect(patchesOnDestroy).toEqual([]);
  });

  it('the manifest mode adds nothing (the command line disables before it deletes)', () => {
    const { stack, dataverse } = newStack({});
    new ApplicationUser(stack, 'user', { environment: dataverse, applicationId: CLIENT_ID });
    expect(resourcesOf(synthJson(stack), 'powerplatform_rest')).toEqual({});
  });
});

describe('provider mode: a changed immutable Custom API column replaces the row', () => {
  const BASE: CustomApiDefinition = {
    uniqueName: 'contoso_Approve',
    displayName: 'Approve',
    bindingType: CustomApiBindingType.ENTITY,
    boundEntityLogicalName: 'salesorder',
    allowedCustomProcessingStepType: CustomApiProcessingStepType.ASYNC_ONLY,
    requestParameters: [{ uniqueName: 'Comment', fieldType: CustomApiFieldType.STRING, isOptional: true }],
    responseProperties: [{ uniqueName: 'ApprovedOn', fieldType: CustomApiFieldType.DATE_TIME }],
  };

  function apiSynth(definition: CustomApiDefinition = BASE) {
    const { stack, dataverse } = newStack(PROVIDER_MODE);
    new CustomApi(stack, 'api', { environment: dataverse, ...definition });
    return synthJson(stack);
  }

  /** triggers_replace of the terraform_data at …suffix, and whether the rest resource at …restSuffix is replaced by it. */
  function immutableOf(synth: any, recordPath: string) {
    const dataId = idOf(synth, 'terraform_data', `${recordPath}/power-platform-immutable`);
    const restId = idOf(synth, 'powerplatform_rest', `${recordPath}/power-platform`);
    const rest = resourcesOf(synth, 'powerplatform_rest')[restId];
    return { triggers: resourcesOf(synth, 'terraform_data')[dataId].triggers_replace, rest, dataId };
  }

  it('the API: terraform_data holds uniquename, bindingtype, boundentitylogicalname, isfunction, allowedcustomprocessingsteptype; the row is replace_triggered_by it', () => {
    const synth = apiSynth();
    const { triggers, rest, dataId } = immutableOf(synth, 'api');
    expect(triggers).toEqual({
      uniquename: 'contoso_Approve',
      bindingtype: 1,
      boundentitylogicalname: 'salesorder',
      isfunction: false,
      allowedcustomprocessingsteptype: 1,
    });
    // A naked address: Terraform refuses "${...}" in replace_triggered_by.
    expect(rest.lifecycle).toEqual({ replace_triggered_by: [`terraform_data.${dataId}`] });
    // terraform_data is built into Terraform (1.4+): no provider to download.
    expect(Object.keys(synth.terraform.required_providers)).not.toContain('terraform');
  });

  it("a request parameter: its uniquename, type, isoptional, logicalentityname and its API's (Dataverse deletes parameters with their API)", () => {
    const synth = apiSynth();
    const { triggers, rest, dataId } = immutableOf(synth, 'api/request-Comment');
    expect(triggers).toEqual({
      uniquename: 'Comment',
      type: CustomApiFieldType.STRING,
      isoptional: true,
      'customapi.uniquename': 'contoso_Approve',
      'customapi.bindingtype': 1,
      'customapi.boundentitylogicalname': 'salesorder',
      'customapi.isfunction': false,
      'customapi.allowedcustomprocessingsteptype': 1,
    });
    expect(rest.lifecycle).toEqual({ replace_triggered_by: [`terraform_data.${dataId}`] });
    const property = immutableOf(synth, 'api/response-ApprovedOn');
    expect(property.triggers).toMatchObject({ uniquename: 'ApprovedOn', type: CustomApiFieldType.DATE_TIME, 'customapi.uniquename': 'contoso_Approve' });
    expect(property.triggers).not.toHaveProperty('isoptional');
  });

  it('changing an immutable column changes triggers_replace (a replacement); changing a mutable one does not', () => {
    const before = apiSynth();
    const cases: Array<[string, CustomApiDefinition, string]> = [
      ['bindingType', { ...BASE, bindingType: CustomApiBindingType.ENTITY_COLLECTION }, 'api'],
      ['boundEntityLogicalName', { ...BASE, boundEntityLogicalName: 'quote' }, 'api'],
      ['allowedCustomProcessingStepType', { ...BASE, allowedCustomProcessingStepType: CustomApiProcessingStepType.SYNC_AND_ASYNC }, 'api'],
      ['isFunction', { ...BASE, isFunction: true }, 'api'],
      ['a parameter type', { ...BASE, requestParameters: [{ uniqueName: 'Comment', fieldType: CustomApiFieldType.INTEGER, isOptional: true }] }, 'api/request-Comment'],
      ['a parameter isOptional', { ...BASE, requestParameters: [{ uniqueName: 'Comment', fieldType: CustomApiFieldType.STRING }] }, 'api/request-Comment'],
      [
        'a property logicalEntityName',
        { ...BASE, responseProperties: [{ uniqueName: 'ApprovedOn', fieldType: CustomApiFieldType.ENTITY_REFERENCE, logicalEntityName: 'account' }] },
        'api/response-ApprovedOn',
      ],
    ];
    for (const [what, definition, path] of cases) {
      const after = apiSynth(definition);
      expect(immutableOf(after, path).triggers, what).not.toEqual(immutableOf(before, path).triggers);
      // The replaced resource keeps its name: Terraform plans a replace, not a create plus a delete.
      expect(idOf(after, 'powerplatform_rest', `${path}/power-platform`)).toBe(idOf(before, 'powerplatform_rest', `${path}/power-platform`));
    }
    // The API's change reaches its parameters and properties too.
    const rebound = apiSynth({ ...BASE, bindingType: CustomApiBindingType.ENTITY_COLLECTION });
    expect(immutableOf(rebound, 'api/request-Comment').triggers).not.toEqual(immutableOf(before, 'api/request-Comment').triggers);
    // Mutable columns (display name, description, privacy) are updated in place.
    const renamed = apiSynth({ ...BASE, displayName: 'Approve order', description: 'Approves', isPrivate: true });
    for (const path of ['api', 'api/request-Comment', 'api/response-ApprovedOn']) {
      expect(immutableOf(renamed, path).triggers).toEqual(immutableOf(before, path).triggers);
    }
    expect(immutableOf(renamed, 'api').rest.update.body).not.toEqual(immutableOf(before, 'api').rest.update.body);
  });

  it('records without immutable columns get no terraform_data', () => {
    const { stack, dataverse } = newStack(PROVIDER_MODE);
    new ApplicationUser(stack, 'user', { environment: dataverse, applicationId: CLIENT_ID });
    const synth = synthJson(stack);
    expect(resourcesOf(synth, 'terraform_data')).toEqual({});
    for (const r of Object.values(resourcesOf(synth, 'powerplatform_rest')) as any[]) expect(r.lifecycle).toBeUndefined();
  });
});
