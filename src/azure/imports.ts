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

/** What `requireBlock` checks an `existingX` prop against. @internal */
export interface BlockRequirement {
  /** The construct that takes the prop: 'OutboundQueueIntegration'. */
  readonly construct: string;
  /** The prop: 'existingQueue'. */
  readonly prop: string;
  /** An attribute every block of the kind has: 'queueId'. */
  readonly attribute: string;
  /** The importer to name in the fix: 'ServiceBusQueue.fromServiceBusQueueAttributes'. */
  readonly importer: string;
  /** The kind of block, for the message: 'Service Bus'. */
  readonly kind: string;
  /** What 0.0.x took instead, when the prop existed then: '{ id, name }'. */
  readonly was?: string;
}

/**
 * Throws naming the prop when an `existingX` value is not a block (a JavaScript caller, or 0.0.x's
 * reference struct), before anything reads an attribute of it.
 * @internal
 */
export function requireBlock(scope: Construct, value: unknown, r: BlockRequirement): void {
  if (value === undefined || (typeof value === 'object' && value !== null && (value as Record<string, unknown>)[r.attribute] !== undefined)) return;
  const was = r.was ? ` (0.0.x took ${r.was})` : '';
  throw new Error(
    `${scope.node.path}: ${r.construct}'s ${r.prop} has no ${r.attribute}, so it is not a ${r.kind} block${was}. Fix: pass ${r.importer}(this, '<id>', { ... }) or a block this stack creates.`,
  );
}
