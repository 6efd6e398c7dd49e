// Inbound upsert through the gateway (issue 16): a partner writes accounts by their account number
// and contacts by their e-mail address, the contact's parent account bound by the account number. The
// partner never sees a GUID, never queries first, and can set only the listed fields.
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { App, TerraformStack } from 'cdktf';
import { AlternateKey, AlternateKeyColumnType, CustomApiGateway, DataverseEnvironment, UpsertFieldType } from 'cdktf-dataverse';

/** Adds the `partner-upsert` stack to the app. */
export function buildUpsertStack(app: App): TerraformStack {
  const stack = new TerraformStack(app, 'partner-upsert');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  const rg = new ResourceGroup(stack, 'rg', { name: 'rg-partner-upsert', location: 'westeurope' });
  const dataverse = new DataverseEnvironment(stack, 'dataverse', {
    url: 'https://contoso.crm4.dynamics.com',
    solutionUniqueName: 'ContosoIntegration',
    publisherPrefix: 'contoso',
  });

  // The partner's identifiers as alternate keys (the command line creates them and waits for the index).
  const accountNumber = new AlternateKey(stack, 'account-number', {
    environment: dataverse,
    table: 'account',
    schemaName: 'contoso_AccountNumber',
    displayName: 'Account number',
    columns: [{ logicalName: 'accountnumber', columnType: AlternateKeyColumnType.STRING, maxLength: 20 }],
  });
  const email = new AlternateKey(stack, 'contact-email', {
    environment: dataverse,
    table: 'contact',
    schemaName: 'contoso_Email',
    displayName: 'E-mail',
    columns: [{ logicalName: 'emailaddress1', columnType: AlternateKeyColumnType.STRING, maxLength: 100 }],
  });

  const gateway = new CustomApiGateway(stack, 'partner-api', {
    dataverse,
    resourceGroup: rg,
    publisherName: 'Contoso',
    publisherEmail: 'integration@contoso.com',
    apiPath: 'crm',
    // A role with Create, Write, Read and Append / Append To on accounts and contacts.
    securityRoleName: 'Partner Integration',
  });
  // PUT /crm/accounts/{accountNumber}
  gateway.addUpsert({
    table: 'account',
    alternateKey: accountNumber,
    fields: {
      accountNumber: { column: 'accountnumber', fieldType: UpsertFieldType.STRING },
      name: { column: 'name', fieldType: UpsertFieldType.STRING, required: true, maxLength: 160 },
      phone: { column: 'telephone1', fieldType: UpsertFieldType.STRING, maxLength: 50 },
      creditLimit: { column: 'creditlimit', fieldType: UpsertFieldType.MONEY },
    },
  });
  // PUT /crm/contacts/{email} and POST /crm/contacts/upsert-multiple
  gateway.addUpsert({
    table: 'contact',
    alternateKey: email,
    fields: {
      email: { column: 'emailaddress1', fieldType: UpsertFieldType.STRING },
      firstName: { column: 'firstname', fieldType: UpsertFieldType.STRING, maxLength: 50 },
      lastName: { column: 'lastname', fieldType: UpsertFieldType.STRING, required: true, maxLength: 50 },
      account: {
        column: 'parentcustomerid',
        fieldType: UpsertFieldType.LOOKUP,
        lookup: { table: 'account', alternateKey: accountNumber, navigationProperty: 'parentcustomerid_account' },
      },
    },
    bulk: { maxBatchSize: 200 },
  });
  gateway.addSubscription('partner');
  return stack;
}
