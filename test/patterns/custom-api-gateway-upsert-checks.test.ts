import { describe, expect, it } from 'vitest';
import { accounts, contacts, upsertStack } from './upsert-fixtures';
import { AlternateKey, AlternateKeyColumnType, UpsertFieldType, UpsertMode, UpsertOperationOptions } from '../../src';
import { oneError, validationErrors } from '../helpers';

// Every check of CustomApiGateway.addUpsert, each by its message (the partner stack of upsert-fixtures.ts).

const one = oneError;

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
