import { IScopeCallback, TerraformStack, Testing } from 'cdktf';
import { SOURCE_STACK, collectAnnotations, deploymentBlockers, findEnvironment, normalizeJson, replacementsFor } from './inspect';
import { stableJson } from '../core/stack-artifacts';
import { RegistrationManifest } from '../dataverse/manifest';

/** Options of DataverseTesting.synth. */
export interface DataverseTestingOptions {
  /**
   * Run the constructs' validations first (as `app.synth()` does); a stack with problems throws
   * the same "Validation failed" error `app.synth()` would.
   * @default true
   */
  readonly runValidations?: boolean;
  /**
   * Replace what varies between machines and runs: absolute paths (the working directory, the
   * app's output folder, the temporary folder, the home folder) become `<cwd>`, `<outdir>`,
   * `<tmp>`, `<home>`; asset hashes in `assets/<name>/<hash>/` paths become `<hash>`; object keys
   * of the Terraform JSON are sorted by code point (locale-independent).
   * @default true
   */
  readonly normalize?: boolean;
}

/** An Annotation found on a construct of the stack. */
export interface SynthesizedAnnotation {
  /** Construct path, e.g. `test/orders/namespace`. */
  readonly path: string;
  /** `info`, `warning` or `error`. */
  readonly level: string;
  /** The message. */
  readonly message: string;
}

/** Both halves of a synthesized stack, stable for snapshots. */
export interface SynthesizedStack {
  /** The stack's `cdk.tf.json`, parsed, without cdktf's `//` metadata. */
  readonly terraform: any;
  /**
   * The registration manifest (`dataverse-registrations.json`), parsed.
   * @default - none: the stack has no DataverseEnvironment
   */
  readonly manifest?: RegistrationManifest;
  /** Info, warning and error Annotations of the stack's constructs, in construct tree order. */
  readonly annotations: SynthesizedAnnotation[];
}

/**
 * Test helpers for stacks that use cdktf-dataverse. They work with any test runner; the vitest
 * matchers live in `cdktf-dataverse/lib/testing/vitest` (register them with
 * `cdktf-dataverse/lib/testing/setup`).
 */
export class DataverseTesting {
  /**
   * Synthesizes a stack in memory and returns the Terraform JSON and the registration manifest,
   * with nothing that varies between machines or runs: `expect(DataverseTesting.synth(stack)).toMatchSnapshot()`.
   * Aspects run, as in `app.synth()`; nothing is written to disk.
   */
  public static synth(stack: TerraformStack, options: DataverseTestingOptions = {}): SynthesizedStack {
    const text = Testing.synth(stack, options.runValidations ?? true);
    const normalize = options.normalize ?? true;
    const replacements = normalize ? replacementsFor(stack) : [];
    const terraform = JSON.parse(text);
    const environment = findEnvironment(stack);
    const manifest = environment ? JSON.parse(stableJson(environment.toManifest())) : undefined;
    const annotations = collectAnnotations(stack);
    const result: SynthesizedStack = normalize
      ? {
          terraform: normalizeJson(terraform, replacements, true),
          manifest: manifest === undefined ? undefined : normalizeJson(manifest, replacements, false),
          annotations: normalizeJson(annotations, replacements, false),
        }
      : { terraform, manifest, annotations };
    // The matchers resolve Terraform references in expectations with it.
    Object.defineProperty(result, SOURCE_STACK, { value: stack, enumerable: false });
    return result;
  }

  /**
   * Creates a stack in a fresh test app, lets `callback` fill it, and synthesizes it like `synth`.
   */
  public static synthScope(callback: IScopeCallback, options: DataverseTestingOptions = {}): SynthesizedStack {
    const stack = new TerraformStack(Testing.app(), 'stack');
    callback(stack);
    return DataverseTesting.synth(stack, options);
  }

  /**
   * What stops the stack from deploying, one message per problem: validation errors, error
   * Annotations, and unsuppressed findings of the policy report (`policy-report.json`, written by
   * the rule pack when it is applied to the stack). Empty when the stack is deployable.
   */
  public static deploymentBlockers(stack: TerraformStack): string[] {
    return deploymentBlockers(stack);
  }

  /**
   * Throws unless the stack is deployable (see `deploymentBlockers`); the error lists every
   * problem. A one-line test: `DataverseTesting.assertDeployable(stack)`.
   */
  public static assertDeployable(stack: TerraformStack): void {
    const blockers = deploymentBlockers(stack);
    if (blockers.length > 0) {
      throw new Error(
        `stack ${stack.node.id} is not deployable (${blockers.length} ${blockers.length === 1 ? 'problem' : 'problems'}):\n${blockers.map((b) => `  - ${b}`).join('\n')}`,
      );
    }
  }

  private constructor() {}
}
