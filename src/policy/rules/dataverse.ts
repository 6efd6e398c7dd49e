import { ManifestRecord } from '../../dataverse/manifest';
import { PolicyLevel } from '../api';
import { PolicyIndex, PolicyRule, TfReference, asBoolean, compliant, nonCompliant, notApplicable, referencesIn } from '../rule';

/** Authorization rules of every messaging service, namespace or entity level. */
const AUTHORIZATION_RULES = [
  'azurerm_servicebus_namespace_authorization_rule',
  'azurerm_servicebus_queue_authorization_rule',
  'azurerm_servicebus_topic_authorization_rule',
  'azurerm_eventhub_namespace_authorization_rule',
  'azurerm_eventhub_authorization_rule',
  'azurerm_relay_namespace_authorization_rule',
  'azurerm_relay_hybrid_connection_authorization_rule',
];

/**
 * `serviceendpoint.contract` values whose endpoints accept asynchronous steps only (one-way relay,
 * Event Grid, data lake). Service Bus and Event Hubs take synchronous steps, with a warning.
 */
const ASYNC_ONLY_CONTRACTS = [1, 9, 10];
/** Contracts that send with a key of a messaging namespace (not webhooks, Event Grid, data lake). */
const KEYED_CONTRACTS = [1, 2, 3, 4, 5, 6, 7];
/** Columns of a service endpoint that carry its key. */
const KEY_COLUMNS = ['saskey', 'sastoken', 'authvalue'];

/**
 * Attributes that hold a secret: keys, connection strings, passwords (not `*_id`, not public keys).
 * @internal
 */
export function isSecretAttribute(ref: TfReference): boolean {
  if (ref.attribute === undefined) return false;
  if (ref.type === 'random_password' && ref.attribute === 'result') return true;
  if (ref.type === 'azurerm_key_vault_secret' && ref.attribute === 'value') return true;
  if (/public_key$/.test(ref.attribute)) return false;
  return /(^|_)(key|keys|connection_string|password|secret|sas|token)$/.test(ref.attribute);
}

/** Where an endpoint's key comes from, judged from the Terraform reference behind it. */
function judgeKeySource(ref: TfReference, index: PolicyIndex): string | undefined | null {
  if (/_namespace_authorization_rule$/.test(ref.type)) {
    return `its key comes from the namespace-level rule ${ref.address}, which opens every entity of the namespace`;
  }
  if (/_namespace$/.test(ref.type) && ref.attribute?.startsWith('default_')) {
    return `its key is the namespace root key (${ref.address}.${ref.attribute}, RootManageSharedAccessKey: Manage, Send and Listen on everything)`;
  }
  if (AUTHORIZATION_RULES.includes(ref.type)) {
    const rule = index.element(ref.address);
    if (!rule || ref.dataSource) return null; // an existing rule: its rights are not known at synth
    const extra = ['listen', 'manage'].filter((k) => asBoolean(rule.config[k]) === true);
    if (asBoolean(rule.config.send) !== true) return `its key comes from ${ref.address}, which does not grant send`;
    if (extra.length > 0) return `its key comes from ${ref.address}, which also grants ${extra.join(' and ')}`;
    return undefined;
  }
  return null;
}

function endpointOf(step: ManifestRecord, index: PolicyIndex): ManifestRecord | undefined {
  const ref = step.references.find((r) => r.column === 'eventhandler' && r.table === 'serviceendpoint');
  return ref ? index.records.get(ref.id) : undefined;
}

/** The library's rules for Dataverse integrations. @internal */
export const DATAVERSE_RULES: PolicyRule[] = [
  {
    id: 'DV_ENDPOINT_KEY_SCOPE',
    level: PolicyLevel.ERROR,
    description:
      'The key a Dataverse service endpoint sends with is scoped to one queue, topic, event hub or hybrid connection, with Send only (never a namespace-level or root key).',
    fix: 'create an authorization rule on the entity itself with send = true, listen = false, manage = false, and pass its primaryKey',
    appliesTo: ['dataverse:serviceendpoint'],
    check(subject, index) {
      if (subject.kind !== 'record' || subject.record.table !== 'serviceendpoint') return notApplicable();
      const r = subject.record;
      if (!KEYED_CONTRACTS.includes(r.columns.contract)) return notApplicable('the endpoint does not use a namespace key');
      if (typeof r.columns.saskeyname === 'string' && r.columns.saskeyname.toLowerCase() === 'rootmanagesharedaccesskey') {
        return nonCompliant('saskeyname is RootManageSharedAccessKey, the namespace root key (Manage, Send and Listen on everything)');
      }
      const outputs = r.fromOutputs.filter((o) => KEY_COLUMNS.includes(o.column));
      const refs = outputs.flatMap((o) => referencesIn(index.outputs.get(`output.${o.output}`)?.config.value));
      const verdicts = refs.map((ref) => judgeKeySource(ref, index)).filter((v) => v !== null);
      const problem = verdicts.find((v): v is string => typeof v === 'string');
      if (problem) return nonCompliant(problem);
      return verdicts.length > 0 ? compliant() : notApplicable('the key does not come from an authorization rule of this stack');
    },
  },
  {
    id: 'DV_MANAGE_KEY',
    level: PolicyLevel.WARNING,
    description: 'No authorization rule grants Manage (Send, Listen and Manage): such a key can change or delete the entity and read every message.',
    fix: 'grant only send (for Dataverse) or only listen (for a consumer); manage entities with Entra ID and RBAC',
    appliesTo: AUTHORIZATION_RULES,
    check(subject) {
      if (subject.kind !== 'resource') return notApplicable();
      return asBoolean(subject.element.config.manage) === true ? nonCompliant('the rule grants manage (with send and listen)') : compliant();
    },
  },
  {
    id: 'DV_ASYNC_ONLY',
    level: PolicyLevel.ERROR,
    description: 'Steps bound to a Relay one-way, Event Grid or data lake endpoint are asynchronous.',
    fix: 'register the step with mode asynchronous (1) at stage 40, or use a webhook for a synchronous call',
    appliesTo: ['dataverse:sdkmessageprocessingstep'],
    check(subject, index) {
      if (subject.kind !== 'record' || subject.record.table !== 'sdkmessageprocessingstep') return notApplicable();
      const endpoint = endpointOf(subject.record, index);
      if (!endpoint) return notApplicable('the step is not bound to a service endpoint of this stack');
      if (!ASYNC_ONLY_CONTRACTS.includes(endpoint.columns.contract)) return notApplicable('the endpoint accepts synchronous steps');
      const mode = subject.record.columns.mode;
      return mode === 1
        ? compliant()
        : nonCompliant(`mode is ${mode ?? 'not set'} but endpoint ${endpoint.path} (contract ${endpoint.columns.contract}) accepts asynchronous steps only`);
    },
  },
  {
    id: 'DV_SENSITIVE_OUTPUT',
    level: PolicyLevel.ERROR,
    description: 'Every output that holds a key, connection string, password or secret is sensitive.',
    fix: 'set sensitive: true on the TerraformOutput',
    appliesTo: ['output'],
    check(subject) {
      if (subject.kind !== 'output') return notApplicable();
      const secrets = referencesIn(subject.element.config.value).filter(isSecretAttribute);
      if (secrets.length === 0) return notApplicable('the output holds no secret');
      if (asBoolean(subject.element.config.sensitive) === true) return compliant();
      return nonCompliant(`the output holds ${secrets.map((s) => `${s.address}.${s.attribute}`).join(', ')} and is not sensitive`);
    },
  },
];
