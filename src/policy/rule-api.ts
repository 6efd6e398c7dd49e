// The public rule interface: what your own rules implement (see user-rules.ts for how they run).
import { PolicyLevel } from './api';

/** What a rule looks at. */
export enum PolicySubjectKind {
  /** A Terraform resource (data sources are not checked). */
  RESOURCE = 'resource',
  /** A Terraform output. */
  OUTPUT = 'output',
  /** A Dataverse registration record of the manifest. */
  RECORD = 'record',
}

/** Outcome of one rule on one subject. */
export enum PolicyRuleStatus {
  /** The subject complies. */
  COMPLIANT = 'COMPLIANT',
  /** A finding: an Annotation (unless suppressed) and a row of the report. */
  NON_COMPLIANT = 'NON_COMPLIANT',
  /** The rule has nothing to say about this subject: not counted. */
  NOT_APPLICABLE = 'NOT_APPLICABLE',
}

/** One resource, output or record, as a rule sees it. */
export interface PolicySubject {
  /** Resource, output or record. */
  readonly kind: PolicySubjectKind;
  /** Terraform address (`azurerm_servicebus_queue.<logical id>`, `output.<name>`) or `dataverse:<table>/<id>`. */
  readonly address: string;
  /** Construct path. */
  readonly path: string;
  /** What `appliesTo` matched: the Terraform resource type, `output`, or `dataverse:<table>`. */
  readonly resourceType: string;
  /**
   * The configuration: a resource's or output's as in `cdk.tf.json` (snake_case, tokens resolved to
   * Terraform expressions), or a record as in the manifest (`table`, `columns`, `references`, …).
   */
  readonly config: any;
}

/** What a rule returns for one subject. */
export interface PolicyRuleResult {
  /** Compliant, not compliant, or not applicable. */
  readonly status: PolicyRuleStatus;
  /**
   * What was found (shown in the Annotation and the report).
   * @default the rule's description
   */
  readonly detail?: string;
  /**
   * Level of this finding, overriding the rule's.
   * @default the rule's level
   */
  readonly level?: PolicyLevel;
}

/** A rule of your own pack, added with `DataversePolicyChecks.enable(stack).addRules([...])`. */
export interface IPolicyRule {
  /** Rule id, unique in the stack (not one of the built-in pack's), e.g. `ACME_SB_1`. */
  readonly id: string;
  /** Level of a finding. */
  readonly level: PolicyLevel;
  /** What the rule requires. */
  readonly description: string;
  /** How to comply. */
  readonly fix: string;
  /** What the rule looks at: Terraform resource types, `output`, or `dataverse:<table>`. */
  readonly appliesTo: string[];
  /** Judges one subject (called only for subjects whose type is in `appliesTo`). */
  evaluate(subject: PolicySubject): PolicyRuleResult;
}
