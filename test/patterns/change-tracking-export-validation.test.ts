import { Fn } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { build, createdSink, functionFolder } from './change-tracking-fixtures';
import { ChangeTrackingExport, LogAnalyticsWorkspace, StorageAccount, TableChangeTracking } from '../../src';
import { scheduleProblem } from '../../src/patterns/change-tracking-export-checks';
import { newStack, oneError, validationErrors } from '../helpers';

const errorsOf = (...args: Parameters<typeof build>) => validationErrors(build(...args).stack);

describe('ChangeTrackingExport: validation', () => {
  it('tables: none, too many, not a logical name, listed twice, bad columns, empty columns, column twice', () => {
    expect(oneError(errorsOf('queue', { tables: [] }), 'tables has 0 entries')).toContain("list the tables to export, e.g. [{ logicalName: 'account' }]");
    expect(oneError(errorsOf('queue', { tables: Array.from({ length: 51 }, (_, i) => ({ logicalName: `contoso_t${i}` })) }), 'tables has 51 entries')).toContain(
      'split them over more exports',
    );
    const errors = errorsOf('queue', {
      tables: [
        { logicalName: 'Account' },
        { logicalName: 'contact', columns: ['fullname', 'Full Name', 'fullname'] },
        { logicalName: 'contact' },
        { logicalName: 'lead', columns: [] },
        { logicalName: 'email', entitySetName: 'Emails', idColumn: 'activity-id' },
      ],
    });
    oneError(errors, "tables[0].logicalName 'Account' is not a logical name");
    // Reported once, by the export: no change-tracking record is made for a wrong name.
    expect(errors.filter((e) => e.includes("'Account'"))).toHaveLength(1);
    oneError(errors, "tables[1].columns: 'Full Name' is not a column name");
    oneError(errors, "tables[1].columns: 'fullname' is listed twice");
    oneError(errors, "tables[2]: the table 'contact' is listed twice");
    oneError(errors, 'tables[3].columns is empty');
    oneError(errors, "tables[4].entitySetName 'Emails' is not a logical name");
    oneError(errors, "tables[4].idColumn 'activity-id' is not a logical name");
  });

  it('a table entry that is not an object (a JavaScript caller) is an error at synth, not a TypeError', () => {
    const errors = errorsOf('queue', { tables: [null as any, { logicalName: 'account' }] });
    oneError(errors, 'tables[0] is null. Fix: pass { logicalName, columns? } for each table.');
  });

  it('schedule: not six fields, a value out of range, a bad step; valid NCRONTAB forms pass', () => {
    expect(oneError(errorsOf('queue', { schedule: '*/5 * * * *' }), "schedule '*/5 * * * *' has 5 field(s)")).toContain("Fix: write six fields, e.g. '0 */5 * * * *'");
    oneError(errorsOf('queue', { schedule: '0 61 * * * *' }), "field 2 (minute) '61' is not valid");
    oneError(errorsOf('queue', { schedule: '0 */0 * * * *' }), "field 2 (minute) '*/0' is not valid");
    oneError(errorsOf('queue', { schedule: '0 0 9 * * Funday' }), 'field 6 (day-of-week)');
    oneError(errorsOf('queue', { schedule: '0 0 20-8 * * *' }), 'field 3 (hour)');
    for (const ok of ['0 */5 * * * *', '0 30 9 * * 1-5', '0 0 0 1 Jan,Jul *', '*/30 * * * * *', '0 0,15,30,45 * * * Mon-Fri', '0 0 */2 * * *']) {
      expect(scheduleProblem(ok), ok).toBeUndefined();
    }
  });

  it('sinks: none, or more than one, are one clear error each', () => {
    const none = validationErrors(build(() => ({})).stack);
    oneError(none, 'no sink: the changes have nowhere to go');
    const { stack, rg } = newStack();
    const two = { ...createdSink(stack, rg, 'queue'), ...createdSink(stack, rg, 'eventHub') };
    new ChangeTrackingExport(stack, 'export', {
      dataverse: stack.node.findChild('dataverse') as any,
      resourceGroup: rg,
      tables: [{ logicalName: 'account' }],
      securityRoleName: 'Export',
      functionCode: functionFolder(),
      ...two,
    });
    expect(oneError(validationErrors(stack), 'conflicting sinks: serviceBusQueue, eventHub')).toContain('use two ChangeTrackingExports for two sinks');
  });

  it('storage container name, page size, role name, reserved app settings, existing and new workspace together', () => {
    const bad = validationErrors(
      build((scope, rg) => ({ storageContainer: { storageAccount: new StorageAccount(scope, 'lake', { resourceGroup: rg, name: 'stlake' }), containerName: 'Changes_2026' } }))
        .stack,
    );
    oneError(bad, "storageContainer.containerName 'Changes_2026' is not a container name");
    oneError(errorsOf('queue', { pageSize: 6000 }), 'pageSize 6000 is out of range');
    oneError(errorsOf('queue', { securityRoleName: '' }), "securityRoleName '' must be 1 to 100 characters");
    const reserved = errorsOf('queue', { functionApp: { appSettings: { CHANGE_TRACKING_SINK: 'blob', DATAVERSE_ENVIRONMENT_URL: 'https://x.crm.dynamics.com', OTHER: 'fine' } } });
    oneError(reserved, "functionApp.appSettings: 'CHANGE_TRACKING_SINK' is set by the construct");
    oneError(reserved, "functionApp.appSettings: 'DATAVERSE_ENVIRONMENT_URL' is set by the construct");
    const { stack, rg } = newStack();
    const ws = new LogAnalyticsWorkspace(stack, 'ws', { resourceGroup: rg, name: 'log-shared' });
    const sink = createdSink(stack, rg, 'queue');
    new ChangeTrackingExport(stack, 'export', {
      dataverse: stack.node.findChild('dataverse') as any,
      resourceGroup: rg,
      tables: [{ logicalName: 'account' }],
      securityRoleName: 'Export',
      functionCode: functionFolder(),
      existingLogAnalyticsWorkspace: ws,
      logAnalyticsWorkspace: { retentionInDays: 60 },
      ...sink,
    });
    oneError(validationErrors(stack), 'conflicting props: existingLogAnalyticsWorkspace with logAnalyticsWorkspace');
  });

  it('the function folder: a missing one names the fix', () => {
    oneError(errorsOf('queue', { functionCode: '/nonexistent/ct-function' }), "functionCode: code '/nonexistent/ct-function' does not exist");
  });

  it('one table exported twice with different entity set names in one environment', () => {
    const { stack, dataverse, rg } = build();
    new ChangeTrackingExport(stack, 'again', {
      dataverse,
      resourceGroup: rg,
      tables: [{ logicalName: 'account', entitySetName: 'accountz' }],
      securityRoleName: 'Change tracking export',
      functionCode: functionFolder(),
      storageContainer: { storageAccount: new StorageAccount(stack, 'lake', { resourceGroup: rg, name: 'stlake2' }), containerName: 'again' },
    });
    oneError(validationErrors(stack), "the table 'account' is exported elsewhere in this environment with the entity set name 'accounts', here with 'accountz'");
  });

  it('missing required props and a sink that is not a block throw at construction, naming them', () => {
    const { stack, dataverse, rg } = newStack();
    expect(() => new ChangeTrackingExport(stack, 'a', { dataverse, resourceGroup: rg } as any)).toThrow('test/a: ChangeTrackingExport needs tables, securityRoleName.');
    expect(
      () =>
        new ChangeTrackingExport(stack, 'b', { dataverse, resourceGroup: rg, tables: [{ logicalName: 'account' }], securityRoleName: 'x', serviceBusQueue: { name: 'q' } as any }),
    ).toThrow("ChangeTrackingExport's serviceBusQueue has no queueId, so it is not a Service Bus queue block");
  });

  it('TableChangeTracking: a table declared twice directly, and a Terraform reference for its name', () => {
    const { stack, dataverse } = newStack();
    new TableChangeTracking(stack, 'one', { environment: dataverse, table: 'account' });
    new TableChangeTracking(stack, 'two', { environment: dataverse, table: 'account' });
    new TableChangeTracking(stack, 'ref', { environment: dataverse, table: Fn.lower('Lead') });
    const errors = validationErrors(stack);
    oneError(errors, "change tracking of 'account' is declared twice in this environment (also at test/two)");
    expect(errors.some((e) => e.includes('table is a Terraform reference'))).toBe(true);
    expect(TableChangeTracking.defaultEntitySetName('contoso_category')).toBe('contoso_categories');
    expect(TableChangeTracking.defaultEntitySetName('businessunit')).toBe('businessunits');
    expect(TableChangeTracking.defaultEntitySetName('contoso_box')).toBe('contoso_boxes');
    expect(TableChangeTracking.defaultEntitySetName('contoso_day')).toBe('contoso_days');
  });
});
