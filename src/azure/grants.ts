import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { GrantOptions } from './grants-api';
import { shortHash } from '../core/ids';
import { addValidator, isUnresolved, quote } from '../core/problems';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const PRINCIPAL_TYPES = ['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'];

/** The role assignments each stack holds, by (role, scope, principal). */
const ASSIGNMENTS = new WeakMap<TerraformStack, Map<string, RoleAssignment>>();

/**
 * Adds an Azure RBAC role assignment of a built-in role, scoped to one resource, and returns it.
 * Shared by every block's and pattern's grant* method.
 *
 * A second grant of the same role on the same scope to the same principal returns the first
 * assignment instead of adding another (Azure rejects a duplicate with RoleAssignmentExists).
 * Scope and principal compare as written: the same Terraform reference, or the same literal
 * (principal ids without regard to case).
 * @internal
 */
export function grantRole(scope: Construct, prefix: string, role: string, resourceId: string, principalId: string, options: GrantOptions = {}): RoleAssignment {
  const stack = TerraformStack.of(scope);
  let assignments = ASSIGNMENTS.get(stack);
  if (!assignments) ASSIGNMENTS.set(stack, (assignments = new Map()));
  const principal = isUnresolved(principalId) ? principalId : String(principalId).toLowerCase();
  const key = `${role}\n${resourceId}\n${principal}`;
  const existing = assignments.get(key);
  if (existing) return existing;

  const taken = scope.node.children.filter((c) => c.node.id.startsWith(`${prefix}-`)).length;
  const id = options.id ?? `${prefix}-${isUnresolved(principalId) ? taken + 1 : shortHash(principal, 8)}`;
  if (scope.node.tryFindChild(id) !== undefined) {
    throw new Error(`${scope.node.path}: the role assignment id ${quote(id)} is taken (${role} for principal ${quote(principalId)}). Fix: pass a distinct options.id.`);
  }
  const assignment = new RoleAssignment(scope, id, {
    scope: resourceId,
    roleDefinitionName: role,
    principalId,
    principalType: options.principalType,
    description: options.description ?? `${role} for ${scope.node.path} (cdktf-dataverse)`,
  });
  assignments.set(key, assignment);
  addValidator(assignment, (problems) => {
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
