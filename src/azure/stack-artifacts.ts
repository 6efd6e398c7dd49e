import * as fs from 'fs';
import * as path from 'path';
import { IStackSynthesizer, ISynthesisSession, TerraformStack } from 'cdktf';

/** Renders one file; `undefined` means "nothing to write this time". @internal */
export type ArtifactRenderer = () => string | undefined;

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

  public has(fileName: string): boolean {
    return this.renderers.has(fileName);
  }

  /** Renders every registered file in memory (tests, the CLI), in name order. */
  public renderAll(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of [...this.renderers.keys()].sort()) {
      const content = this.renderers.get(name)!();
      if (content !== undefined) out[name] = content;
    }
    return out;
  }

  private write(session: ISynthesisSession): void {
    const dir = path.join(session.outdir, session.manifest.forStack(this.stack).workingDirectory);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(this.renderAll())) {
      fs.writeFileSync(path.join(dir, name), content);
    }
  }
}

/** JSON as the library writes it: two-space indent, trailing newline. @internal */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
