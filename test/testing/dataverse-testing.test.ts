import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ServicebusNamespace } from '@cdktf/provider-azurerm/lib/servicebus-namespace';
import { ServicebusQueue } from '@cdktf/provider-azurerm/lib/servicebus-queue';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { Annotations, Aspects, AssetType, LocalBackend, TerraformAsset, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { failureOf, orderStack } from './fixtures';
import { newStack } from '../helpers';
import { DataverseTesting, ManifestFormat, OutboundQueueIntegration, PolicySuppressions } from 'cdktf-dataverse';
import { unsuppressedFindings } from 'cdktf-dataverse/testing/inspect';

describe('DataverseTesting.synth', () => {
  it('returns the Terraform JSON and the manifest of the stack, as app.synth() writes them', () => {
    const { app, stack } = orderStack();
    const result = DataverseTesting.synth(stack, { normalize: false });
    app.synth();
    const dir = path.join(app.outdir, 'stacks', 'test');
    const written = withoutMetadata(JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')));
    // app.synth() adds the default local backend; everything else is the same.
    delete written.terraform.backend;
    expect(result.terraform).toEqual(written);
    expect(result.manifest).toEqual(JSON.parse(fs.readFileSync(path.join(dir, ManifestFormat.FILE_NAME), 'utf8')));
    expect(result.manifest!.records.map((r) => r.table)).toContain('serviceendpoint');
    // Normalising keeps the provider version constraint (it changes only with the provider package).
    expect(DataverseTesting.synth(stack).terraform.terraform.required_providers.azurerm.version).toBe(written.terraform.required_providers.azurerm.version);
    expect(written.terraform.required_providers.azurerm.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('lists the Annotations of the stack with path, level and message', () => {
    const { stack, dataverse } = newStack({ solutionUniqueName: undefined });
    Annotations.of(stack).addWarning('mind the gap');
    const { annotations } = DataverseTesting.synth(stack);
    expect(annotations).toEqual([
      { path: 'test', level: 'warning', message: 'mind the gap' },
      { path: dataverse.node.path, level: 'info', message: expect.stringMatching(/^No solutionUniqueName/) },
    ]);
  });

  it('lists an Annotation once, however often an aspect re-adds it', () => {
    const { stack } = newStack();
    Aspects.of(stack).add({ visit: (node) => (node === stack ? Annotations.of(stack).addWarning('added by an aspect') : undefined) });
    DataverseTesting.synth(stack);
    const { annotations } = DataverseTesting.synth(stack);
    expect(annotations.filter((a) => a.message === 'added by an aspect')).toHaveLength(1);
    expect(stack.node.metadata.filter((m) => m.data === 'added by an aspect').length).toBeGreaterThan(1);
  });

  it('has no manifest for a stack without a DataverseEnvironment', () => {
    const result = DataverseTesting.synthScope((scope) => {
      new AzurermProvider(scope, 'azurerm', { features: [{}] });
    });
    expect(result.manifest).toBeUndefined();
    expect(result).toHaveProvider('azurerm');
  });

  it('runs validations by default, and not with runValidations: false', () => {
    const { stack, rg, dataverse } = newStack();
    new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps: [] });
    expect(() => DataverseTesting.synth(stack)).toThrowError(/steps is empty/);
    expect(DataverseTesting.synth(stack, { runValidations: false })).toHaveResource(ServicebusQueue);
  });

  it('normalises absolute paths, asset hashes and key order; normalize: false keeps them', () => {
    const build = () => {
      const app = Testing.app();
      const stack = new TerraformStack(app, 'paths');
      new LocalBackend(stack, {});
      const asset = new TerraformAsset(stack, 'code', { path: path.join(__dirname, 'fixtures.ts'), type: AssetType.FILE });
      new TerraformOutput(stack, 'asset', { value: asset.path });
      new TerraformOutput(stack, 'places', {
        value: { B: path.join(os.homedir(), 'x'), a: path.join(app.outdir, 'y'), c: path.join(os.tmpdir(), 'z'), d: `${process.cwd()}-sibling/file` },
      });
      return { app, stack };
    };
    const { app, stack } = build();
    const normal = DataverseTesting.synth(stack).terraform;
    expect(normal.terraform.backend.local.path).toBe('<cwd>/terraform.paths.tfstate');
    expect(normal.output.asset.value).toBe('assets/code/<hash>/fixtures.ts');
    // A folder next to the working directory is not inside it: only whole path segments are replaced.
    expect(normal.output.places.value).toEqual({ B: '<home>/x', a: '<outdir>/y', c: '<tmp>/z', d: expect.not.stringContaining('<cwd>') });
    // Code point order: 'B' before 'a', whatever the machine's locale says.
    expect(Object.keys(normal.output.places.value)).toEqual(['B', 'a', 'c', 'd']);

    const raw = DataverseTesting.synth(stack, { normalize: false }).terraform;
    expect(raw.terraform.backend.local.path).toBe(path.join(process.cwd(), 'terraform.paths.tfstate'));
    expect(raw.output.asset.value).toMatch(/^assets\/code\/[0-9A-F]{32}\/fixtures\.ts$/);
    expect(raw.output.places.value.a).toBe(path.join(app.outdir, 'y'));

    // A second app (another temporary outdir) synthesizes to the same normalised JSON.
    expect(JSON.stringify(DataverseTesting.synth(build().stack))).toBe(JSON.stringify(DataverseTesting.synth(stack)));
  });

  it('is deterministic: two stacks built alike give byte-identical results', () => {
    const a = JSON.stringify(DataverseTesting.synth(orderStack().stack));
    const b = JSON.stringify(DataverseTesting.synth(orderStack().stack));
    expect(a).toBe(b);
  });

  it('snapshot of both halves, with targeted assertions', () => {
    const result = DataverseTesting.synth(orderStack().stack);
    expect(result).toMatchSnapshot();
    expect(result).toHaveResource('azurerm_servicebus_queue_authorization_rule', { send: true, listen: false, manage: false });
    expect(result).toHaveStep({ table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode', 'totalamount'] });
  });
});

describe('deployability', () => {
  it('a default pattern stack is deployable', () => {
    const { stack } = orderStack();
    expect(DataverseTesting.deploymentBlockers(stack)).toEqual([]);
    expect(() => DataverseTesting.assertDeployable(stack)).not.toThrow();
    expect(stack).toBeDeployable();
  });

  it('an error Annotation blocks, a warning does not', () => {
    const { stack, rg } = newStack();
    Annotations.of(rg).addWarning('only a warning');
    expect(stack).toBeDeployable();
    Annotations.of(rg).addError('region is not allowed');
    expect(DataverseTesting.deploymentBlockers(stack)).toEqual(['error annotation at test/rg: region is not allowed']);
    expect(failureOf(() => DataverseTesting.assertDeployable(stack))).toBe('stack test is not deployable (1 problem):\n  - error annotation at test/rg: region is not allowed');
    expect(failureOf(() => expect(stack).toBeDeployable())).toBe(
      'expected stack test to be deployable\nbut it has 1 problem:\n  - error annotation at test/rg: region is not allowed',
    );
    expect(stack).not.toBeDeployable();
  });

  it('validation errors block, one line each', () => {
    const { stack, rg, dataverse } = newStack({ publisherPrefix: 'x' });
    new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps: [] });
    expect(DataverseTesting.deploymentBlockers(stack)).toEqual([
      "validation error at test/dataverse: publisherPrefix 'x' is not a publisher prefix: 2 to 8 letters or digits, starting with a letter, not starting with 'mscrm'. Fix: use the Prefix of the solution's publisher.",
      'validation error at test/orders: steps is empty: nothing would be registered in Dataverse. Fix: list at least one { table, message }.',
    ]);
  });

  it('unsuppressed findings of the rule pack block; a reasoned suppression clears them', () => {
    const make = (suppress: boolean) => {
      const { stack, rg } = newStack();
      const ns = new ServicebusNamespace(stack, 'own', {
        name: 'sb-own-namespace',
        location: rg.location,
        resourceGroupName: rg.name,
        sku: 'Standard',
        minimumTlsVersion: '1.2',
        localAuthEnabled: true,
        publicNetworkAccessEnabled: false,
      });
      if (suppress) PolicySuppressions.of(ns).add('CKV_AZURE_203', 'legacy clients still send with SAS keys');
      return stack;
    };
    const blockers = DataverseTesting.deploymentBlockers(make(false));
    const found = blockers.filter((b) => b.includes('CKV_AZURE_203'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^unsuppressed policy finding CKV_AZURE_203 at test\/own: .*local_auth_enabled/);
    expect(DataverseTesting.deploymentBlockers(make(true)).filter((b) => b.includes('CKV_AZURE_203'))).toEqual([]);
  });

  it('a finding that is also an error Annotation is listed once', () => {
    const { stack, rg } = newStack();
    new StorageAccount(stack, 'weak', {
      name: 'stweak',
      location: rg.location,
      resourceGroupName: rg.name,
      accountTier: 'Standard',
      accountReplicationType: 'LRS',
      minTlsVersion: 'TLS1_0',
    });
    const blockers = DataverseTesting.deploymentBlockers(stack).filter((b) => b.includes('CKV_AZURE_44'));
    expect(blockers).toHaveLength(1);
    expect(blockers[0]).toMatch(/^error annotation at test\/weak: /);
  });

  it('a stack with the rule pack off has no policy findings', () => {
    const { stack, rg } = newStack({ policyChecks: false });
    new ServicebusNamespace(stack, 'own', { name: 'sb-own-namespace', location: rg.location, resourceGroupName: rg.name, sku: 'Standard', localAuthEnabled: true });
    Testing.synth(stack);
    expect(unsuppressedFindings(stack)).toEqual([]);
  });

  it('toBeDeployable wants a stack', () => {
    expect(failureOf(() => expect({}).toBeDeployable())).toBe('toBeDeployable: expected a TerraformStack; received {}.');
  });
});

/** cdk.tf.json without cdktf's `//` metadata blocks. */
function withoutMetadata(value: any): any {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== '//')
      .map(([k, v]) => [k, withoutMetadata(v)]),
  );
}
