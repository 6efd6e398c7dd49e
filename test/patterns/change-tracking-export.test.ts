import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { build, functionFolder, roles, SUB } from './change-tracking-fixtures';
import { ChangeTrackingExport, EventHub, EventHubNamespace, ServiceBusNamespace, ServiceBusQueue, StorageAccount, UserAssignedIdentity } from '../../src';
import { diagramDot } from '../../src/diagram/diagram';
import { DEFAULT_SCHEDULE, SETTINGS } from '../../src/runtime/change-tracking/settings';
import { fullSynth, onlyResource, readAllFiles, resourcesOf, synthJson, validationErrors } from '../helpers';

const app = (synth: any) => onlyResource(synth, 'azurerm_function_app_flex_consumption');
const identityRef = (synth: any, attr: string) => `\${azurerm_user_assigned_identity.${Object.keys(resourcesOf(synth, 'azurerm_user_assigned_identity'))[0]}.${attr}}`;

describe('ChangeTrackingExport: default settings', () => {
  it('a Flex Consumption app with the system identity and the created user-assigned identity, running the function folder', () => {
    const { stack } = build();
    expect(validationErrors(stack)).toEqual([]);
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_service_plan')).toMatchObject({ os_type: 'Linux', sku_name: 'FC1' });
    expect(app(synth)).toMatchObject({ runtime_name: 'node', runtime_version: '20', https_only: true, webdeploy_publish_basic_authentication_enabled: false });
    // a timer function: nothing calls it, so no traffic from the internet
    expect(app(synth).public_network_access_enabled).toBe(false);
    expect(app(synth).identity).toEqual({ type: 'SystemAssigned, UserAssigned', identity_ids: [identityRef(synth, 'id')] });
    expect(onlyResource(synth, 'azurerm_storage_blob')).toMatchObject({ name: 'released-package.zip', content_type: 'application/zip' });
    const containers = Object.values(resourcesOf(synth, 'azurerm_storage_container'))
      .map((c: any) => c.name)
      .sort();
    expect(containers).toEqual(['app-package', 'change-tracking-state']);
  });

  it('app settings: environment, tables (default columns = primary key), schedule every 5 minutes, Service Bus by host, state by blob URI, identity client id', () => {
    const { stack, exp } = build();
    const synth = synthJson(stack);
    const s = app(synth).app_settings;
    expect(s[SETTINGS.environmentUrl]).toBe('https://contoso.crm4.dynamics.com');
    expect(JSON.parse(s[SETTINGS.tables])).toEqual([
      { name: 'account', entitySetName: 'accounts', columns: ['name', 'accountnumber', '_parentaccountid_value'] },
      { name: 'contact', entitySetName: 'contacts', columns: ['contactid'] },
    ]);
    expect(s[SETTINGS.schedule]).toBe('0 */5 * * * *');
    expect(exp.schedule).toBe('0 */5 * * * *');
    expect(s[SETTINGS.pageSize]).toBeUndefined();
    expect(s[SETTINGS.sink]).toBe('serviceBus');
    expect(s[SETTINGS.serviceBusNamespace]).toBe('sb-contoso-changes.servicebus.windows.net');
    expect(s[SETTINGS.serviceBusEntity]).toBe('dataverse-changes');
    expect(s[SETTINGS.stateBlobServiceUri]).toMatch(/^\$\{azurerm_storage_account\..+\.primary_blob_endpoint\}$/);
    expect(s[SETTINGS.stateContainer]).toBe('change-tracking-state');
    expect(s[SETTINGS.identityClientId]).toBe(identityRef(synth, 'client_id'));
    expect(s.AzureWebJobsStorage__accountName).toBeDefined();
  });

  it('roles: token container and sink entity for the identity, host storage for the system identity, the package for the deployer', () => {
    const synth = synthJson(build().stack);
    const st = Object.keys(resourcesOf(synth, 'azurerm_storage_account'))[0];
    const state = Object.keys(resourcesOf(synth, 'azurerm_storage_container')).find((k) => resourcesOf(synth, 'azurerm_storage_container')[k].name === 'change-tracking-state');
    const queue = Object.keys(resourcesOf(synth, 'azurerm_servicebus_queue'))[0];
    const principal = identityRef(synth, 'principal_id');
    const appPrincipal = `\${azurerm_function_app_flex_consumption.${Object.keys(resourcesOf(synth, 'azurerm_function_app_flex_consumption'))[0]}.identity[0].principal_id}`;
    expect(roles(synth)).toEqual(
      expect.arrayContaining([
        {
          role: 'Storage Blob Data Contributor',
          scope: `\${azurerm_storage_account.${st}.id}/blobServices/default/containers/\${azurerm_storage_container.${state}.name}`,
          principal,
        },
        { role: 'Azure Service Bus Data Sender', scope: `\${azurerm_servicebus_queue.${queue}.id}`, principal },
        { role: 'Storage Blob Data Owner', scope: `\${azurerm_storage_account.${st}.id}`, principal: appPrincipal },
        {
          role: 'Storage Blob Data Contributor',
          scope: `\${azurerm_storage_account.${st}.id}`,
          principal: expect.stringMatching(/^\$\{data\.azurerm_client_config\..+\.object_id\}$/),
        },
      ]),
    );
    expect(roles(synth)).toHaveLength(4);
    // Nothing broader for the identity: no namespace- or account-wide role.
    expect(
      roles(synth)
        .filter((r) => r.principal === principal)
        .map((r) => r.scope)
        .every((s) => /containers|servicebus_queue/.test(s)),
    ).toBe(true);
  });

  it('manifest: change tracking per table (permanent metadata), the application user with the role, its client id from an output', () => {
    const { app: a, stack, dataverse } = build();
    const dir = fullSynth(a, 'test');
    const manifest = JSON.parse(readAllFiles(dir)['dataverse-registrations.json']);
    const tracking = manifest.records.filter((r: any) => r.table === 'entitychangetracking');
    expect(tracking.map((r: any) => [r.path, r.entitySet, r.columns])).toEqual([
      ['test/dataverse/change-tracking-account', 'entitydefinitions', { logicalname: 'account', entitysetname: 'accounts', changetrackingenabled: true }],
      ['test/dataverse/change-tracking-contact', 'entitydefinitions', { logicalname: 'contact', entitysetname: 'contacts', changetrackingenabled: true }],
    ]);
    const user = manifest.records.find((r: any) => r.table === 'systemuser');
    expect(user.path).toBe('test/export/application-user');
    expect(user.fromOutputs).toEqual([expect.objectContaining({ column: 'applicationid', sensitive: false })]);
    expect(user.associations.map((x: any) => x.target.key)).toEqual([{ role: 'Change tracking export' }]);
    expect(manifest.records.indexOf(tracking[0])).toBeLessThan(manifest.records.indexOf(user));
    expect(stack.node.id).toBe('test');
    // The diagram (cdktf-dataverse diagram, or diagram: true) names the tables whose change tracking the stack enables.
    const dot = diagramDot(stack, dataverse);
    expect(dot).toContain('change tracking\\naccount');
    expect(dot).toContain('change tracking\\ncontact');
  });

  it('no secret anywhere: no key, connection string or SAS in settings or in any synthesized file', () => {
    const { app: a } = build('eventHub');
    const files = readAllFiles(fullSynth(a, 'test'));
    const text = Object.values(files).join('\n');
    expect(text).not.toMatch(/AccountKey=|SharedAccessKey|primary_key|primary_connection_string|connection_string"\s*:\s*"Endpoint=/i);
    const tf = JSON.parse(files['cdk.tf.json']);
    expect(resourcesOf(tf, 'azurerm_eventhub_authorization_rule')).toEqual({});
    expect(resourcesOf(tf, 'azurerm_servicebus_queue_authorization_rule')).toEqual({});
    for (const [name, value] of Object.entries(app(tf).app_settings as Record<string, string>)) {
      expect(`${name}=${value}`).not.toMatch(/key|password|secret|sas|connectionstring/i);
    }
  });

  it('the same table in two exports of one environment shares one change-tracking record', () => {
    const { stack, dataverse, rg } = build();
    const lake = new StorageAccount(stack, 'lake2', { resourceGroup: rg, name: 'stcontosolake2' });
    const second = new ChangeTrackingExport(stack, 'archive', {
      dataverse,
      resourceGroup: rg,
      tables: [{ logicalName: 'account' }],
      securityRoleName: 'Change tracking export',
      functionCode: functionFolder(),
      storageContainer: { storageAccount: lake, containerName: 'archive' },
    });
    expect(validationErrors(stack)).toEqual([]);
    expect(second.changeTracking[0]).toBe((stack.node.findChild('export') as ChangeTrackingExport).changeTracking[0]);
    expect(dataverse.records.filter((r) => r.tableName === 'entitychangetracking')).toHaveLength(2);
  });
});

describe('ChangeTrackingExport: sinks', () => {
  it('Service Bus topic: sender on the topic', () => {
    const synth = synthJson(build('topic').stack);
    const topic = Object.keys(resourcesOf(synth, 'azurerm_servicebus_topic'))[0];
    expect(app(synth).app_settings[SETTINGS.serviceBusEntity]).toBe('dataverse-changes');
    expect(roles(synth)).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'Azure Service Bus Data Sender', scope: `\${azurerm_servicebus_topic.${topic}.id}` })]));
  });

  it('event hub: sender on the hub, namespace host and hub name', () => {
    const synth = synthJson(build('eventHub').stack);
    const s = app(synth).app_settings;
    expect(s[SETTINGS.sink]).toBe('eventHub');
    expect(s[SETTINGS.eventHubNamespace]).toBe('eh-contoso-changes.servicebus.windows.net');
    expect(s[SETTINGS.eventHubName]).toBe('dataverse-changes');
    const hub = Object.keys(resourcesOf(synth, 'azurerm_eventhub'))[0];
    expect(roles(synth)).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'Azure Event Hubs Data Sender', scope: `\${azurerm_eventhub.${hub}.id}` })]));
  });

  it('storage container: created, blob contributor on that container only, blob service URI setting', () => {
    const synth = synthJson(build('storage').stack);
    const s = app(synth).app_settings;
    expect(s[SETTINGS.sink]).toBe('blob');
    expect(s[SETTINGS.outputContainer]).toBe('dataverse-changes');
    const lake = Object.entries(resourcesOf(synth, 'azurerm_storage_account')).find(([, v]: any) => v.name === 'stcontosolake')![0];
    expect(s[SETTINGS.outputBlobServiceUri]).toBe(`\${azurerm_storage_account.${lake}.primary_blob_endpoint}`);
    const out = Object.entries(resourcesOf(synth, 'azurerm_storage_container')).find(([, v]: any) => v.name === 'dataverse-changes')!;
    expect(out[1]).toMatchObject({ container_access_type: 'private', storage_account_id: `\${azurerm_storage_account.${lake}.id}` });
    expect(roles(synth)).toEqual(
      expect.arrayContaining([
        {
          role: 'Storage Blob Data Contributor',
          scope: `\${azurerm_storage_account.${lake}.id}/blobServices/default/containers/\${azurerm_storage_container.${out[0]}.name}`,
          principal: identityRef(synth, 'principal_id'),
        },
      ]),
    );
  });

  it('existing (imported) sinks and identity: roles on their ids, nothing created for them', () => {
    const queueId = `${SUB}/Microsoft.ServiceBus/namespaces/sb-shared/queues/changes`;
    const { stack } = build((scope) => {
      const ns = ServiceBusNamespace.fromServiceBusNamespaceAttributes(scope, 'ns', { serviceBusNamespaceId: `${SUB}/Microsoft.ServiceBus/namespaces/sb-shared` });
      return {
        serviceBusQueue: ServiceBusQueue.fromServiceBusQueueAttributes(scope, 'q', { serviceBusNamespace: ns, queueId }),
        existingIdentity: UserAssignedIdentity.fromUserAssignedIdentityAttributes(scope, 'id', {
          userAssignedIdentityId: `${SUB}/Microsoft.ManagedIdentity/userAssignedIdentities/id-shared`,
          principalId: '11111111-1111-4111-8111-111111111111',
          clientId: '22222222-2222-4222-8222-222222222222',
        }),
      };
    });
    expect(validationErrors(stack)).toEqual([]);
    const synth = synthJson(stack);
    expect(resourcesOf(synth, 'azurerm_servicebus_queue')).toEqual({});
    expect(resourcesOf(synth, 'azurerm_user_assigned_identity')).toEqual({});
    const s = app(synth).app_settings;
    expect(s[SETTINGS.serviceBusNamespace]).toBe('sb-shared.servicebus.windows.net');
    expect(s[SETTINGS.serviceBusEntity]).toBe('changes');
    expect(s[SETTINGS.identityClientId]).toBe('22222222-2222-4222-8222-222222222222');
    expect(roles(synth)).toEqual(expect.arrayContaining([{ role: 'Azure Service Bus Data Sender', scope: queueId, principal: '11111111-1111-4111-8111-111111111111' }]));

    const hubId = `${SUB}/Microsoft.EventHub/namespaces/eh-shared/eventhubs/changes`;
    const eh = build((scope) => ({
      eventHub: EventHub.fromEventHubAttributes(scope, 'hub', {
        eventHubNamespace: EventHubNamespace.fromEventHubNamespaceAttributes(scope, 'ehns', { eventHubNamespaceId: `${SUB}/Microsoft.EventHub/namespaces/eh-shared` }),
        eventHubId: hubId,
      }),
    }));
    const ehSynth = synthJson(eh.stack);
    expect(app(ehSynth).app_settings[SETTINGS.eventHubNamespace]).toBe('eh-shared.servicebus.windows.net');
    expect(roles(ehSynth)).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'Azure Event Hubs Data Sender', scope: hubId })]));

    const accountId = `${SUB}/Microsoft.Storage/storageAccounts/stshared`;
    const st = build((scope) => ({
      storageContainer: {
        storageAccount: StorageAccount.fromStorageAccountAttributes(scope, 'acct', { storageAccountId: accountId }),
        containerName: 'changes',
        createContainer: false,
      },
    }));
    const stSynth = synthJson(st.stack);
    expect(app(stSynth).app_settings[SETTINGS.outputBlobServiceUri]).toBe('https://stshared.blob.core.windows.net/');
    expect(Object.values(resourcesOf(stSynth, 'azurerm_storage_container')).map((c: any) => c.name)).not.toContain('changes');
    expect(roles(stSynth)).toEqual(
      expect.arrayContaining([expect.objectContaining({ role: 'Storage Blob Data Contributor', scope: `${accountId}/blobServices/default/containers/changes` })]),
    );
  });
});

describe('ChangeTrackingExport: options', () => {
  it('schedule, pageSize, entitySetName and idColumn reach the settings and the manifest', () => {
    const { stack, exp } = build('queue', {
      schedule: '0 0 * * * *',
      pageSize: 500,
      tables: [{ logicalName: 'opportunity' }, { logicalName: 'email', entitySetName: 'emails', idColumn: 'activityid' }],
    });
    expect(validationErrors(stack)).toEqual([]);
    const s = app(synthJson(stack)).app_settings;
    expect(s[SETTINGS.schedule]).toBe('0 0 * * * *');
    expect(s[SETTINGS.pageSize]).toBe('500');
    expect(JSON.parse(s[SETTINGS.tables])).toEqual([
      { name: 'opportunity', entitySetName: 'opportunities', columns: ['opportunityid'] },
      { name: 'email', entitySetName: 'emails', columns: ['activityid'], idColumn: 'activityid' },
    ]);
    expect(exp.changeTracking.map((r) => r.trackedEntitySetName)).toEqual(['opportunities', 'emails']);
  });
});

describe('README: ChangeTrackingExport', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### ChangeTrackingExport\n'), readme.indexOf('### Change tracking runtime\n'));

  it('its default settings are the construct’s: schedule, token container, message id, every role granted, permanence', () => {
    expect(section.length).toBeGreaterThan(1000);
    expect(section).toContain(`every 5 minutes (\`${DEFAULT_SCHEDULE}\`)`);
    const { stack, exp } = build('storage');
    expect(section).toContain(`\`${exp.stateContainerName}\` container`);
    expect(section).toContain('id = `<table>:<row id>:<version>`');
    for (const role of new Set(roles(synthJson(stack)).map((r) => r.role))) expect(section).toContain(`"${role}"`);
    for (const role of ['Azure Service Bus Data Sender', 'Azure Event Hubs Data Sender']) expect(section).toContain(`"${role}"`);
    expect(section).toContain('**Permanent**');
    expect(section).toContain('MSCRM.MergeLabels: true');
    for (const name of [SETTINGS.serviceBusNamespace, SETTINGS.eventHubNamespace, SETTINGS.stateBlobServiceUri, SETTINGS.outputBlobServiceUri]) expect(section).toContain(name);
  });
});
