import { PolicyLevel } from '../api';
import { PolicyRule, asBoolean, compliant, isExpression, nonCompliant, notApplicable } from '../rule';

/** Azure Relay rules (the library's: checkov has none). @internal */
export const RELAY_RULES: PolicyRule[] = [
  {
    id: 'DV_RELAY_CLIENT_AUTH',
    level: PolicyLevel.ERROR,
    description: 'Relay hybrid connections require client authorization (senders present a key or token).',
    fix: 'set requires_client_authorization = true (or leave it unset: the provider default is true)',
    appliesTo: ['azurerm_relay_hybrid_connection'],
    check(subject) {
      if (subject.kind !== 'resource') return notApplicable();
      const value = subject.element.config.requires_client_authorization;
      if (isExpression(value)) return notApplicable();
      return asBoolean(value) === false ? nonCompliant('requires_client_authorization is false: anyone who knows the address can send') : compliant();
    },
  },
  {
    id: 'DV_RELAY_KEY_SEPARATION',
    level: PolicyLevel.WARNING,
    description: 'Relay authorization rules grant Send or Listen, not both (the sender and the listener hold different keys).',
    fix: 'create one rule with send = true for the sender (Dataverse) and another with listen = true for the listener',
    appliesTo: ['azurerm_relay_hybrid_connection_authorization_rule', 'azurerm_relay_namespace_authorization_rule'],
    check(subject) {
      if (subject.kind !== 'resource') return notApplicable();
      const { send, listen } = subject.element.config;
      return asBoolean(send) === true && asBoolean(listen) === true ? nonCompliant('the rule grants both send and listen') : compliant();
    },
  },
];
