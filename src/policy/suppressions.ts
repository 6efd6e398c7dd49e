import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { RULES_BY_ID } from './rules';
import { isUserRule } from './user-rules';
import { addValidator, isUnresolved, quote } from '../core/problems';

/** Options of a suppression. */
export interface PolicySuppressionOptions {
  /**
   * Also accept the rule's findings on every construct below this one.
   * @default false
   */
  readonly applyToChildren?: boolean;
}

/** One suppression as declared. */
export interface PolicySuppressionInfo {
  /** Rule id, e.g. `CKV_AZURE_203`. */
  readonly ruleId: string;
  /** Why the finding is acceptable (at least 10 characters). */
  readonly reason: string;
  /** Whether it covers the construct's children. */
  readonly applyToChildren: boolean;
}

const SUPPRESSIONS = Symbol.for('cdktf-dataverse.PolicySuppressions');
const MIN_REASON = 10;

/**
 * Reasoned exceptions to the policy rule pack, attached to a construct:
 *
 * ```ts
 * PolicySuppressions.of(namespace).add('CKV_AZURE_203', 'Dataverse service endpoints authenticate with SAS keys only');
 * PolicySuppressions.of(pattern).add('CKV_AZURE_221', 'Dataverse calls the webhook over the internet', { applyToChildren: true });
 * ```
 *
 * A suppressed finding is no Annotation but stays in `policy-report.json` with its reason. A reason
 * shorter than 10 characters, or an id that is not a rule of the pack, fails the synth.
 */
export class PolicySuppressions {
  /** The suppressions of a construct (created on first use). */
  public static of(scope: IConstruct): PolicySuppressions {
    const existing = (scope as any)[SUPPRESSIONS] as PolicySuppressions | undefined;
    if (existing) return existing;
    const created = new PolicySuppressions(scope);
    Object.defineProperty(scope, SUPPRESSIONS, { value: created, enumerable: false });
    return created;
  }

  /** The suppressions of a construct, without creating any. @internal */
  public static _peek(scope: IConstruct): PolicySuppressions | undefined {
    return (scope as any)[SUPPRESSIONS] as PolicySuppressions | undefined;
  }

  /**
   * The suppression of `ruleId` on `target`: one on the construct itself, else the nearest
   * ancestor's that applies to children.
   * @internal
   */
  public static _find(target: IConstruct, ruleId: string): { path: string; info: PolicySuppressionInfo } | undefined {
    const scopes = target.node.scopes;
    for (let i = scopes.length - 1; i >= 0; i--) {
      const own = PolicySuppressions._peek(scopes[i]);
      const hit = own?.entries.find((e) => e.ruleId === ruleId && (i === scopes.length - 1 || e.applyToChildren));
      if (hit) return { path: scopes[i].node.path, info: hit };
    }
    return undefined;
  }

  private readonly entries: PolicySuppressionInfo[] = [];

  private constructor(private readonly scope: IConstruct) {
    addValidator(scope, (problems) => {
      for (const e of this.entries) {
        if (!RULES_BY_ID.has(e.ruleId) && !isUserRule(TerraformStack.of(scope), e.ruleId)) {
          problems.add(
            `policy suppression of ${quote(e.ruleId)}: no rule of the pack has this id. Fix: use one of the ids listed in policy-report.json (e.g. 'CKV_AZURE_203'), or remove the suppression.`,
          );
        }
        if (!isUnresolved(e.reason) && e.reason.trim().length < MIN_REASON) {
          problems.add(
            `policy suppression of ${e.ruleId}: the reason ${quote(e.reason)} is ${e.reason.trim().length} characters long; it must say why in at least ${MIN_REASON}. Fix: write why the finding is acceptable here.`,
          );
        }
      }
    });
  }

  /**
   * Accepts the findings of one rule on this construct (and, with applyToChildren, below it),
   * for the reason given. Returns this, for chaining.
   */
  public add(ruleId: string, reason: string, options: PolicySuppressionOptions = {}): PolicySuppressions {
    this.entries.push({ ruleId, reason, applyToChildren: options.applyToChildren ?? false });
    return this;
  }

  /** The suppressions declared on this construct, in the order added. */
  public get all(): PolicySuppressionInfo[] {
    return [...this.entries];
  }

  /** Construct path of the construct the suppressions belong to. */
  public get path(): string {
    return this.scope.node.path;
  }
}
