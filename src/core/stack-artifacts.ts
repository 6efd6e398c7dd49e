import * as fs from 'fs';
import * as path from 'path';
import { IStackSynthesizer, ISynthesisSession, TerraformStack } from 'cdktf';

/** What a renderer may read of the synth it belongs to. @internal */
export interface ArtifactContext {
  /**
   * The stack's synthesized Terraform JSON (what `cdk.tf.json` holds, keys sorted). During a synth
   * it is read back from the file just written, so renderers need not resolve the stack again.
   */
  terraform(): any;
}

/** Renders one file; `undefined` means "nothing to write this time". @internal */
export type ArtifactRenderer = (context: ArtifactContext) => string | undefined;

const ARTIFACTS = Symbol.for('cdktf-dataverse.StackArtifacts');

/**
 * Files written next to a stack's `cdk.tf.json` (the registration manifest, the OpenAPI document,
 * the policy report, the diagram). It wraps the stack's synthesizer once: the wrapped one runs
 * first (aspects, validations, `cdk.tf.json`), so a stack that fails validation gets no file.
 * @internal
 */
export class StackArtifacts {
  public static of(stack: TerraformStack): StackArtifacts {
    const existing = (stack as any)[ARTIFACTS] as StackArtifacts | undefined;
    if (existing) return existing;
    const created = new StackArtifacts(stack);
    Object.defineProperty(stack, ARTIFACTS, { value: created, enumerable: false });
    return created;
  }

  private readonly renderers = new Map<string, ArtifactRenderer>();

  private constructor(private readonly stack: TerraformStack) {
    const inner: IStackSynthesizer = stack.synthesizer;
    const self = this;
    stack.synthesizer = {
      synthesize(session: ISynthesisSession) {
        inner.synthesize(session);
        self.write(session);
      },
    };
  }

  /** Registers a file by name; the first registration of a name wins. */
  public add(fileName: string, render: ArtifactRenderer): void {
    if (!this.renderers.has(fileName)) this.renderers.set(fileName, render);
  }

  /** Renders every registered file in memory (tests, the CLI), in name order. */
  public renderAll(): Record<string, string> {
    return this.render(memo(() => sortKeys(this.stack.toTerraform())));
  }

  private render(terraform: () => any): Record<string, string> {
    const context: ArtifactContext = { terraform };
    const out: Record<string, string> = {};
    for (const name of [...this.renderers.keys()].sort()) {
      const content = this.renderers.get(name)!(context);
      if (content !== undefined) out[name] = content;
    }
    return out;
  }

  private write(session: ISynthesisSession): void {
    const stackManifest = session.manifest.forStack(this.stack);
    const dir = path.join(session.outdir, stackManifest.workingDirectory);
    const synthesized = path.join(session.outdir, stackManifest.synthesizedStackPath);
    fs.mkdirSync(dir, { recursive: true });
    const terraform = memo(() =>
      fs.existsSync(synthesized) && synthesized.endsWith('.json') ? JSON.parse(fs.readFileSync(synthesized, 'utf8')) : sortKeys(this.stack.toTerraform()),
    );
    for (const [name, content] of Object.entries(this.render(terraform))) {
      fs.writeFileSync(path.join(dir, name), content);
    }
  }
}

/** JSON as the library writes it: two-space indent, trailing newline. @internal */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function memo<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

/** A copy with object keys in code point order, as cdktf writes cdk.tf.json. */
function sortKeys(value: any): any {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: any } = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}
