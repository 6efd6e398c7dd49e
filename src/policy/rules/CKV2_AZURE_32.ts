import { PolicyLevel } from '../api';
import { PolicyRule, compliant, nonCompliant, notApplicable } from '../rule';
import { connected } from './connections';

/**
 * checkov CKV2_AZURE_32 (graph check AzureKeyVaultConfigPrivateEndpoint): a key vault is connected
 * to an `azurerm_private_endpoint` of the same stack. @internal
 */
export const CKV2_AZURE_32: PolicyRule = {
  id: 'CKV2_AZURE_32',
  level: PolicyLevel.WARNING,
  description: 'Key vaults are reached through a private endpoint.',
  fix: 'add an azurerm_private_endpoint whose private_service_connection targets the vault (subresource vault)',
  appliesTo: ['azurerm_key_vault'],
  check(subject, index) {
    if (subject.kind !== 'resource') return notApplicable();
    return connected(index, subject.element, ['azurerm_private_endpoint']).length > 0 ? compliant() : nonCompliant('no azurerm_private_endpoint in the stack refers to the vault');
  },
};
