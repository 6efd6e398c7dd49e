import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { MonitorMetricAlert } from '@cdktf/provider-azurerm/lib/monitor-metric-alert';
import { Construct } from 'constructs';
import { checkCriteria, DEFAULT_FREQUENCY, DEFAULT_SEVERITY, DEFAULT_WINDOW } from './alerts-checks';
import { MetricCriteria, MetricDimensionOperator } from './alerts-criteria';
import { checkImportedId, requireProps } from './imports';
import { checkName, generateName, NAME_RULES, NameRule } from './naming';
import { ResourceGroupReference } from './resource-group';
import { resourceNameOfId } from './resource-id';
import { checkTags } from './tags';
import { shortHash } from '../core/ids';
import { Problems, addValidator, isUnresolved, quote } from '../core/problems';

// Naming rules: Microsoft Learn, "Naming rules and restrictions for Azure resources", Microsoft.Insights
// (MicrosoftDocs/azure-docs articles/azure-resource-manager/management/resource-name-rules.md).
/* eslint-disable no-control-regex */
const ACTION_GROUP_NAME: NameRule = {
  kind: 'action group name',
  min: 1,
  max: 260,
  pattern: /^[^:<>+/&%\\?\u0000-\u001f]*[^:<>+/&%\\?\u0000-\u001f .]$/,
  describe: 'no : < > + / & % \\ ? or control characters, not ending with a space or period',
};
const ALERT_NAME: NameRule = {
  kind: 'metric alert name',
  min: 1,
  max: 260,
  pattern: /^[^*#&+:<>?@%{}\\/\u0000-\u001f]*[^*#&+:<>?@%{}\\/\u0000-\u001f .]$/,
  describe: 'no * # & + : < > ? @ % { } \\ / or control characters, not ending with a space or period',
};
/* eslint-enable no-control-regex */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** An Azure Monitor action group: one this stack creates, or one that exists (`ActionGroup.fromActionGroupAttributes`). */
export interface IActionGroup {
  /** Resource id. */
  readonly actionGroupId: string;
  /** Action group name. */
  readonly actionGroupName: string;
}

/** Attributes of an action group that exists. */
export interface ActionGroupAttributes {
  /** Resource id: `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Insights/actionGroups/<name>`. */
  readonly actionGroupId: string;
}

/** A webhook an action group posts alerts to (Teams, Slack, an incident tool) in the common alert schema. */
export interface ActionGroupWebhookReceiver {
  /**
   * HTTPS address. One that carries a secret (a token in its query string) must be a sensitive
   * Terraform reference (a `TerraformVariable` with `sensitive: true`, a Key Vault secret data
   * source), never a literal: a literal is written into cdk.tf.json.
   */
  readonly serviceUri: string;
  /**
   * Receiver name, unique in the group.
   * @default - 'webhook-' and a hash of the address
   */
  readonly name?: string;
}

/** How an action group is created: the options a pattern passes through. */
export interface ActionGroupOptions {
  /**
   * Action group name (1–260 characters).
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Short name (1–12 characters), shown in notifications.
   * @default - the construct id, cut to 12 characters
   */
  readonly shortName?: string;
  /**
   * Email addresses notified of every alert.
   * @default - none
   */
  readonly emailReceivers?: string[];
  /**
   * Webhooks notified of every alert.
   * @default - none
   */
  readonly webhookReceivers?: ActionGroupWebhookReceiver[];
}

/** Properties of an ActionGroup. */
export interface ActionGroupProps extends ActionGroupOptions {
  /** Resource group of the action group (its location is not used: action groups are global). */
  readonly resourceGroup: ResourceGroupReference;
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/**
 * An Azure Monitor action group: who is told when an alert fires.
 *
 * Default settings:
 * - Location `global`, enabled.
 * - Each email and webhook receiver uses the common alert schema.
 * - At least one receiver is required; webhook addresses must be HTTPS, and a literal address
 *   must not carry a query string (where tokens live) — pass a sensitive reference instead.
 */
export class ActionGroup extends Construct implements IActionGroup {
  /** Imports an action group that exists. */
  public static fromActionGroupAttributes(scope: Construct, id: string, attrs: ActionGroupAttributes): IActionGroup {
    requireProps(scope, 'ActionGroup.fromActionGroupAttributes', attrs, ['actionGroupId']);
    const imported = new Construct(scope, id);
    checkImportedId(imported, 'actionGroupId', attrs.actionGroupId, 'Microsoft.Insights/actionGroups');
    return { actionGroupId: attrs.actionGroupId, actionGroupName: resourceNameOfId(attrs.actionGroupId) };
  }

  public readonly actionGroupId: string;
  public readonly actionGroupName: string;
  /** The azurerm_monitor_action_group resource. */
  public readonly resource: MonitorActionGroup;

  constructor(scope: Construct, id: string, props: ActionGroupProps) {
    super(scope, id);
    requireProps(this, 'ActionGroup', props, ['resourceGroup']);
    const emails = props.emailReceivers ?? [];
    const webhooks = props.webhookReceivers ?? [];
    const shortName = props.shortName ?? (id.replace(/[^A-Za-z0-9-]/g, '').slice(0, 12) || 'alerts');
    this.resource = new MonitorActionGroup(this, 'Default', {
      name: props.name ?? generateName(this, NAME_RULES.generic, 'ag', this.node.path),
      resourceGroupName: props.resourceGroup.name,
      location: 'global',
      shortName,
      enabled: true,
      emailReceiver: emails.map((address) => ({
        name: `email-${shortHash(String(address).toLowerCase())}`,
        emailAddress: address,
        useCommonAlertSchema: true,
      })),
      webhookReceiver: webhooks.map((w, i) => ({
        name: w?.name ?? `webhook-${isUnresolved(w?.serviceUri) ? i + 1 : shortHash(String(w?.serviceUri))}`,
        serviceUri: w?.serviceUri,
        useCommonAlertSchema: true,
      })),
      tags: props.tags,
    });
    this.actionGroupId = this.resource.id;
    this.actionGroupName = this.resource.name;
    addValidator(this, (problems) => checkTags(problems, 'tags', props.tags));
    addValidator(this, (problems) => {
      checkName(problems, ACTION_GROUP_NAME, 'name', props.name);
      problems.length('shortName', props.shortName, 1, 12);
      problems.check(emails.length + webhooks.length > 0, 'the action group has no receiver, so an alert would tell no one. Fix: pass emailReceivers or webhookReceivers.');
      checkEmails(problems, emails);
      webhooks.forEach((w, i) => checkWebhook(problems, `webhookReceivers[${i}]`, w));
    });
  }
}

function checkEmails(problems: Problems, emails: string[]): void {
  const seen = new Set<string>();
  emails.forEach((address, i) => {
    if (isUnresolved(address)) return;
    if (typeof address !== 'string' || !EMAIL.test(address)) {
      problems.add(`emailReceivers[${i}] ${quote(address)} is not an email address. Fix: write it like 'ops@contoso.com'.`);
      return;
    }
    const key = address.toLowerCase();
    problems.check(!seen.has(key), `emailReceivers[${i}] ${quote(address)} is listed twice. Fix: list each address once.`);
    seen.add(key);
  });
}

function checkWebhook(problems: Problems, at: string, w: ActionGroupWebhookReceiver | undefined): void {
  if (w === undefined || w === null || w.serviceUri === undefined || w.serviceUri === null) {
    problems.add(`${at} has no serviceUri. Fix: pass { serviceUri: 'https://...' }.`);
    return;
  }
  if (isUnresolved(w.serviceUri)) return;
  let url: URL | undefined;
  try {
    url = new URL(w.serviceUri);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== 'https:') {
    problems.add(`${at}.serviceUri ${quote(w.serviceUri)} is not an HTTPS address. Fix: pass the webhook's https:// address.`);
  } else if (url.search !== '' || url.username !== '' || url.password !== '') {
    // Print neither the query nor the credentials: they are the secret.
    problems.add(
      `${at}.serviceUri for ${url.host} carries a query string or credentials, which would be written into cdk.tf.json. Fix: pass the address as a sensitive Terraform reference (a TerraformVariable with sensitive: true, or a Key Vault secret data source).`,
    );
  }
}

/** How a metric alert is created, besides its criteria. */
export interface MetricAlertOptions {
  /**
   * Alert rule name (1–260 characters).
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Description of the rule, shown in notifications.
   * @default - the criteria's description, or the condition in words
   */
  readonly description?: string;
  /**
   * Whether the rule is evaluated.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Whether a fired alert resolves itself once the condition no longer holds.
   * @default true
   */
  readonly autoMitigate?: boolean;
  /**
   * Create the rule without an action group: it fires in the Azure portal only and tells no one.
   * Without it, a rule without `actionGroup` is a synth error.
   * @default false
   */
  readonly allowNoActionGroup?: boolean;
}

/** Properties of a MetricAlert. */
export interface MetricAlertProps extends MetricAlertOptions {
  /** Resource group the rule is created in. */
  readonly resourceGroup: ResourceGroupReference;
  /** What the rule watches: a block's `metric*()` result, or your own criteria. */
  readonly criteria: MetricCriteria;
  /**
   * Who is told when the alert fires.
   * @default - none: a synth error unless allowNoActionGroup is true
   */
  readonly actionGroup?: IActionGroup;
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/**
 * An Azure Monitor metric alert rule (`azurerm_monitor_metric_alert`) on one resource, from one
 * criteria, notifying one action group.
 *
 * Default settings:
 * - Evaluated every minute over the last five (`PT1M` / `PT5M`), severity 3, unless the criteria says otherwise.
 * - Enabled, and auto-mitigated: a fired alert resolves itself when the condition clears.
 * - Notifies the action group; without one the synth fails, unless `allowNoActionGroup` is set.
 * - Name generated from the construct path (same input, same name); description from the criteria.
 */
export class MetricAlert extends Construct {
  /** The azurerm_monitor_metric_alert resource. */
  public readonly resource: MonitorMetricAlert;
  /** Resource id of the rule. */
  public readonly metricAlertId: string;
  /** The criteria with the defaults filled in. */
  public readonly criteria: MetricCriteria;

  constructor(scope: Construct, id: string, props: MetricAlertProps) {
    super(scope, id);
    requireProps(this, 'MetricAlert', props, ['resourceGroup', 'criteria']);
    requireProps(this, 'MetricAlert criteria', props.criteria, ['resourceId', 'metricNamespace', 'metricName', 'aggregation', 'comparisonOperator', 'threshold']);
    const c = props.criteria;
    this.criteria = {
      ...c,
      window: c.window ?? DEFAULT_WINDOW,
      frequency: c.frequency ?? DEFAULT_FREQUENCY,
      severity: c.severity ?? DEFAULT_SEVERITY,
      description:
        c.description ?? `${c.metricName} ${c.aggregation} ${c.comparisonOperator} ${isUnresolved(c.threshold) ? 'the threshold' : c.threshold} over ${c.window ?? DEFAULT_WINDOW}`,
    };
    this.resource = new MonitorMetricAlert(this, 'Default', {
      name: props.name ?? generateName(this, NAME_RULES.generic, 'alert', this.node.path),
      resourceGroupName: props.resourceGroup.name,
      scopes: [c.resourceId],
      description: props.description ?? this.criteria.description,
      enabled: props.enabled ?? true,
      autoMitigate: props.autoMitigate ?? true,
      severity: this.criteria.severity,
      frequency: this.criteria.frequency,
      windowSize: this.criteria.window,
      criteria: [
        {
          metricNamespace: c.metricNamespace,
          metricName: c.metricName,
          aggregation: c.aggregation,
          operator: c.comparisonOperator,
          threshold: c.threshold,
          dimension: (c.dimensions ?? []).map((d) => ({ name: d?.name, operator: d?.dimensionOperator ?? MetricDimensionOperator.INCLUDE, values: d?.values })),
        },
      ],
      action: props.actionGroup ? [{ actionGroupId: props.actionGroup.actionGroupId }] : undefined,
      tags: props.tags,
    });
    this.metricAlertId = this.resource.id;
    addValidator(this, (problems) => checkTags(problems, 'tags', props.tags));
    addValidator(this, (problems) => {
      checkName(problems, ALERT_NAME, 'name', props.name);
      checkCriteria(problems, 'criteria', c);
      problems.check(
        props.actionGroup !== undefined || props.allowNoActionGroup === true,
        'the alert has no action group, so it would fire without telling anyone. Fix: pass actionGroup (an ActionGroup, or ActionGroup.fromActionGroupAttributes for one that exists), or allowNoActionGroup: true to see it in the Azure portal only.',
      );
    });
  }
}
