// Your own rules: the public, jsii-compatible rule interface (IPolicyRule over a PolicySubject
// struct) and the per-stack list of rules added with DataversePolicyChecks.addRules. A user rule is
// adapted to the pack's internal rule shape (src/policy/rule.ts), so it shares everything after
// the check with the built-in rules: Annotations at the construct path, PolicySuppressions and the
// rows of policy-report.json. (The built-in rules keep their internal shape: they also read the
// stack's index of references, which the public interface does not expose.)
import { TerraformStack } from 'cdktf';
import { PolicyLevel } from './api';
import { PolicyRule, RuleResult, RuleStatus, Subject } from './rule';
import { IPolicyRule, PolicyRuleResult, PolicyRuleStatus, PolicySubject, PolicySubjectKind } from './rule-api';
import { RULES_BY_ID } from './rules';
import { addValidator, quote } from '../core/problems';

const STATUSES = new Set<string>(Object.values(PolicyRuleStatus));
const LEVELS = new Set<string>(Object.values(PolicyLevel));
const ID = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const STACK_RULES = new WeakMap<TerraformStack, PolicyRule[]>();

/** The user rules of a stack, adapted, in the order added. @internal */
export function userRulesOf(stack: TerraformStack): PolicyRule[] {
  return STACK_RULES.get(stack) ?? [];
}

/** A user rule id of the stack. @internal */
export function isUserRule(stack: TerraformStack, id: string): boolean {
  return userRulesOf(stack).some((r) => r.id === id);
}

/** Adds user rules to a stack; a bad rule is a synth error on the stack and is not added. @internal */
export function addUserRules(stack: TerraformStack, rules: IPolicyRule[]): void {
  let list = STACK_RULES.get(stack);
  if (!list) {
    list = [];
    STACK_RULES.set(stack, list);
  }
  const problems: string[] = [];
  for (const rule of rules) {
    const problem = problemOf(rule, list);
    if (problem) problems.push(problem);
    else list.push(adapt(rule));
  }
  if (problems.length) addValidator(stack, (p) => problems.forEach((m) => p.add(m)));
}

function problemOf(rule: IPolicyRule, added: PolicyRule[]): string | undefined {
  const id = rule.id;
  if (typeof id !== 'string' || !ID.test(id)) {
    return `policy rule id ${quote(id)} is not an id. Fix: give the rule an id of letters, digits, '_', '.' or '-' starting with a letter, e.g. 'ACME_SB_1'.`;
  }
  if (RULES_BY_ID.has(id)) {
    return `policy rule ${quote(id)} of your pack has the id of a built-in rule (${RULES_BY_ID.get(id)!.description}). Fix: give your rule an id of its own, e.g. with your organisation's prefix ('ACME_${id}').`;
  }
  if (added.some((r) => r.id === id)) {
    return `policy rule ${quote(id)} is added twice to this stack. Fix: give each rule its own id, or add it once.`;
  }
  if (!LEVELS.has(rule.level)) {
    return `policy rule ${id}: level ${quote(rule.level)} is not a PolicyLevel. Fix: use PolicyLevel.ERROR or PolicyLevel.WARNING.`;
  }
  if (!Array.isArray(rule.appliesTo) || rule.appliesTo.length === 0) {
    return `policy rule ${id}: appliesTo is empty, so it would never run. Fix: list the Terraform resource types, 'output' or 'dataverse:<table>' it checks.`;
  }
  return undefined;
}

function subjectOf(subject: Subject): PolicySubject {
  if (subject.kind === 'record') {
    const r = subject.record;
    return { kind: PolicySubjectKind.RECORD, address: `dataverse:${r.table}/${r.id}`, path: r.path, resourceType: `dataverse:${r.table}`, config: r };
  }
  const e = subject.element;
  const kind = subject.kind === 'output' ? PolicySubjectKind.OUTPUT : PolicySubjectKind.RESOURCE;
  return { kind, address: e.address, path: e.path, resourceType: e.type, config: e.config };
}

function adapt(rule: IPolicyRule): PolicyRule {
  return {
    id: rule.id,
    level: rule.level,
    description: rule.description,
    fix: rule.fix,
    appliesTo: [...rule.appliesTo],
    check(subject): RuleResult {
      const s = subjectOf(subject);
      let result: PolicyRuleResult;
      try {
        result = rule.evaluate(s);
      } catch (e) {
        throw new Error(
          `policy rule ${rule.id} failed on ${s.path} (${s.address}): ${(e as Error)?.message ?? e}. Fix: make the rule's evaluate() return a PolicyRuleResult for every subject it applies to.`,
        );
      }
      if (!result || !STATUSES.has(result.status) || (result.level !== undefined && !LEVELS.has(result.level))) {
        throw new Error(
          `policy rule ${rule.id} returned ${quote(JSON.stringify(result))} for ${s.path} (${s.address}), not a PolicyRuleResult. Fix: return { status: PolicyRuleStatus.COMPLIANT | NON_COMPLIANT | NOT_APPLICABLE, detail?, level? }.`,
        );
      }
      return { status: result.status as string as RuleStatus, detail: result.detail, level: result.level };
    },
  };
}
