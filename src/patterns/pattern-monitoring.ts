// What each pattern's `monitoring` prop creates: the alerts that apply to the resources the
// pattern has (created or given), and diagnostic settings for the resources it creates. The
// helpers of alerts-wiring.ts do the work (action group, opt-outs, shared workspace).
import { Construct } from 'constructs';
import { addMonitoringAlerts, addMonitoringDiagnostics, AlertRequest, DiagnosticRequest, MonitoringTarget } from '../azure/alerts-wiring';
// Types only: every pattern loads this file, and api-management's provider modules only CustomApiGateway needs.
import type { IApiManagement } from '../azure/api-management';
import { IEventHub } from '../azure/event-hubs';
import { IEventHubNamespace } from '../azure/event-hubs-namespace';
import { IFunctionApp } from '../azure/function-app';
import { IKeyVault } from '../azure/key-vault';
import { IServiceBusEntityMetrics } from '../azure/metrics';
import { IApplicationInsights, ILogAnalyticsWorkspace } from '../azure/monitoring';
import { IHybridConnection, IRelayNamespace } from '../azure/relay';
import { IServiceBusNamespace } from '../azure/service-bus-namespace';
import { annotate } from '../core/problems';

/** Creates the alerts and diagnostic settings; nothing without `monitoring`. */
function apply(scope: Construct, target: MonitoringTarget, alerts: AlertRequest[], diagnostics: DiagnosticRequest[], workspace?: ILogAnalyticsWorkspace): void {
  if (target.monitoring === undefined || target.monitoring === null) return;
  addMonitoringAlerts(scope, target, alerts);
  addMonitoringDiagnostics(scope, target, diagnostics, workspace);
}

function diagnostic(id: string, targetResourceId: string, resourceType: string): DiagnosticRequest {
  return { id, targetResourceId, resourceType };
}

/**
 * OutboundQueueIntegration: dead-lettered messages, backlog, server errors and throttled requests
 * of the queue or topic; diagnostics of the namespace when the pattern created it.
 * @internal
 */
export function monitorServiceBus(scope: Construct, target: MonitoringTarget, entity: IServiceBusEntityMetrics, createdNamespace?: IServiceBusNamespace): void {
  apply(
    scope,
    target,
    [
      { alert: 'deadLetteredMessages', id: 'alert-dead-lettered', metric: (o) => entity.metricDeadLetteredMessages(o) },
      { alert: 'activeMessages', id: 'alert-active-messages', metric: (o) => entity.metricActiveMessages(o) },
      { alert: 'serverErrors', id: 'alert-server-errors', metric: (o) => entity.metricServerErrors(o) },
      { alert: 'throttledRequests', id: 'alert-throttled', metric: (o) => entity.metricThrottledRequests(o) },
    ],
    createdNamespace ? [diagnostic('diagnostics-namespace', createdNamespace.serviceBusNamespaceId, 'Microsoft.ServiceBus/namespaces')] : [],
  );
}

/**
 * EventHubFanout: throttled requests and server errors of the event hub; diagnostics of the
 * namespace when the pattern created it.
 * @internal
 */
export function monitorEventHub(scope: Construct, target: MonitoringTarget, eventHub: IEventHub, createdNamespace?: IEventHubNamespace): void {
  apply(
    scope,
    target,
    [
      { alert: 'throttledRequests', id: 'alert-throttled', metric: (o) => eventHub.metricThrottledRequests(o) },
      { alert: 'serverErrors', id: 'alert-server-errors', metric: (o) => eventHub.metricServerErrors(o) },
    ],
    createdNamespace ? [diagnostic('diagnostics-namespace', createdNamespace.eventHubNamespaceId, 'Microsoft.EventHub/namespaces')] : [],
  );
}

/**
 * RelayIntegration: no listener on the hybrid connection (REST contract; a WCF relay has no
 * hybrid connection to watch); diagnostics of the namespace when the pattern created it.
 * @internal
 */
export function monitorRelay(scope: Construct, target: MonitoringTarget, hybridConnection?: IHybridConnection, createdNamespace?: IRelayNamespace): void {
  const m = target.monitoring;
  if (hybridConnection === undefined && m?.relayListeners !== undefined && m.relayListeners.enabled !== false) {
    annotate(
      scope,
      'warning',
      'monitoring.relayListeners: a WCF relay has no hybrid connection whose listeners Azure Monitor counts, so no alert is created. Fix: remove relayListeners, or watch the listener itself.',
    );
  }
  apply(
    scope,
    target,
    hybridConnection ? [{ alert: 'relayListeners', id: 'alert-relay-listeners', metric: (o) => hybridConnection.metricActiveListeners(o) }] : [],
    createdNamespace ? [diagnostic('diagnostics-namespace', createdNamespace.relayNamespaceId, 'Microsoft.Relay/namespaces')] : [],
  );
}

/**
 * WebhookFunction: failed requests and request duration near Dataverse's 60-second limit
 * (Application Insights); diagnostics of the function app and the key vault, to the pattern's own
 * workspace unless monitoring.workspace is given.
 * @internal
 */
export function monitorWebhookFunction(
  scope: Construct,
  target: MonitoringTarget,
  insights: IApplicationInsights,
  functionApp: IFunctionApp,
  keyVault: IKeyVault,
  workspace: ILogAnalyticsWorkspace,
): void {
  apply(
    scope,
    target,
    [
      { alert: 'functionFailures', id: 'alert-function-failures', metric: (o) => insights.metricFailedRequests(o) },
      { alert: 'webhookLatency', id: 'alert-webhook-latency', metric: (o) => insights.metricRequestDuration(o) },
    ],
    [diagnostic('diagnostics-function-app', functionApp.functionAppId, 'Microsoft.Web/sites'), diagnostic('diagnostics-vault', keyVault.keyVaultId, 'Microsoft.KeyVault/vaults')],
    workspace,
  );
}

/**
 * CustomApiGateway: gateway 5xx answers, and capacity where the tier has it: a created service
 * of any tier but Consumption; a given service (its tier is unknown) only when
 * monitoring.apiManagementCapacity is given. Diagnostics of the service when the pattern created it.
 * `consumption`: the created service is on the Consumption tier.
 * @internal
 */
export function monitorApiManagement(scope: Construct, target: MonitoringTarget, service: IApiManagement, created: boolean, consumption: boolean): void {
  const m = target.monitoring;
  const tuned = m?.apiManagementCapacity !== undefined && m.apiManagementCapacity !== null && m.apiManagementCapacity.enabled !== false;
  const hasCapacity = created ? !consumption : tuned;
  if (created && !hasCapacity && tuned && m !== undefined) {
    annotate(
      scope,
      'warning',
      'monitoring.apiManagementCapacity: the Consumption tier has no capacity metric, so no capacity alert is created. Fix: remove apiManagementCapacity, or use a tier with units.',
    );
  }
  const alerts: AlertRequest[] = [{ alert: 'apiManagementServerErrors', id: 'alert-apim-5xx', metric: (o) => service.metricServerErrors(o) }];
  if (hasCapacity) alerts.push({ alert: 'apiManagementCapacity', id: 'alert-apim-capacity', metric: (o) => service.metricCapacity(o) });
  apply(scope, target, alerts, created ? [diagnostic('diagnostics-service', service.apiManagementId, 'Microsoft.ApiManagement/service')] : []);
}
