import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { Construct } from 'constructs';
import { requireProps } from './imports';
import { ILogAnalyticsWorkspace } from './monitoring';
import { generateName, NAME_RULES } from './naming';
import { Problems, addValidator, isUnresolved, quote } from '../core/problems';

/** What diagnostic settings a resource type supports. */
interface DiagnosticKind {
  /** Log categories. */
  readonly categories: string[];
  /** Log category groups ('allLogs', 'audit'); empty where the type has none. */
  readonly groups: string[];
  /** Categories used when the type has no category group. */
  readonly defaultCategories?: string[];
}

// Log categories: Azure Monitor "Supported logs" tables
// (https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/<type>-logs; source
// MicrosoftDocs/azure-reference-other azure-monitor-ref/supported-logs/includes/<type>-logs-include.md).
// Category groups: the built-in policies "Enable logging by category group for <service> to Log
// Analytics" (Azure/azure-policy built-in-policies/policyDefinitions/Monitoring/DS_LA_<type>_DINE.json),
// which offer audit and allLogs for Service Bus, Event Hubs, API Management and Key Vault, and
// allLogs only for Relay and Application Insights. Microsoft.Web/sites has no such policy: its
// categories are listed instead (FunctionAppLogs for a function app). Every type here exports
// its metrics with the category AllMetrics.
const KINDS: Record<string, DiagnosticKind> = {
  'microsoft.servicebus/namespaces': {
    categories: ['ApplicationMetricsLogs', 'OperationalLogs', 'RuntimeAuditLogs', 'VNetAndIPFilteringLogs'],
    groups: ['allLogs', 'audit'],
  },
  'microsoft.eventhub/namespaces': {
    categories: [
      'ApplicationMetricsLogs',
      'ArchiveLogs',
      'AutoScaleLogs',
      'CustomerManagedKeyUserLogs',
      'DataDRLogs',
      'DiagnosticErrorLogs',
      'EventHubVNetConnectionEvent',
      'KafkaCoordinatorLogs',
      'KafkaUserErrorLogs',
      'OperationalLogs',
      'RuntimeAuditLogs',
    ],
    groups: ['allLogs', 'audit'],
  },
  'microsoft.relay/namespaces': { categories: ['HybridConnectionsEvent', 'VNetAndIPFilteringLogs'], groups: ['allLogs'] },
  'microsoft.apimanagement/service': {
    categories: ['DeveloperPortalAuditLogs', 'GatewayLlmLogs', 'GatewayLogs', 'WebSocketConnectionLogs'],
    groups: ['allLogs', 'audit'],
  },
  'microsoft.insights/components': {
    categories: [
      'AppAvailabilityResults',
      'AppBrowserTimings',
      'AppDependencies',
      'AppEvents',
      'AppExceptions',
      'AppMetrics',
      'AppPageViews',
      'AppPerformanceCounters',
      'AppRequests',
      'AppSystemEvents',
      'AppTraces',
    ],
    groups: ['allLogs'],
  },
  'microsoft.keyvault/vaults': { categories: ['AuditEvent', 'AzurePolicyEvaluationDetails'], groups: ['allLogs', 'audit'] },
  'microsoft.web/sites': {
    categories: [
      'AppServiceAntivirusScanAuditLogs',
      'AppServiceAppLogs',
      'AppServiceAuditLogs',
      'AppServiceConsoleLogs',
      'AppServiceFileAuditLogs',
      'AppServiceHTTPLogs',
      'AppServiceIPSecAuditLogs',
      'AppServicePlatformLogs',
      'FunctionAppLogs',
      'WorkflowRuntime',
    ],
    groups: [],
    defaultCategories: ['FunctionAppLogs'],
  },
};
const METRIC_CATEGORIES = ['AllMetrics'];
const DESTINATION_TYPES = ['Dedicated', 'AzureDiagnostics'];
const TYPE_IN_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/([^/]+\/[^/]+)\/[^/]+$/i;
// azurerm 4.55 validate.MonitorDiagnosticSettingName: 1–260 characters, none of < > * % & : \ ? + /.
const BAD_NAME_CHARS = /[<>*%&:\\?+/]/;

/** Properties of a DiagnosticSettings. */
export interface DiagnosticSettingsProps {
  /** Resource id of the resource whose logs and metrics are sent. */
  readonly targetResourceId: string;
  /** Log Analytics workspace they are sent to. */
  readonly workspace: ILogAnalyticsWorkspace;
  /**
   * Resource type of the target, e.g. `Microsoft.ServiceBus/namespaces`: picks the default
   * categories and checks given ones. Needed when targetResourceId is a Terraform reference.
   * @default - read from a literal targetResourceId
   */
  readonly resourceType?: string;
  /**
   * Setting name (1–260 characters, none of `< > * % & : \ ? + /`; not `service`).
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Log category groups (`allLogs`, `audit`) where the type has them.
   * @default - ['allLogs'] where the type has category groups and no logCategories are given
   */
  readonly logCategoryGroups?: string[];
  /**
   * Log categories.
   * @default - none where the type has category groups; ['FunctionAppLogs'] for Microsoft.Web/sites
   */
  readonly logCategories?: string[];
  /**
   * Metric categories.
   * @default ['AllMetrics']
   */
  readonly metricCategories?: string[];
  /**
   * Where logs land in the workspace: `Dedicated` (resource-specific tables) or `AzureDiagnostics`.
   * @default - the resource type's default
   */
  readonly logAnalyticsDestinationType?: string;
}

/**
 * A diagnostic setting (`azurerm_monitor_diagnostic_setting`): a resource's logs and metrics sent
 * to a Log Analytics workspace, so they exist when someone needs them.
 *
 * Default settings:
 * - All logs (category group `allLogs`) where the resource type has category groups;
 *   `FunctionAppLogs` for a function app (Microsoft.Web/sites).
 * - All metrics (`AllMetrics`).
 * - Name generated from the construct path.
 * - Known types (Service Bus, Event Hubs, Relay, API Management, Application Insights, Key Vault,
 *   function apps) get their categories checked; others need the categories given.
 */
export class DiagnosticSettings extends Construct {
  /** The azurerm_monitor_diagnostic_setting resource. */
  public readonly resource: MonitorDiagnosticSetting;

  constructor(scope: Construct, id: string, props: DiagnosticSettingsProps) {
    super(scope, id);
    requireProps(this, 'DiagnosticSettings', props, ['targetResourceId', 'workspace']);
    const literalType = isUnresolved(props.targetResourceId) ? undefined : TYPE_IN_ID.exec(props.targetResourceId)?.[1];
    const type = props.resourceType ?? literalType;
    const kind = type === undefined || isUnresolved(type) ? undefined : KINDS[type.toLowerCase()];
    const explicitLogs = props.logCategoryGroups !== undefined || props.logCategories !== undefined;
    const groups = props.logCategoryGroups ?? (!explicitLogs && kind && kind.groups.length > 0 ? ['allLogs'] : []);
    const categories = props.logCategories ?? (!explicitLogs && kind && kind.groups.length === 0 ? (kind.defaultCategories ?? []) : []);
    const metrics = props.metricCategories ?? METRIC_CATEGORIES;
    this.resource = new MonitorDiagnosticSetting(this, 'Default', {
      name: props.name ?? generateName(this, NAME_RULES.generic, 'diag', this.node.path),
      targetResourceId: props.targetResourceId,
      logAnalyticsWorkspaceId: props.workspace.workspaceId,
      logAnalyticsDestinationType: props.logAnalyticsDestinationType,
      enabledLog: [...groups.map((categoryGroup) => ({ categoryGroup })), ...categories.map((category) => ({ category }))],
      enabledMetric: metrics.map((category) => ({ category })),
    });
    addValidator(this, (problems) => {
      checkSettingName(problems, props.name);
      if (type === undefined) {
        problems.add(
          `resourceType is needed: targetResourceId ${isUnresolved(props.targetResourceId) ? 'is a Terraform reference' : `${quote(props.targetResourceId)} is not a resource id`}, so the supported log categories are unknown. Fix: pass resourceType, e.g. 'Microsoft.ServiceBus/namespaces'.`,
        );
      } else if (!isUnresolved(type)) {
        if (literalType !== undefined && literalType.toLowerCase() !== type.toLowerCase()) {
          problems.add(`resourceType ${quote(type)} does not match targetResourceId, a ${literalType}. Fix: pass the type of the target, or omit resourceType.`);
        }
        if (kind === undefined && !explicitLogs && props.metricCategories === undefined) {
          problems.add(
            `resourceType ${quote(type)} has no default categories in this library. Fix: pass logCategories, logCategoryGroups or metricCategories (see the type's "Supported logs" page in Azure Monitor).`,
          );
        }
      }
      if (kind !== undefined) {
        const noGroups = kind.groups.length === 0;
        checkAll(
          problems,
          'logCategoryGroups',
          groups,
          kind.groups,
          noGroups ? `${type} has no category groups. Fix: use logCategories instead.` : `${type} has ${kind.groups.join(', ')}. Fix: use one of those.`,
        );
        checkAll(problems, 'logCategories', categories, kind.categories, `${type} has ${kind.categories.join(', ')}. Fix: use one of those.`);
        checkAll(problems, 'metricCategories', metrics, METRIC_CATEGORIES, `${type} has ${METRIC_CATEGORIES.join(', ')}. Fix: use one of those.`);
      }
      problems.check(
        groups.length + categories.length + metrics.length > 0,
        'the diagnostic setting sends nothing: no log category, category group or metric category. Fix: leave the defaults, or give at least one.',
      );
      const dest = props.logAnalyticsDestinationType;
      if (dest !== undefined && !isUnresolved(dest)) {
        problems.check(
          DESTINATION_TYPES.includes(dest),
          `logAnalyticsDestinationType ${quote(dest)} is not one of ${DESTINATION_TYPES.join(', ')}. Fix: use one of them or omit it.`,
        );
      }
    });
  }
}

function checkSettingName(problems: Problems, name: string | undefined): void {
  if (name === undefined || isUnresolved(name)) return;
  problems.length('name', name, 1, 260);
  problems.check(!BAD_NAME_CHARS.test(name), `name ${quote(name)} contains one of < > * % & : \\ ? + /, which Azure does not allow. Fix: remove them.`);
  problems.check(name.toLowerCase() !== 'service', "name 'service' is a legacy name: a setting called so cannot be fully deleted. Fix: choose another name, or omit it.");
}

function checkAll(problems: Problems, prop: string, given: string[], allowed: string[], whatAndFix: string): void {
  const lower = allowed.map((a) => a.toLowerCase());
  given.forEach((value, i) => {
    if (isUnresolved(value)) return;
    problems.check(typeof value === 'string' && lower.includes(value.toLowerCase()), `${prop}[${i}] ${quote(value)} is not supported: ${whatAndFix}`);
  });
}
