import { PolicyLevel } from '../api';
import { PolicyRule, asBoolean, attr, compliant, isExpression, nonCompliant, notApplicable } from '../rule';

/**
 * checkov CKV2_AZURE_41 (graph check AzureStorageAccConfig_SAS_expirePolicy): a storage account
 * either turns Shared Key off (`shared_access_key_enabled = false`, then no SAS can be signed with
 * the account key) or sets it to true explicitly with `sas_policy.expiration_period`. Unset
 * counts as on without a policy (the provider's default is true). @internal
 */
export const CKV2_AZURE_41: PolicyRule = {
  id: 'CKV2_AZURE_41',
  level: PolicyLevel.WARNING,
  description: 'Storage accounts that accept Shared Key have a SAS expiration policy.',
  fix: "set shared_access_key_enabled = false, or shared_access_key_enabled = true with sas_policy.expiration_period (e.g. '1.00:00:00')",
  appliesTo: ['azurerm_storage_account'],
  check(subject) {
    if (subject.kind !== 'resource') return notApplicable();
    const config = subject.element.config;
    const sharedKey = config.shared_access_key_enabled;
    if (isExpression(sharedKey)) return notApplicable('shared_access_key_enabled is an expression');
    if (asBoolean(sharedKey) === false) return compliant();
    const period = attr(config, 'sas_policy/expiration_period');
    if (sharedKey === undefined) {
      return nonCompliant('shared_access_key_enabled is not set (the provider default is true) and checkov requires it false, or true with sas_policy.expiration_period');
    }
    if (typeof period === 'string' && period.length > 0) return compliant();
    return nonCompliant('Shared Key is on and sas_policy.expiration_period is not set: account SAS tokens never expire by policy');
  },
};
