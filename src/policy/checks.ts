import { AnnotationMetadataEntryType, Annotations, Aspects, IAspect, TerraformDataSource, TerraformOutput, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { PolicyFinding, PolicyLevel, PolicyReport, PolicyRuleInfo, PolicyRuleSummary, PolicySuppressionEntry } from './api';
import { buildIndex } from './policy-index';
import { PolicyIndex, PolicyRule, RuleResult, RuleStatus, Subject } from './rule';
import { IPolicyRule } from './rule-api';
import { ALL_RULES } from './rules';
import { PolicySuppressions } from './suppressions';
import { addUserRules, userRulesOf } from './user-rules';
import { StackArtifacts, stableJson } from '../core/stack-artifacts';
import { DataverseRecord } from '../dataverse/record';

/** One evaluation, kept for the report. */
interface Evaluation {
  readonly rule: PolicyRule;
  readonly path: string;
  readonly address: string;
  readonly result: RuleResult;
  readonly suppression?: { path: string; reason: string };
}

/** Per-stack state of the pack: rebuilt on each synth. */
interface StackState {
  index?: PolicyIndex;
  /** The built-in rules and the stack's own (addRules), by id; and the resource types they check. */
  rules: PolicyRule[];
  types: Set<string>;
  readonly evaluations: Map<string, Evaluation>;
}

const STATES = new WeakMap<TerraformStack, StackState>();
/** Address of each resource and output, noted when the index is built (a logical id costs a hash to compute). */
const ADDRESSES = new WeakMap<IConstruct, string>();

function stateOf(stack: TerraformStack): StackState {
  let state = STATES.get(stack);
  if (!state) {
    state = { rules: ALL_RULES, types: TYPES_CHECKED, evaluations: new Map() };
    STATES.set(stack, state);
  }
  return state;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Resource types some rule applies to: others are never resolved. */
const TYPES_CHECKED = new Set(ALL_RULES.flatMap((r) => r.appliesTo));

/** The rules a stack's pack runs: the built-in ones, and those added with addRules, by id. */
function rulesOf(stack: TerraformStack): PolicyRule[] {
  const own = userRulesOf(stack);
  return own.length === 0 ? ALL_RULES : [...ALL_RULES, ...own].sort((a, b) => compare(a.id, b.id));
}

/** The report file written next to each stack's `cdk.tf.json`. */
const REPORT_FILE = 'policy-report.json';

/**
 * The security rule pack, as an Aspect (in the style of cdk-nag v2). It checks every azurerm
 * resource of the stack — the library's and your own — against rules named after checkov's checks
 * where checkov has one (`CKV_AZURE_203` …) and the library's own rules (`DV_...`): Service Bus,
 * Event Hubs, Function Apps, storage accounts, API Management, Relay, and the Dataverse
 * registrations (scoped Send-only keys, asynchronous steps on queue and hub endpoints, sensitive
 * outputs for keys).
 *
 * Findings become Annotations: error-level ones fail `cdktf synth`, warnings do not. Accept a
 * finding with a reason through `PolicySuppressions`. Every result, suppressed or not, is written
 * to `policy-report.json` next to `cdk.tf.json`.
 *
 * Every `DataverseEnvironment` enables the pack on its stack (`policyChecks: false` turns it off);
 * `DataversePolicyChecks.enable(stack)` enables it on a stack without one. Add rules of your own
 * (an `IPolicyRule` pack) with `DataversePolicyChecks.addRules(stack, rules)`.
 */
export class DataversePolicyChecks implements IAspect {
  /**
   * Enables the pack on the stack of `scope` (once, however often it is called) and registers
   * `policy-report.json`. Returns the Aspect.
   */
  public static enable(scope: IConstruct): DataversePolicyChecks {
    const stack = TerraformStack.of(scope);
    const existing = Aspects.of(stack).all.find((a): a is DataversePolicyChecks => a instanceof DataversePolicyChecks);
    const checks = existing ?? new DataversePolicyChecks();
    if (!existing) Aspects.of(stack).add(checks);
    StackArtifacts.of(stack).add(REPORT_FILE, () => stableJson(DataversePolicyChecks.reportOf(stack)));
    return checks;
  }

  /**
   * Adds rules of your own to the pack of the stack of `scope` (enabling the pack there if it is
   * not): they run on every synth beside the built-in rules, and their findings are Annotations at
   * the construct path, honour PolicySuppressions and are rows of `policy-report.json`. A rule whose
   * id is a built-in rule's, or is added twice, fails the synth. Returns the Aspect.
   */
  public static addRules(scope: IConstruct, rules: IPolicyRule[]): DataversePolicyChecks {
    const checks = DataversePolicyChecks.enable(scope);
    addUserRules(TerraformStack.of(scope), rules);
    return checks;
  }

  /** The built-in rules of the pack, by id (rules added with addRules are listed in the report). */
  public static rules(): PolicyRuleInfo[] {
    return ALL_RULES.map((r) => ({ id: r.id, level: r.level, description: r.description, fix: r.fix, appliesTo: [...r.appliesTo] }));
  }

  /** The report of the stack's last synth (what `policy-report.json` holds). */
  public static reportOf(stack: TerraformStack): PolicyReport {
    const evaluations = [...stateOf(stack).evaluations.values()];
    // Grouped once: a stack with hundreds of resources has thousands of evaluations.
    const byRule = new Map<PolicyRule, Evaluation[]>();
    for (const e of evaluations) {
      if (e.result.status === RuleStatus.NOT_APPLICABLE) continue;
      const list = byRule.get(e.rule) ?? [];
      list.push(e);
      byRule.set(e.rule, list);
    }
    const all = rulesOf(stack);
    const rules: PolicyRuleSummary[] = all.map((rule) => {
      const mine = byRule.get(rule) ?? [];
      const failing = mine.filter((e) => e.result.status === RuleStatus.NON_COMPLIANT);
      return {
        id: rule.id,
        level: rule.level,
        description: rule.description,
        evaluated: mine.length,
        compliant: mine.length - failing.length,
        nonCompliant: failing.length,
        suppressed: failing.filter((e) => e.suppression).length,
      };
    });
    const findings: PolicyFinding[] = evaluations
      .filter((e) => e.result.status === RuleStatus.NON_COMPLIANT)
      .sort((a, b) => compare(a.path, b.path) || compare(a.rule.id, b.rule.id) || compare(a.address, b.address))
      .map((e) => ({
        ruleId: e.rule.id,
        level: e.result.level ?? e.rule.level,
        path: e.path,
        address: e.address,
        detail: e.result.detail ?? e.rule.description,
        fix: e.rule.fix,
        suppression: e.suppression,
      }));
    const used = new Map<string, number>();
    for (const f of findings) {
      if (!f.suppression) continue;
      const key = `${f.suppression.path}|${f.ruleId}`;
      used.set(key, (used.get(key) ?? 0) + 1);
    }
    const suppressions: PolicySuppressionEntry[] = stack.node
      .findAll()
      .flatMap((c) => {
        const own = PolicySuppressions._peek(c);
        return (own?.all ?? []).map((s) => ({
          path: c.node.path,
          ruleId: s.ruleId,
          reason: s.reason,
          applyToChildren: s.applyToChildren,
          used: used.get(`${c.node.path}|${s.ruleId}`) ?? 0,
        }));
      })
      .sort((a, b) => compare(a.path, b.path) || compare(a.ruleId, b.ruleId));
    const open = findings.filter((f) => !f.suppression);
    return {
      reportVersion: 1,
      stack: stack.node.id,
      summary: {
        rules: all.length,
        checks: rules.reduce((n, r) => n + r.evaluated, 0),
        findings: findings.length,
        suppressed: findings.length - open.length,
        unsuppressed: open.length,
        errors: open.filter((f) => f.level === PolicyLevel.ERROR).length,
        warnings: open.filter((f) => f.level === PolicyLevel.WARNING).length,
      },
      rules,
      findings,
      suppressions,
    };
  }

  /** Checks one construct: a resource, an output or a Dataverse record; other constructs are skipped. */
  public visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) {
      // A new synth starts at the stack: forget the previous one's results and index.
      const state = stateOf(node);
      state.index = undefined;
      state.evaluations.clear();
      state.rules = rulesOf(node);
      state.types = state.rules === ALL_RULES ? TYPES_CHECKED : new Set(state.rules.flatMap((r) => r.appliesTo));
      return;
    }
    let subject: Subject | undefined;
    let address: string;
    const stack = stackOf(node);
    if (!stack) return;
    const state = stateOf(stack);
    if (TerraformResource.isTerraformResource(node) && !TerraformDataSource.isTerraformDataSource(node)) {
      if (!state.types.has(node.terraformResourceType)) return;
      const index = indexOf(stack);
      const element = index.resources.get(ADDRESSES.get(node) ?? `${node.terraformResourceType}.${stack.getLogicalId(node)}`);
      if (!element) return;
      subject = { kind: 'resource', element };
      address = element.address;
    } else if (TerraformOutput.isTerraformOutput(node)) {
      const index = indexOf(stack);
      const element = index.outputs.get(ADDRESSES.get(node) ?? `output.${stack.getLogicalId(node)}`);
      if (!element) return;
      subject = { kind: 'output', element };
      address = element.address;
    } else if (DataverseRecord.isDataverseRecord(node)) {
      const record = indexOf(stack).records.get(node.recordId);
      if (!record) return;
      subject = { kind: 'record', record };
      address = `dataverse:${record.table}/${record.id}`;
    } else {
      return;
    }
    for (const rule of state.rules) {
      if (!applies(rule, subject)) continue;
      const result = rule.check(subject, indexOf(stack));
      const found = result.status === RuleStatus.NON_COMPLIANT ? PolicySuppressions._find(node, rule.id) : undefined;
      const suppression = found ? { path: found.path, reason: found.info.reason } : undefined;
      state.evaluations.set(`${node.node.path}|${rule.id}`, { rule, path: node.node.path, address, result, suppression });
      if (result.status === RuleStatus.NON_COMPLIANT && !suppression) annotate(node, rule, result);
    }
  }
}

function applies(rule: PolicyRule, subject: Subject): boolean {
  if (subject.kind === 'resource') return rule.appliesTo.includes(subject.element.type);
  if (subject.kind === 'output') return rule.appliesTo.includes('output');
  return rule.appliesTo.includes(`dataverse:${subject.record.table}`);
}

/** Adds the finding's Annotation once (aspects run on every synth). */
function annotate(node: IConstruct, rule: PolicyRule, result: RuleResult): void {
  const level = result.level ?? rule.level;
  const message =
    `[${rule.id}] ${rule.description} Found: ${result.detail ?? 'not compliant'}. Fix: ${rule.fix}; ` +
    `or accept it with a reason: PolicySuppressions.of(construct).add('${rule.id}', '<why>').`;
  const type = level === PolicyLevel.ERROR ? AnnotationMetadataEntryType.ERROR : AnnotationMetadataEntryType.WARN;
  if (node.node.metadata.some((m) => m.type === type && m.data === message)) return;
  if (level === PolicyLevel.ERROR) Annotations.of(node).addError(message);
  else Annotations.of(node).addWarning(message);
}

function stackOf(node: IConstruct): TerraformStack | undefined {
  try {
    return TerraformStack.of(node);
  } catch {
    return undefined;
  }
}

/** Everything the rules may look up, resolved once per stack and synth. */
function indexOf(stack: TerraformStack): PolicyIndex {
  const state = stateOf(stack);
  if (!state.index) state.index = buildIndex(stack, ADDRESSES);
  return state.index;
}
