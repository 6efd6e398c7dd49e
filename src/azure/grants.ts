import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { shortHash } from '../core/ids';
import { GrantOptions } from './grants-api';
import { addValidator, isUnresolved, quote } from '../core/problems';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const PRINCIPAL_TYPES = ['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'];

/**
 * Adds an Azure RBAC role assignment of a built-in role, scoped to one resource, and returns it.
 * Shared by every pattern's grant* method.
 * @internal
 */
export function grantRole(
  scope: Construct,
  prefix: string,
  role: string,
  resourceId: string,
  principalId: string,
  options: GrantOptions = {},
): RoleAssignment {
  const taken = scope.node.children.filter((c) => c.node.id.startsWith(`${prefix}-`)).length;
  const wanted = options.id ?? `${prefix}-${isUnresolved(principalId) ? taken + 1 : shortHash(principalId.toLowerCase(), 8)}`;
  // A second grant of the same role to the same principal is reported at synth, not thrown here.
  const repeated = scope.node.tryFindChild(wanted) !== undefined;
  const id = repeated ? `${wanted}-repeat-${taken + 1}` : wanted;
  const assignment = new RoleAssignment(scope, id, {
    scope: resourceId,
    roleDefinitionName: role,
    principalId,
    principalType: options.principalType,
    description: options.description ?? `${role} for ${scope.node.path} (cdktf-dataverse)`,
  });
  addValidator(assignment, (problems) => {
    problems.check(
      !repeated,
      `${role} is granted twice with the id ${quote(wanted)} (same principal). Fix: grant each principal once, or pass a distinct options.id.`,
    );
    if (!isUnresolved(principalId)) {
      problems.check(
        GUID.test(principalId),
        `principalId ${quote(principalId)} is not a GUID. Fix: pass the object id of the user, group, managed identity or service principal (not its name or client id).`,
      );
    }
    if (options.principalType !== undefined && !isUnresolved(options.principalType)) {
      problems.check(
        PRINCIPAL_TYPES.includes(options.principalType),
        `principalType ${quote(options.principalType)} is not one of ${PRINCIPAL_TYPES.join(', ')}. Fix: use one of them or omit it.`,
      );
    }
  });
  return assignment;
}
