import { Construct } from 'constructs';
import { addValidator, isUnresolved, quote } from '../core/problems';
import { isResourceIdOf } from './resource-id';

/**
 * Reports a literal imported resource id that is not of `type` (a reference is checked by Azure).
 * @internal
 */
export function checkImportedId(scope: Construct, prop: string, id: string | undefined, type: string): void {
  addValidator(scope, (problems) => {
    if (id === undefined || isUnresolved(id)) return;
    const [provider, kind] = type.split('/');
    problems.check(
      isResourceIdOf(id, type),
      `${prop} ${quote(id)} is not the resource id of a ${type}. Fix: pass '/subscriptions/<id>/resourceGroups/<group>/providers/${provider}/${kind}/<name>'.`,
    );
  });
}

/**
 * Throws one error naming the construct and every missing required prop (JavaScript callers can
 * omit them; a TypeError further down would name neither).
 * @internal
 */
export function requireProps(scope: Construct, construct: string, props: unknown, names: string[]): void {
  const given = (props ?? {}) as Record<string, unknown>;
  const missing = names.filter((n) => given[n] === undefined || given[n] === null);
  if (props === undefined || props === null || missing.length > 0) {
    const list = props === undefined || props === null ? 'props' : missing.join(', ');
    throw new Error(`${scope.node.path}: ${construct} needs ${list}. Fix: pass ${list} (see the construct's props).`);
  }
}

/**
 * Throws naming the prop when an `existingX` value is not a block (a JavaScript caller, or 0.0.x's
 * reference struct such as `{ id, name }`): it lacks `attribute`, which every block of that kind has.
 * @internal
 */
export function requireBlock(scope: Construct, construct: string, prop: string, value: unknown, attribute: string, importer: string): void {
  if (value === undefined || (typeof value === 'object' && value !== null && (value as Record<string, unknown>)[attribute] !== undefined)) return;
  throw new Error(
    `${scope.node.path}: ${construct}'s ${prop} has no ${attribute}, so it is not a block (0.0.x took a reference struct). Fix: pass ${importer}(this, '<id>', { ... }) or a block this stack creates.`,
  );
}
