import Ajv from 'ajv';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { AlternateKey, AlternateKeyColumnType, CustomApiGateway, CustomApiGatewayProps, IAlternateKey, UpsertFieldType, UpsertMode, UpsertOperationOptions } from '../../src';
import { UpsertPlan, pathKeySegment, transformBody, transformBulk, upsertResponse } from '../../src/patterns/upsert-plan';
import { newStack, resourcesOf, synthJson, validationErrors, warningsOf, oneError } from '../helpers';

// The partner example of issue 16: accounts upserted by account number, contacts by e-mail, the
// contact's parent account bound by the account number.

function upsertStack(extra: Partial<CustomApiGatewayProps> = {}) {
  const ctx = newStack();
  const gateway = new CustomApiGateway(ctx.stack, 'partners', {
    dataverse: ctx.dataverse,
    resourceGroup: ctx.rg,
    publisherName: 'Contoso',
    publisherEmail: 'integration@contoso.com',
    securityRoleName: 'Partner Integration',
    ...extra,
  });
  const accountNumber = new AlternateKey(ctx.stack, 'account-number', {
    environment: ctx.dataverse,
    table: 'account',
    schemaName: 'contoso_AccountNumber',
    displayName: 'Account number',
    columns: [{ logicalName: 'accountnumber', columnType: AlternateKeyColumnType.STRING, maxLength: 20 }],
  });
  const email = new AlternateKey(ctx.stack, 'contact-email', {
    environment: ctx.dataverse,
    table: 'contact',
    schemaName: 'contoso_Email',
    displayName: 'E-mail',
    columns: [{ logicalName: 'emailaddress1', columnType: AlternateKeyColumnType.STRING }],
  });
  return { ...ctx, gateway, accountNumber, email };
}

function accounts(key: IAlternateKey, extra: Partial<UpsertOperationOptions> = {}): UpsertOperationOptions {
  return {
    table: 'account',
    alternateKey: key,
    fields: {
      accountNumber: { column: 'accountnumber', fieldType: UpsertFieldType.STRING },
      name: { column: 'name', fieldType: UpsertFieldType.STRING, required: true, maxLength: 160 },
      creditLimit: { column: 'creditlimit', fieldType: UpsertFieldType.MONEY },
    },
    ...extra,
  };
}

function contacts(key: IAlternateKey, accountKey: IAlternateKey, extra: Partial<UpsertOperationOptions> = {}): UpsertOperationOptions {
  return {
    table: 'contact',
    alternateKey: key,
    fields: {
      email: { column: 'emailaddress1', fieldType: UpsertFieldType.STRING },
      firstName: { column: 'firstname', fieldType: UpsertFieldType.STRING },
      doNotEmail: { column: 'donotemail', fieldType: UpsertFieldType.BOOLEAN },
      preferredContact: { column: 'preferredcontactmethodcode', fieldType: UpsertFieldType.CHOICE, choices: [1, 2, 3] },
      parentAccount: {
        column: 'parentcustomerid',
        fieldType: UpsertFieldType.LOOKUP,
        lookup: { table: 'account', alternateKey: accountKey, navigationProperty: 'parentcustomerid_account' },
      },
    },
    bulk: { maxBatchSize: 50 },
    ...extra,
  };
}

function policies(synth: any): Map<string, string> {
  return new Map((Object.values(resourcesOf(synth, 'azurerm_api_management_api_operation_policy')) as any[]).map((p) => [p.operation_id, p.xml_content]));
}

/** The plan a synthesized policy embeds (the C# verbatim string given to JObject.Parse), decoded from XML. */
function embeddedPlan(xml: string): UpsertPlan {
  const text = xml
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  const m = /JObject\.Parse\(@"((?:[^"]|"")*)"\)/.exec(text);
  if (!m) throw new Error('no embedded plan');
  return JSON.parse(m[1].replace(/""/g, '"'));
}

const one = oneError;

describe('addUpsert: routes and policies', () => {
  it('PUT /accounts/{accountNumber} and, with bulk, POST /contacts/upsert-multiple; each with its policy', () => {
    const { stack, gateway, accountNumber, email } = upsertStack();
    const a = gateway.addUpsert(accounts(accountNumber));
    const c = gateway.addUpsert(contacts(email, accountNumber));
    expect(validationErrors(stack)).toEqual([]);
    expect(a).toMatchObject({ route: '/accounts/{accountNumber}', operationId: 'upsert-accounts' });
    expect(a.bulkRoute).toBeUndefined();
    expect(c).toMatchObject({ route: '/contacts/{email}', bulkRoute: '/contacts/upsert-multiple' });
    const synth = synthJson(stack);
    expect([...policies(synth).keys()].sort()).toEqual(['upsert-accounts', 'upsert-contacts', 'upsert-multiple-contacts']);
    const ids = Object.values(gateway.openApiDocument().paths).flatMap((p: any) => Object.values(p).map((o: any) => o.operationId));
    expect(ids.sort()).toEqual(['upsert-accounts', 'upsert-contacts', 'upsert-multiple-contacts']);
    for (const p of Object.values(resourcesOf(synth, 'azurerm_api_management_api_operation_policy')) as any[]) {
      expect(p.api_name).toBe('${azurerm_api_management_api.partners_api_3C6DA6C5.name}');
    }
  });

  it('the embedded plan, evaluated: key from the path, only listed fields, the lookup bound by account number', () => {
    const { stack, gateway, accountNumber, email } = upsertStack();
    gateway.addUpsert(contacts(email, accountNumber));
    const plan = embeddedPlan(policies(synthJson(stack)).get('upsert-contacts')!);
    expect(pathKeySegment(plan, { email: "o'hara@contoso.com" })).toEqual({ segment: "emailaddress1='o%27%27hara%40contoso.com'" });
    expect(transformBody(plan, { firstName: 'Zoë', parentAccount: "A'1", preferredContact: 2, ownerid: 'x', email: 'not-sent@contoso.com' })).toEqual({
      body: { firstname: 'Zoë', preferredcontactmethodcode: 2, 'parentcustomerid_account@odata.bind': "/accounts(accountnumber='A%27%271')" },
    });
    expect(transformBody(plan, { parentAccount: 'A&1' })).toEqual({ invalidField: 'parentAccount' });
    const bulk = embeddedPlan(policies(synthJson(stack)).get('upsert-multiple-contacts')!);
    expect(transformBulk(bulk, { items: [{ email: 'a@contoso.com', doNotEmail: true }] }).request!.Targets).toEqual([
      { '@odata.type': 'Microsoft.Dynamics.CRM.contact', '@odata.id': "contacts(emailaddress1='a%40contoso.com')", donotemail: true },
    ]);
  });

  it('the C# runs the same steps: escaping, the forbidden characters, decoding, the lookup bind, the error without internals', () => {
    const { stack, gateway, accountNumber, email } = upsertStack();
    gateway.addUpsert(contacts(email, accountNumber));
    const xml = policies(synthJson(stack)).get('upsert-contacts')!;
    expect(xml).toContain("lit = &quot;'&quot; + Uri.EscapeDataString(text.Replace(&quot;'&quot;, &quot;''&quot;)) + &quot;'&quot;;");
    expect(xml).toContain('Regex.IsMatch(text, @&quot;[/&lt;&gt;*%&amp;:\\\\?+]&quot;)');
    expect(xml).toContain('text = Uri.UnescapeDataString(text);');
    expect(xml).toContain('&quot;/&quot; + (string)lookup[&quot;entitySet&quot;] + &quot;(&quot; + string.Join(&quot;,&quot;, lparts) + &quot;)&quot;');
    expect(xml).toContain('new JProperty(&quot;code&quot;, code), new JProperty(&quot;message&quot;, message)');
    expect(xml).not.toContain('TraceText');
    // Validation first, then the key and the body, then the rewrite.
    const order = ['<validate-parameters', '<validate-content', 'name="upsertKey"', 'name="upsertBody"', '<rewrite-uri', '<set-method>PATCH</set-method>'].map((t) =>
      xml.indexOf(t),
    );
    expect(order.every((n, i) => n >= 0 && (i === 0 || n > order[i - 1]))).toBe(true);
    expect(xml).toContain('?$select=contactid');
    expect(xml).toContain('<set-header name="Prefer" exists-action="override"><value>return=representation</value></set-header>');
  });

  it('modes: upsert sends no condition; create-only If-None-Match * and 412 → 409; update-only If-Match * and 404 stays', () => {
    const xmlFor = (mode?: UpsertMode) => {
      const { stack, gateway, accountNumber } = upsertStack();
      gateway.addUpsert(accounts(accountNumber, { mode }));
      return policies(synthJson(stack)).get('upsert-accounts')!;
    };
    const upsert = xmlFor();
    expect(upsert).not.toMatch(/If-Match|If-None-Match/);
    expect(upsert).not.toContain('code="409"');
    const create = xmlFor(UpsertMode.CREATE_ONLY);
    expect(create).toContain('<set-header name="If-None-Match" exists-action="override"><value>*</value></set-header>');
    expect(create).toMatch(/StatusCode == 412\)">\s*<set-status code="409" reason="Conflict" \/>/);
    const update = xmlFor(UpsertMode.UPDATE_ONLY);
    expect(update).toContain('<set-header name="If-Match" exists-action="override"><value>*</value></set-header>');
    expect(update).not.toContain('code="409"');
    expect(upsertResponse(embeddedPlan(create), 412, {}).status).toBe(409);
    expect(upsertResponse(embeddedPlan(update), 404, {}).status).toBe(404);
    for (const xml of [upsert, create, update]) {
      expect(xml).toMatch(/StatusCode == 201\)">\s*<set-body>/);
      expect(xml).toMatch(/StatusCode == 204\)">\s*<set-status code="204" reason="No Content" \/>/);
      expect(xml).toContain('<set-header name="OData-EntityId" exists-action="delete" />');
    }
  });

  it('bulk: UpsertMultiple on the entity set, items mapped back to their keys', () => {
    const { stack, gateway, accountNumber, email } = upsertStack();
    gateway.addUpsert(contacts(email, accountNumber));
    const xml = policies(synthJson(stack)).get('upsert-multiple-contacts')!;
    expect(xml).toContain('<rewrite-uri template="/contacts/Microsoft.Dynamics.CRM.UpsertMultiple" copy-unmatched-params="false" />');
    expect(xml).toContain('<set-method>POST</set-method>');
    expect(xml).toContain('new JProperty(&quot;status&quot;, &quot;upserted&quot;)');
    expect(xml).toContain('new JProperty(&quot;status&quot;, &quot;rolled-back&quot;)');
    expect(embeddedPlan(xml).maxBatchSize).toBe(50);
  });

  it('requests pass the API policy: managed identity, subscription key, rate limit (as for Custom APIs)', () => {
    const { stack, gateway, accountNumber } = upsertStack();
    gateway.addUpsert(accounts(accountNumber));
    const synth = synthJson(stack);
    const api = Object.values(resourcesOf(synth, 'azurerm_api_management_api'))[0] as any;
    expect(api.subscription_required).toBe(true);
    const apiPolicy = (Object.values(resourcesOf(synth, 'azurerm_api_management_api_policy'))[0] as any).xml_content;
    expect(apiPolicy).toContain('<authentication-managed-identity resource="https://contoso.crm4.dynamics.com"');
    expect(apiPolicy).toContain('<rate-limit calls="100" renewal-period="60" />');
    expect(policies(synth).get('upsert-accounts')).toContain('max-size="102400"');
  });

  it('deterministic: two synths are byte-identical', () => {
    const build = () => {
      const { stack, gateway, accountNumber, email } = upsertStack();
      gateway.addUpsert(accounts(accountNumber));
      gateway.addUpsert(contacts(email, accountNumber));
      return Testing.synth(stack);
    };
    expect(build()).toBe(build());
  });

  it('warns when the application user keeps Basic User: writes need Create and Write on the table', () => {
    const { gateway, accountNumber } = upsertStack({ securityRoleName: undefined });
    gateway.addUpsert(accounts(accountNumber));
    const warnings = warningsOf(gateway).filter((w) => w.includes("security role 'Basic User'"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Set securityRoleName to a role with Create, Write, Read');
    const named = upsertStack();
    named.gateway.addUpsert(accounts(named.accountNumber));
    expect(warningsOf(named.gateway).filter((w) => w.includes('Basic User'))).toEqual([]);
    const user = named.dataverse.toManifest().records.find((r) => r.table === 'systemuser')!;
    expect(user.associations[0].target.key).toEqual({ role: 'Partner Integration' });
  });

  it('an existing key (fromAlternateKeyAttributes) works the same; the manifest then holds no key', () => {
    const ctx = newStack();
    const gateway = new CustomApiGateway(ctx.stack, 'partners', {
      dataverse: ctx.dataverse,
      resourceGroup: ctx.rg,
      publisherName: 'C',
      publisherEmail: 'a@contoso.com',
      securityRoleName: 'Writer',
    });
    const key = AlternateKey.fromAlternateKeyAttributes(ctx.stack, 'existing', {
      entityLogicalName: 'account',
      keyLogicalName: 'contoso_accountnumber',
      keyColumns: [{ logicalName: 'accountnumber', columnType: AlternateKeyColumnType.STRING }],
    });
    expect(gateway.addUpsert(accounts(key)).route).toBe('/accounts/{accountNumber}');
    expect(validationErrors(ctx.stack)).toEqual([]);
    expect(ctx.dataverse.toManifest().records.map((r) => r.table)).toEqual(['systemuser']);
  });
});

describe('addUpsert: JSON Schema and OpenAPI document', () => {
  function doc() {
    const { gateway, accountNumber, email } = upsertStack();
    gateway.addUpsert(accounts(accountNumber));
    gateway.addUpsert(contacts(email, accountNumber));
    return gateway.openApiDocument();
  }

  it('the PUT body schema lists the non-key fields only, with their types; nothing else is accepted', () => {
    const d = doc();
    const schema = d.components.schemas.Upsert_contactsRequest;
    expect(schema).toEqual({
      type: 'object',
      properties: {
        firstName: { type: 'string' },
        doNotEmail: { type: 'boolean' },
        preferredContact: { type: 'integer', format: 'int32', enum: [1, 2, 3] },
        parentAccount: { type: 'string', minLength: 1, maxLength: 20, pattern: '^[^/<>*%&:\\\\?+]+$' },
      },
      additionalProperties: false,
    });
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(schema);
    expect(validate({ firstName: 'Anna', parentAccount: 'A1', preferredContact: 2 })).toBe(true);
    expect(validate({ email: 'a@b.c' })).toBe(false); // the key is in the route, not the body
    expect(validate({ ownerid: 'x' })).toBe(false);
    expect(validate({ preferredContact: 9 })).toBe(false);
    expect(validate({ doNotEmail: 'yes' })).toBe(false);
    expect(validate({ parentAccount: 'A/1' })).toBe(false);
    const accountsSchema = d.components.schemas.Upsert_accountsRequest;
    expect(accountsSchema.required).toEqual(['name']);
    expect(accountsSchema.properties.creditLimit).toEqual({ type: 'number', format: 'decimal' });
    expect(new Ajv({ strict: false, validateFormats: false }).compile(accountsSchema)({ creditLimit: 10 })).toBe(false);
  });

  it('the key is a path parameter with the column’s length and without the characters Dataverse cannot take', () => {
    const put = doc().paths['/accounts/{accountNumber}'].put;
    expect(put.parameters).toEqual([
      { name: 'accountNumber', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 20, pattern: '^[^/<>*%&:\\\\?+]+$' } },
    ]);
    expect(Object.keys(put.responses)).toEqual(['201', '204', '400', '429']);
    expect(put.summary).toBe('Create or update an account row by its key contoso_accountnumber');
  });

  it('the bulk schema: 1 to maxBatchSize items, each with its key and fields', () => {
    const d = doc();
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(d.components.schemas.UpsertMultiple_contactsRequest);
    expect(validate({ items: [{ email: 'a@b.c', firstName: 'A' }] })).toBe(true);
    expect(validate({ items: [] })).toBe(false);
    expect(validate({ items: [{ firstName: 'no key' }] })).toBe(false);
    expect(validate({ items: Array.from({ length: 51 }, (_, i) => ({ email: `u${i}@b.c` })) })).toBe(false);
    expect(d.paths['/contacts/upsert-multiple'].post.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/UpsertMultiple_contactsResponse' });
  });

  it('mode changes the documented answers', () => {
    const { gateway, accountNumber, email } = upsertStack();
    gateway.addUpsert(accounts(accountNumber, { mode: UpsertMode.CREATE_ONLY }));
    gateway.addUpsert(contacts(email, accountNumber, { mode: UpsertMode.UPDATE_ONLY, bulk: undefined }));
    const d = gateway.openApiDocument();
    expect(Object.keys(d.paths['/accounts/{accountNumber}'].put.responses)).toEqual(['201', '400', '409', '429']);
    expect(Object.keys(d.paths['/contacts/{email}'].put.responses)).toEqual(['204', '400', '404', '429']);
  });
});

describe('addUpsert: checks at synth', () => {
  const errorsOf = (build: (ctx: ReturnType<typeof upsertStack>) => UpsertOperationOptions) => {
    const ctx = upsertStack();
    ctx.gateway.addUpsert(build(ctx));
    return validationErrors(ctx.stack);
  };

  it('an unknown field type', () => {
    one(
      errorsOf(({ accountNumber }) =>
        accounts(accountNumber, { fields: { ...accounts(accountNumber).fields, size: { column: 'numberofemployees', fieldType: 'number' as UpsertFieldType } } }),
      ),
      "field 'size': fieldType 'number' is not a field type",
    );
  });

  it('a key column not in fields, or with the wrong type', () => {
    const e = one(
      errorsOf(({ accountNumber }) => accounts(accountNumber, { fields: { name: { column: 'name', fieldType: UpsertFieldType.STRING } } })),
      "key column 'accountnumber' of 'contoso_accountnumber' is not in fields",
    );
    expect(e).toContain("{ accountnumber: { column: 'accountnumber', fieldType: UpsertFieldType.STRING } }");
    one(
      errorsOf(({ accountNumber }) => accounts(accountNumber, { fields: { accountNumber: { column: 'accountnumber', fieldType: UpsertFieldType.INTEGER } } })),
      "field 'accountNumber' is 'integer', but key column 'accountnumber' is String",
    );
    one(
      errorsOf(({ accountNumber }) => accounts(accountNumber, { fields: { accountNumber: { column: 'accountnumber', fieldType: UpsertFieldType.STRING, required: true } } })),
      "'required' does not apply",
    );
  });

  it('a lookup to a table without that key', () => {
    one(
      errorsOf(({ email, accountNumber }) =>
        contacts(email, accountNumber, {
          fields: {
            email: { column: 'emailaddress1', fieldType: UpsertFieldType.STRING },
            parentContact: {
              column: 'parentcontactid',
              fieldType: UpsertFieldType.LOOKUP,
              lookup: { table: 'contact', alternateKey: accountNumber, navigationProperty: 'parentcontactid' },
            },
          },
        }),
      ),
      "the lookup points at table 'contact', but its alternateKey 'contoso_accountnumber' is a key of 'account'; 'contact' has no such key",
    );
    one(
      errorsOf(({ email }) => accounts(email)),
      "alternateKey 'contoso_email' is a key of table 'contact', not of 'account'",
    );
  });

  it('a key on more columns than allowed', () => {
    const ctx = upsertStack();
    const wide = AlternateKey.fromAlternateKeyAttributes(ctx.stack, 'wide', {
      entityLogicalName: 'account',
      keyLogicalName: 'contoso_wide',
      keyColumns: Array.from({ length: 17 }, (_, i) => ({ logicalName: `contoso_c${i}`, columnType: AlternateKeyColumnType.INTEGER })),
    });
    ctx.gateway.addUpsert({
      table: 'account',
      alternateKey: wide,
      fields: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`c${i}`, { column: `contoso_c${i}`, fieldType: UpsertFieldType.INTEGER }])),
    });
    one(validationErrors(ctx.stack), "alternate key 'contoso_wide' has 17 columns; a key has 1 to 16 columns");
  });

  it('key columns the gateway cannot put in a URL: date-time, lookup', () => {
    const ctx = upsertStack();
    const byDate = AlternateKey.fromAlternateKeyAttributes(ctx.stack, 'by-date', {
      entityLogicalName: 'account',
      keyLogicalName: 'contoso_opened',
      keyColumns: [{ logicalName: 'contoso_openedon', columnType: AlternateKeyColumnType.DATE_TIME }],
    });
    ctx.gateway.addUpsert({ table: 'account', alternateKey: byDate, fields: { openedOn: { column: 'contoso_openedon', fieldType: UpsertFieldType.DATE_TIME } } });
    one(validationErrors(ctx.stack), "key column 'contoso_openedon' of 'contoso_opened' is a date-time, whose values contain ':'");
    const ctx2 = upsertStack();
    const byLookup = AlternateKey.fromAlternateKeyAttributes(ctx2.stack, 'by-owner', {
      entityLogicalName: 'account',
      keyLogicalName: 'contoso_owner',
      keyColumns: [{ logicalName: 'ownerid', columnType: AlternateKeyColumnType.LOOKUP }],
    });
    ctx2.gateway.addUpsert(contacts(ctx2.email, byLookup, { bulk: undefined }));
    one(validationErrors(ctx2.stack), "key column 'ownerid' of 'contoso_owner' is Lookup; a lookup binds by STRING, INTEGER, DECIMAL or CHOICE key columns");
  });

  it('field shapes: names, columns, lookup settings, options for the wrong type, two fields on one column', () => {
    const errors = errorsOf(({ accountNumber }) =>
      accounts(accountNumber, {
        fields: {
          accountNumber: { column: 'accountnumber', fieldType: UpsertFieldType.STRING },
          'account name': { column: 'name', fieldType: UpsertFieldType.STRING },
          title: { column: 'Name', fieldType: UpsertFieldType.STRING },
          again: { column: 'accountnumber', fieldType: UpsertFieldType.STRING },
          size: { column: 'numberofemployees', fieldType: UpsertFieldType.INTEGER, maxLength: 3, choices: [1] },
          owner: { column: 'ownerid', fieldType: UpsertFieldType.LOOKUP },
          parent: {
            column: 'parentaccountid',
            fieldType: UpsertFieldType.STRING,
            lookup: { table: 'account', alternateKey: accountNumber, navigationProperty: 'parentaccountid' },
          },
          other: {
            column: 'contoso_otherid',
            fieldType: UpsertFieldType.LOOKUP,
            lookup: { table: 'account', alternateKey: accountNumber, navigationProperty: 'bad nav', entitySetName: 'bad set' },
          },
          state: { column: 'contoso_state', fieldType: UpsertFieldType.CHOICE, choices: [] },
        },
      }),
    );
    one(errors, "field 'account name': the name must be letters, digits and underscores");
    one(errors, "field 'title': column 'Name' is not a logical name");
    one(errors, "fields 'accountNumber' and 'again' both write column 'accountnumber'");
    one(errors, "field 'size': maxLength applies to STRING fields only");
    one(errors, "field 'size': choices applies to CHOICE fields only");
    one(errors, "field 'owner': a LOOKUP field needs lookup");
    one(errors, "field 'parent': lookup is set, but the field is 'string'");
    one(errors, "lookup.navigationProperty 'bad nav' is not a navigation property name");
    one(errors, "lookup.entitySetName 'bad set' is not an entity set name");
    one(errors, "field 'state': choices must be a non-empty list");
  });

  it('table, entity set, mode and bulk settings', () => {
    one(
      errorsOf(({ accountNumber }) => accounts(accountNumber, { entitySetName: 'accounts!' })),
      "entitySetName 'accounts!' is not an entity set name",
    );
    one(
      errorsOf(({ accountNumber }) => accounts(accountNumber, { mode: 'merge' as UpsertMode })),
      "mode 'merge' is not an upsert mode",
    );
    one(
      errorsOf(({ accountNumber }) => accounts(accountNumber, { bulk: { maxBatchSize: 1001 } })),
      'bulk.maxBatchSize 1001 is out of range',
    );
    one(
      errorsOf(({ accountNumber }) => accounts(accountNumber, { bulk: {}, mode: UpsertMode.CREATE_ONLY })),
      "bulk serves UpsertMultiple, which creates or updates; mode 'create-only' cannot apply to it",
    );
  });

  it('the same entity set twice; an operation id a Custom API already has', () => {
    const ctx = upsertStack();
    ctx.gateway.addUpsert(accounts(ctx.accountNumber));
    ctx.gateway.addUpsert(accounts(ctx.accountNumber));
    one(validationErrors(ctx.stack), "addUpsert: the entity set 'accounts' is added twice");
    const clash = upsertStack();
    clash.gateway.addCustomApi({ uniqueName: 'upsert_accounts', displayName: 'Upsert accounts' });
    clash.gateway.addUpsert(accounts(clash.accountNumber));
    one(validationErrors(clash.stack), "the operation id 'upsert-accounts' is also a Custom API's");
  });

  it('JavaScript callers: missing options, a null field', () => {
    const ctx = upsertStack();
    expect(() => ctx.gateway.addUpsert({ table: 'account' } as any)).toThrow('test/partners: CustomApiGateway.addUpsert needs alternateKey, fields');
    expect(() => ctx.gateway.addUpsert({ table: 'account', alternateKey: {} as any, fields: {} })).toThrow(
      'CustomApiGateway.addUpsert: alternateKey needs entityLogicalName, keyLogicalName, keyColumns',
    );
    ctx.gateway.addUpsert(accounts(ctx.accountNumber, { fields: { accountNumber: { column: 'accountnumber', fieldType: UpsertFieldType.STRING }, name: null as any } }));
    one(validationErrors(ctx.stack), "field 'name' is null");
  });
});
