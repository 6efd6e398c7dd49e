// Fixtures of the upsert tests: plans for the gateway's logic (upsert-plan.test.ts, test/cli/fake-upsert.test.ts)
// and the partner stack of issue 16 (accounts by account number, contacts by e-mail) for the gateway tests.
import { AlternateKey, AlternateKeyColumnType, CustomApiGateway, CustomApiGatewayProps, IAlternateKey, UpsertFieldType, UpsertMode, UpsertOperationOptions } from '../../src';
import { PlanField, PlanKeyPart, UpsertPlan } from '../../src/patterns/upsert-plan';
import { newStack, resourcesOf } from '../helpers';

/** The plan of a table `<table>` with entity set `<table>s`, one key part and the given fields. */
export function testPlan(table: string, key: PlanKeyPart, fields: PlanField[], extra: Partial<UpsertPlan> = {}): UpsertPlan {
  return { entitySet: `${table}s`, odataType: `Microsoft.Dynamics.CRM.${table}`, primaryKey: `${table}id`, mode: UpsertMode.UPSERT, key: [key], fields, ...extra };
}

/** A contact's parent account, bound by the account number. */
export const PARENT_ACCOUNT: NonNullable<PlanField['lookup']> = { entitySet: 'accounts', key: [{ name: 'accountnumber', column: 'accountnumber', type: 'string' }] };

export function upsertStack(extra: Partial<CustomApiGatewayProps> = {}) {
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

export function accounts(key: IAlternateKey, extra: Partial<UpsertOperationOptions> = {}): UpsertOperationOptions {
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

export function contacts(key: IAlternateKey, accountKey: IAlternateKey, extra: Partial<UpsertOperationOptions> = {}): UpsertOperationOptions {
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

export function policies(synth: any): Map<string, string> {
  return new Map((Object.values(resourcesOf(synth, 'azurerm_api_management_api_operation_policy')) as any[]).map((p) => [p.operation_id, p.xml_content]));
}

/** The plan a synthesized policy embeds (the C# verbatim string given to JObject.Parse), decoded from XML. */
export function embeddedPlan(xml: string): UpsertPlan {
  const text = xml
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  const m = /JObject\.Parse\(@"((?:[^"]|"")*)"\)/.exec(text);
  if (!m) throw new Error('no embedded plan');
  return JSON.parse(m[1].replace(/""/g, '"'));
}
