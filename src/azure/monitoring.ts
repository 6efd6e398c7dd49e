import { ApplicationInsights as ApplicationInsightsResource } from '@cdktf/provider-azurerm/lib/application-insights';
import { LogAnalyticsWorkspace as LogAnalyticsWorkspaceResource } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { Construct } from 'constructs';
import { applicationInsightsMetric } from './alerts-catalogue';
import { MetricCriteria, MetricOptions } from './alerts-criteria';
import { checkImportedId, requireProps } from './imports';
import { IApplicationInsightsMetrics } from './metrics';
import { checkName, generateName, NAME_RULES } from './naming';
import { checkInteger } from './props';
import { ResourceGroupReference } from './resource-group';
import { resourceNameOfId } from './resource-id';
import { checkTags } from './tags';
import { addValidator } from '../core/problems';

/** A Log Analytics workspace: one this stack creates, or one that exists (`LogAnalyticsWorkspace.fromLogAnalyticsWorkspaceAttributes`). */
export interface ILogAnalyticsWorkspace {
  /** Resource id. */
  readonly workspaceId: string;
  /** Workspace name. */
  readonly workspaceName: string;
}

/** Attributes of a Log Analytics workspace that exists. */
export interface LogAnalyticsWorkspaceAttributes {
  /** Resource id: `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>`. */
  readonly workspaceId: string;
}

/** How a Log Analytics workspace is created: the options a pattern passes through. */
export interface LogAnalyticsWorkspaceOptions {
  /**
   * Workspace name (4–63 letters, digits, hyphens).
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Retention in days (30–730).
   * @default 30
   */
  readonly retentionInDays?: number;
}

/** Properties of a LogAnalyticsWorkspace. */
export interface LogAnalyticsWorkspaceProps extends LogAnalyticsWorkspaceOptions {
  /** Resource group (name and location) of the workspace. */
  readonly resourceGroup: ResourceGroupReference;
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/**
 * A Log Analytics workspace (pay-as-you-go `PerGB2018`, 30 days retention by default).
 */
export class LogAnalyticsWorkspace extends Construct implements ILogAnalyticsWorkspace {
  /** Imports a workspace that exists. */
  public static fromLogAnalyticsWorkspaceAttributes(scope: Construct, id: string, attrs: LogAnalyticsWorkspaceAttributes): ILogAnalyticsWorkspace {
    requireProps(scope, 'LogAnalyticsWorkspace.fromLogAnalyticsWorkspaceAttributes', attrs, ['workspaceId']);
    const imported = new Construct(scope, id);
    checkImportedId(imported, 'workspaceId', attrs.workspaceId, 'Microsoft.OperationalInsights/workspaces');
    return { workspaceId: attrs.workspaceId, workspaceName: resourceNameOfId(attrs.workspaceId) };
  }

  public readonly workspaceId: string;
  public readonly workspaceName: string;
  /** The azurerm_log_analytics_workspace resource. */
  public readonly resource: LogAnalyticsWorkspaceResource;

  constructor(scope: Construct, id: string, props: LogAnalyticsWorkspaceProps) {
    super(scope, id);
    requireProps(this, 'LogAnalyticsWorkspace', props, ['resourceGroup']);
    this.resource = new LogAnalyticsWorkspaceResource(this, 'Default', {
      name: props.name ?? generateName(this, NAME_RULES.logAnalyticsWorkspace, 'log', this.node.path),
      location: props.resourceGroup.location,
      resourceGroupName: props.resourceGroup.name,
      sku: 'PerGB2018',
      retentionInDays: props.retentionInDays ?? 30,
      tags: props.tags,
    });
    this.workspaceId = this.resource.id;
    this.workspaceName = this.resource.name;
    addValidator(this, (problems) => {
      checkName(problems, NAME_RULES.logAnalyticsWorkspace, 'name', props.name);
      checkInteger(problems, 'retentionInDays', props.retentionInDays, 30, 730);
      checkTags(problems, 'tags', props.tags);
    });
  }
}

/** Application Insights: one this stack creates, or one that exists. */
export interface IApplicationInsights extends IApplicationInsightsMetrics {
  /** Resource id. */
  readonly applicationInsightsId: string;
  /** Connection string (sensitive in Terraform state; a reference in the synthesized file). */
  readonly connectionString: string;
}

/** Properties of an ApplicationInsights. */
export interface ApplicationInsightsProps {
  /** Resource group (name and location). */
  readonly resourceGroup: ResourceGroupReference;
  /** The workspace the telemetry is stored in. */
  readonly workspace: ILogAnalyticsWorkspace;
  /**
   * Name.
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Application type: `Node.JS`, `java` or `web` (others).
   * @default 'web'
   */
  readonly applicationType?: string;
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** Workspace-based Application Insights. */
export class ApplicationInsights extends Construct implements IApplicationInsights {
  public readonly applicationInsightsId: string;
  public readonly connectionString: string;
  /** The azurerm_application_insights resource. */
  public readonly resource: ApplicationInsightsResource;

  constructor(scope: Construct, id: string, props: ApplicationInsightsProps) {
    super(scope, id);
    requireProps(this, 'ApplicationInsights', props, ['resourceGroup', 'workspace']);
    this.resource = new ApplicationInsightsResource(this, 'Default', {
      name: props.name ?? generateName(this, NAME_RULES.generic, 'appi', this.node.path),
      location: props.resourceGroup.location,
      resourceGroupName: props.resourceGroup.name,
      applicationType: props.applicationType ?? 'web',
      workspaceId: props.workspace.workspaceId,
      tags: props.tags,
    });
    this.applicationInsightsId = this.resource.id;
    this.connectionString = this.resource.connectionString;
    addValidator(this, (problems) => checkTags(problems, 'tags', props.tags));
  }

  public metricFailedRequests(options?: MetricOptions): MetricCriteria {
    return applicationInsightsMetric(this.applicationInsightsId, 'failedRequests', options);
  }

  public metricRequestDuration(options?: MetricOptions): MetricCriteria {
    return applicationInsightsMetric(this.applicationInsightsId, 'requestDuration', options);
  }
}
