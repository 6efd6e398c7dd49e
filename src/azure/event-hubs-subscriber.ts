import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { consumerDefaults } from './consumer-wiring';
import type { IEventHub } from './event-hubs';
import { EVENT_HUBS_ROLES } from './event-hubs-base';
import { EventHubConsumerGroup, EventHubConsumerGroupOptions } from './event-hubs-consumer-group';
import { FunctionConsumer, FunctionConsumerProps } from './function-consumer';
import { grantRole } from './grants';
import { GrantOptions } from './grants-api';
import { requireProps } from './imports';
import { addValidator, quote } from '../core/problems';

/** Options of addSubscriber. */
export interface EventHubSubscriberOptions extends EventHubConsumerGroupOptions {
  /**
   * Grant this principal (object id) "Azure Event Hubs Data Receiver" on the event hub
   * (`grantReceive` on the subscriber does the same later).
   * @default - no role assignment
   */
  readonly principalId?: string;
  /**
   * `principal_type` of the role assignment (User, Group, ServicePrincipal); only with principalId.
   * @default - Azure looks it up
   */
  readonly principalType?: string;
}

/** Properties of an EventHubSubscriber. */
export interface EventHubSubscriberProps extends EventHubSubscriberOptions {
  /** The event hub the subscriber reads. */
  readonly eventHub: IEventHub;
  /** The subscriber's name: the name of its consumer group. */
  readonly name: string;
}

/**
 * One reader of an event hub (what `EventHubFanout.addSubscriber` returns): its own consumer
 * group, and the receive role scoped to the hub (a consumer group is not a scope receivers can
 * use: Microsoft Learn lists it as a scope, but a receive role there is rejected with "'Listen'
 * claim(s) are required", Azure/azure-functions-python-worker#1778).
 *
 * Default settings:
 * - One EventHubConsumerGroup named after the subscriber, without user metadata.
 * - No role assignment; `principalId` (or `grantReceive`) adds "Azure Event Hubs Data Receiver"
 *   scoped to the event hub, one per principal on the hub.
 */
export class EventHubSubscriber extends Construct {
  /** The subscriber's name (the consumer group name). */
  public readonly name: string;
  /** The subscriber's consumer group. */
  public readonly consumerGroup: EventHubConsumerGroup;
  /** The event hub. */
  public readonly eventHub: IEventHub;
  /** The "Azure Event Hubs Data Receiver" role assignment, when principalId was given. */
  public readonly roleAssignment?: RoleAssignment;

  constructor(scope: Construct, id: string, props: EventHubSubscriberProps) {
    super(scope, id);
    requireProps(this, 'EventHubSubscriber', props, ['eventHub', 'name']);
    this.name = props.name;
    this.eventHub = props.eventHub;
    this.consumerGroup = new EventHubConsumerGroup(this, 'consumer-group', { eventHub: props.eventHub, name: props.name, userMetadata: props.userMetadata });
    if (props.principalId !== undefined) this.roleAssignment = this.grantReceive(props.principalId, { principalType: props.principalType });
    addValidator(this, (problems) =>
      problems.check(
        props.principalType === undefined || props.principalId !== undefined,
        `subscriber ${quote(props.name)}: principalType is set without principalId. Fix: pass principalId too, or remove principalType.`,
      ),
    );
  }

  /** `<namespace>.servicebus.windows.net`, for identity-based clients and Functions triggers. */
  public get fullyQualifiedNamespace(): string {
    return this.eventHub.eventHubNamespace.fullyQualifiedNamespace;
  }

  /** The event hub name. */
  public get eventHubName(): string {
    return this.eventHub.eventHubName;
  }

  /** The consumer group name (what a reader's `consumerGroup` setting takes). */
  public get consumerGroupName(): string {
    return this.consumerGroup.consumerGroupName;
  }

  /**
   * Adds an Azure Function that reads every event through this subscriber's consumer group: a
   * Flex Consumption app (from `code`, or the shared `functionApp`) with an identity-based
   * connection (`<connection>__fullyQualifiedNamespace`, no key) and "Azure Event Hubs Data
   * Receiver" on the event hub. The trigger reads `eventHubName: '%<connection>_EVENT_HUB%'` and
   * `consumerGroup: '%<connection>_CONSUMER_GROUP%'`; its checkpoints go to the app's storage.
   */
  public addFunctionConsumer(id: string, props: FunctionConsumerProps): FunctionConsumer {
    return FunctionConsumer._create(
      this,
      id,
      props,
      {
        service: 'Event Hubs',
        role: EVENT_HUBS_ROLES.receiver,
        grantPrefix: 'receive',
        fullyQualifiedNamespace: this.fullyQualifiedNamespace,
        settings: [
          ['EVENT_HUB', this.eventHubName],
          ['CONSUMER_GROUP', this.consumerGroupName],
        ],
        grant: (principalId, options) => this.grantReceive(principalId, options),
      },
      consumerDefaults(this),
    );
  }

  /**
   * Grants "Azure Event Hubs Data Receiver" scoped to the event hub, and returns the role
   * assignment (the first one, when this principal already has it on the hub).
   */
  public grantReceive(principalId: string, options: GrantOptions = {}): RoleAssignment {
    const description = `${EVENT_HUBS_ROLES.receiver} for subscriber ${this.name} of ${this.node.scope!.node.path} (cdktf-dataverse)`;
    return grantRole(this, 'receive', EVENT_HUBS_ROLES.receiver, this.eventHub.eventHubId, principalId, { ...options, description: options.description ?? description });
  }
}
