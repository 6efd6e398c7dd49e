// Public types of the policy rule pack: levels, rule descriptions and the report format.

/** How a finding of a rule is reported. */
export enum PolicyLevel {
  /** An error Annotation: `cdktf synth` fails until the finding is fixed or suppressed. */
  ERROR = 'error',
  /** A warning Annotation: reported, synth goes on. */
  WARNING = 'warning',
}

/** One rule of the pack. */
export interface PolicyRuleInfo {
  /** Rule id: checkov's id where checkov has the check (`CKV_AZURE_203`), else the library's (`DV_...`). */
  readonly id: string;
  /** Level of a finding. Some rules report a missing attribute (where the provider default is secure) as a warning only. */
  readonly level: PolicyLevel;
  /** What the rule requires. */
  readonly description: string;
  /** How to comply. */
  readonly fix: string;
  /** What the rule looks at: Terraform resource types, `output`, or `dataverse:<table>` for registration records. */
  readonly appliesTo: string[];
}

/** Counts of one rule in a report. */
export interface PolicyRuleSummary {
  /** Rule id. */
  readonly id: string;
  /** Level of a finding. */
  readonly level: PolicyLevel;
  /** What the rule requires. */
  readonly description: string;
  /** Resources, records or outputs the rule applied to. */
  readonly evaluated: number;
  /** Of those, compliant. */
  readonly compliant: number;
  /** Of those, not compliant (suppressed or not). */
  readonly nonCompliant: number;
  /** Of the non-compliant ones, suppressed with a reason. */
  readonly suppressed: number;
}

/** A suppression that matched a finding. */
export interface PolicyAppliedSuppression {
  /** Construct path the suppression is attached to. */
  readonly path: string;
  /** Why the finding is acceptable. */
  readonly reason: string;
}

/** A non-compliant resource, record or output. */
export interface PolicyFinding {
  /** Rule id. */
  readonly ruleId: string;
  /** Level the finding is reported at. */
  readonly level: PolicyLevel;
  /** Construct path of the resource, record or output. */
  readonly path: string;
  /** Terraform address (`azurerm_servicebus_namespace.orders_namespace_1A2B3C4D`), `output.<name>`, or `dataverse:<table>/<id>`. */
  readonly address: string;
  /** What is wrong, with the offending value. */
  readonly detail: string;
  /** How to fix it. */
  readonly fix: string;
  /** The suppression that accepts it, if any. */
  readonly suppression?: PolicyAppliedSuppression;
}

/** A suppression as declared, and how many findings it accepted. */
export interface PolicySuppressionEntry {
  /** Construct path the suppression is attached to. */
  readonly path: string;
  /** Rule id. */
  readonly ruleId: string;
  /** Why the finding is acceptable. */
  readonly reason: string;
  /** Whether it also covers the construct's children. */
  readonly applyToChildren: boolean;
  /** Findings it accepted in this synth (0: nothing to suppress any more). */
  readonly used: number;
}

/** Totals of a report. */
export interface PolicyReportSummary {
  /** Rules in the pack. */
  readonly rules: number;
  /** Rule evaluations that applied (compliant or not). */
  readonly checks: number;
  /** Non-compliant results. */
  readonly findings: number;
  /** Findings accepted by a suppression. */
  readonly suppressed: number;
  /** Findings without a suppression (errors and warnings). */
  readonly unsuppressed: number;
  /** Unsuppressed findings at error level. */
  readonly errors: number;
  /** Unsuppressed findings at warning level. */
  readonly warnings: number;
}

/** The content of `policy-report.json`. */
export interface PolicyReport {
  /** Format version (1). */
  readonly reportVersion: number;
  /** Stack name. */
  readonly stack: string;
  /** Totals. */
  readonly summary: PolicyReportSummary;
  /** Every rule of the pack with its counts, by id. */
  readonly rules: PolicyRuleSummary[];
  /** Every non-compliant result, suppressed or not, by path then rule id. */
  readonly findings: PolicyFinding[];
  /** Every suppression declared in the stack, by path then rule id. */
  readonly suppressions: PolicySuppressionEntry[];
}
