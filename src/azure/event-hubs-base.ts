// What the Event Hubs blocks share (not exported from src/index.ts): the data roles and grants,
// the tier limits, and the consumer groups each hub has.
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { grantRole } from './grants';
import { GrantOptions } from './grants-api';
import { NameRule } from './naming';

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

/** Resource provider of the Event Hubs ids. @internal */
export const EVENT_HUBS_PROVIDER = 'Microsoft.EventHub';

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
