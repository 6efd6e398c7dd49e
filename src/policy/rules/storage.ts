import { PolicyLevel } from '../api';
import { PolicyIndex, PolicyRule, RuleStatus, TfElement, asBoolean, attr, block, compliant, isExpression, nonCompliant, notApplicable, shown, valueRule } from '../rule';

const ACCOUNT = ['azurerm_storage_account'];

/** A separate resource (network rules, queue properties) that configures this account, by reference. */
function configuring(index: PolicyIndex, account: TfElement, type: string): TfElement | undefined {
  return index.referrers(account.address, [type])[0];
}

function queueLoggingOn(logging: any): boolean {
  return logging !== undefined && ['delete', 'read', 'write'].every((k) => asBoolean(logging[k]) === true);
}

/** Storage account rules (checkov ids). @internal */
export const STORAGE_RULES: PolicyRule[] = [
  valueRule({
    id: 'CKV_AZURE_3',
    level: PolicyLevel.ERROR,
    description: 'Storage accounts require secure transfer (HTTPS only).',
    fix: 'set https_traffic_only_enabled = true',
    types: ACCOUNT,
    path: 'https_traffic_only_enabled',
    expected: [true],
    whenMissing: RuleStatus.NON_COMPLIANT,
    missingLevel: PolicyLevel.WARNING,
  }),
  {
    id: 'CKV_AZURE_33',
    level: PolicyLevel.WARNING,
    description: 'Storage accounts log read, write and delete requests of the Queue service.',
    fix: 'set queue_properties.logging with read, write and delete = true (or an azurerm_storage_account_queue_properties resource)',
    appliesTo: ACCOUNT,
    check(subject, index) {
      if (subject.kind !== 'resource') return notApplicable();
      const config = subject.element.config;
      const kind = config.account_kind;
      if (kind !== undefined && kind !== 'Storage' && kind !== 'StorageV2') return notApplicable(`account_kind ${kind} has no Queue service`);
      if (queueLoggingOn(attr(config, 'queue_properties/logging'))) return compliant();
      const separate = configuring(index, subject.element, 'azurerm_storage_account_queue_properties');
      if (separate && queueLoggingOn(block(separate.config, 'logging'))) return compliant();
      return nonCompliant('queue logging of read, write and delete requests is not on');
    },
  },
  {
    id: 'CKV_AZURE_35',
    level: PolicyLevel.WARNING,
    description: 'Storage accounts deny network access by default (network_rules.default_action = Deny).',
    fix: "set network_rules.default_action = 'Deny' and allow the subnets, IP ranges or trusted services that need access",
    appliesTo: [...ACCOUNT, 'azurerm_storage_account_network_rules'],
    check(subject, index) {
      if (subject.kind !== 'resource') return notApplicable();
      const { type, config } = subject.element;
      let action = type === 'azurerm_storage_account_network_rules' ? config.default_action : attr(config, 'network_rules/default_action');
      if (action === undefined && type === 'azurerm_storage_account') {
        action = configuring(index, subject.element, 'azurerm_storage_account_network_rules')?.config.default_action;
      }
      if (action === undefined) return notApplicable('no network rules');
      if (isExpression(action)) return notApplicable();
      return action === 'Deny' ? compliant() : nonCompliant(`network_rules.default_action is ${shown(action)}`);
    },
  },
  valueRule({
    id: 'CKV_AZURE_44',
    level: PolicyLevel.ERROR,
    description: 'Storage accounts accept TLS 1.2 or later only.',
    fix: "set min_tls_version = 'TLS1_2'",
    types: ACCOUNT,
    path: 'min_tls_version',
    expected: ['TLS1_2', 'TLS1_3'],
    whenMissing: RuleStatus.NON_COMPLIANT,
    missingLevel: PolicyLevel.WARNING,
  }),
  valueRule({
    id: 'CKV_AZURE_59',
    level: PolicyLevel.WARNING,
    description: 'Storage accounts have public network access disabled.',
    fix: 'set public_network_access_enabled = false and reach the account through private endpoints',
    types: ACCOUNT,
    path: 'public_network_access_enabled',
    expected: [false],
    whenMissing: RuleStatus.NON_COMPLIANT,
  }),
  valueRule({
    id: 'CKV_AZURE_190',
    level: PolicyLevel.ERROR,
    description: 'Storage accounts do not allow anonymous (public) access to blobs and containers.',
    fix: 'set allow_nested_items_to_be_public = false',
    types: ACCOUNT,
    path: 'allow_nested_items_to_be_public',
    expected: [false],
    whenMissing: RuleStatus.NON_COMPLIANT,
    missingLevel: PolicyLevel.WARNING,
  }),
  valueRule({
    id: 'CKV_AZURE_206',
    level: PolicyLevel.WARNING,
    description: 'Storage accounts replicate to a second region (GRS, RAGRS, GZRS or RAGZRS).',
    fix: "set account_replication_type = 'GZRS' (or GRS, RAGRS, RAGZRS)",
    types: ACCOUNT,
    path: 'account_replication_type',
    expected: ['GRS', 'RAGRS', 'GZRS', 'RAGZRS'],
    whenMissing: RuleStatus.NON_COMPLIANT,
  }),
  valueRule({
    id: 'CKV2_AZURE_40',
    level: PolicyLevel.WARNING,
    description: 'Storage accounts do not accept Shared Key authorization.',
    fix: 'set shared_access_key_enabled = false and use Entra ID (for a Function App: storage_uses_managed_identity)',
    types: ACCOUNT,
    path: 'shared_access_key_enabled',
    expected: [false],
    whenMissing: RuleStatus.NON_COMPLIANT,
  }),
];
