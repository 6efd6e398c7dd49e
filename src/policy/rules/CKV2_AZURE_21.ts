import { PolicyLevel } from '../api';
import { PolicyRule, compliant, nonCompliant, notApplicable, shown } from '../rule';
import { connected } from './connections';

/**
 * checkov CKV2_AZURE_21 (graph check StorageLoggingIsEnabledForBlobService): a blob container's
 * account (a resource of the same stack the container refers to) is connected to an
 * `azurerm_log_analytics_storage_insights` that names blob containers, and the container's
 * access type is private or blob. checkov accepts nothing else (a diagnostic setting on the blob
 * service does not count), so a container whose account is imported or named literally fails too. @internal
 */
export const CKV2_AZURE_21: PolicyRule = {
  id: 'CKV2_AZURE_21',
  level: PolicyLevel.WARNING,
  description: "Blob containers' storage accounts log blob reads to Log Analytics (storage insights).",
  fix: 'add an azurerm_log_analytics_storage_insights for the account with blob_container_names (it needs the account key), or suppress with the way blob reads are logged instead (diagnostic settings)',
  appliesTo: ['azurerm_storage_container'],
  check(subject, index) {
    if (subject.kind !== 'resource') return notApplicable();
    const config = subject.element.config;
    const access = config.container_access_type;
    if (access !== 'private' && access !== 'blob') {
      return nonCompliant(`container_access_type is ${shown(access)} (checkov requires 'private' or 'blob')`);
    }
    const accounts = connected(index, subject.element, ['azurerm_storage_account']);
    if (accounts.length === 0) return nonCompliant('the container refers to no storage account of this stack, so no storage insights can be connected');
    const logged = accounts.some((account) =>
      connected(index, account, ['azurerm_log_analytics_storage_insights']).some((insights) => {
        const names = insights.config.blob_container_names;
        return names !== undefined && names !== null;
      }),
    );
    return logged ? compliant() : nonCompliant('no azurerm_log_analytics_storage_insights with blob_container_names refers to the account');
  },
};
