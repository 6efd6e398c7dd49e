import Ajv from 'ajv';
import { TerraformVariable } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { AlternateKey, AlternateKeyColumnType, AlternateKeyProps, ManifestFormat, OutboundQueueIntegration } from '../../src';
import { newStack, validationErrors, oneError } from '../helpers';

// Facts from Microsoft Learn "Work with alternate keys" (powerapps-docs
// developer/data-platform/define-alternate-keys-entity.md): column types Decimal, Integer, String,
// DateTime, Lookup, Picklist; 900 bytes and 16 columns per key; ten keys per table.

const ACCOUNT_NUMBER = { logicalName: 'accountnumber', columnType: AlternateKeyColumnType.STRING, maxLength: 20 };

function keyStack(extra: Partial<AlternateKeyProps> = {}, env = {}) {
  const ctx = newStack(env);
  const key = new AlternateKey(ctx.stack, 'account-number', {
    environment: ctx.dataverse,
    table: 'account',
    schemaName: 'contoso_AccountNumber',
    displayName: 'Account number',
    columns: [ACCOUNT_NUMBER],
    ...extra,
  });
  return { ...ctx, key };
}

const one = oneError;

describe('AlternateKey: default settings', () => {
  it('is an entitykey record with the key columns as a comma list, valid against the manifest schema', () => {
    const { stack, dataverse, key } = keyStack({ columns: [ACCOUNT_NUMBER, { logicalName: 'address1_postalcode', columnType: AlternateKeyColumnType.STRING }] });
    expect(validationErrors(stack)).toEqual([]);
    const [record] = dataverse.toManifest().records;
    expect(record).toMatchObject({
      table: 'entitykey',
      entitySet: 'entitykeys',
      id: key.recordId,
      path: 'test/account-number',
      columns: {
        entitylogicalname: 'account',
        schemaname: 'contoso_AccountNumber',
        logicalname: 'contoso_accountnumber',
        displayname: 'Account number',
        keyattributes: 'accountnumber,address1_postalcode',
      },
      references: [],
      lookups: [],
      fromOutputs: [],
    });
    expect(key).toMatchObject({ entityLogicalName: 'account', keyLogicalName: 'contoso_accountnumber' });
    const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(ManifestFormat.schema());
    expect(validate(JSON.parse(JSON.stringify(dataverse.toManifest()))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the label is in language 1033 unless languageCode says otherwise', () => {
    expect(keyStack().dataverse.toManifest().records[0].columns.languagecode).toBe(1033);
    expect(keyStack({ languageCode: 1031 }).dataverse.toManifest().records[0].columns.languagecode).toBe(1031);
  });

  it('comes first in apply order, before endpoints and steps; its id is deterministic', () => {
    const { stack, rg, dataverse, key } = keyStack();
    new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps: [{ table: 'salesorder', message: 'Create' }] });
    expect(dataverse.toManifest().records.map((r) => r.table)[0]).toBe('entitykey');
    expect(key.recordId).toBe(keyStack().key.recordId);
  });

  it('the manifest schema refuses an entitykey record without its columns', () => {
    const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(ManifestFormat.schema());
    const manifest = JSON.parse(JSON.stringify(keyStack().dataverse.toManifest()));
    delete manifest.records[0].columns.keyattributes;
    expect(validate(manifest)).toBe(false);
    manifest.records[0].columns.keyattributes = 'AccountNumber';
    expect(validate(manifest)).toBe(false);
  });
});

describe('AlternateKey: checks at synth', () => {
  it('the SchemaName carries the publisher prefix', () => {
    one(validationErrors(keyStack({ schemaName: 'AccountNumber' }).stack), "schemaName must be '<publisher prefix>_<name>'");
    const e = one(validationErrors(keyStack({}, { publisherPrefix: 'fabrikam' }).stack), "starts with the prefix 'contoso', but the environment's publisherPrefix is 'fabrikam'");
    expect(e).toContain("rename it to 'fabrikam_AccountNumber'");
    one(validationErrors(keyStack({ schemaName: `contoso_${'A'.repeat(130)}` }).stack), 'characters long; it must be 1 to 128');
  });

  it('table and column names are logical names; the display name is not empty', () => {
    one(validationErrors(keyStack({ table: 'Account' }).stack), "table 'Account' is not a logical name");
    one(
      validationErrors(keyStack({ columns: [{ logicalName: 'Account Number', columnType: AlternateKeyColumnType.STRING }] }).stack),
      "column 'Account Number' is not a logical name",
    );
    one(validationErrors(keyStack({ displayName: ' ' }).stack), 'displayName is empty');
    one(validationErrors(keyStack({ languageCode: 0 }).stack), 'languageCode 0 is not a language code');
  });

  it('1 to 16 columns, each once', () => {
    one(validationErrors(keyStack({ columns: [] }).stack), 'has 0 columns; a key has 1 to 16 columns');
    const many = Array.from({ length: 17 }, (_, i) => ({ logicalName: `contoso_c${i}`, columnType: AlternateKeyColumnType.INTEGER }));
    one(validationErrors(keyStack({ columns: many }).stack), 'has 17 columns; a key has 1 to 16 columns');
    expect(validationErrors(keyStack({ columns: many.slice(0, 16) }).stack)).toEqual([]);
    one(validationErrors(keyStack({ columns: [ACCOUNT_NUMBER, ACCOUNT_NUMBER] }).stack), "column 'accountnumber' is listed twice");
  });

  it('only the column types a key may use', () => {
    for (const bad of ['Money', 'Boolean', 'Memo', 'Uniqueidentifier']) {
      one(
        validationErrors(keyStack({ columns: [{ logicalName: 'revenue', columnType: bad as AlternateKeyColumnType }] }).stack),
        `has type '${bad}', which an alternate key cannot use`,
      );
    }
    const all = Object.values(AlternateKeyColumnType).map((t, i) => ({ logicalName: `contoso_c${i}`, columnType: t }));
    expect(validationErrors(keyStack({ columns: all }).stack)).toEqual([]);
  });

  it('at most 900 bytes, text counted at two bytes per character of maxLength (default 100)', () => {
    const text = (n: number, maxLength?: number) => ({ logicalName: `contoso_t${n}`, columnType: AlternateKeyColumnType.STRING, maxLength });
    // 4 x 100 characters = 800 bytes + an integer: fits; a fifth default text column does not.
    expect(validationErrors(keyStack({ columns: [text(1), text(2), text(3), text(4), { logicalName: 'contoso_n', columnType: AlternateKeyColumnType.INTEGER }] }).stack)).toEqual(
      [],
    );
    const e = one(validationErrors(keyStack({ columns: [text(1), text(2), text(3), text(4), text(5)] }).stack), 'is about 1000 bytes');
    expect(e).toContain('contoso_t1 200');
    one(validationErrors(keyStack({ columns: [text(1, 451)] }).stack), 'is about 902 bytes');
    one(validationErrors(keyStack({ columns: [text(1, 4001)] }).stack), 'has maxLength 4001; a text column holds 1 to 4000 characters');
    one(
      validationErrors(keyStack({ columns: [{ logicalName: 'contoso_n', columnType: AlternateKeyColumnType.INTEGER, maxLength: 10 }] }).stack),
      'sets maxLength, which applies to STRING columns only',
    );
  });

  it('at most ten keys per table, and no SchemaName twice on a table', () => {
    const { stack, dataverse } = keyStack();
    for (let i = 1; i <= 10; i++) {
      new AlternateKey(stack, `key-${i}`, {
        environment: dataverse,
        table: 'account',
        schemaName: `contoso_Key${i}`,
        displayName: `Key ${i}`,
        columns: [{ logicalName: `contoso_c${i}`, columnType: AlternateKeyColumnType.INTEGER }],
      });
    }
    new AlternateKey(stack, 'contact-key', {
      environment: dataverse,
      table: 'contact',
      schemaName: 'contoso_Key1',
      displayName: 'Key',
      columns: [{ logicalName: 'emailaddress1', columnType: AlternateKeyColumnType.STRING }],
    });
    const errors = validationErrors(stack);
    one(errors, "table 'account' has 11 alternate keys in this stack; Dataverse allows at most 10");
    expect(errors).toHaveLength(1);

    const twice = keyStack();
    new AlternateKey(twice.stack, 'again', {
      environment: twice.dataverse,
      table: 'account',
      schemaName: 'contoso_accountnumber',
      displayName: 'Again',
      columns: [ACCOUNT_NUMBER],
    });
    one(validationErrors(twice.stack), "alternate key 'contoso_AccountNumber' is defined twice on table 'account' (also at test/again");
  });

  it('names must be literals: the key is created from the manifest', () => {
    const ctx = newStack();
    const name = new TerraformVariable(ctx.stack, 'name', { type: 'string' });
    new AlternateKey(ctx.stack, 'key', { environment: ctx.dataverse, table: 'account', schemaName: name.stringValue, displayName: 'Key', columns: [ACCOUNT_NUMBER] });
    one(validationErrors(ctx.stack), 'schemaName is a Terraform reference; a key is created from the manifest, which needs the literal');
  });

  it('JavaScript callers: missing props and null columns name the construct and the prop', () => {
    const ctx = newStack();
    expect(() => new AlternateKey(ctx.stack, 'key', { environment: ctx.dataverse, table: 'account' } as any)).toThrow(
      "test: AlternateKey 'key' needs schemaName, displayName, columns. Fix: pass schemaName, displayName, columns",
    );
    new AlternateKey(ctx.stack, 'nulls', { environment: ctx.dataverse, table: 'account', schemaName: 'contoso_K', displayName: 'K', columns: [null as any] });
    one(validationErrors(ctx.stack), 'columns[0] is null. Fix: pass { logicalName, columnType }');
  });
});

describe('AlternateKey.fromAlternateKeyAttributes', () => {
  it('imports a key that exists: nothing is registered, its columns are checked', () => {
    const { stack, dataverse } = newStack();
    const key = AlternateKey.fromAlternateKeyAttributes(stack, 'existing', {
      entityLogicalName: 'contact',
      keyLogicalName: 'contoso_email',
      keyColumns: [{ logicalName: 'emailaddress1', columnType: AlternateKeyColumnType.STRING }],
    });
    expect(key).toMatchObject({ entityLogicalName: 'contact', keyLogicalName: 'contoso_email' });
    expect(validationErrors(stack)).toEqual([]);
    expect(dataverse.toManifest().records).toEqual([]);
    AlternateKey.fromAlternateKeyAttributes(stack, 'bad', {
      entityLogicalName: 'Contact',
      keyLogicalName: 'contoso_x',
      keyColumns: [{ logicalName: 'revenue', columnType: 'Money' as AlternateKeyColumnType }],
    });
    const errors = validationErrors(stack);
    one(errors, "entityLogicalName 'Contact' is not a logical name");
    one(errors, "has type 'Money', which an alternate key cannot use");
    expect(() => AlternateKey.fromAlternateKeyAttributes(stack, 'missing', { entityLogicalName: 'contact' } as any)).toThrow(
      'AlternateKey.fromAlternateKeyAttributes needs keyLogicalName, keyColumns',
    );
  });
});
