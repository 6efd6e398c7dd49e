import { PolicyLevel } from '../api';
import { PolicyRule, attr, compliant, nonCompliant, notApplicable } from '../rule';

/**
 * checkov CKV2_AZURE_38 (graph check AzureStorageAccountEnableSoftDelete): a storage account has a
 * `blob_properties.delete_retention_policy` block (any block passes: the provider's default is
 * 7 days). checkov's condition also fails FileStorage accounts, which have no blob service: the
 * finding says so, to be suppressed with that reason. @internal
 */
export const CKV2_AZURE_38: PolicyRule = {
  id: 'CKV2_AZURE_38',
  level: PolicyLevel.WARNING,
  description: 'Storage accounts keep deleted blobs for a while (blob soft delete).',
  fix: 'set blob_properties.delete_retention_policy (days 1-365, e.g. 7)',
  appliesTo: ['azurerm_storage_account'],
  check(subject) {
    if (subject.kind !== 'resource') return notApplicable();
    const config = subject.element.config;
    const kind = config.account_kind;
    if (typeof kind === 'string' && kind.toLowerCase() === 'filestorage') {
      return nonCompliant('account_kind is FileStorage, which checkov fails regardless (no blob service): suppress with that reason');
    }
    const policy = attr(config, 'blob_properties/delete_retention_policy');
    if (policy !== undefined && policy !== null) return compliant();
    return nonCompliant('blob_properties.delete_retention_policy is not set: deleted blobs are gone at once');
  },
};
