import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { ManifestFormat, OutboundQueueIntegration, ServiceBusEntityKind, StepImageType } from '../../src';
import { KEY_ATTRIBUTES, newStack, readAllFiles, secretLeaks, tempDir } from '../helpers';

const steps = [
  { table: 'salesorder', message: 'Create' },
  { table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode'], images: [{ imageType: StepImageType.PRE_IMAGE, attributes: ['statuscode'] }] },
];

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  return ajv.compile(ManifestFormat.schema());
}

function orders(outdir?: string, extra?: (ctx: ReturnType<typeof newStack>) => void) {
  const ctx = newStack({}, 'test', outdir);
  extra?.(ctx);
  const o = new OutboundQueueIntegration(ctx.stack, 'orders', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps });
  o.grantReceive('00000000-0000-0000-0000-000000000001');
  return { ...ctx, orders: o };
}

describe('the registration manifest', () => {
  it('validates against its own JSON Schema', () => {
    const { dataverse } = orders();
    const validate = validator();
    const manifest = JSON.parse(JSON.stringify(dataverse.toManifest()));
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the schema rejects what it should (GUID lookups are not records, unknown versions, missing columns)', () => {
    const validate = validator();
    const { dataverse } = orders();
    const good = JSON.parse(JSON.stringify(dataverse.toManifest()));
    expect(validate({ ...good, manifestVersion: 2 })).toBe(false);
    const noColumns = JSON.parse(JSON.stringify(good));
    delete noColumns.records[0].columns;
    expect(validate(noColumns)).toBe(false);
    const badId = JSON.parse(JSON.stringify(good));
    badId.records[0].id = 'not-a-guid';
    expect(validate(badId)).toBe(false);
    // the app identity is required unless Terraform registers the records
    const noApp = JSON.parse(JSON.stringify(good));
    delete noApp.appId;
    expect(validate(noApp)).toBe(false);
    expect(validate({ ...noApp, environment: { ...noApp.environment, registrationMode: 'power-platform-provider' } })).toBe(true);
    expect(validate({ ...good, appId: 'has|pipe' })).toBe(false);
  });

  it('is written next to cdk.tf.json, byte-identical to the in-memory manifest, schema file shipped', () => {
    const outdir = tempDir();
    const { app, dataverse } = orders(outdir);
    app.synth();
    const dir = path.join(outdir, 'stacks', 'test');
    expect(fs.readdirSync(dir).sort()).toEqual(['cdk.tf.json', ManifestFormat.FILE_NAME, 'policy-report.json']);
    const written = fs.readFileSync(path.join(dir, ManifestFormat.FILE_NAME), 'utf8');
    expect(written).toBe(`${JSON.stringify(dataverse.toManifest(), null, 2)}\n`);
    expect(fs.existsSync(ManifestFormat.schemaFilePath())).toBe(true);
  });

  it('lists records in apply order: endpoints, steps, images', () => {
    const { dataverse } = orders();
    expect(dataverse.toManifest().records.map((r) => r.table)).toEqual([
      'serviceendpoint',
      'sdkmessageprocessingstep',
      'sdkmessageprocessingstep',
      'sdkmessageprocessingstepimage',
    ]);
  });

  it('two synths are byte-identical, in different folders', () => {
    const a = tempDir();
    const b = tempDir();
    orders(a).app.synth();
    orders(b).app.synth();
    const filesA = readAllFiles(path.join(a, 'stacks'));
    const filesB = readAllFiles(path.join(b, 'stacks'));
    expect(Object.keys(filesA).sort()).toEqual(Object.keys(filesB).sort());
    for (const name of Object.keys(filesA)) expect(filesB[name], name).toBe(filesA[name]);
  });

  it('ids are stable when an unrelated integration is added before it', () => {
    const before = orders()
      .dataverse.toManifest()
      .records.map((r) => [r.path, r.id]);
    const after = orders(undefined, (ctx) => {
      new OutboundQueueIntegration(ctx.stack, 'invoices', {
        dataverse: ctx.dataverse,
        resourceGroup: ctx.rg,
        steps: [{ table: 'invoice', message: 'Create' }],
        entityKind: ServiceBusEntityKind.TOPIC,
      });
    });
    const afterIds = new Map(after.dataverse.toManifest().records.map((r) => [r.path, r.id]));
    for (const [p, id] of before) expect(afterIds.get(p), p).toBe(id);
  });

  it('ids depend on the environment URL and the construct path only', () => {
    const a = orders().dataverse.toManifest().records[0].id;
    const other = newStack({ url: 'https://fabrikam.crm.dynamics.com' });
    const o = new OutboundQueueIntegration(other.stack, 'orders', { dataverse: other.dataverse, resourceGroup: other.rg, steps });
    expect(o.endpoint.recordId).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('no secret reaches a synthesized file: keys only as references in sensitive outputs', () => {
    const outdir = tempDir();
    const { app, orders: o } = orders(outdir);
    app.synth();
    const files = readAllFiles(outdir);
    expect(secretLeaks(files)).toEqual([]);
    const tf = JSON.parse(files[path.join('stacks', 'test', 'cdk.tf.json')]);
    const keyOutputs = Object.entries<any>(tf.output).filter(([, out]) => KEY_ATTRIBUTES.test(JSON.stringify(out.value)));
    expect(keyOutputs.map(([name]) => name)).toEqual([o.secretOutputName]);
    // the key attribute is referenced nowhere else
    const references = JSON.stringify(tf.resource).match(/primary_key/g) ?? [];
    expect(references).toHaveLength(0);
  });
});
