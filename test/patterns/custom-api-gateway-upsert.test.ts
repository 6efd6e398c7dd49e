import Ajv from 'ajv';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { accounts, contacts, embeddedPlan, policies, upsertStack } from './upsert-fixtures';
import { AlternateKey, AlternateKeyColumnType, CustomApiGateway, UpsertMode } from '../../src';
import { pathKeySegment, transformBody, transformBulk, upsertResponse } from '../../src/patterns/upsert-plan';
import { newStack, resourcesOf, synthJson, validationErrors, warningsOf } from '../helpers';

// The partner example of issue 16: accounts upserted by account number, contacts by e-mail, the
// contact's parent account bound by the account number.

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
