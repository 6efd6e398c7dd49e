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
