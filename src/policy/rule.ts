// The shape of a rule and the helpers rules share. Internal: not exported from src/index.ts.
import { PolicyLevel } from './api';
import { ManifestRecord } from '../dataverse/manifest';

/** Outcome of one rule on one subject (cdk-nag v2 vocabulary). @internal */
export enum RuleStatus {
  COMPLIANT = 'COMPLIANT',
  NON_COMPLIANT = 'NON_COMPLIANT',
  NOT_APPLICABLE = 'NOT_APPLICABLE',
}

/** What a rule returns. `level` overrides the rule's level for this result. @internal */
export interface RuleResult {
  readonly status: RuleStatus;
  readonly detail?: string;
  readonly level?: PolicyLevel;
}

/** A synthesized Terraform resource, data source or output, with tokens resolved. @internal */
export interface TfElement {
  /** `azurerm_servicebus_namespace.<logical id>`, `data.<type>.<logical id>` or `output.<logical id>`. */
  readonly address: string;
  /** Resource type (`output` for outputs). */
  readonly type: string;
  /** Logical id. */
  readonly name: string;
  /** Resolved configuration (snake_case, as in cdk.tf.json). */
  readonly config: any;
  /** Construct path. */
  readonly path: string;
}

/** A read-only lookup, filled lazily. @internal */
export interface Lookup<T> {
  get(key: string): T | undefined;
}

/** Everything a rule may look up besides its subject. @internal */
export interface PolicyIndex {
  /** Resources by address (resolved on first use). */
  readonly resources: Lookup<TfElement>;
  /** Data sources by address (`data.<type>.<name>`). */
  readonly dataSources: Lookup<TfElement>;
  /** Outputs by address (`output.<name>`). */
  readonly outputs: Lookup<TfElement>;
  /** Records of the stack by record id. */
  readonly records: Lookup<ManifestRecord>;
  /**
   * The resources and outputs whose configuration references `address`, in construct order. With
   * `types`, only elements of those types (`output` for outputs) are resolved and returned: a rule
   * that asks for its types does not resolve the whole stack.
   */
  referrers(address: string, types?: string[]): TfElement[];
  /** The resource or data source at an address. */
  element(address: string): TfElement | undefined;
}

/** What a rule looks at. @internal */
export type Subject =
  | { readonly kind: 'resource'; readonly element: TfElement }
  | { readonly kind: 'output'; readonly element: TfElement }
  | { readonly kind: 'record'; readonly record: ManifestRecord };

/** One rule: a pure function over one subject. @internal */
export interface PolicyRule {
  readonly id: string;
  readonly level: PolicyLevel;
  readonly description: string;
  readonly fix: string;
  /** Resource types, `output`, or `dataverse:<table>`. */
  readonly appliesTo: string[];
  check(subject: Subject, index: PolicyIndex): RuleResult;
}

/** @internal */
export const compliant = (detail?: string): RuleResult => ({ status: RuleStatus.COMPLIANT, detail });
/** @internal */
export const notApplicable = (detail?: string): RuleResult => ({ status: RuleStatus.NOT_APPLICABLE, detail });
/** @internal */
export const nonCompliant = (detail: string, level?: PolicyLevel): RuleResult => ({ status: RuleStatus.NON_COMPLIANT, detail, level });

/** A nested block: cdktf writes single blocks as objects, escape hatches may write lists. @internal */
export function block(config: any, name: string): any {
  const value = config?.[name];
  if (Array.isArray(value)) return value[0];
  return value !== null && typeof value === 'object' ? value : undefined;
}

/** Value at a path of blocks and attributes, e.g. `site_config/minimum_tls_version`. @internal */
export function attr(config: any, path: string): any {
  const parts = path.split('/');
  let current = config;
  for (const part of parts.slice(0, -1)) {
    current = block(current, part);
    if (current === undefined) return undefined;
  }
  return current?.[parts[parts.length - 1]];
}

/** A Terraform expression (`${...}`) that Terraform evaluates at plan time: rules cannot judge it. @internal */
export function isExpression(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** Terraform's booleans may be written as strings in escape hatches. @internal */
export function asBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

export { referencesIn } from '../core/references';
export type { TfReference } from '../core/references';

/** The value given for a rule's message: booleans and strings as written, absent as "not set". @internal */
export function shown(value: unknown): string {
  if (value === undefined) return 'not set';
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

export interface ValueRuleOptions {
  readonly id: string;
  readonly level: PolicyLevel;
  readonly description: string;
  readonly fix: string;
  readonly types: string[];
  /** Attribute path, e.g. `site_config/minimum_tls_version`. */
  readonly path: string;
  /** Accepted values. `ANY` accepts any value that is set. */
  readonly expected: unknown[] | 'ANY';
  /** Result when the attribute is not set (checkov's `missing_block_result`). */
  readonly whenMissing: RuleStatus;
  /** Level of a "not set" finding (e.g. a warning where the provider's default is the secure value). */
  readonly missingLevel?: PolicyLevel;
  /** Applies only when this holds. */
  readonly appliesWhen?: (config: any) => boolean;
}

/** A rule that compares one attribute with accepted values (checkov's BaseResourceValueCheck). @internal */
export function valueRule(o: ValueRuleOptions): PolicyRule {
  return {
    id: o.id,
    level: o.level,
    description: o.description,
    fix: o.fix,
    appliesTo: o.types,
    check(subject) {
      if (subject.kind !== 'resource') return notApplicable();
      const config = subject.element.config;
      if (o.appliesWhen && !o.appliesWhen(config)) return notApplicable();
      const value = attr(config, o.path);
      if (value === undefined || value === null) {
        return o.whenMissing === RuleStatus.NON_COMPLIANT ? nonCompliant(`${o.path.replace(/\//g, '.')} is not set`, o.missingLevel) : { status: o.whenMissing };
      }
      if (isExpression(value)) return notApplicable(`${o.path} is an expression`);
      if (o.expected === 'ANY') return compliant();
      const normalised = typeof value === 'string' && (value === 'true' || value === 'false') ? value === 'true' : value;
      const ok = o.expected.some((e) => e === normalised || (typeof e === 'string' && typeof normalised === 'string' && e.toLowerCase() === normalised.toLowerCase()));
      return ok ? compliant() : nonCompliant(`${o.path.replace(/\//g, '.')} is ${shown(value)}`);
    },
  };
}
