import Ajv from 'ajv';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { CustomApi, CustomApiBindingType, CustomApiDefinition, CustomApiFieldType, CustomApiProcessingStepType, DataverseEnvironmentProps, ManifestFormat } from '../../src';
import { newStack, validationErrors } from '../helpers';

function withApi(definition: CustomApiDefinition, env: Partial<DataverseEnvironmentProps> = {}) {
  const ctx = newStack(env);
  const scope = new Construct(ctx.stack, 'apis');
  const api = new CustomApi(new Construct(scope, definition.uniqueName), 'customapi', { ...definition, environment: ctx.dataverse });
  return { ...ctx, api };
}

function errorsOf(definition: CustomApiDefinition, env: Partial<DataverseEnvironmentProps> = {}): string[] {
  return validationErrors(withApi(definition, env).stack);
}

const approve: CustomApiDefinition = {
  uniqueName: 'contoso_ApproveOrder',
  displayName: 'Approve order',
  bindingType: CustomApiBindingType.ENTITY,
  boundEntityLogicalName: 'salesorder',
  requestParameters: [{ uniqueName: 'Comment', fieldType: CustomApiFieldType.STRING, isOptional: true }],
  responseProperties: [{ uniqueName: 'ApprovedOn', fieldType: CustomApiFieldType.DATE_TIME }],
};

describe('CustomApi records', () => {
  it('enums carry the Dataverse option values', () => {
    expect([CustomApiBindingType.GLOBAL, CustomApiBindingType.ENTITY, CustomApiBindingType.ENTITY_COLLECTION]).toEqual([0, 1, 2]);
    expect([CustomApiProcessingStepType.NONE, CustomApiProcessingStepType.ASYNC_ONLY, CustomApiProcessingStepType.SYNC_AND_ASYNC]).toEqual([0, 1, 2]);
    expect([
      CustomApiFieldType.BOOLEAN,
      CustomApiFieldType.DATE_TIME,
      CustomApiFieldType.DECIMAL,
      CustomApiFieldType.ENTITY,
      CustomApiFieldType.ENTITY_COLLECTION,
      CustomApiFieldType.ENTITY_REFERENCE,
      CustomApiFieldType.FLOAT,
      CustomApiFieldType.INTEGER,
      CustomApiFieldType.MONEY,
      CustomApiFieldType.PICKLIST,
      CustomApiFieldType.STRING,
      CustomApiFieldType.STRING_ARRAY,
      CustomApiFieldType.GUID,
    ]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('writes the customapi, its parameter and its property, parents first, with columns and the parent reference', () => {
    const { dataverse, stack } = withApi({ ...approve, pluginTypeName: 'Contoso.Plugins.ApproveOrder', executePrivilegeName: 'prvApproveOrder' });
    expect(validationErrors(stack)).toEqual([]);
    const records = dataverse.toManifest().records;
    expect(records.map((r) => r.table)).toEqual(['customapi', 'customapirequestparameter', 'customapiresponseproperty']);
    const [api, param, prop] = records;
    expect(api).toMatchObject({
      entitySet: 'customapis',
      path: 'test/apis/contoso_ApproveOrder/customapi',
      columns: {
        uniquename: 'contoso_ApproveOrder',
        name: 'contoso_ApproveOrder',
        displayname: 'Approve order',
        description: 'Approve order',
        bindingtype: 1,
        boundentitylogicalname: 'salesorder',
        isfunction: false,
        isprivate: false,
        workflowsdkstepenabled: false,
        allowedcustomprocessingsteptype: 0,
        executeprivilegename: 'prvApproveOrder',
      },
      lookups: [
        {
          column: 'plugintypeid',
          navigation: 'PluginTypeId',
          table: 'plugintype',
          entitySet: 'plugintypes',
          idColumn: 'plugintypeid',
          filter: "typename eq 'Contoso.Plugins.ApproveOrder'",
          key: { typeName: 'Contoso.Plugins.ApproveOrder' },
        },
      ],
    });
    expect(param).toMatchObject({
      entitySet: 'customapirequestparameters',
      columns: { uniquename: 'Comment', name: 'Comment', displayname: 'Comment', type: 10, isoptional: true },
      references: [{ column: 'customapiid', navigation: 'CustomAPIId', table: 'customapi', entitySet: 'customapis', id: api.id }],
    });
    expect(prop).toMatchObject({
      entitySet: 'customapiresponseproperties',
      columns: { uniquename: 'ApprovedOn', type: 1 },
      references: [{ column: 'customapiid', navigation: 'CustomAPIId', id: api.id }],
    });
    expect(prop.columns).not.toHaveProperty('isoptional');
  });

  it('apply order: customapi 200, parameters 210, properties 220', () => {
    const { api } = withApi(approve);
    expect([api.applyOrder, api.requestParameters[0].applyOrder, api.responseProperties[0].applyOrder]).toEqual([200, 210, 220]);
  });

  it('a global API has no boundentitylogicalname and isoptional defaults to false', () => {
    const { dataverse } = withApi({
      uniqueName: 'contoso_Ping',
      displayName: 'Ping',
      requestParameters: [{ uniqueName: 'Text', fieldType: CustomApiFieldType.STRING }],
    });
    const [api, param] = dataverse.toManifest().records;
    expect(api.columns.bindingtype).toBe(0);
    expect(api.columns).not.toHaveProperty('boundentitylogicalname');
    expect(api.lookups).toEqual([]);
    expect(param.columns.isoptional).toBe(false);
  });

  it('ids are deterministic and do not move when a sibling is added', () => {
    const a = withApi(approve)
      .dataverse.toManifest()
      .records.map((r) => r.id);
    const ctx = newStack();
    const scope = new Construct(ctx.stack, 'apis');
    new CustomApi(new Construct(scope, 'contoso_Other'), 'customapi', { uniqueName: 'contoso_Other', displayName: 'Other', environment: ctx.dataverse });
    new CustomApi(new Construct(scope, approve.uniqueName), 'customapi', { ...approve, environment: ctx.dataverse });
    const b = ctx.dataverse
      .toManifest()
      .records.filter((r) => r.path.includes('ApproveOrder'))
      .map((r) => r.id);
    expect(b.sort()).toEqual([...a].sort());
    expect(new Set(a).size).toBe(3);
  });

  it('the manifest validates against the JSON schema', () => {
    const { dataverse } = withApi({ ...approve, pluginTypeName: 'Contoso.Plugins.ApproveOrder' });
    const validate = new Ajv({ allErrors: true, strict: false }).compile(ManifestFormat.schema());
    const ok = validate(JSON.parse(JSON.stringify(dataverse.toManifest())));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
});

describe('CustomApi validation', () => {
  const base: CustomApiDefinition = { uniqueName: 'contoso_Do', displayName: 'Do' };
  const one = (errors: string[], text: string) => {
    const hits = errors.filter((e) => e.includes(text));
    expect(hits, errors.join('\n')).toHaveLength(1);
    expect(hits[0]).toContain('Fix:');
    return hits[0];
  };

  it('a valid definition has no errors', () => {
    expect(errorsOf(base)).toEqual([]);
  });

  it('uniqueName needs a prefix and an underscore', () => {
    one(errorsOf({ ...base, uniqueName: 'ApproveOrder' }), "uniqueName must be '<publisher prefix>_<name>'");
  });

  it('uniqueName may hold letters, digits and underscores only', () => {
    one(errorsOf({ ...base, uniqueName: 'contoso_Approve-Order' }), "uniqueName must be '<publisher prefix>_<name>'");
  });

  it('uniqueName must use the environment publisherPrefix when one is set', () => {
    const e = one(errorsOf({ ...base, uniqueName: 'fabrikam_Do' }, { publisherPrefix: 'contoso' }), "the environment's publisherPrefix is 'contoso'");
    expect(e).toContain("'contoso_Do'");
    expect(errorsOf({ ...base, uniqueName: 'contoso_Do' }, { publisherPrefix: 'contoso' })).toEqual([]);
  });

  it('without a publisherPrefix any prefix is accepted', () => {
    expect(errorsOf({ ...base, uniqueName: 'fabrikam_Do' })).toEqual([]);
  });

  it('lengths: uniquename 128, name 100, displayname 100, description 300, executeprivilegename 100', () => {
    const long = (n: number) => 'x'.repeat(n);
    one(errorsOf({ ...base, uniqueName: `contoso_${long(121)}` }), 'uniqueName');
    one(errorsOf({ ...base, name: long(101) }), ': name');
    one(errorsOf({ ...base, displayName: long(101) }), ': displayName');
    one(errorsOf({ ...base, description: long(301) }), ': description');
    one(errorsOf({ ...base, executePrivilegeName: long(101) }), ': executePrivilegeName');
    expect(errorsOf({ ...base, uniqueName: `contoso_${long(120)}`, name: long(100), displayName: long(100), description: long(300) })).toEqual([]);
  });

  it('ENTITY and ENTITY_COLLECTION need boundEntityLogicalName', () => {
    one(errorsOf({ ...base, bindingType: CustomApiBindingType.ENTITY }), 'bindingType ENTITY needs boundEntityLogicalName');
    one(errorsOf({ ...base, bindingType: CustomApiBindingType.ENTITY_COLLECTION }), 'bindingType ENTITY_COLLECTION needs boundEntityLogicalName');
  });

  it('GLOBAL forbids boundEntityLogicalName and boundEntitySetName', () => {
    one(errorsOf({ ...base, boundEntityLogicalName: 'account' }), 'the API is GLOBAL');
    one(errorsOf({ ...base, boundEntitySetName: 'accounts' }), 'boundEntitySetName is set, but the API is GLOBAL');
  });

  it('boundEntityLogicalName must be a logical name', () => {
    one(errorsOf({ ...base, bindingType: CustomApiBindingType.ENTITY, boundEntityLogicalName: 'SalesOrder' }), 'is not a table logical name');
  });

  it('boundEntitySetName must be an entity set name', () => {
    one(errorsOf({ ...base, bindingType: CustomApiBindingType.ENTITY, boundEntityLogicalName: 'opportunity', boundEntitySetName: 'opportunities/x' }), 'is not an entity set name');
  });

  it('the entity set defaults to logical name + s, and can be overridden', () => {
    expect(withApi({ ...base, bindingType: CustomApiBindingType.ENTITY, boundEntityLogicalName: 'account' }).api.boundEntitySetName).toBe('accounts');
    expect(withApi({ ...base, bindingType: CustomApiBindingType.ENTITY, boundEntityLogicalName: 'opportunity', boundEntitySetName: 'opportunities' }).api.boundEntitySetName).toBe(
      'opportunities',
    );
  });

  it('a function needs at least one response property', () => {
    one(errorsOf({ ...base, isFunction: true }), 'must return at least one response property');
    expect(errorsOf({ ...base, isFunction: true, responseProperties: [{ uniqueName: 'R', fieldType: CustomApiFieldType.INTEGER }] })).toEqual([]);
  });

  it('a bound API must not declare Target', () => {
    one(
      errorsOf({
        ...base,
        bindingType: CustomApiBindingType.ENTITY,
        boundEntityLogicalName: 'account',
        requestParameters: [{ uniqueName: 'Target', fieldType: CustomApiFieldType.ENTITY_REFERENCE }],
      }),
      "implicit 'Target' parameter",
    );
    // A global API may have a parameter named Target.
    expect(errorsOf({ ...base, requestParameters: [{ uniqueName: 'Target', fieldType: CustomApiFieldType.ENTITY_REFERENCE }] })).toEqual([]);
  });

  it('a workflow-enabled API cannot use ENTITY, ENTITY_COLLECTION or STRING_ARRAY', () => {
    const errors = errorsOf({
      ...base,
      enabledForWorkflow: true,
      requestParameters: [
        { uniqueName: 'A', fieldType: CustomApiFieldType.ENTITY },
        { uniqueName: 'B', fieldType: CustomApiFieldType.STRING_ARRAY },
        { uniqueName: 'C', fieldType: CustomApiFieldType.ENTITY_REFERENCE },
      ],
      responseProperties: [{ uniqueName: 'D', fieldType: CustomApiFieldType.ENTITY_COLLECTION }],
    });
    expect(errors.filter((e) => e.includes('workflow-enabled'))).toHaveLength(3);
    expect(errorsOf({ ...base, requestParameters: [{ uniqueName: 'A', fieldType: CustomApiFieldType.ENTITY }] })).toEqual([]);
  });

  it('parameter and property names are unique (case-insensitive)', () => {
    one(
      errorsOf({
        ...base,
        requestParameters: [
          { uniqueName: 'Code', fieldType: CustomApiFieldType.STRING },
          { uniqueName: 'code', fieldType: CustomApiFieldType.STRING },
        ],
      }),
      'two request parameters are named',
    );
    one(
      errorsOf({
        ...base,
        responseProperties: [
          { uniqueName: 'R', fieldType: CustomApiFieldType.STRING },
          { uniqueName: 'R', fieldType: CustomApiFieldType.STRING },
        ],
      }),
      'two response properties are named',
    );
  });

  it('isOptional exists on request parameters only', () => {
    one(errorsOf({ ...base, responseProperties: [{ uniqueName: 'R', fieldType: CustomApiFieldType.STRING, isOptional: true }] }), 'exists on request parameters only');
  });

  it('logicalEntityName only for ENTITY and ENTITY_REFERENCE, and a logical name', () => {
    one(
      errorsOf({ ...base, requestParameters: [{ uniqueName: 'A', fieldType: CustomApiFieldType.STRING, logicalEntityName: 'account' }] }),
      'applies to ENTITY and ENTITY_REFERENCE',
    );
    one(
      errorsOf({ ...base, requestParameters: [{ uniqueName: 'A', fieldType: CustomApiFieldType.ENTITY_REFERENCE, logicalEntityName: 'Account' }] }),
      'is not a table logical name',
    );
    const { dataverse } = withApi({ ...base, requestParameters: [{ uniqueName: 'A', fieldType: CustomApiFieldType.ENTITY_REFERENCE, logicalEntityName: 'account' }] });
    expect(dataverse.toManifest().records[1].columns.logicalentityname).toBe('account');
  });

  it('field names: letters, digits, underscores; lengths uniquename 128, name/displayname 100, description 300', () => {
    one(errorsOf({ ...base, requestParameters: [{ uniqueName: 'Order No', fieldType: CustomApiFieldType.STRING }] }), 'letters, digits and underscores only');
    one(errorsOf({ ...base, requestParameters: [{ uniqueName: 'x'.repeat(129), fieldType: CustomApiFieldType.STRING }] }), ': uniqueName');
    one(errorsOf({ ...base, requestParameters: [{ uniqueName: 'A', name: 'x'.repeat(101), fieldType: CustomApiFieldType.STRING }] }), ': name');
    one(errorsOf({ ...base, requestParameters: [{ uniqueName: 'A', displayName: 'x'.repeat(101), fieldType: CustomApiFieldType.STRING }] }), ': displayName');
    one(errorsOf({ ...base, requestParameters: [{ uniqueName: 'A', description: 'x'.repeat(301), fieldType: CustomApiFieldType.STRING }] }), ': description');
  });

  it('unknown enum values are reported', () => {
    one(errorsOf({ ...base, bindingType: 7 as CustomApiBindingType }), 'is not a binding type');
    one(errorsOf({ ...base, allowedCustomProcessingStepType: 9 as CustomApiProcessingStepType }), 'is not a value of CustomApiProcessingStepType');
    one(errorsOf({ ...base, requestParameters: [{ uniqueName: 'A', fieldType: 42 as CustomApiFieldType }] }), 'is not a value of CustomApiFieldType');
  });

  it('options are written as given', () => {
    const { dataverse } = withApi({
      ...base,
      isPrivate: true,
      enabledForWorkflow: true,
      allowedCustomProcessingStepType: CustomApiProcessingStepType.ASYNC_ONLY,
      name: 'Do it',
      description: 'Does it',
    });
    expect(dataverse.toManifest().records[0].columns).toMatchObject({
      isprivate: true,
      workflowsdkstepenabled: true,
      allowedcustomprocessingsteptype: 1,
      name: 'Do it',
      description: 'Does it',
    });
  });
});
