import { ServicebusNamespace } from '@cdktf/provider-azurerm/lib/servicebus-namespace';
import { AnnotationMetadataEntryType, TerraformOutput, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  DataversePolicyChecks,
  IPolicyRule,
  OutboundQueueIntegration,
  PolicyLevel,
  PolicyRuleResult,
  PolicyRuleStatus,
  PolicySubject,
  PolicySubjectKind,
  PolicySuppressions,
} from '../../src';
import { newStack, validationErrors } from '../helpers';

const WARN = AnnotationMetadataEntryType.WARN;
const ERROR = AnnotationMetadataEntryType.ERROR;
const steps = [{ table: 'salesorder', message: 'Create' }];

function annotationsOf(c: Construct, type: string): string[] {
  return c.node.metadata.filter((m) => m.type === type).map((m) => String(m.data));
}

/** Namespaces must carry a cost-centre tag. */
const costCentre: IPolicyRule = {
  id: 'ACME_TAG_1',
  level: PolicyLevel.ERROR,
  description: 'Service Bus namespaces carry a cost-centre tag.',
  fix: "set tags: { 'cost-centre': '<code>' }",
  appliesTo: ['azurerm_servicebus_namespace'],
  evaluate(subject: PolicySubject): PolicyRuleResult {
    return subject.config.tags?.['cost-centre']
      ? { status: PolicyRuleStatus.COMPLIANT }
      : { status: PolicyRuleStatus.NON_COMPLIANT, detail: `${subject.address} has no cost-centre tag` };
  },
};

/** Output names are kebab-free (a warning). */
const outputNames: IPolicyRule = {
  id: 'ACME_OUT_1',
  level: PolicyLevel.WARNING,
  description: 'Outputs are described.',
  fix: 'set description on the output',
  appliesTo: ['output'],
  evaluate: (s) =>
    s.config.description ? { status: PolicyRuleStatus.COMPLIANT } : { status: PolicyRuleStatus.NON_COMPLIANT, detail: `${s.kind} ${s.address} has no description` },
};

/** Service endpoints are named with the ACME prefix. */
const endpointNames: IPolicyRule = {
  id: 'ACME_DV_1',
  level: PolicyLevel.WARNING,
  description: 'Service endpoints are named acme-*.',
  fix: "name the endpoint 'acme-...'",
  appliesTo: ['dataverse:serviceendpoint'],
  evaluate: (s) =>
    String(s.config.columns.name).startsWith('acme-')
      ? { status: PolicyRuleStatus.COMPLIANT }
      : { status: PolicyRuleStatus.NON_COMPLIANT, detail: `${s.kind} name is ${s.config.columns.name}` },
};

describe('user rule packs (DataversePolicyChecks.addRules)', () => {
  it('a user rule finds a resource: error Annotation at the construct path, a report row with counts', () => {
    const { stack } = newStack();
    const bad = new ServicebusNamespace(stack, 'bad', { name: 'sb-bad', sku: 'Standard', resourceGroupName: 'rg', location: 'westeurope' });
    const good = new ServicebusNamespace(stack, 'good', { name: 'sb-good', sku: 'Standard', resourceGroupName: 'rg', location: 'westeurope', tags: { 'cost-centre': 'C42' } });
    DataversePolicyChecks.addRules(stack, [costCentre]);
    Testing.synth(stack);
    expect(annotationsOf(bad, ERROR).filter((m) => m.startsWith('[ACME_TAG_1]'))).toEqual([
      "[ACME_TAG_1] Service Bus namespaces carry a cost-centre tag. Found: azurerm_servicebus_namespace.bad has no cost-centre tag. Fix: set tags: { 'cost-centre': '<code>' }; or accept it with a reason: PolicySuppressions.of(construct).add('ACME_TAG_1', '<why>').",
    ]);
    expect(annotationsOf(good, ERROR).filter((m) => m.startsWith('[ACME_TAG_1]'))).toEqual([]);
    const report = DataversePolicyChecks.reportOf(stack);
    expect(report.rules.find((r) => r.id === 'ACME_TAG_1')).toEqual({
      id: 'ACME_TAG_1',
      level: PolicyLevel.ERROR,
      description: costCentre.description,
      evaluated: 2,
      compliant: 1,
      nonCompliant: 1,
      suppressed: 0,
    });
    expect(report.summary.rules).toBe(DataversePolicyChecks.rules().length + 1);
    expect(report.rules.map((r) => r.id)).toEqual([...report.rules.map((r) => r.id)].sort());
    expect(report.findings.filter((f) => f.ruleId === 'ACME_TAG_1')).toEqual([
      {
        ruleId: 'ACME_TAG_1',
        level: PolicyLevel.ERROR,
        path: 'test/bad',
        address: 'azurerm_servicebus_namespace.bad',
        detail: 'azurerm_servicebus_namespace.bad has no cost-centre tag',
        fix: costCentre.fix,
        suppression: undefined,
      },
    ]);
  });

  it('a user rule finds an output and a record, with the subject kind and the manifest record', () => {
    const { stack, rg, dataverse } = newStack();
    const seen: PolicySubject[] = [];
    const spy: IPolicyRule = { ...endpointNames, evaluate: (s) => (seen.push(s), endpointNames.evaluate(s)) };
    new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps });
    const out = new TerraformOutput(stack, 'plain', { value: 'x' });
    DataversePolicyChecks.addRules(stack, [outputNames, spy]);
    Testing.synth(stack);
    expect(annotationsOf(out, WARN).filter((m) => m.startsWith('[ACME_OUT_1]'))).toEqual([
      "[ACME_OUT_1] Outputs are described. Found: output output.plain has no description. Fix: set description on the output; or accept it with a reason: PolicySuppressions.of(construct).add('ACME_OUT_1', '<why>').",
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ kind: PolicySubjectKind.RECORD, resourceType: 'dataverse:serviceendpoint', path: seen[0].config.path });
    expect(seen[0].address).toBe(`dataverse:serviceendpoint/${seen[0].config.id}`);
    const finding = DataversePolicyChecks.reportOf(stack).findings.find((f) => f.ruleId === 'ACME_DV_1');
    expect(finding).toMatchObject({ level: PolicyLevel.WARNING, path: seen[0].path, detail: `record name is ${seen[0].config.columns.name}` });
  });

  it('honours PolicySuppressions on user rules: no Annotation, the report keeps the finding with its reason', () => {
    const { stack } = newStack();
    const ns = new ServicebusNamespace(stack, 'ns', { name: 'sb-ns', sku: 'Standard', resourceGroupName: 'rg', location: 'westeurope' });
    PolicySuppressions.of(ns).add('ACME_TAG_1', 'a shared namespace, billed centrally');
    DataversePolicyChecks.addRules(stack, [costCentre]);
    expect(validationErrors(stack)).toEqual([]);
    expect(annotationsOf(ns, ERROR).filter((m) => m.includes('ACME_TAG_1'))).toEqual([]);
    const report = DataversePolicyChecks.reportOf(stack);
    expect(report.findings.find((f) => f.ruleId === 'ACME_TAG_1')?.suppression).toEqual({ path: 'test/ns', reason: 'a shared namespace, billed centrally' });
    expect(report.rules.find((r) => r.id === 'ACME_TAG_1')).toMatchObject({ nonCompliant: 1, suppressed: 1 });
    expect(report.suppressions.find((s) => s.ruleId === 'ACME_TAG_1')).toMatchObject({ path: 'test/ns', used: 1 });
  });

  it('an id clash with a built-in rule, a duplicate id, a bad level or an empty appliesTo fail the synth, and the rule does not run', () => {
    const { stack } = newStack();
    let ran = 0;
    const clash: IPolicyRule = { ...costCentre, id: 'CKV_AZURE_203', evaluate: () => (ran++, { status: PolicyRuleStatus.COMPLIANT }) };
    DataversePolicyChecks.addRules(stack, [
      clash,
      costCentre,
      costCentre,
      { ...costCentre, id: 'ACME_2', level: 'fatal' as PolicyLevel },
      { ...costCentre, id: 'ACME_3', appliesTo: [] },
    ]);
    new ServicebusNamespace(stack, 'ns', { name: 'sb-ns', sku: 'Standard', resourceGroupName: 'rg', location: 'westeurope', tags: { 'cost-centre': 'C1' } });
    const errors = validationErrors(stack);
    expect(errors.filter((e) => e.includes("policy rule 'CKV_AZURE_203' of your pack has the id of a built-in rule") && e.includes('Fix:'))).toHaveLength(1);
    expect(errors.filter((e) => e.includes("policy rule 'ACME_TAG_1' is added twice"))).toHaveLength(1);
    expect(errors.filter((e) => e.includes("level 'fatal' is not a PolicyLevel"))).toHaveLength(1);
    expect(errors.filter((e) => e.includes('ACME_3: appliesTo is empty'))).toHaveLength(1);
    expect(ran).toBe(0);
    expect(DataversePolicyChecks.reportOf(stack).rules.filter((r) => r.id.startsWith('ACME'))).toHaveLength(1);
  });

  it('a suppression of a rule id that neither pack has still fails; one of a user rule does not', () => {
    const { stack } = newStack();
    PolicySuppressions.of(stack).add('ACME_NONE', 'no such rule in either pack');
    PolicySuppressions.of(stack).add('ACME_TAG_1', 'accepted for the whole stack');
    DataversePolicyChecks.addRules(stack, [costCentre]);
    const errors = validationErrors(stack).filter((e) => e.includes('no rule of the pack has this id'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("'ACME_NONE'");
  });

  it('a rule that throws or returns no result fails with the rule id, the path and the fix', () => {
    const { stack } = newStack();
    new ServicebusNamespace(stack, 'ns', { name: 'sb-ns', sku: 'Standard', resourceGroupName: 'rg', location: 'westeurope' });
    DataversePolicyChecks.addRules(stack, [
      {
        ...costCentre,
        evaluate: () => {
          throw new Error('boom');
        },
      },
    ]);
    expect(() => Testing.synth(stack)).toThrow(/policy rule ACME_TAG_1 failed on test\/ns \(azurerm_servicebus_namespace\.ns\): boom\. Fix:/);
    const other = newStack().stack;
    new ServicebusNamespace(other, 'ns', { name: 'sb-ns', sku: 'Standard', resourceGroupName: 'rg', location: 'westeurope' });
    DataversePolicyChecks.addRules(other, [{ ...costCentre, evaluate: () => ({ status: 'MAYBE' as PolicyRuleStatus }) }]);
    expect(() => Testing.synth(other)).toThrow(/policy rule ACME_TAG_1 returned .*MAYBE.* for test\/ns .*not a PolicyRuleResult\. Fix:/);
  });

  it('a stack without user rules has the built-in report unchanged (same rule list)', () => {
    const { stack } = newStack();
    Testing.synth(stack);
    expect(DataversePolicyChecks.reportOf(stack).rules.map((r) => r.id)).toEqual(DataversePolicyChecks.rules().map((r) => r.id));
  });
});
