// Stack features: what a DataverseEnvironment switches on from its props (`policyChecks`, on by
// default; `diagram`, off by default) without importing the modules that implement them.
//
// The design, and why: `dataverse/` must not import `policy/` or `diagram/` (both read the
// registration model, so an import back would be a circle). core/ owns the registry below; the
// environment asks it for the features its props name and runs them. The implementations are
// registered explicitly, in one place: src/stack-features.ts, which the package root (src/index.ts)
// loads before any export (a statement of the entry point, not a side effect of a module that a
// lazy entry point might never load). An environment that asks for a feature nobody registered
// (a deep import of `lib/dataverse/environment` without the package root) fails with a clear
// error instead of synthesizing a stack without its rule pack.
import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

/** The features a DataverseEnvironment can switch on. @internal */
export type StackFeatureName = 'policyChecks' | 'diagram';

/** Switches a feature on for a stack; `environment` is the DataverseEnvironment asking. @internal */
export type StackFeature<E extends IConstruct = IConstruct> = (stack: TerraformStack, environment: E) => void;

const KEY = Symbol.for('cdktf-dataverse.StackFeatures');
/** One registry per process, even if two copies of the package are loaded. */
const FEATURES: Map<StackFeatureName, StackFeature<any>> = ((globalThis as any)[KEY] ??= new Map());

/** Registers the implementation of a feature (the last registration wins). @internal */
export function registerStackFeature<E extends IConstruct>(name: StackFeatureName, feature: StackFeature<E>): void {
  FEATURES.set(name, feature);
}

/** Runs a feature for the stack of `environment`; throws when nothing registered it. @internal */
export function runStackFeature(name: StackFeatureName, environment: IConstruct): void {
  const feature = FEATURES.get(name);
  if (!feature) {
    throw new Error(
      `${environment.node.path}: the stack feature '${name}' is not registered (it is registered by the package root). Fix: import from 'cdktf-dataverse' (the package root) rather than a file under lib/, or set ${name}: false.`,
    );
  }
  feature(TerraformStack.of(environment), environment);
}
