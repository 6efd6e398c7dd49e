import { Construct } from 'constructs';
import { isResourceIdOf } from './resource-id';
import { addValidator, isUnresolved, quote } from '../core/problems';

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

/**
 * The names in a literal resource id of `provider`, outermost first, or undefined when the id is
 * not of that kind. `kinds` are the id's type segments below the provider, as in the import
 * sections of the azurerm documentation: `['namespaces', 'topics', 'subscriptions']` reads
 * `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.ServiceBus/namespaces/<ns>/topics/<t>/subscriptions/<name>`
 * as `[ns, t, name]`.
 * @internal
 */
export function resourceIdNames(id: string, provider: string, kinds: string[]): string[] | undefined {
  const nested = kinds.map((k) => `${k}/([^/]+)`).join('/');
  const m = new RegExp(`^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${provider.replace('.', '\\.')}/${nested}$`, 'i').exec(id);
  return m ? m.slice(1) : undefined;
}

/** What an importer reads from its attributes. @internal */
export interface ImportedIdentity {
  /** The importer, for messages: `ServiceBusQueue.fromServiceBusQueueAttributes`. */
  readonly importer: string;
  /** Resource provider of the id: `Microsoft.ServiceBus`. */
  readonly provider: string;
  /** The id prop and its value. */
  readonly idProp: string;
  readonly id: string;
  /** The name prop and its value (optional when the id is a literal). */
  readonly nameProp: string;
  readonly name?: string;
  /** Resource type segments below the provider: `['namespaces', 'queues']`. */
  readonly kinds: string[];
  /** The parent's prop and resource id, when the resource is nested (a queue in a namespace). */
  readonly parentProp?: string;
  readonly parentId?: string;
}

/**
 * The name of an imported resource: the given name, else the last name in its literal id.
 * Reports, at synth, a literal id of another kind, a Terraform-reference id without a name (the
 * name goes into Dataverse's service endpoint and cannot be read from a reference at synth), a
 * name the literal id contradicts (Azure names compare without regard to case), and a literal id
 * that is not below the literal parent id.
 * @internal
 */
export function importedName(scope: Construct, attrs: ImportedIdentity): string {
  const names = isUnresolved(attrs.id) ? undefined : resourceIdNames(attrs.id, attrs.provider, attrs.kinds);
  const fromId = names?.[names.length - 1];
  addValidator(scope, (problems) => {
    if (isUnresolved(attrs.id)) {
      problems.check(
        attrs.name !== undefined,
        `${attrs.idProp} is a Terraform reference, so ${attrs.importer} cannot read the name from it at synth. Fix: pass ${attrs.nameProp} as well (e.g. the data source's name).`,
      );
      return;
    }
    if (names === undefined) {
      const example = attrs.kinds.map((k) => `${k}/<name>`).join('/');
      problems.add(
        `${attrs.idProp} ${quote(attrs.id)} is not the resource id of a ${[attrs.provider, ...attrs.kinds].join('/')}. Fix: pass '/subscriptions/<id>/resourceGroups/<group>/providers/${attrs.provider}/${example}' (a data source's id fits).`,
      );
      return;
    }
    if (attrs.name !== undefined && !isUnresolved(attrs.name)) {
      problems.check(
        attrs.name.toLowerCase() === fromId!.toLowerCase(),
        `${attrs.nameProp} ${quote(attrs.name)} is not the name in ${attrs.idProp} (${quote(fromId)}). Fix: pass the name of that resource, or omit ${attrs.nameProp}.`,
      );
    }
    if (attrs.parentId !== undefined && !isUnresolved(attrs.parentId)) {
      const parent = attrs.id.slice(0, attrs.id.lastIndexOf('/', attrs.id.lastIndexOf('/') - 1));
      if (parent.toLowerCase() !== attrs.parentId.toLowerCase()) {
        const where = (id: string) => `'${id.split('/').slice(-1)[0]}' in resource group '${id.split('/')[4]}'`;
        problems.add(
          `${attrs.idProp} names a resource inside ${where(parent)}, which is not ${attrs.parentProp} (${where(attrs.parentId)}). Fix: import the resource with the ${attrs.parentProp} it belongs to.`,
        );
      }
    }
  });
  return attrs.name ?? fromId ?? '';
}
