import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Construct } from 'constructs';
import { MessagingIntegrationProps } from './integration-props';
import { monitorEventHub } from './pattern-monitoring';
import { ConsumerDefaults, setConsumerDefaults } from '../azure/consumer-wiring';
import { EventHub, EventHubCaptureSettings, EventHubOptions, EventHubSendRule, IEventHub } from '../azure/event-hubs';
import { BLOB_CONTAINER_RULE } from '../azure/event-hubs-base';
import { EventHubConsumerGroup } from '../azure/event-hubs-consumer-group';
import { EventHubNamespace, EventHubNamespaceOptions, IEventHubNamespace } from '../azure/event-hubs-namespace';
import { EventHubSubscriber, EventHubSubscriberOptions } from '../azure/event-hubs-subscriber';
import { FunctionConsumer, FunctionConsumerProps } from '../azure/function-consumer';
import { GrantOptions } from '../azure/grants-api';
import { requireProps } from '../azure/imports';
import { checkName, generateName, NAME_RULES } from '../azure/naming';
import { checkExistingOrNew } from '../azure/props';
import { IStorageAccount, StorageAccount } from '../azure/storage-account';
import { Problems, addValidator, annotate, isUnresolved, quote } from '../core/problems';
import { MessageFormat, ServiceEndpointAuthType, ServiceEndpointContract } from '../dataverse/enums';
import { bindOutbound } from '../dataverse/outbound-binding';
import { ProcessingStep } from '../dataverse/processing-step';
import { ServiceEndpoint } from '../dataverse/service-endpoint';
import { PolicySuppressions } from '../policy/suppressions';

/** Capture of every event into Avro files in a blob container, in a created account or yours. */
export interface EventHubCaptureOptions extends EventHubCaptureSettings {
  /**
   * Capture into this storage account instead of a created one (`StorageAccount.fromStorageAccountAttributes`
   * or a block of this stack). Capture signs in with a shared access signature: the account must
   * allow shared keys and be in the namespace's subscription. The container named by
   * containerName must exist in it.
   * @default - a storage account and a container are created
   */
  readonly existingStorageAccount?: IStorageAccount;
  /**
   * Name of the created storage account (3–24 lowercase letters and digits; globally unique).
   * Not with existingStorageAccount.
   * @default - generated from the construct path and a hash of the environment URL
   */
  readonly storageAccountName?: string;
  /**
   * Blob container name (3–63 lowercase letters, digits and hyphens). Required with existingStorageAccount.
   * @default 'eventhub-capture' (created)
   */
  readonly containerName?: string;
}

/** Properties of an EventHubFanout. */
export interface EventHubFanoutProps extends MessagingIntegrationProps {
  /**
   * Options of the namespace to create (not with existingNamespace or existingEventHub).
   * @default - a Standard namespace with 1 throughput unit and a generated name
   */
  readonly namespaceOptions?: EventHubNamespaceOptions;
  /**
   * Create the event hub in this namespace (`EventHubNamespace.fromEventHubNamespaceAttributes`)
   * instead of a new one. It must keep local (SAS) authentication enabled.
   * @default - a namespace is created
   */
  readonly existingNamespace?: IEventHubNamespace;
  /**
   * Options of the event hub to create (not with existingEventHub).
   * @default - see EventHubOptions
   */
  readonly eventHub?: EventHubOptions;
  /**
   * Publish to this event hub (`EventHub.fromEventHubAttributes`) instead of creating one; its
   * namespace is used. The namespace must keep local (SAS) authentication enabled.
   * @default - an event hub is created
   */
  readonly existingEventHub?: IEventHub;
  /**
   * Capture every event into a blob container (not with existingEventHub).
   * @default - no capture
   */
  readonly capture?: EventHubCaptureOptions;
}

/**
 * Dataverse publishes each registered event to one event hub (contract EventHub); many systems
 * read them independently, each through its own consumer group, at their own pace.
 *
 * Default settings:
 * - An EventHubNamespace block (Standard, 1 throughput unit, TLS 1.2, public network access, local
 *   auth on because Dataverse service endpoints cannot use a managed identity, recorded as an info
 *   Annotation) with a name generated from the construct path and a hash of the environment URL.
 * - An EventHub block with 4 partitions and 7 days retention, named from the construct path.
 * - Dataverse gets a Send-only authorization rule on that event hub only, never a namespace key.
 * - A service endpoint (contract EventHub (7), SAS key auth, JSON, no user claim, address
 *   `sb://<namespace>.servicebus.windows.net/`, path = the hub name) whose key comes from a
 *   sensitive Terraform output.
 * - One processing step per entry of `steps`: post-operation, asynchronous, rank 1, system job
 *   deleted on success. A synchronous step is allowed with a warning: the event is sent at once
 *   and cannot be recalled when the operation rolls back.
 * - `addSubscriber(name)` adds one consumer group per subscriber; with `principalId` (or the
 *   subscriber's `grantReceive`) also "Azure Event Hubs Data Receiver" scoped to the event hub.
 * - No capture; with `capture`, the EventHub block's capture defaults, into a container
 *   `eventhub-capture` of a created StorageAccount block with shared keys on (Capture signs in with
 *   SAS; CKV2_AZURE_40 suppressed with that reason).
 */
export class EventHubFanout extends Construct {
  /** The namespace (created, or the one given). */
  public readonly eventHubNamespace: IEventHubNamespace;
  /** The event hub Dataverse publishes to (created, or the one given). */
  public readonly eventHub: IEventHub;
  /** The Send-only rule Dataverse uses. */
  public readonly authorizationRule: EventHubSendRule;
  /** The Dataverse service endpoint. */
  public readonly endpoint: ServiceEndpoint;
  /** The Dataverse processing steps, in the order of `steps`. */
  public readonly steps: ProcessingStep[];
  /** Name of the sensitive Terraform output holding the key Dataverse sends with. */
  public readonly secretOutputName: string;
  /** The capture storage account (created, or capture.existingStorageAccount), with capture. */
  public readonly captureStorageAccount?: IStorageAccount;
  /** The created capture container (capture without existingStorageAccount). */
  public readonly captureContainer?: StorageContainer;

  private readonly subscriberList: EventHubSubscriber[] = [];
  private readonly subscriberNames = new Set<string>();
  private readonly consumers: ConsumerDefaults;

  constructor(scope: Construct, id: string, props: EventHubFanoutProps) {
    super(scope, id);
    requireProps(this, 'EventHubFanout', props, ['dataverse', 'resourceGroup']);
    requireBlock(this, 'existingNamespace', props.existingNamespace, 'eventHubNamespaceId', 'EventHubNamespace.fromEventHubNamespaceAttributes');
    requireBlock(this, 'existingEventHub', props.existingEventHub, 'eventHubId', 'EventHub.fromEventHubAttributes');
    requireBlock(this, 'capture.existingStorageAccount', props.capture?.existingStorageAccount, 'storageAccountId', 'StorageAccount.fromStorageAccountAttributes');
    const seed = props.dataverse.url;
    this.consumers = { resourceGroup: props.resourceGroup, tags: props.tags, nameSeed: seed, monitoring: props.monitoring };

    // Names are generated here, from this construct's path and the environment URL, and given to
    // the blocks as literals (the manifest carries them).
    this.eventHubNamespace =
      props.existingEventHub?.eventHubNamespace ??
      props.existingNamespace ??
      new EventHubNamespace(this, 'namespace', {
        ...props.namespaceOptions,
        name: props.namespaceOptions?.name ?? generateName(this, NAME_RULES.eventHubsNamespace, 'evhns', seed),
        resourceGroup: props.resourceGroup,
        tags: props.tags,
      });
    const capture = props.existingEventHub ? undefined : props.capture;
    if (capture) {
      const storage = this.createCaptureStorage(props, capture);
      this.captureStorageAccount = storage.account;
      this.captureContainer = storage.container;
    }
    this.eventHub =
      props.existingEventHub ??
      new EventHub(this, 'event-hub', {
        ...props.eventHub,
        name: props.eventHub?.name ?? generateName(this, NAME_RULES.messagingEntity, 'dataverse', seed),
        eventHubNamespace: this.eventHubNamespace,
        capture:
          capture && this.captureStorageAccount
            ? {
                ...capture,
                storageAccount: this.captureStorageAccount,
                // The created container's name attribute, so that Terraform creates it first.
                containerName: this.captureContainer?.name ?? capture.containerName ?? 'eventhub-capture',
              }
            : undefined,
      });
    const ruleName = props.authorizationRuleName ?? 'dataverse-send';
    this.authorizationRule = this.eventHub.addSendOnlyRule('dataverse-send', ruleName, this);

    // Dataverse side: the endpoint and its steps.
    const namespaceName = this.eventHubNamespace.eventHubNamespaceName;
    const hubName = this.eventHub.eventHubName;
    const binding = bindOutbound(this, 'EventHubFanout', props, {
      defaultDescription: `Event Hubs fan-out for ${this.node.path} (cdktf-dataverse)`,
      contract: ServiceEndpointContract.EVENT_HUB,
      authType: ServiceEndpointAuthType.SAS_KEY,
      messageFormat: props.messageFormat ?? MessageFormat.JSON,
      namespaceAddress: `sb://${this.eventHubNamespace.fullyQualifiedNamespace}/`,
      solutionNamespace: namespaceName,
      path: hubName,
      sasKeyName: ruleName,
      sasKey: this.authorizationRule.primaryKey,
    });
    this.endpoint = binding.endpoint;
    this.steps = binding.steps;
    this.secretOutputName = binding.secretOutputName;

    annotate(
      this,
      'info',
      `Local (SAS) authentication stays enabled on Event Hubs namespace ${namespaceName}: Dataverse service endpoints cannot authenticate with a managed identity. Dataverse gets a Send-only key on event hub ${hubName} only; subscribers should read with Entra ID (addSubscriber with principalId).`,
    );
    monitorEventHub(this, props, this.eventHub, this.eventHubNamespace instanceof EventHubNamespace ? this.eventHubNamespace : undefined);
    addValidator(this, (problems) => this.validate(problems, props));
  }

  /** The consumer groups added with addSubscriber, in order. */
  public get consumerGroups(): EventHubConsumerGroup[] {
    return this.subscriberList.map((s) => s.consumerGroup);
  }

  /** What addSubscriber created, in order. */
  public get subscribers(): EventHubSubscriber[] {
    return [...this.subscriberList];
  }

  /**
   * Adds a subscriber: its own consumer group on the event hub, so that it reads every event at
   * its own pace; with `principalId` also "Azure Event Hubs Data Receiver" scoped to the event hub.
   * Each name may be used once; `$Default` is reserved.
   */
  public addSubscriber(name: string, options: EventHubSubscriberOptions = {}): EventHubSubscriber {
    const key = isUnresolved(name) ? `${name}` : name.toLowerCase();
    const repeated = this.subscriberNames.has(key);
    this.subscriberNames.add(key);
    const safe = isUnresolved(name) ? `${this.subscriberList.length + 1}` : name.replace(/[^A-Za-z0-9_.-]/g, '_');
    let id = `subscriber-${safe}`;
    if (repeated || this.node.tryFindChild(id)) id = `${id}-repeat-${this.subscriberList.length + 1}`;
    const subscriber = new EventHubSubscriber(this, id, { ...options, name, eventHub: this.eventHub });
    this.subscriberList.push(subscriber);
    setConsumerDefaults(subscriber, this.consumers);
    return subscriber;
  }

  /**
   * Not on the fan-out itself: a function reads through a subscriber's own consumer group (one
   * reader per group; two readers of one group, or of `$Default`, split and re-read the events
   * between them). Always throws, naming the fix:
   * `addSubscriber(name).addFunctionConsumer(id, props)`.
   */
  public addFunctionConsumer(id: string, _props: FunctionConsumerProps): FunctionConsumer {
    throw new Error(
      `[${this.node.path}] addFunctionConsumer('${id}') has no consumer group to read: each function reads the event hub through a subscriber's own consumer group. Fix: addSubscriber('<name>').addFunctionConsumer('${id}', ...).`,
    );
  }

  /**
   * Lets a principal read every event with Entra ID: adds "Azure Event Hubs Data Receiver" scoped
   * to the event hub, and returns the role assignment (the first one, when repeated).
   */
  public grantReceive(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return this.eventHub.grantReceive(principalId, options);
  }

  /**
   * Lets a principal publish to the hub with Entra ID: adds "Azure Event Hubs Data Sender" scoped
   * to the event hub, and returns the role assignment (the first one, when repeated).
   */
  public grantSend(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return this.eventHub.grantSend(principalId, options);
  }

  /** The capture account and container: the given account, or a created one (keys on: Capture signs in with SAS). */
  private createCaptureStorage(props: EventHubFanoutProps, capture: EventHubCaptureOptions): { account: IStorageAccount; container?: StorageContainer } {
    if (capture.existingStorageAccount) return { account: capture.existingStorageAccount };
    const account = new StorageAccount(this, 'capture-storage', {
      resourceGroup: props.resourceGroup,
      name: capture.storageAccountName ?? generateName(this, NAME_RULES.storageAccount, 'stcap', props.dataverse.url),
      sharedAccessKeyEnabled: true,
      tags: props.tags,
    });
    PolicySuppressions.of(account.resource).add(
      'CKV2_AZURE_40',
      "Event Hubs Capture signs in to the account with a shared access signature: azurerm 4.55's capture destination takes no managed identity (eventhub_resource.go, expandEventHubCaptureDescription), so shared keys stay on, with a SAS expiry policy.",
    );
    return { account, container: account.addContainer(this, 'capture-container', capture.containerName ?? 'eventhub-capture') };
  }

  private validate(problems: Problems, props: EventHubFanoutProps): void {
    const { existingNamespace, existingEventHub, namespaceOptions, capture } = props;
    checkExistingOrNew(problems, [
      ['existingNamespace', existingNamespace, 'namespaceOptions', namespaceOptions],
      ['existingEventHub', existingEventHub, 'namespaceOptions', namespaceOptions],
      ['existingEventHub', existingEventHub, 'eventHub', props.eventHub],
      ['existingEventHub', existingEventHub, 'capture', capture],
      ['capture.existingStorageAccount', capture?.existingStorageAccount, 'capture.storageAccountName', capture?.storageAccountName],
    ]);
    problems.check(
      existingNamespace === undefined || existingEventHub === undefined || existingNamespace === existingEventHub.eventHubNamespace,
      `existingNamespace ${quote(existingNamespace?.eventHubNamespaceName)} is not the namespace of existingEventHub. Fix: pass existingEventHub alone (its namespace is used).`,
    );
    // The created container's name reaches the hub as a reference, so it is checked here.
    if (capture && !capture.existingStorageAccount) checkName(problems, BLOB_CONTAINER_RULE, 'capture.containerName', capture.containerName);
    problems.check(
      capture?.existingStorageAccount === undefined || capture.containerName !== undefined,
      'capture.existingStorageAccount is set but capture.containerName is not. Fix: name the existing blob container that captured files go to.',
    );
  }
}

/**
 * Throws naming the prop when an `existingX` value is not a block (a JavaScript caller, or 0.0.x's
 * `{ id, name }` reference struct), before anything reads an attribute of it.
 */
function requireBlock(scope: Construct, prop: string, value: unknown, attribute: string, importer: string): void {
  if (value === undefined || (typeof value === 'object' && value !== null && (value as Record<string, unknown>)[attribute] !== undefined)) return;
  throw new Error(
    `${scope.node.path}: EventHubFanout's ${prop} has no ${attribute}, so it is not a block (0.0.x took { id, name } or an id). Fix: pass ${importer}(this, '<id>', { ... }) or a block this stack creates.`,
  );
}
