import { PolicyLevel } from '../api';
import { PolicyRule, RuleStatus, valueRule } from '../rule';

const NAMESPACE = ['azurerm_eventhub_namespace'];

/** Event Hubs namespace rules: checkov's TLS rule, and the library's for local auth and public access. @internal */
export const EVENT_HUBS_RULES: PolicyRule[] = [
  valueRule({
    id: 'CKV_AZURE_223',
    level: PolicyLevel.ERROR,
    description: 'Event Hubs namespaces accept TLS 1.2 or later only.',
    fix: "set minimum_tls_version = '1.2' (or leave it unset: the provider default is 1.2)",
    types: NAMESPACE,
    path: 'minimum_tls_version',
    expected: ['1.2', '1.3'],
    whenMissing: RuleStatus.COMPLIANT,
  }),
  valueRule({
    id: 'DV_EVENTHUB_LOCAL_AUTH',
    level: PolicyLevel.WARNING,
    description: 'Event Hubs namespaces have local (SAS key) authentication disabled.',
    fix: 'set local_authentication_enabled = false and use Entra ID (RBAC) for every client',
    types: NAMESPACE,
    path: 'local_authentication_enabled',
    expected: [false],
    whenMissing: RuleStatus.NON_COMPLIANT,
  }),
  valueRule({
    id: 'DV_EVENTHUB_PUBLIC_ACCESS',
    level: PolicyLevel.WARNING,
    description: 'Event Hubs namespaces have public network access disabled.',
    fix: 'set public_network_access_enabled = false and reach the namespace through private endpoints',
    types: NAMESPACE,
    path: 'public_network_access_enabled',
    expected: [false],
    whenMissing: RuleStatus.NON_COMPLIANT,
  }),
];
