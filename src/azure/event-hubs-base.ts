// What the Event Hubs blocks share (not exported from src/index.ts): the data roles and grants,
// the tier limits, the reading of imported resource ids, and the consumer groups each hub has.
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { grantRole } from './grants';
import { GrantOptions } from './grants-api';
import { NameRule } from './naming';
import { addValidator, isUnresolved, quote } from '../core/problems';

/**
 * Built-in data roles of Event Hubs (Microsoft Learn, "Authorize access to Event Hubs resources
 * using Microsoft Entra ID", built-in roles and resource scope).
 * @internal
 */
export const EVENT_HUBS_ROLES = {
  sender: 'Azure Event Hubs Data Sender',
  receiver: 'Azure Event Hubs Data Receiver',
};

/**
 * Limits per tier (Microsoft Learn, "Azure Event Hubs quotas and limits"): partitions per event
 * hub, retention days, consumer groups per event hub ('$Default' included).
 * @internal
 */
export const EVENT_HUBS_LIMITS: { [sku: string]: { partitions: number; retentionDays: number; consumerGroups: number } } = {
  Standard: { partitions: 32, retentionDays: 7, consumerGroups: 20 },
  Premium: { partitions: 100, retentionDays: 90, consumerGroups: 100 },
  Dedicated: { partitions: 1024, retentionDays: 90, consumerGroups: 1000 },
};

/**
 * `grantSend` and `grantReceive` for the Event Hubs resources a role can be scoped to (namespace,
 * event hub). `_grantScopeId` is the resource id the role is scoped to.
 * @internal
 */
export abstract class EventHubsGrantable extends Construct {
  /** @internal */
  protected abstract readonly _grantScopeId: string;

  /**
   * Grants "Azure Event Hubs Data Sender" scoped to this resource, and returns the role
   * assignment. A repeated grant returns the first.
   */
  public grantSend(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return grantRole(this, 'send', EVENT_HUBS_ROLES.sender, this._grantScopeId, principalId, options);
  }

  /**
   * Grants "Azure Event Hubs Data Receiver" scoped to this resource, and returns the role
   * assignment. A repeated grant returns the first.
   */
  public grantReceive(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return grantRole(this, 'receive', EVENT_HUBS_ROLES.receiver, this._grantScopeId, principalId, options);
  }
}

/**
 * Azure's rule for blob container names (Microsoft Learn, "Naming and referencing containers,
 * blobs, and metadata"), for the capture container.
 * @internal
 */
export const BLOB_CONTAINER_RULE: NameRule = {
  kind: 'blob container name',
  min: 3,
  max: 63,
  pattern: /^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/,
  describe: 'lowercase letters, digits and single hyphens, starting and ending with a letter or digit',
};

const PROVIDER = 'Microsoft.EventHub';

/**
 * The names in a literal Event Hubs resource id, outermost first, or undefined when the id is not
 * of that kind. `kinds` are the type segments below the provider, as in the import sections of
 * the azurerm documentation: `['namespaces', 'eventhubs']` reads
 * `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.EventHub/namespaces/<ns>/eventhubs/<hub>`.
 * @internal
 */
export function eventHubsIdNames(id: string, kinds: string[]): string[] | undefined {
  const nested = kinds.map((k) => `${k}/([^/]+)`).join('/');
  const m = new RegExp(`^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${PROVIDER}/${nested}$`, 'i').exec(id);
  return m ? m.slice(1) : undefined;
}

/** What an importer reads from its attributes. @internal */
export interface ImportedEventHubsId {
  /** The importer, for messages: `EventHub.fromEventHubAttributes`. */
  readonly importer: string;
  readonly idProp: string;
  readonly id: string;
  readonly nameProp: string;
  readonly name?: string;
  /** Type segments below Microsoft.EventHub: `['namespaces', 'eventhubs']`. */
  readonly kinds: string[];
  /** The parent's prop and literal-or-reference id, for a nested resource. */
  readonly parentProp?: string;
  readonly parentId?: string;
}

/**
 * The name of an imported Event Hubs resource: the given name, else the last name of its literal
 * id. Reports at synth: a literal id of another kind, a Terraform-reference id without the name
 * (Dataverse's service endpoint needs the literal name at synth), a name the id contradicts, and
 * an id that is not below its literal parent id.
 * @internal
 */
export function importedEventHubsName(scope: Construct, attrs: ImportedEventHubsId): string {
  const names = isUnresolved(attrs.id) ? undefined : eventHubsIdNames(attrs.id, attrs.kinds);
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
        `${attrs.idProp} ${quote(attrs.id)} is not the resource id of a ${[PROVIDER, ...attrs.kinds].join('/')}. Fix: pass '/subscriptions/<id>/resourceGroups/<group>/providers/${PROVIDER}/${example}' (a data source's id fits).`,
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
      problems.check(
        parent.toLowerCase() === attrs.parentId.toLowerCase(),
        `${attrs.idProp} ${quote(attrs.id)} is not inside ${attrs.parentProp} (${quote(attrs.parentId)}). Fix: import it with the ${attrs.parentProp} it belongs to.`,
      );
    }
  });
  return attrs.name ?? fromId ?? '';
}

/**
 * The consumer group names this stack adds to each event hub (a hub of the stack or an imported
 * one), in order: the hub checks their number against its tier, each group its own uniqueness.
 * @internal
 */
export const CONSUMER_GROUPS = new WeakMap<object, string[]>();

/** Registers a consumer group name on a hub; returns the names registered before it. @internal */
export function registerConsumerGroup(hub: object, name: string): string[] {
  const names = CONSUMER_GROUPS.get(hub) ?? [];
  CONSUMER_GROUPS.set(hub, [...names, name]);
  return names;
}

/**
 * The name of a hub as its rules and consumer groups refer to it: a created hub's name attribute
 * (so that Terraform creates the hub first), else the literal name.
 * @internal
 */
export function hubNameReference(hub: { readonly eventHubName: string }): string {
  return (hub as { readonly _nameReference?: string })._nameReference ?? hub.eventHubName;
}
