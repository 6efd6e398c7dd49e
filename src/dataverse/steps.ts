import { Construct } from 'constructs';
import { ProcessingStep, StepDefinition } from './processing-step';
import { ServiceEndpoint } from './service-endpoint';
import { addValidator, quote } from '../core/problems';

/**
 * Creates one ProcessingStep per definition under `scope`, each named `step-<key>`.
 * Keys default to `<table>-<message>`; a repeated key is reported at synth (and the repeat gets a
 * provisional id so that construction can go on and every problem is reported together).
 * @internal
 */
export function registerSteps(scope: Construct, endpoint: ServiceEndpoint, steps: StepDefinition[]): ProcessingStep[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  const created = steps.map((step, index) => {
    let key = step.key ?? `${step.table}-${step.message}`;
    if (seen.has(key)) {
      repeated.push(key);
      key = `${key}-${index}`;
    }
    seen.add(key);
    return new ProcessingStep(scope, `step-${key}`, { ...step, endpoint });
  });
  addValidator(scope, (problems) => {
    for (const key of repeated) {
      problems.add(`steps: two steps share the key ${quote(key)} (same table and message). Fix: merge them, or give each a distinct 'key'.`);
    }
    problems.check(steps.length > 0, 'steps is empty: nothing would be registered in Dataverse. Fix: list at least one { table, message }.');
  });
  return created;
}
