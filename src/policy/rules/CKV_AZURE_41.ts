import { PolicyLevel } from '../api';
import { PolicyRule, compliant, nonCompliant, notApplicable } from '../rule';

/**
 * checkov CKV_AZURE_41 (SecretExpirationDate): a Key Vault secret has an `expiration_date`. Any
 * non-empty value passes, a Terraform expression too (checkov tests "any value" before it gives
 * up on expressions), so a date from a rotating time resource is compliant. @internal
 */
export const CKV_AZURE_41: PolicyRule = {
  id: 'CKV_AZURE_41',
  level: PolicyLevel.WARNING,
  description: 'Key Vault secrets have an expiration date.',
  fix: 'set expiration_date (RFC 3339), e.g. from a rotating time resource that also renews the secret, and document the rotation',
  appliesTo: ['azurerm_key_vault_secret'],
  check(subject) {
    if (subject.kind !== 'resource') return notApplicable();
    const value = subject.element.config.expiration_date;
    if (value === undefined || value === null || value === '') return nonCompliant('expiration_date is not set: the secret never expires');
    return compliant();
  },
};
