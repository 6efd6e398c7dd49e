// The listener's settings, from environment variables only: the key is never in code or on the
// command line. Each variable is named after what RelayIntegration shows for it.

/** What the listener needs to open its control channel on the hybrid connection. */
export interface RelayListenerSettings {
  /** Fully qualified namespace, `<namespace>.servicebus.windows.net`. */
  readonly namespace: string;
  /** Hybrid connection name (RelayIntegration's `relayPath`). */
  readonly hybridConnection: string;
  /** Listen-only rule name (RelayIntegration's `listenerRuleName`). */
  readonly ruleName: string;
  /** Its key (the sensitive output named by RelayIntegration's `listenerKeyOutputName`). */
  readonly key: string;
}

const VARIABLES: Array<[string, string]> = [
  ['RELAY_NAMESPACE', "the Relay namespace (RelayIntegration's namespaceName, or <namespace>.servicebus.windows.net)"],
  ['RELAY_HYBRID_CONNECTION', "the hybrid connection name (RelayIntegration's relayPath)"],
  ['RELAY_LISTENER_KEY', 'the Listen-only key: terraform output -raw <listenerKeyOutputName>'],
];

/**
 * Reads the settings; throws one error naming every missing or malformed variable (never a value:
 * the key must not reach a log).
 */
export function readRelayListenerSettings(env: { [name: string]: string | undefined } = process.env): RelayListenerSettings {
  const value = (name: string) => (env[name] ?? '').trim();
  const problems = VARIABLES.filter(([name]) => value(name) === '').map(([name, what]) => `${name} is not set: ${what}`);
  const namespace = fullyQualified(value('RELAY_NAMESPACE'));
  if (value('RELAY_NAMESPACE') !== '' && namespace === undefined) {
    problems.push('RELAY_NAMESPACE is not a Relay namespace name or host: write it like contoso-relay or contoso-relay.servicebus.windows.net');
  }
  const hybridConnection = value('RELAY_HYBRID_CONNECTION');
  if (hybridConnection !== '' && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,159}$/.test(hybridConnection)) {
    problems.push('RELAY_HYBRID_CONNECTION is not a hybrid connection name (letters, digits, periods, hyphens, underscores; at most 160)');
  }
  if (problems.length > 0) throw new Error(`The relay listener cannot start: ${problems.join('; ')}.`);
  return { namespace: namespace!, hybridConnection, ruleName: value('RELAY_LISTENER_RULE') || 'onprem-listen', key: value('RELAY_LISTENER_KEY') };
}

/** `contoso-relay`, `contoso-relay.servicebus.windows.net` or `sb://contoso-relay.servicebus.windows.net/` → the host. */
function fullyQualified(text: string): string | undefined {
  const host = text.replace(/^(sb|https|wss):\/\//i, '').replace(/\/+$/, '');
  if (/^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]$/.test(host)) return `${host}.servicebus.windows.net`;
  return /^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9](\.[A-Za-z0-9-]+)+$/.test(host) ? host.toLowerCase() : undefined;
}
