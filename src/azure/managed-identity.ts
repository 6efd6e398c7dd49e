// A user-assigned managed identity. Sources: azurerm 4.55 documentation of
// azurerm_user_assigned_identity (attributes id, principal_id, client_id, tenant_id; import id
// `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`);
// Microsoft Learn, "Naming rules and restrictions for Azure resources" (userAssignedIdentities:
// 3–128 characters, alphanumerics, hyphens and underscores, starting with a letter or digit).
import { UserAssignedIdentity as UserAssignedIdentityResource } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { checkImportedId, requireProps } from './imports';
import { checkName, generateName, NameRule } from './naming';
import { ResourceGroupReference } from './resource-group';
import { resourceGroupOfId, resourceNameOfId } from './resource-id';
import { checkTags } from './tags';
import { Problems, addValidator, isUnresolved, quote } from '../core/problems';

/** Azure's naming rule for user-assigned identities. */
const IDENTITY_NAME: NameRule = {
  kind: 'user-assigned identity name',
  min: 3,
  max: 128,
  pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/,
  describe: 'letters, digits, hyphens and underscores, starting with a letter or digit',
};

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * A user-assigned managed identity: one this stack creates, or one that exists
 * (`UserAssignedIdentity.fromUserAssignedIdentityAttributes`). Grant it roles with the other
 * blocks' `grant*(identity.principalId)`; clients that pick one of several identities name it by
 * `clientId`.
 */
export interface IUserAssignedIdentity {
  /** Resource id (what a service's `identity_ids` lists). */
  readonly userAssignedIdentityId: string;
  /** Identity name. */
  readonly userAssignedIdentityName: string;
  /** Resource group of the identity. */
  readonly resourceGroupName: string;
  /** Object id of its service principal: the principal of role assignments. */
  readonly principalId: string;
  /** Client (application) id: what a client asks a token for, and a Dataverse application user's `applicationid`. */
  readonly clientId: string;
}

/** Attributes of a user-assigned identity that exists. A data source of one fits. */
export interface UserAssignedIdentityAttributes {
  /** Resource id: `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`. */
  readonly userAssignedIdentityId: string;
  /** Object id of its service principal (a GUID). */
  readonly principalId: string;
  /** Client (application) id (a GUID; not the principal id). */
  readonly clientId: string;
}

/** How a user-assigned identity is created: the options a pattern passes through. */
export interface UserAssignedIdentityOptions {
  /**
   * Identity name (3–128 letters, digits, hyphens, underscores).
   * @default - generated from the construct path
   */
  readonly name?: string;
}

/** Properties of a UserAssignedIdentity. */
export interface UserAssignedIdentityProps extends UserAssignedIdentityOptions {
  /** Resource group (name and location) of the identity. */
  readonly resourceGroup: ResourceGroupReference;
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/**
 * A user-assigned managed identity (there is nothing to harden on the identity itself: what it
 * may do is the role assignments given to its principal).
 *
 * Default settings:
 * - A generated, deterministic name (`name` overrides), in the given resource group and location.
 * - No role assignment: grant what it needs with the other blocks' `grant*` methods.
 */
export class UserAssignedIdentity extends Construct implements IUserAssignedIdentity {
  /** Imports a user-assigned identity that exists. */
  public static fromUserAssignedIdentityAttributes(scope: Construct, id: string, attrs: UserAssignedIdentityAttributes): IUserAssignedIdentity {
    return new ImportedUserAssignedIdentity(scope, id, attrs);
  }

  public readonly userAssignedIdentityId: string;
  public readonly userAssignedIdentityName: string;
  public readonly resourceGroupName: string;
  public readonly principalId: string;
  public readonly clientId: string;
  /** Entra ID tenant of the identity (known after deploy). */
  public readonly tenantId: string;
  /** The azurerm_user_assigned_identity resource. */
  public readonly resource: UserAssignedIdentityResource;

  constructor(scope: Construct, id: string, props: UserAssignedIdentityProps) {
    super(scope, id);
    requireProps(this, 'UserAssignedIdentity', props, ['resourceGroup']);
    this.userAssignedIdentityName = props.name ?? generateName(this, IDENTITY_NAME, 'id', this.node.path);
    // 'Default' keeps the Terraform address of the identity that of this construct.
    this.resource = new UserAssignedIdentityResource(this, 'Default', {
      name: this.userAssignedIdentityName,
      location: props.resourceGroup.location,
      resourceGroupName: props.resourceGroup.name,
      tags: props.tags,
    });
    this.userAssignedIdentityId = this.resource.id;
    this.resourceGroupName = props.resourceGroup.name;
    this.principalId = this.resource.principalId;
    this.clientId = this.resource.clientId;
    this.tenantId = this.resource.tenantId;
    addValidator(this, (problems) => checkTags(problems, 'tags', props.tags));
    addValidator(this, (problems) => checkName(problems, IDENTITY_NAME, 'name', props.name));
  }
}

class ImportedUserAssignedIdentity extends Construct implements IUserAssignedIdentity {
  public readonly userAssignedIdentityId: string;
  public readonly userAssignedIdentityName: string;
  public readonly resourceGroupName: string;
  public readonly principalId: string;
  public readonly clientId: string;

  constructor(scope: Construct, id: string, attrs: UserAssignedIdentityAttributes) {
    super(scope, id);
    requireProps(this, 'UserAssignedIdentity.fromUserAssignedIdentityAttributes', attrs, ['userAssignedIdentityId', 'principalId', 'clientId']);
    this.userAssignedIdentityId = attrs.userAssignedIdentityId;
    this.userAssignedIdentityName = resourceNameOfId(attrs.userAssignedIdentityId);
    this.resourceGroupName = resourceGroupOfId(attrs.userAssignedIdentityId) ?? '';
    this.principalId = attrs.principalId;
    this.clientId = attrs.clientId;
    checkImportedId(this, 'userAssignedIdentityId', attrs.userAssignedIdentityId, 'Microsoft.ManagedIdentity/userAssignedIdentities');
    addValidator(this, (problems) => {
      checkGuid(problems, 'clientId', attrs.clientId, "the identity's client id (not its principal id or name)");
      checkGuid(problems, 'principalId', attrs.principalId, "the object id of the identity's service principal (not its client id or name)");
      if (!isUnresolved(attrs.clientId) && !isUnresolved(attrs.principalId)) {
        problems.check(
          attrs.clientId.toLowerCase() !== attrs.principalId.toLowerCase(),
          `clientId and principalId are both ${quote(attrs.clientId)}: an identity's client id and principal id differ. Fix: copy both from the identity's overview page (or a data source's client_id and principal_id).`,
        );
      }
    });
  }
}

function checkGuid(problems: Problems, prop: string, value: string, what: string): void {
  if (isUnresolved(value)) return;
  problems.check(GUID.test(value), `${prop} ${quote(value)} is not a GUID. Fix: pass ${what}.`);
}
