import { IConstruct } from 'constructs';
import { shortHash } from '../core/ids';
import { Problems, isUnresolved, quote } from '../core/problems';

/**
 * Azure's naming rule for one kind of resource.
 * @internal
 */
export interface NameRule {
  /** What the name is for, in messages: 'Service Bus namespace name'. */
  readonly kind: string;
  readonly min: number;
  readonly max: number;
  /** The whole name must match. */
  readonly pattern: RegExp;
  /** The pattern in words, for the error message. */
  readonly describe: string;
  /** Generated names: lowercase letters and digits only (storage accounts). */
  readonly alphanumericOnly?: boolean;
  /** Extra checks: return a problem text or undefined. */
  readonly extra?: (name: string) => string | undefined;
  /** Whether Azure requires the name to be unique worldwide (it then feeds a hash of the seed). */
  readonly globallyUnique?: boolean;
}

const HYPHENATED = /^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/;

/** @internal */
export const NAME_RULES = {
  serviceBusNamespace: {
    kind: 'Service Bus namespace name',
    min: 6,
    max: 50,
    pattern: HYPHENATED,
    describe: 'letters, digits and hyphens, starting with a letter and ending with a letter or digit',
    extra: (n: string) => (/-(sb|mgmt)$/i.test(n) ? "it must not end with '-sb' or '-mgmt'" : undefined),
    globallyUnique: true,
  },
  eventHubsNamespace: {
    kind: 'Event Hubs namespace name',
    min: 6,
    max: 50,
    pattern: HYPHENATED,
    describe: 'letters, digits and hyphens, starting with a letter and ending with a letter or digit',
    extra: (n: string) => (/-(sb|mgmt)$/i.test(n) ? "it must not end with '-sb' or '-mgmt'" : undefined),
    globallyUnique: true,
  },
  relayNamespace: {
    kind: 'Relay namespace name',
    min: 6,
    max: 50,
    pattern: HYPHENATED,
    describe: 'letters, digits and hyphens, starting with a letter and ending with a letter or digit',
    extra: (n: string) => (/-(sb|mgmt)$/i.test(n) ? "it must not end with '-sb' or '-mgmt'" : undefined),
    globallyUnique: true,
  },
  /** Queues, topics, event hubs, hybrid connections. */
  messagingEntity: {
    kind: 'entity name',
    min: 1,
    max: 160, // Dataverse's serviceendpoint.path holds at most 160 characters
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9_])?$/,
    describe: 'letters, digits, periods, hyphens and underscores, starting with a letter or digit',
  },
  subscription: {
    kind: 'subscription name',
    min: 1,
    max: 50,
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9_])?$/,
    describe: 'letters, digits, periods, hyphens and underscores, starting with a letter or digit',
  },
  authorizationRule: {
    kind: 'authorization rule name',
    min: 1,
    max: 50,
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9_])?$/,
    describe: 'letters, digits, periods, hyphens and underscores, starting with a letter or digit',
  },
  functionApp: {
    kind: 'Function App name',
    min: 2,
    max: 60,
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    describe: 'letters, digits and hyphens, not starting or ending with a hyphen',
    globallyUnique: true,
  },
  storageAccount: {
    kind: 'storage account name',
    min: 3,
    max: 24,
    pattern: /^[a-z0-9]+$/,
    describe: 'lowercase letters and digits only',
    alphanumericOnly: true,
    globallyUnique: true,
  },
  keyVault: {
    kind: 'Key Vault name',
    min: 3,
    max: 24,
    pattern: /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/,
    describe: 'letters, digits and hyphens, starting with a letter, ending with a letter or digit, no two hyphens in a row',
    globallyUnique: true,
  },
  logAnalyticsWorkspace: {
    kind: 'Log Analytics workspace name',
    min: 4,
    max: 63,
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/,
    describe: 'letters, digits and hyphens, starting and ending with a letter or digit',
  },
  apiManagement: {
    kind: 'API Management service name',
    min: 1,
    max: 50,
    pattern: /^[a-zA-Z]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    describe: 'letters, digits and hyphens, starting with a letter and ending with a letter or digit',
    globallyUnique: true,
  },
  /** APIs, backends and named values inside an API Management service. */
  apiManagementEntity: {
    kind: 'API Management API name',
    min: 1,
    max: 60,
    pattern: /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/,
    describe: 'letters, digits and hyphens, starting and ending with a letter or digit',
  },
  generic: {
    kind: 'name',
    min: 1,
    max: 63,
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/,
    describe: 'letters, digits, periods, hyphens and underscores',
  },
} satisfies Record<string, NameRule>;

/**
 * Checks a user-supplied name against Azure's rule; unresolved tokens are skipped.
 * `prop` names the property that carries it, so the message says what to change.
 * @internal
 */
export function checkName(problems: Problems, rule: NameRule, prop: string, name: string | undefined): void {
  if (name === undefined || isUnresolved(name)) return;
  const issues: string[] = [];
  if (name.length < rule.min || name.length > rule.max) {
    issues.push(`it is ${name.length} characters long and must be ${rule.min} to ${rule.max}`);
  }
  if (!rule.pattern.test(name)) issues.push(`it must contain ${rule.describe}`);
  const extra = rule.extra?.(name);
  if (extra) issues.push(extra);
  if (issues.length > 0) {
    problems.add(`${prop}: ${rule.kind} ${quote(name)} is not valid: ${issues.join('; ')}. Fix: choose a name that follows Azure's rule, or omit ${prop} to get a generated one.`);
  }
}

/**
 * A deterministic name derived from the construct path (and, for globally unique names, a hash
 * of `seed`, typically the Dataverse environment URL, so that two organisations using the same
 * code do not collide). Always valid for the rule.
 * @internal
 */
export function generateName(scope: IConstruct, rule: NameRule, prefix: string, seed: string): string {
  const hash = shortHash(`${seed}|${scope.node.path}`, rule.globallyUnique ? 8 : 6);
  const sep = rule.alphanumericOnly ? '' : '-';
  const clean = (s: string) =>
    rule.alphanumericOnly
      ? s.toLowerCase().replace(/[^a-z0-9]/g, '')
      : s
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-+|-+$/g, '');
  const parts = scope.node.scopes
    .slice(1)
    .map((s) => clean(s.node.id))
    .filter((s) => s.length > 0);
  let slug = parts.join(sep);
  const room = rule.max - prefix.length - hash.length - 2 * sep.length;
  if (slug.length > room) slug = slug.slice(slug.length - room).replace(/^-+/, '');
  const name = [prefix, slug, hash].filter((s) => s.length > 0).join(sep);
  return name;
}
