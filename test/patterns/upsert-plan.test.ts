import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PARENT_ACCOUNT, testPlan } from './upsert-fixtures';
import { UpsertFieldType, UpsertMode } from '../../src';
import {
  bulkResponse,
  escapeDataString,
  keyLiteral,
  keySegment,
  pathKeySegment,
  publicError,
  transformBody,
  transformBulk,
  unescapeDataString,
  upsertResponse,
} from '../../src/patterns/upsert-plan';

// The rewrite and body logic of the upsert policies, evaluated on hostile inputs. Expected values
// follow Microsoft Learn: key URLs `accounts(accountnumber='ABC123')` and multi-part
// `contacts(firstname='Joe',emailaddress1='abc@example.com')` ("Use an alternate key to reference a
// record"), OData string literals with single quotes doubled (OData 4.01 ABNF, SQUOTE-in-string),
// .NET Uri.EscapeDataString percent-encoding every character but A-Z a-z 0-9 - _ . ~ (RFC 3986).

const contacts = testPlan(
  'contact',
  { name: 'email', column: 'emailaddress1', type: 'string' },
  [
    { name: 'firstName', type: UpsertFieldType.STRING, target: 'firstname' },
    { name: 'birthday', type: UpsertFieldType.DATE_TIME, target: 'birthdate' },
    { name: 'credit', type: UpsertFieldType.MONEY, target: 'creditlimit' },
    { name: 'vip', type: UpsertFieldType.BOOLEAN, target: 'contoso_vip' },
    { name: 'tier', type: UpsertFieldType.CHOICE, target: 'contoso_tier' },
    { name: 'parentAccount', type: UpsertFieldType.LOOKUP, target: 'parentcustomerid_account@odata.bind', lookup: PARENT_ACCOUNT },
    {
      name: 'region',
      type: UpsertFieldType.LOOKUP,
      target: 'contoso_regionid@odata.bind',
      lookup: {
        entitySet: 'contoso_regions',
        key: [
          { name: 'contoso_country', column: 'contoso_country', type: 'string' },
          { name: 'contoso_number', column: 'contoso_number', type: 'integer' },
        ],
      },
    },
  ],
  { maxBatchSize: 3 },
);

describe('key literals', () => {
  it('escapeDataString is .NET Uri.EscapeDataString: unreserved characters stay, the rest is UTF-8 percent-encoded', () => {
    expect(escapeDataString("AZaz09-_.~!*'()")).toBe('AZaz09-_.~%21%2A%27%28%29');
    expect(escapeDataString('a b@c,d;e=f$g')).toBe('a%20b%40c%2Cd%3Be%3Df%24g');
    expect(escapeDataString('Müller 東京 😀')).toBe('M%C3%BCller%20%E6%9D%B1%E4%BA%AC%20%F0%9F%98%80');
  });

  it('strings are quoted, single quotes doubled, then URL-encoded; numbers as they are', () => {
    expect(keyLiteral('string', 'ABC123')).toBe("'ABC123'");
    expect(keyLiteral('string', "O'Brien")).toBe("'O%27%27Brien'");
    expect(keyLiteral('string', "''")).toBe("'%27%27%27%27'");
    expect(keyLiteral('string', 'Zoë Ärzte')).toBe("'Zo%C3%AB%20%C3%84rzte'");
    expect(keyLiteral('string', "x') or (accountnumber eq 'y")).toBe("'x%27%27%29%20or%20%28accountnumber%20eq%20%27%27y'");
    expect(keyLiteral('integer', '-42')).toBe('-42');
    expect(keyLiteral('choice', '100000001')).toBe('100000001');
    expect(keyLiteral('decimal', '12.50')).toBe('12.50');
  });

  it('refuses what cannot address a row: empty, the characters Dataverse cannot take, non-numbers', () => {
    for (const c of ['/', '<', '>', '*', '%', '&', ':', '\\', '?', '+']) expect(keyLiteral('string', `A${c}1`), c).toBeUndefined();
    expect(keyLiteral('string', '')).toBeUndefined();
    expect(keyLiteral('string', undefined)).toBeUndefined();
    expect(keyLiteral('integer', '4.2')).toBeUndefined();
    expect(keyLiteral('integer', '1 or 1')).toBeUndefined();
    expect(keyLiteral('decimal', '1e5')).toBeUndefined();
  });

  it('round trip: decoding a string literal and undoubling the quotes gives the value back', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1 }).filter((s) => !/[/<>*%&:\\?+]/.test(s)),
        (s) => {
          const literal = keyLiteral('string', s)!;
          expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
          const inner = literal.slice(1, -1);
          // Only unreserved characters and %XX remain: nothing can end the literal or the segment early.
          expect(inner).toMatch(/^([A-Za-z0-9_.~-]|%[0-9A-F]{2})*$/);
          expect(decodeURIComponent(inner).replace(/''/g, "'")).toBe(s);
        },
      ),
    );
  });

  it('multi-part keys in key order; the first unusable part is named', () => {
    const parts = contacts.fields[6].lookup!.key;
    expect(keySegment(parts, (p) => ({ contoso_country: "Côte d'Ivoire", contoso_number: 7 })[p.column as 'contoso_country'])).toEqual({
      segment: "contoso_country='C%C3%B4te%20d%27%27Ivoire',contoso_number=7",
    });
    expect(keySegment(parts, (p) => ({ contoso_country: 'FR', contoso_number: 'seven' })[p.column as 'contoso_country']).invalidPart?.name).toBe('contoso_number');
  });

  it('path parameters are decoded once (APIM may hand them over encoded) and then encoded again', () => {
    expect(pathKeySegment(contacts, { email: 'anna%40contoso.com' })).toEqual({ segment: "emailaddress1='anna%40contoso.com'" });
    expect(pathKeySegment(contacts, { email: 'anna@contoso.com' })).toEqual({ segment: "emailaddress1='anna%40contoso.com'" });
    expect(pathKeySegment(contacts, { email: 'a%2Fb' }).invalidPart?.name).toBe('email');
    expect(pathKeySegment(contacts, {}).invalidPart?.name).toBe('email');
    expect(unescapeDataString('100%zz %41')).toBe('100%zz A');
  });
});

describe('body transformation', () => {
  it('only listed fields pass, under their column names; missing and null fields are not sent', () => {
    const input = {
      firstName: 'Anna',
      credit: 1500.5,
      vip: true,
      tier: 2,
      birthday: '1990-04-01T00:00:00Z',
      email: 'x@y.z',
      contactid: '0000',
      ownerid: 'evil',
      'name@odata.bind': '/systemusers(1)',
      lastName: null,
    };
    expect(transformBody(contacts, input)).toEqual({
      body: { firstname: 'Anna', creditlimit: 1500.5, contoso_vip: true, contoso_tier: 2, birthdate: '1990-04-01T00:00:00Z' },
    });
    expect(transformBody(contacts, {})).toEqual({ body: {} });
    expect(transformBody(contacts, 'not an object')).toEqual({ body: {} });
    expect(transformBody(contacts, [1, 2])).toEqual({ body: {} });
  });

  it('a lookup becomes <nav>@odata.bind to the other table by its key; quotes and unicode escaped', () => {
    expect(transformBody(contacts, { parentAccount: "A-1'7 Straße" }).body).toEqual({
      'parentcustomerid_account@odata.bind': "/accounts(accountnumber='A-1%27%277%20Stra%C3%9Fe')",
    });
    expect(transformBody(contacts, { region: { contoso_country: 'DE', contoso_number: 12 } }).body).toEqual({
      'contoso_regionid@odata.bind': "/contoso_regions(contoso_country='DE',contoso_number=12)",
    });
  });

  it('a lookup value that cannot address a row names the field', () => {
    expect(transformBody(contacts, { parentAccount: 'A/1' })).toEqual({ invalidField: 'parentAccount' });
    expect(transformBody(contacts, { parentAccount: { accountnumber: 'A1' } })).toEqual({ invalidField: 'parentAccount' });
    expect(transformBody(contacts, { region: 'DE' })).toEqual({ invalidField: 'region' });
    expect(transformBody(contacts, { region: { contoso_country: 'DE' } })).toEqual({ invalidField: 'region' });
  });

  it('bulk: each item gets @odata.type and @odata.id by its key; keys are kept in order for the answer', () => {
    const result = transformBulk(contacts, {
      items: [
        { email: "o'neil@contoso.com", firstName: 'Ann' },
        { email: 'b@contoso.com', parentAccount: 'A1', extra: 1 },
      ],
    });
    expect(result.request).toEqual({
      Targets: [
        { '@odata.type': 'Microsoft.Dynamics.CRM.contact', '@odata.id': "contacts(emailaddress1='o%27%27neil%40contoso.com')", firstname: 'Ann' },
        {
          '@odata.type': 'Microsoft.Dynamics.CRM.contact',
          '@odata.id': "contacts(emailaddress1='b%40contoso.com')",
          'parentcustomerid_account@odata.bind': "/accounts(accountnumber='A1')",
        },
      ],
    });
    expect(result.keys).toEqual([{ email: "o'neil@contoso.com" }, { email: 'b@contoso.com' }]);
    expect(transformBulk(contacts, { items: [{ email: 'a@b.c' }, { email: 'x?y' }] })).toEqual({ invalidItem: 1, invalidField: 'email' });
    expect(transformBulk(contacts, { items: [{ email: 'a@b.c', parentAccount: 'x:y' }] })).toEqual({ invalidItem: 0, invalidField: 'parentAccount' });
    expect(transformBulk(contacts, { nothing: true })).toEqual({ request: { Targets: [] }, keys: [] });
  });
});

describe('responses', () => {
  const withInternals = {
    error: {
      code: '0x80040237',
      message: 'A record with matching key values already exists.',
      '@Microsoft.PowerApps.CDS.TraceText': 'at Contoso.Plugins.Secret.Execute()',
      '@Microsoft.PowerApps.CDS.InnerError.Message': 'SQL detail',
      '@Microsoft.PowerApps.CDS.HelpLink': 'http://go.microsoft.com/fwlink/?LinkID=398563',
    },
  };

  it('201 with the new id; 200 and 204 become 204', () => {
    expect(upsertResponse(contacts, 201, { '@odata.etag': 'W/"1"', contactid: 'c0ffee00-0000-0000-0000-000000000001' })).toEqual({
      status: 201,
      body: { id: 'c0ffee00-0000-0000-0000-000000000001' },
    });
    expect(upsertResponse(contacts, 200, { contactid: 'x' })).toEqual({ status: 204 });
    expect(upsertResponse(contacts, 204, undefined)).toEqual({ status: 204 });
  });

  it("create-only: 412 becomes 409; update-only: 404 stays 404; Dataverse's error without its internals", () => {
    expect(upsertResponse({ ...contacts, mode: UpsertMode.CREATE_ONLY }, 412, withInternals)).toEqual({
      status: 409,
      body: { error: { code: '0x80040237', message: 'A record with matching key values already exists.' } },
    });
    expect(upsertResponse({ ...contacts, mode: UpsertMode.UPDATE_ONLY }, 404, { error: { code: '', message: 'contact With Ids = x Do Not Exist' } })).toEqual({
      status: 404,
      body: { error: { code: '', message: 'contact With Ids = x Do Not Exist' } },
    });
    expect(upsertResponse(contacts, 412, withInternals).status).toBe(412);
    expect(JSON.stringify(upsertResponse(contacts, 400, withInternals))).not.toMatch(/TraceText|SQL detail|HelpLink|Contoso\.Plugins/);
  });

  it('garbage from the other side: no error object, a non-string message, HTML', () => {
    expect(publicError('<html>502 Bad Gateway</html>')).toEqual({ error: { code: '', message: 'Dataverse returned an error.' } });
    expect(publicError({ error: { code: 5, message: { nested: true } } })).toEqual({ error: { code: '', message: 'Dataverse returned an error.' } });
    expect(upsertResponse(contacts, 503, null)).toEqual({ status: 503, body: { error: { code: '', message: 'Dataverse returned an error.' } } });
  });

  it('bulk: every item upserted, or every item rolled back with the error, by the caller’s keys', () => {
    const keys = [{ email: 'a@b.c' }, { email: 'd@e.f' }];
    expect(bulkResponse(keys, 204, undefined)).toEqual({
      status: 200,
      body: {
        results: [
          { index: 0, key: { email: 'a@b.c' }, status: 'upserted' },
          { index: 1, key: { email: 'd@e.f' }, status: 'upserted' },
        ],
      },
    });
    const failed = bulkResponse(keys, 400, withInternals);
    expect(failed.status).toBe(400);
    expect(failed.body).toEqual({
      error: { code: '0x80040237', message: 'A record with matching key values already exists.' },
      results: [
        { index: 0, key: { email: 'a@b.c' }, status: 'rolled-back' },
        { index: 1, key: { email: 'd@e.f' }, status: 'rolled-back' },
      ],
    });
  });
});
