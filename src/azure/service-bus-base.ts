// What the Service Bus blocks share (not exported from src/index.ts): the data roles, the grant
// methods.
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { grantRole } from './grants';
import { GrantOptions } from './grants-api';

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

/** Resource provider of the Service Bus ids. @internal */
export const SERVICE_BUS_PROVIDER = 'Microsoft.ServiceBus';
