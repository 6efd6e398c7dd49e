// The listener's settings, from environment variables (see README.md).

export interface ListenerConfig {
  /** `<namespace>.servicebus.windows.net`, when the credential is an identity. */
  readonly fullyQualifiedNamespace?: string;
  /** A SAS connection string instead of an identity (works, not recommended). */
  readonly connectionString?: string;
  readonly queueName?: string;
  readonly topicName?: string;
  readonly subscriptionName?: string;
  readonly maxConcurrentCalls: number;
  readonly timeoutMs: number;
}

/** Reads and checks the settings; throws one Error listing every problem and its fix. */
export function readConfig(env: NodeJS.ProcessEnv): ListenerConfig {
  const get = (name: string) => (env[name] ?? '').trim() || undefined;
  const problems: string[] = [];
  const fqns = get('SERVICEBUS_FULLY_QUALIFIED_NAMESPACE');
  const connectionString = get('SERVICEBUS_CONNECTION_STRING');
  if (fqns && connectionString) problems.push('set SERVICEBUS_FULLY_QUALIFIED_NAMESPACE (identity) or SERVICEBUS_CONNECTION_STRING (SAS key), not both');
  if (!fqns && !connectionString) problems.push('set SERVICEBUS_FULLY_QUALIFIED_NAMESPACE, e.g. sb-orders.servicebus.windows.net');
  if (fqns && !/^[A-Za-z][A-Za-z0-9-]*\.servicebus\.[A-Za-z0-9.-]+$/.test(fqns)) {
    problems.push(`SERVICEBUS_FULLY_QUALIFIED_NAMESPACE '${fqns}' is not a host name like sb-orders.servicebus.windows.net (no scheme, no slash)`);
  }
  const queueName = get('SERVICEBUS_QUEUE_NAME');
  const topicName = get('SERVICEBUS_TOPIC_NAME');
  const subscriptionName = get('SERVICEBUS_SUBSCRIPTION_NAME');
  if (queueName && (topicName || subscriptionName)) problems.push('set SERVICEBUS_QUEUE_NAME, or SERVICEBUS_TOPIC_NAME with SERVICEBUS_SUBSCRIPTION_NAME, not both');
  else if (!queueName && !(topicName && subscriptionName)) problems.push('set SERVICEBUS_QUEUE_NAME, or SERVICEBUS_TOPIC_NAME with SERVICEBUS_SUBSCRIPTION_NAME');
  const number = (name: string, fallback: number, min: number, max: number) => {
    const text = get(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} '${text}' is not a whole number from ${min} to ${max}`);
    return value;
  };
  const maxConcurrentCalls = number('MAX_CONCURRENT_CALLS', 1, 1, 100);
  const timeoutSeconds = number('HANDLER_TIMEOUT_SECONDS', 240, 1, 3600);
  if (problems.length > 0) throw new Error(`The listener is not configured:\n- ${problems.join('\n- ')}`);
  return { fullyQualifiedNamespace: fqns, connectionString, queueName, topicName, subscriptionName, maxConcurrentCalls, timeoutMs: timeoutSeconds * 1000 };
}
