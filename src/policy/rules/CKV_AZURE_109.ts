import { PolicyLevel } from '../api';
import { PolicyRule, attr, compliant, isExpression, nonCompliant, notApplicable, shown } from '../rule';

/**
 * checkov CKV_AZURE_109 (KeyVaultEnablesFirewallRulesSettings): a key vault's firewall denies by
 * default (`network_acls.default_action = 'Deny'`, compared exactly; no block fails). @internal
 */
export const CKV_AZURE_109: PolicyRule = {
  id: 'CKV_AZURE_109',
  level: PolicyLevel.WARNING,
  description: 'Key vaults deny network access by default (network_acls.default_action = Deny).',
  fix: "set network_acls { default_action = 'Deny', bypass = 'AzureServices' } and allow the ip_rules or subnets that must reach the vault (a Function App's Key Vault references need a virtual network)",
  appliesTo: ['azurerm_key_vault'],
  check(subject) {
    if (subject.kind !== 'resource') return notApplicable();
    const action = attr(subject.element.config, 'network_acls/default_action');
    if (action === undefined || action === null) return nonCompliant('network_acls is not set: the vault accepts every network');
    if (isExpression(action)) return notApplicable('network_acls.default_action is an expression');
    return action === 'Deny' ? compliant() : nonCompliant(`network_acls.default_action is ${shown(action)}`);
  },
};
