// What the Service Bus blocks share (not exported from src/index.ts): the data roles, the grant
// methods, and the reading of imported resource ids.
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { grantRole } from './grants';
import { GrantOptions } from './grants-api';
import { addValidator, isUnresolved, quote } from '../core/problems';

/**
 * Built-in data roles of Service Bus. Microsoft Learn, "Authenticate and authorize an application
 * with Microsoft Entra ID to access Azure Service Bus entities": a role can be scoped to the
 * namespace or to one entity (queue, topic or subscription).
 * @internal
 */
export const SERVICE_BUS_ROLES = {
  sender: 'Azure Service Bus Data Sender',
  receiver: 'Azure Service Bus Data Receiver',
};

/**
 * `grantReceive`, for every Service Bus resource a client reads from (namespace, queue, topic
 * subscription). `_grantScopeId` is the resource id the role is scoped to.
 * @internal
 */
export abstract class ServiceBusReceivable extends Construct {
  /** @internal */
  protected abstract readonly _grantScopeId: string;
  /**
   * Construct id prefix of the receive role assignments.
   * @internal
   */
  protected readonly _receivePrefix: string = 'receive';

  /**
   * Grants "Azure Service Bus Data Receiver" (receive, peek, complete, dead-letter) scoped to this
   * resource, and returns the role assignment. A repeated grant returns the first.
   */
  public grantReceive(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return grantRole(this, this._receivePrefix, SERVICE_BUS_ROLES.receiver, this._grantScopeId, principalId, options);
  }
}

/**
 * `grantSend` and `grantReceive`, for the resources a client sends to (namespace, queue, topic).
 * @internal
 */
export abstract class ServiceBusGrantable extends ServiceBusReceivable {
  /**
   * Grants "Azure Service Bus Data Sender" scoped to this resource, and returns the role
   * assignment. A repeated grant returns the first.
   */
  public grantSend(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return grantRole(this, 'send', SERVICE_BUS_ROLES.sender, this._grantScopeId, principalId, options);
  }
}

const SERVICE_BUS_PROVIDER = 'Microsoft.ServiceBus';

/**
 * The names in a literal Service Bus resource id, outermost first, or undefined when the id is not
 * of that kind. `kinds` are the id's resource type segments below the provider:
 * `['namespaces', 'topics', 'subscriptions']` reads
 * `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.ServiceBus/namespaces/<ns>/topics/<t>/subscriptions/<name>`
 * (the id format in the azurerm documentation's import sections) as `[ns, t, name]`.
 * @internal
 */
export function serviceBusIdNames(id: string, kinds: string[]): string[] | undefined {
  const nested = kinds.map((k) => `${k}/([^/]+)`).join('/');
  const m = new RegExp(`^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${SERVICE_BUS_PROVIDER}/${nested}$`, 'i').exec(id);
  return m ? m.slice(1) : undefined;
}

/** What an importer reads from its attributes. @internal */
export interface ImportedIdentity {
  /** The importer, for messages: `ServiceBusQueue.fromServiceBusQueueAttributes`. */
  readonly importer: string;
  /** The id prop and its value. */
  readonly idProp: string;
  readonly id: string;
  /** The name prop and its value (optional when the id is a literal). */
  readonly nameProp: string;
  readonly name?: string;
  /** Resource type segments below Microsoft.ServiceBus: `['namespaces', 'queues']`. */
  readonly kinds: string[];
  /** The parent's prop and resource id, when the resource is nested (a queue in a namespace). */
  readonly parentProp?: string;
  readonly parentId?: string;
}

/**
 * The name of an imported Service Bus resource: the given name, else the last name in its literal
 * id. Reports, at synth, a literal id of another kind, a Terraform-reference id without a name
 * (the name goes into Dataverse's service endpoint and cannot be read from a reference at synth),
 * a name the literal id contradicts, and a literal id that is not below the literal parent id.
 * @internal
 */
export function importedName(scope: Construct, attrs: ImportedIdentity): string {
  const names = isUnresolved(attrs.id) ? undefined : serviceBusIdNames(attrs.id, attrs.kinds);
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
        `${attrs.idProp} ${quote(attrs.id)} is not the resource id of a ${[SERVICE_BUS_PROVIDER, ...attrs.kinds].join('/')}. Fix: pass '/subscriptions/<id>/resourceGroups/<group>/providers/${SERVICE_BUS_PROVIDER}/${example}'.`,
      );
      return;
    }
    if (attrs.name !== undefined && !isUnresolved(attrs.name)) {
      problems.check(
        attrs.name === fromId,
        `${attrs.nameProp} ${quote(attrs.name)} is not the name in ${attrs.idProp} (${quote(fromId)}). Fix: pass the name of that resource, or omit ${attrs.nameProp}.`,
      );
    }
    if (attrs.parentId !== undefined && !isUnresolved(attrs.parentId)) {
      const parent = attrs.id.slice(0, attrs.id.lastIndexOf('/', attrs.id.lastIndexOf('/') - 1));
      problems.check(
        parent.toLowerCase() === attrs.parentId.toLowerCase(),
        `${attrs.idProp} ${quote(attrs.id)} is not inside ${attrs.parentProp} (${quote(attrs.parentId)}). Fix: import the resource with the ${attrs.parentProp} it belongs to.`,
      );
    }
  });
  return attrs.name ?? fromId ?? '';
}
