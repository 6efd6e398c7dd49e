import { MonitoringOptions } from '../azure/alerts-options';
import { ResourceGroupReference } from '../azure/resource-group';
import { MessageFormat, UserClaim } from '../dataverse/enums';
import { DataverseEnvironment } from '../dataverse/environment';
import { StepDefinition } from '../dataverse/processing-step';

/** Properties every pattern shares. Each pattern's props extend this struct. */
export interface IntegrationBaseProps {
  /** The Dataverse environment the integration registers in (and that sends or receives its messages). */
  readonly dataverse: DataverseEnvironment;
  /** Resource group (name and location) of the created Azure resources. */
  readonly resourceGroup: ResourceGroupReference;
  /**
   * Tags of the created Azure resources, checked against Azure's tag rules at synth.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
  /**
   * Alerts on the pattern's resources (each tunable or off; none without an action group unless
   * asked) and diagnostic settings to a Log Analytics workspace. See the README's Monitoring section.
   * @default - no alert, no diagnostic setting
   */
  readonly monitoring?: MonitoringOptions;
}

/**
 * Properties every outbound (push) pattern shares: the events Dataverse sends and the service
 * endpoint it sends them through.
 */
export interface OutboundIntegrationProps extends IntegrationBaseProps {
  /** The events to send: one processing step each, post-operation and asynchronous by default. */
  readonly steps: StepDefinition[];
  /**
   * Service endpoint name in Dataverse.
   * @default - the construct path
   */
  readonly endpointName?: string;
  /**
   * Service endpoint description.
   * @default - names the pattern's target
   */
  readonly endpointDescription?: string;
  /**
   * User information sent with each message.
   * @default UserClaim.NONE
   */
  readonly userClaim?: UserClaim;
}

/**
 * Properties every outbound pattern that posts to a messaging entity shares (Service Bus queue or
 * topic, event hub, relay): the Send-only rule Dataverse authenticates with and the message format.
 */
export interface MessagingIntegrationProps extends OutboundIntegrationProps {
  /**
   * Name of the Send-only shared access rule Dataverse sends with, on the entity only.
   * @default 'dataverse-send'
   */
  readonly authorizationRuleName?: string;
  /**
   * Message format of the service endpoint. Use JSON for consumers that are not .NET (the runtime
   * of this library parses JSON only).
   * @default MessageFormat.JSON
   */
  readonly messageFormat?: MessageFormat;
}
