// The diagram of a stack's integrations as files: `diagram.dot` (Graphviz DOT) and `diagram.svg`.
// Off the synth path by default: `cdktf-dataverse diagram` renders it from `cdk.tf.json` and the
// manifest after synth; `diagram: true` on the DataverseEnvironment writes it at every synth.
// The graph itself is built in diagram-graph.ts.
import { TerraformStack } from 'cdktf';
import { buildDiagram } from './diagram-graph';
import { renderSvg } from './render-svg';
import { StackArtifacts } from '../core/stack-artifacts';
import { RegistrationManifest } from '../dataverse/manifest';

export { buildDiagram } from './diagram-graph';

/** What the diagram needs of an environment (kept structural: no import of DataverseEnvironment). @internal */
export interface DiagramSource {
  readonly hostName: string;
  toManifest(): RegistrationManifest;
}

/** File names of the diagram next to `cdk.tf.json`. @internal */
export const DIAGRAM_DOT = 'diagram.dot';
/** @internal */
export const DIAGRAM_SVG = 'diagram.svg';

/** Registers `diagram.dot` and `diagram.svg` for the stack (the `diagram: true` synth option). @internal */
export function registerDiagram(stack: TerraformStack, source: DiagramSource): void {
  const artifacts = StackArtifacts.of(stack);
  // Files render in name order: the SVG reuses the DOT of the same pass (one toTerraform, not two).
  let pending: string | undefined;
  artifacts.add(DIAGRAM_DOT, (context) => (pending = diagramDot(stack, source, context.terraform())));
  artifacts.add(DIAGRAM_SVG, (context) => {
    const dot = pending ?? diagramDot(stack, source, context.terraform());
    pending = undefined;
    return renderSvg(dot);
  });
}

/** The DOT text of a stack's diagram. @internal */
export function diagramDot(stack: TerraformStack, source: DiagramSource, terraform: any = stack.toTerraform()): string {
  return buildDiagram(source.toManifest(), terraform, source.hostName).toDot(stack.node.id);
}
