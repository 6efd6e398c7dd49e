import { PolicyLevel } from '../api';
import { PolicyRule, attr, compliant, nonCompliant, notApplicable } from '../rule';
import { connected } from './connections';

/**
 * checkov CKV2_AZURE_1 (graph check StorageCriticalDataEncryptedCMK): a storage account is encrypted
 * with a customer-managed key, set inline (`customer_managed_key.key_vault_key_id`) or by a
 * connected `azurerm_storage_account_customer_managed_key`. @internal
 */
export const CKV2_AZURE_1: PolicyRule = {
  id: 'CKV2_AZURE_1',
  level: PolicyLevel.WARNING,
  description: 'Storage accounts encrypt data with a customer-managed key.',
  fix: 'set customer_managed_key (key_vault_key_id and user_assigned_identity_id) or add an azurerm_storage_account_customer_managed_key for the account',
  appliesTo: ['azurerm_storage_account'],
  check(subject, index) {
    if (subject.kind !== 'resource') return notApplicable();
    const keyId = attr(subject.element.config, 'customer_managed_key/key_vault_key_id');
    if (keyId !== undefined && keyId !== null) return compliant();
    if (connected(index, subject.element, ['azurerm_storage_account_customer_managed_key']).length > 0) return compliant();
    return nonCompliant('no customer-managed key: customer_managed_key is not set and no azurerm_storage_account_customer_managed_key refers to the account');
  },
};
