import * as fs from 'fs';
import * as path from 'path';
import { ServicebusNamespace } from '@cdktf/provider-azurerm/lib/servicebus-namespace';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { AnnotationMetadataEntryType, Aspects, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { DataversePolicyChecks, OutboundQueueIntegration, PolicyLevel, PolicySuppressions, ServiceBusEntityKind, ServiceBusNamespace } from '../../src';
import { newStack, readAllFiles, synthExampleApp, validationErrors } from '../helpers';
import { isPendingSuppression } from './checkov/findings';

const WARN = AnnotationMetadataEntryType.WARN;
const ERROR = AnnotationMetadataEntryType.ERROR;
const steps = [{ table: 'salesorder', message: 'Create' }];
const rg = { resourceGroupName: 'rg-test', location: 'westeurope' };

/** A namespace with every default: five warnings (199, 201, 202, 203, 204) and a TLS warning (205). */
function insecureNamespace(scope: Construct, id = 'ns') {
  return new ServicebusNamespace(scope, id, { name: `sb-${id}-policy`, sku: 'Standard', ...rg });
}

function annotationsOf(c: Construct, type: string): string[] {
  return c.node.metadata.filter((m) => m.type === type).map((m) => String(m.data));
}

describe('DataversePolicyChecks', () => {
  it('is enabled once per stack by the DataverseEnvironment', () => {
    const { stack } = newStack();
    DataversePolicyChecks.enable(stack);
    DataversePolicyChecks.enable(stack);
    expect(Aspects.of(stack).all.filter((a) => a instanceof DataversePolicyChecks)).toHaveLength(1);
  });

  it('policyChecks: false leaves the stack unchecked, and enable() checks a stack without environment', () => {
    const off = newStack({ policyChecks: false, diagram: false });
    const ns = insecureNamespace(off.stack);
    Testing.synth(off.stack);
    expect(Aspects.of(off.stack).all).toHaveLength(0);
    expect(annotationsOf(ns, WARN)).toEqual([]);

    const app = Testing.app();
    const bare = new TerraformStack(app, 'bare');
    const ns2 = insecureNamespace(bare);
    DataversePolicyChecks.enable(bare);
    Testing.synth(bare);
    expect(annotationsOf(ns2, WARN).some((m) => m.startsWith('[CKV_AZURE_203]'))).toBe(true);
  });

  it('turns findings into annotations: warnings by level, with the rule id, the value and the fix', () => {
    const { stack } = newStack({ diagram: false });
    const ns = insecureNamespace(stack);
    Testing.synth(stack);
    const warnings = annotationsOf(ns, WARN);
    expect(warnings.map((w) => w.slice(0, w.indexOf(']') + 1)).sort()).toEqual([
      '[CKV_AZURE_199]',
      '[CKV_AZURE_201]',
      '[CKV_AZURE_202]',
      '[CKV_AZURE_203]',
      '[CKV_AZURE_204]',
      '[CKV_AZURE_205]',
    ]);
    const localAuth = warnings.find((w) => w.startsWith('[CKV_AZURE_203]'))!;
    expect(localAuth).toContain('Found: local_auth_enabled is not set');
    expect(localAuth).toContain('Fix: set local_auth_enabled = false');
    expect(localAuth).toContain("PolicySuppressions.of(construct).add('CKV_AZURE_203'");
    expect(annotationsOf(ns, ERROR)).toEqual([]);
  });

  it('fails a full synth on an error-level finding, not on warnings', () => {
    const ok = newStack({ diagram: false });
    insecureNamespace(ok.stack);
    expect(() => ok.app.synth()).not.toThrow();

    const bad = newStack({ diagram: false });
    new ServicebusNamespace(bad.stack, 'ns', { name: 'sb-bad-policy', sku: 'Standard', ...rg, minimumTlsVersion: '1.0' });
    expect(() => bad.app.synth()).toThrow(/CKV_AZURE_205/);
  });

  it('is idempotent: a second synth adds no annotation and gives the same report', () => {
    const { stack } = newStack({ diagram: false });
    const ns = insecureNamespace(stack);
    Testing.synth(stack);
    const first = JSON.stringify(DataversePolicyChecks.reportOf(stack));
    const count = ns.node.metadata.length;
    Testing.synth(stack);
    Testing.synth(stack);
    expect(ns.node.metadata.length).toBe(count);
    expect(JSON.stringify(DataversePolicyChecks.reportOf(stack))).toBe(first);
  });

  it('checks the user’s own resources too (every azurerm resource of the stack)', () => {
    const { stack } = newStack({ diagram: false });
    const mine = new Construct(stack, 'mine');
    new StorageAccount(mine, 'sa', { name: 'stmine', accountTier: 'Standard', accountReplicationType: 'LRS', ...rg });
    Testing.synth(stack);
    const report = DataversePolicyChecks.reportOf(stack);
    expect(report.findings.filter((f) => f.path === 'test/mine/sa').map((f) => f.ruleId)).toEqual(
      expect.arrayContaining(['CKV_AZURE_3', 'CKV_AZURE_44', 'CKV_AZURE_59', 'CKV_AZURE_190', 'CKV_AZURE_206', 'CKV2_AZURE_40']),
    );
  });
});

describe('PolicySuppressions', () => {
  it('suppresses a finding on the construct: no annotation, listed in the report with its reason', () => {
    const { stack } = newStack({ diagram: false });
    const ns = insecureNamespace(stack);
    PolicySuppressions.of(ns).add('CKV_AZURE_203', 'Dataverse needs SAS keys for its service endpoints');
    Testing.synth(stack);
    expect(annotationsOf(ns, WARN).some((w) => w.startsWith('[CKV_AZURE_203]'))).toBe(false);
    const report = DataversePolicyChecks.reportOf(stack);
    expect(report.findings.find((f) => f.ruleId === 'CKV_AZURE_203')).toMatchObject({
      path: 'test/ns',
      suppression: { path: 'test/ns', reason: 'Dataverse needs SAS keys for its service endpoints' },
    });
    expect(report.suppressions).toEqual([
      { path: 'test/ns', ruleId: 'CKV_AZURE_203', reason: 'Dataverse needs SAS keys for its service endpoints', applyToChildren: false, used: 1 },
    ]);
  });

  it('rejects a reason shorter than 10 characters, and accepts one of exactly 10', () => {
    const { stack } = newStack({ diagram: false });
    const short = insecureNamespace(stack, 'short');
    const exact = insecureNamespace(stack, 'exact');
    PolicySuppressions.of(short).add('CKV_AZURE_203', 'because');
    PolicySuppressions.of(exact).add('CKV_AZURE_203', '0123456789');
    const errors = validationErrors(stack);
    expect(errors).toEqual([
      "[test/short] policy suppression of CKV_AZURE_203: the reason 'because' is 7 characters long; it must say why in at least 10. Fix: write why the finding is acceptable here.",
    ]);
  });

  it('rejects an id that is not a rule of the pack', () => {
    const { stack } = newStack({ diagram: false });
    PolicySuppressions.of(insecureNamespace(stack)).add('CKV_AZURE_2O3', 'a typo in the rule id');
    expect(validationErrors(stack)).toEqual([
      "[test/ns] policy suppression of 'CKV_AZURE_2O3': no rule of the pack has this id. Fix: use one of the ids listed in policy-report.json (e.g. 'CKV_AZURE_203'), or remove the suppression.",
    ]);
  });

  it('applies to children only when asked', () => {
    const { stack } = newStack({ diagram: false });
    const parent = new Construct(stack, 'parent');
    const child = insecureNamespace(parent, 'child');
    PolicySuppressions.of(parent).add('CKV_AZURE_203', 'not for the children of this construct');
    const other = new Construct(stack, 'other');
    const otherChild = insecureNamespace(other, 'child2');
    PolicySuppressions.of(other).add('CKV_AZURE_203', 'for every construct below this one', { applyToChildren: true });
    Testing.synth(stack);
    expect(annotationsOf(child, WARN).some((w) => w.startsWith('[CKV_AZURE_203]'))).toBe(true);
    expect(annotationsOf(otherChild, WARN).some((w) => w.startsWith('[CKV_AZURE_203]'))).toBe(false);
    const report = DataversePolicyChecks.reportOf(stack);
    expect(report.suppressions.map((s) => [s.path, s.applyToChildren, s.used])).toEqual([
      ['test/other', true, 1],
      ['test/parent', false, 0],
    ]);
  });

  it('lets an error-level finding through synth once suppressed', () => {
    const { app, stack } = newStack({ diagram: false });
    const ns = new ServicebusNamespace(stack, 'ns', { name: 'sb-legacy-policy', sku: 'Standard', ...rg, minimumTlsVersion: '1.0' });
    PolicySuppressions.of(ns).add('CKV_AZURE_205', 'legacy clients need TLS 1.0 until the migration ends');
    expect(() => app.synth()).not.toThrow();
  });
});

describe('policy-report.json', () => {
  it('is written next to cdk.tf.json with totals, rules, findings and suppressions; byte-identical across synths', () => {
    const build = () => {
      const { app, stack } = newStack({ diagram: false });
      const ns = insecureNamespace(stack);
      PolicySuppressions.of(ns).add('CKV_AZURE_203', 'Dataverse needs SAS keys for its service endpoints');
      app.synth();
      return fs.readFileSync(path.join(app.outdir, 'stacks', 'test', 'policy-report.json'), 'utf8');
    };
    const a = build();
    const b = build();
    expect(a).toBe(b);
    const report = JSON.parse(a);
    expect(report).toMatchObject({
      reportVersion: 1,
      stack: 'test',
      summary: { rules: DataversePolicyChecks.rules().length, findings: 6, suppressed: 1, unsuppressed: 5, errors: 0, warnings: 5 },
    });
    expect(report.rules.map((r: any) => r.id)).toEqual(DataversePolicyChecks.rules().map((r) => r.id));
    expect(report.rules.find((r: any) => r.id === 'CKV_AZURE_203')).toMatchObject({ evaluated: 1, compliant: 0, nonCompliant: 1, suppressed: 1 });
    expect(report.findings.map((f: any) => f.ruleId)).toEqual(['CKV_AZURE_199', 'CKV_AZURE_201', 'CKV_AZURE_202', 'CKV_AZURE_203', 'CKV_AZURE_204', 'CKV_AZURE_205']);
    expect(report.findings.find((f: any) => f.ruleId === 'CKV_AZURE_205')).toMatchObject({
      level: PolicyLevel.WARNING,
      address: 'azurerm_servicebus_namespace.ns',
    });
  });
});

describe('OutboundQueueIntegration under the rule pack', () => {
  const unsuppressed = (stack: TerraformStack) => DataversePolicyChecks.reportOf(stack).findings.filter((f) => !f.suppression);

  it('has zero unsuppressed findings by default, each forced choice suppressed with a reason', () => {
    const { stack, rg: group, dataverse } = newStack({ diagram: false });
    const orders = new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: group, steps });
    orders.grantReceive('00000000-0000-0000-0000-000000000001');
    Testing.synth(stack);
    expect(unsuppressed(stack)).toEqual([]);
    const suppressions = DataversePolicyChecks.reportOf(stack).suppressions;
    // CKV_AZURE_202 (managed identity) needs no suppression: the namespace has a system-assigned identity.
    expect(suppressions.map((s) => s.ruleId)).toEqual(['CKV_AZURE_199', 'CKV_AZURE_201', 'CKV_AZURE_203', 'CKV_AZURE_204']);
    expect(suppressions.every((s) => s.path === 'test/orders/namespace/Default' && s.used === 1)).toBe(true);
    expect(DataversePolicyChecks.reportOf(stack).rules.find((r) => r.id === 'CKV_AZURE_202')).toMatchObject({ evaluated: 1, compliant: 1, nonCompliant: 0 });
    expect(suppressions.find((s) => s.ruleId === 'CKV_AZURE_204')!.reason).toContain('publicNetworkAccessEnabled: false');
    const rules = DataversePolicyChecks.reportOf(stack).rules;
    for (const id of ['CKV_AZURE_205', 'DV_ENDPOINT_KEY_SCOPE', 'DV_SENSITIVE_OUTPUT', 'DV_MANAGE_KEY']) {
      expect(
        rules.find((r) => r.id === id),
        id,
      ).toMatchObject({ nonCompliant: 0 });
      expect(rules.find((r) => r.id === id)!.evaluated, id).toBeGreaterThan(0);
    }
  });

  it('public network access off: no suppression needed for CKV_AZURE_204', () => {
    const { stack, rg: group, dataverse } = newStack({ diagram: false });
    new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: group, steps, namespaceOptions: { publicNetworkAccessEnabled: false } });
    Testing.synth(stack);
    const report = DataversePolicyChecks.reportOf(stack);
    expect(report.suppressions.map((s) => s.ruleId)).not.toContain('CKV_AZURE_204');
    expect(report.rules.find((r) => r.id === 'CKV_AZURE_204')).toMatchObject({ evaluated: 1, compliant: 1 });
    expect(unsuppressed(stack)).toEqual([]);
  });

  it('topic mode and an existing namespace are clean too', () => {
    const topic = newStack({ diagram: false });
    const t = new OutboundQueueIntegration(topic.stack, 'orders', { dataverse: topic.dataverse, resourceGroup: topic.rg, steps, entityKind: ServiceBusEntityKind.TOPIC });
    t.addSubscription('billing', { principalId: '00000000-0000-0000-0000-000000000002' });
    Testing.synth(topic.stack);
    expect(unsuppressed(topic.stack)).toEqual([]);

    const existing = newStack({ diagram: false });
    new OutboundQueueIntegration(existing.stack, 'orders', {
      dataverse: existing.dataverse,
      resourceGroup: existing.rg,
      steps,
      existingNamespace: ServiceBusNamespace.fromServiceBusNamespaceAttributes(existing.stack, 'existing', {
        serviceBusNamespaceId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/sb-existing',
      }),
    });
    Testing.synth(existing.stack);
    expect(unsuppressed(existing.stack)).toEqual([]);
    expect(DataversePolicyChecks.reportOf(existing.stack).suppressions).toEqual([]);
  });
});

describe('the example app', () => {
  it('synthesizes every stack with zero unsuppressed findings and a report (the diagram is off the synth path)', async () => {
    const outdir = await synthExampleApp();
    const stacks = fs.readdirSync(path.join(outdir, 'stacks'));
    expect(stacks.length).toBeGreaterThan(0);
    for (const name of stacks) {
      const files = readAllFiles(path.join(outdir, 'stacks', name));
      expect(Object.keys(files)).toEqual(expect.arrayContaining(['cdk.tf.json', 'policy-report.json']));
      expect(Object.keys(files)).not.toContain('diagram.svg');
      const report = JSON.parse(files['policy-report.json']);
      // Until the patterns suppress the new checkov-coverage findings, exactly those are let through.
      const open = report.findings.filter((f: any) => !f.suppression);
      expect(
        open.filter((f: any) => !isPendingSuppression(f)),
        name,
      ).toEqual([]);
      expect(report.summary.unsuppressed).toBe(open.length);
    }
  });
});
