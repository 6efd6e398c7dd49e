import { EventhubConsumerGroup } from '@cdktf/provider-azurerm/lib/eventhub-consumer-group';
import { Construct } from 'constructs';
import type { IEventHub } from './event-hubs';
import { hubNameReference, registerConsumerGroup } from './event-hubs-base';
import { requireProps } from './imports';
import { checkName, NameRule } from './naming';
import { addValidator, isUnresolved, quote } from '../core/problems';

/**
 * A consumer group of an event hub: one reader's position in the stream. It is not a scope for
 * role assignments that receivers can use; grant receive on the event hub.
 */
export interface IEventHubConsumerGroup {
  /** Resource id: `<event hub id>/consumerGroups/<name>`. */
  readonly consumerGroupId: string;
  /** Consumer group name: the literal name (what a Functions trigger's `consumerGroup` setting takes). */
  readonly consumerGroupName: string;
  /** The event hub of the group. */
  readonly eventHub: IEventHub;
}

/** Attributes of a consumer group that exists (`$Default` exists on every event hub). */
export interface EventHubConsumerGroupAttributes {
  /** The event hub of the group. */
  readonly eventHub: IEventHub;
  /** Consumer group name. */
  readonly consumerGroupName: string;
}

/** How a consumer group is created: the options a pattern passes through. */
export interface EventHubConsumerGroupOptions {
  /**
   * User metadata of the consumer group (1–1024 characters).
   * @default - none
   */
  readonly userMetadata?: string;
}

/** Properties of an EventHubConsumerGroup. */
export interface EventHubConsumerGroupProps extends EventHubConsumerGroupOptions {
  /** The event hub the group reads. */
  readonly eventHub: IEventHub;
  /** Consumer group name (1–50 letters, digits, periods, hyphens, underscores; not `$Default`). */
  readonly name: string;
}

const DEFAULT_CONSUMER_GROUP = '$default';

/** azurerm 4.55 internal/services/eventhub/validate/eventhub_names.go, ValidateEventHubConsumerName. */
const CONSUMER_GROUP_RULE: NameRule = {
  kind: 'consumer group name',
  min: 1,
  max: 50,
  pattern: /^[a-zA-Z0-9]([-._a-zA-Z0-9]*[a-zA-Z0-9])?$/,
  describe: 'letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit',
};

/**
 * A consumer group on an event hub (created or imported).
 *
 * Default settings:
 * - No user metadata.
 * - Checked at synth: Azure's name rule, not `$Default` (every hub has it), unique on its hub
 *   (names compare without case), and within the tier's number of groups per hub (checked by the hub).
 */
export class EventHubConsumerGroup extends Construct implements IEventHubConsumerGroup {
  /** Imports a consumer group that exists, e.g. a hub's `$Default`. */
  public static fromEventHubConsumerGroupAttributes(scope: Construct, id: string, attrs: EventHubConsumerGroupAttributes): IEventHubConsumerGroup {
    return new ImportedEventHubConsumerGroup(scope, id, attrs);
  }

  public readonly consumerGroupId: string;
  public readonly consumerGroupName: string;
  public readonly eventHub: IEventHub;
  /** The azurerm_eventhub_consumer_group resource. */
  public readonly resource: EventhubConsumerGroup;

  constructor(scope: Construct, id: string, props: EventHubConsumerGroupProps) {
    super(scope, id);
    requireProps(this, 'EventHubConsumerGroup', props, ['eventHub', 'name']);
    const name = props.name;
    this.eventHub = props.eventHub;
    this.consumerGroupName = name;
    const earlier = registerConsumerGroup(props.eventHub, name);
    // 'Default' keeps the Terraform address of the group that of this construct.
    this.resource = new EventhubConsumerGroup(this, 'Default', {
      name,
      namespaceName: props.eventHub.eventHubNamespace.eventHubNamespaceName,
      resourceGroupName: props.eventHub.eventHubNamespace.resourceGroupName,
      eventhubName: hubNameReference(props.eventHub),
      userMetadata: props.userMetadata,
    });
    this.consumerGroupId = this.resource.id;
    addValidator(this, (problems) => {
      if (isUnresolved(name)) return problems.length('userMetadata', props.userMetadata, 1, 1024);
      const key = name.toLowerCase();
      problems.check(
        !earlier.some((n) => !isUnresolved(n) && n.toLowerCase() === key),
        `consumer group ${quote(name)} is added twice to event hub ${quote(props.eventHub.eventHubName)}. Fix: give each consumer group (EventHubFanout: subscriber) its own name; names compare without case.`,
      );
      if (key === DEFAULT_CONSUMER_GROUP) {
        problems.add(
          `consumer group ${quote(name)}: '$Default' is the consumer group every event hub already has. Fix: give it its own name, e.g. 'analytics' (or import '$Default' with fromEventHubConsumerGroupAttributes).`,
        );
      } else {
        checkName(problems, CONSUMER_GROUP_RULE, 'name', name);
      }
      problems.length('userMetadata', props.userMetadata, 1, 1024);
    });
  }
}

class ImportedEventHubConsumerGroup extends Construct implements IEventHubConsumerGroup {
  public readonly consumerGroupId: string;
  public readonly consumerGroupName: string;
  public readonly eventHub: IEventHub;

  constructor(scope: Construct, id: string, attrs: EventHubConsumerGroupAttributes) {
    super(scope, id);
    requireProps(this, 'EventHubConsumerGroup.fromEventHubConsumerGroupAttributes', attrs, ['eventHub', 'consumerGroupName']);
    this.eventHub = attrs.eventHub;
    this.consumerGroupName = attrs.consumerGroupName;
    // The id format of the azurerm documentation's import section.
    this.consumerGroupId = `${attrs.eventHub.eventHubId}/consumerGroups/${attrs.consumerGroupName}`;
  }
}
