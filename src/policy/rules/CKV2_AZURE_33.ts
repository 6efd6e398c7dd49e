import { PolicyLevel } from '../api';
import { PolicyRule, compliant, nonCompliant, notApplicable } from '../rule';
import { connected } from './connections';

/**
 * checkov CKV2_AZURE_33 (graph check AzureStorageAccConfigWithPrivateEndpoint): a storage account
 * is connected to an `azurerm_private_endpoint` of the same stack. @internal
 */
export const CKV2_AZURE_33: PolicyRule = {
  id: 'CKV2_AZURE_33',
  level: PolicyLevel.WARNING,
  description: 'Storage accounts are reached through a private endpoint.',
  fix: 'add an azurerm_private_endpoint whose private_service_connection targets the account (subresource blob, queue, ... as needed)',
  appliesTo: ['azurerm_storage_account'],
  check(subject, index) {
    if (subject.kind !== 'resource') return notApplicable();
    return connected(index, subject.element, ['azurerm_private_endpoint']).length > 0
      ? compliant()
      : nonCompliant('no azurerm_private_endpoint in the stack refers to the account');
  },
};
