import { PolicyLevel } from '../api';
import { PolicyRule, RuleStatus, valueRule } from '../rule';

const NAMESPACE = ['azurerm_servicebus_namespace'];

/** Service Bus namespace rules (checkov ids). @internal */
export const SERVICE_BUS_RULES: PolicyRule[] = [
  valueRule({
    id: 'CKV_AZURE_199',
    level: PolicyLevel.WARNING,
    description: 'Service Bus namespaces use double encryption (infrastructure encryption with a customer-managed key).',
    fix: 'use a Premium namespace with a customer_managed_key block setting infrastructure_encryption_enabled = true',
    types: NAMESPACE,
    path: 'customer_managed_key/infrastructure_encryption_enabled',
    expected: [true],
    whenMissing: RuleStatus.NON_COMPLIANT,
  }),
  valueRule({
    id: 'CKV_AZURE_201',
    level: PolicyLevel.WARNING,
    description: 'Service Bus namespaces encrypt data with a customer-managed key.',
    fix: 'use a Premium namespace with a customer_managed_key block (key_vault_key_id) and a managed identity that can read the key',
    types: NAMESPACE,
    path: 'customer_managed_key/key_vault_key_id',
    expected: 'ANY',
    whenMissing: RuleStatus.NON_COMPLIANT,
  }),
  valueRule({
    id: 'CKV_AZURE_202',
    level: PolicyLevel.WARNING,
    description: 'Service Bus namespaces have a managed identity.',
    fix: 'add an identity block (SystemAssigned or UserAssigned)',
    types: NAMESPACE,
    path: 'identity/type',
    expected: 'ANY',
    whenMissing: RuleStatus.NON_COMPLIANT,
  }),
  valueRule({
    id: 'CKV_AZURE_203',
    level: PolicyLevel.WARNING,
    description: 'Service Bus namespaces have local (SAS key) authentication disabled.',
    fix: 'set local_auth_enabled = false and use Entra ID (RBAC) for every client',
    types: NAMESPACE,
    path: 'local_auth_enabled',
    expected: [false],
    whenMissing: RuleStatus.NON_COMPLIANT,
  }),
  valueRule({
    id: 'CKV_AZURE_204',
    level: PolicyLevel.WARNING,
    description: 'Service Bus namespaces have public network access disabled.',
    fix: 'set public_network_access_enabled = false and reach the namespace through private endpoints',
    types: NAMESPACE,
    path: 'public_network_access_enabled',
    expected: [false],
    whenMissing: RuleStatus.NON_COMPLIANT,
  }),
  valueRule({
    id: 'CKV_AZURE_205',
    level: PolicyLevel.ERROR,
    description: 'Service Bus namespaces accept TLS 1.2 or later only.',
    fix: "set minimum_tls_version = '1.2'",
    types: NAMESPACE,
    path: 'minimum_tls_version',
    expected: ['1.2', '1.3'],
    whenMissing: RuleStatus.NON_COMPLIANT,
    missingLevel: PolicyLevel.WARNING,
  }),
];
