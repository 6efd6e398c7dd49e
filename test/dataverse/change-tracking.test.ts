import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { AlternateKey, AlternateKeyColumnType, ManifestFormat, TableChangeTracking } from '../../src';
import { newStack, validationErrors } from '../helpers';

function trackStack(table = 'account', entitySetName?: string) {
  const ctx = newStack();
  const tracking = new TableChangeTracking(ctx.stack, 'track', { environment: ctx.dataverse, table, entitySetName });
  return { ...ctx, tracking };
}

const schema = () => new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(ManifestFormat.schema());

describe('TableChangeTracking: the manifest record', () => {
  it('is table metadata: logical name, entity set name, ChangeTrackingEnabled true; nothing else; valid against the schema', () => {
    const { dataverse, tracking, stack } = trackStack();
    expect(validationErrors(stack)).toEqual([]);
    const record = dataverse.toManifest().records[0];
    expect(record).toEqual({
      table: 'entitychangetracking',
      entitySet: 'entitydefinitions',
      id: tracking.recordId,
      path: 'test/track',
      columns: { logicalname: 'account', entitysetname: 'accounts', changetrackingenabled: true },
      references: [],
      lookups: [],
      fromOutputs: [],
      writeOnly: [],
      associations: [],
    });
    const validate = schema();
    expect(validate(JSON.parse(JSON.stringify(dataverse.toManifest()))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('comes first in apply order, before alternate keys; its id is deterministic', () => {
    const { stack, dataverse, tracking } = trackStack();
    new AlternateKey(stack, 'key', {
      environment: dataverse,
      table: 'account',
      schemaName: 'contoso_Number',
      displayName: 'Number',
      columns: [{ logicalName: 'accountnumber', columnType: AlternateKeyColumnType.STRING }],
    });
    expect(dataverse.toManifest().records.map((r) => r.table)).toEqual(['entitychangetracking', 'entitykey']);
    expect(tracking.recordId).toBe(trackStack().tracking.recordId);
  });

  it('the schema refuses a record that would turn change tracking off, lacks a column or carries another', () => {
    const validate = schema();
    const manifest = JSON.parse(JSON.stringify(trackStack().dataverse.toManifest()));
    manifest.records[0].columns.changetrackingenabled = false;
    expect(validate(manifest)).toBe(false);
    manifest.records[0].columns.changetrackingenabled = true;
    delete manifest.records[0].columns.entitysetname;
    expect(validate(manifest)).toBe(false);
    manifest.records[0].columns.entitysetname = 'accounts';
    manifest.records[0].columns.isauditenabled = true;
    expect(validate(manifest)).toBe(false);
  });

  it('an explicit entity set name is kept; names are checked', () => {
    expect(trackStack('email', 'emails').tracking.trackedEntitySetName).toBe('emails');
    const errors = validationErrors(trackStack('Account', 'Accounts!').stack);
    expect(errors.some((e) => e.includes("change tracking of 'Account': table 'Account' is not a logical name"))).toBe(true);
    expect(errors.some((e) => e.includes("entitySetName 'Accounts!' is not a logical name"))).toBe(true);
  });

  it('forTable returns the record an environment has for the table, else creates one under the environment', () => {
    const { dataverse } = newStack();
    const a = TableChangeTracking.forTable(dataverse, 'account');
    expect(a.node.path).toBe('test/dataverse/change-tracking-account');
    expect(TableChangeTracking.forTable(dataverse, 'account', 'accounts')).toBe(a);
    expect(TableChangeTracking.forTable(dataverse, 'contact')).not.toBe(a);
  });
});
