// Registers the stack features of a DataverseEnvironment (see src/core/synth-hooks.ts): the
// security rule pack and the diagram. Loaded by the package root (src/index.ts) before any export.
import { IConstruct } from 'constructs';
import { registerStackFeature } from './core/synth-hooks';
import { registerDiagram, DiagramSource } from './diagram/diagram';
import { DataversePolicyChecks } from './policy/checks';

/** Registers the built-in features; idempotent. @internal */
export function registerBuiltInStackFeatures(): void {
  registerStackFeature('policyChecks', (stack) => {
    DataversePolicyChecks.enable(stack);
  });
  registerStackFeature<DiagramSource & IConstruct>('diagram', (stack, environment) => registerDiagram(stack, environment));
}

registerBuiltInStackFeatures();
