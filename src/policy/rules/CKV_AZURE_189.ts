import { PolicyLevel } from '../api';
import { PolicyRule, asBoolean, block, compliant, isExpression, nonCompliant, notApplicable, shown } from '../rule';

function nonEmpty(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : typeof value === 'string' && value.length > 0;
}

/**
 * checkov CKV_AZURE_189 (KeyVaultDisablesPublicNetworkAccess): a key vault has public network access
 * off, or at least network_acls naming ip_rules or virtual_network_subnet_ids. @internal
 */
export const CKV_AZURE_189: PolicyRule = {
  id: 'CKV_AZURE_189',
  level: PolicyLevel.WARNING,
  description: 'Key vaults have public network access disabled (or restricted to listed IP ranges or subnets).',
  fix: 'set public_network_access_enabled = false and use a private endpoint, or list network_acls.ip_rules / virtual_network_subnet_ids',
  appliesTo: ['azurerm_key_vault'],
  check(subject) {
    if (subject.kind !== 'resource') return notApplicable();
    const config = subject.element.config;
    const publicAccess = config.public_network_access_enabled;
    if (isExpression(publicAccess)) return notApplicable('public_network_access_enabled is an expression');
    if (asBoolean(publicAccess) === false) return compliant();
    const acls = block(config, 'network_acls');
    if (acls && (nonEmpty(acls.ip_rules) || nonEmpty(acls.virtual_network_subnet_ids))) return compliant();
    return nonCompliant(`public_network_access_enabled is ${shown(publicAccess)} and network_acls lists no ip_rules or subnets`);
  },
};
