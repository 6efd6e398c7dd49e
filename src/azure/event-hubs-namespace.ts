import { EventhubNamespace } from '@cdktf/provider-azurerm/lib/eventhub-namespace';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { EVENT_HUBS_LIMITS, EventHubsGrantable, EVENT_HUBS_PROVIDER } from './event-hubs-base';
import { GrantOptions } from './grants-api';
import { importedName, requireProps } from './imports';
import { checkName, generateName, NAME_RULES } from './naming';
import { checkInteger } from './props';
import { ResourceGroupReference } from './resource-group';
import { resourceGroupOfId } from './resource-id';
import { checkTags } from './tags';
import { Problems, addValidator, isUnresolved, quote } from '../core/problems';
import { PolicySuppressions } from '../policy/suppressions';

/**
 * Event Hubs tier. Basic is not offered: it has a single consumer group (no fan-out) and no capture.
 */
export enum EventHubSku {
  /** Throughput units (1–40), optional auto-inflate; up to 32 partitions, 7 days retention, 20 consumer groups. */
  STANDARD = 'Standard',
  /** Processing units (1, 2, 4, 8, 16); up to 100 partitions, 90 days retention, 100 consumer groups. */
  PREMIUM = 'Premium',
  /** A namespace in an Event Hubs Dedicated cluster; up to 1024 partitions, 90 days retention, 1000 consumer groups. */
  DEDICATED = 'Dedicated',
}

/**
 * An Event Hubs namespace: one this stack creates, or one that exists
 * (`EventHubNamespace.fromEventHubNamespaceAttributes`).
 */
export interface IEventHubNamespace {
  /** Resource id. */
  readonly eventHubNamespaceId: string;
  /** Namespace name: the literal name given to the resource (Dataverse's service endpoint carries it). */
  readonly eventHubNamespaceName: string;
  /** Resource group of the namespace. */
  readonly resourceGroupName: string;
  /**
   * `<name>.servicebus.windows.net`: what identity-based clients and Functions triggers
   * (`<connection>__fullyQualifiedNamespace`) connect to.
   */
  readonly fullyQualifiedNamespace: string;
  /** Tier; the event hub and consumer group checks (partitions, retention, groups) depend on it. */
  readonly sku: EventHubSku;
  /** Grants "Azure Event Hubs Data Sender" on the whole namespace; returns the role assignment. */
  grantSend(principalId: string, options?: GrantOptions): RoleAssignment;
  /** Grants "Azure Event Hubs Data Receiver" on the whole namespace; returns the role assignment. */
  grantReceive(principalId: string, options?: GrantOptions): RoleAssignment;
}

/** Attributes of an Event Hubs namespace that exists. A data source of one fits. */
export interface EventHubNamespaceAttributes {
  /** Resource id: `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.EventHub/namespaces/<name>`. */
  readonly eventHubNamespaceId: string;
  /**
   * Namespace name. Required when the id is a Terraform reference.
   * @default - read from the literal id
   */
  readonly eventHubNamespaceName?: string;
  /**
   * Tier of the namespace, used to check partition count, retention and the number of consumer groups.
   * @default EventHubSku.STANDARD
   */
  readonly sku?: EventHubSku;
}

/** How an Event Hubs namespace is created: the options a pattern passes through. */
export interface EventHubNamespaceOptions {
  /**
   * Namespace name (6–50 letters, digits, hyphens; globally unique).
   * @default - generated from the construct path (EventHubFanout adds a hash of the environment URL)
   */
  readonly name?: string;
  /**
   * Tier.
   * @default EventHubSku.STANDARD
   */
  readonly sku?: EventHubSku;
  /**
   * Standard: throughput units (1–40). Premium: processing units (1, 2, 4, 8 or 16).
   * Not with Dedicated (the cluster's capacity applies).
   * @default 1
   */
  readonly capacity?: number;
  /**
   * Let Azure add throughput units under load, up to maximumThroughputUnits (Standard only).
   * @default false
   */
  readonly autoInflateEnabled?: boolean;
  /**
   * Upper bound of auto-inflate (Standard only, with autoInflateEnabled): more than capacity, at most 40.
   * @default - none (required when autoInflateEnabled is true)
   */
  readonly maximumThroughputUnits?: number;
  /**
   * Resource id of the Event Hubs Dedicated cluster (Dedicated only, and required there).
   * @default - none
   */
  readonly dedicatedClusterId?: string;
  /**
   * Public network access. Dataverse delivers from its service over the internet, so the namespace
   * must accept public traffic unless your environment reaches it through a Power Platform
   * virtual network.
   * @default true
   */
  readonly publicNetworkAccessEnabled?: boolean;
}

/** Properties of an EventHubNamespace. */
export interface EventHubNamespaceProps extends EventHubNamespaceOptions {
  /** Resource group (name and location) of the namespace. */
  readonly resourceGroup: ResourceGroupReference;
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** The attributes and grants every namespace has, created or imported. */
abstract class EventHubNamespaceBase extends EventHubsGrantable implements IEventHubNamespace {
  public abstract readonly eventHubNamespaceId: string;
  public abstract readonly eventHubNamespaceName: string;
  public abstract readonly resourceGroupName: string;
  public abstract readonly sku: EventHubSku;

  public get fullyQualifiedNamespace(): string {
    return `${this.eventHubNamespaceName}.servicebus.windows.net`;
  }

  /** @internal */
  protected get _grantScopeId(): string {
    return this.eventHubNamespaceId;
  }
}

/**
 * An Event Hubs namespace with the library's one hardening for Event Hubs namespaces.
 *
 * Default settings:
 * - Standard tier, 1 throughput unit, no auto-inflate, a generated deterministic name.
 * - TLS 1.2 minimum.
 * - Local (SAS) authentication on: Dataverse service endpoints authenticate with a SAS key only
 *   (suppressed DV_EVENTHUB_LOCAL_AUTH with that reason); give Dataverse a Send-only rule on one
 *   event hub (`EventHub.addSendOnlyRule`) and every other client an Entra ID role (`grantSend` /
 *   `grantReceive` here or on the hub).
 * - Public network access on, because Dataverse delivers over the internet (suppressed
 *   DV_EVENTHUB_PUBLIC_ACCESS while it is on; `publicNetworkAccessEnabled: false` turns it off).
 */
export class EventHubNamespace extends EventHubNamespaceBase {
  /** Imports a namespace that exists. */
  public static fromEventHubNamespaceAttributes(scope: Construct, id: string, attrs: EventHubNamespaceAttributes): IEventHubNamespace {
    return new ImportedEventHubNamespace(scope, id, attrs);
  }

  public readonly eventHubNamespaceId: string;
  public readonly eventHubNamespaceName: string;
  public readonly resourceGroupName: string;
  public readonly sku: EventHubSku;
  /** The azurerm_eventhub_namespace resource. */
  public readonly resource: EventhubNamespace;

  constructor(scope: Construct, id: string, props: EventHubNamespaceProps) {
    super(scope, id);
    requireProps(this, 'EventHubNamespace', props, ['resourceGroup']);
    this.sku = props.sku ?? EventHubSku.STANDARD;
    const standard = this.sku === EventHubSku.STANDARD;
    const autoInflate = standard ? (props.autoInflateEnabled ?? false) : undefined;
    const publicAccess = props.publicNetworkAccessEnabled ?? true;
    // The literal name, not resource.name: the manifest needs it at synth.
    this.eventHubNamespaceName = props.name ?? generateName(this, NAME_RULES.eventHubsNamespace, 'evhns', this.node.path);
    // 'Default' keeps the Terraform address of the namespace that of this construct.
    this.resource = new EventhubNamespace(this, 'Default', {
      name: this.eventHubNamespaceName,
      location: props.resourceGroup.location,
      resourceGroupName: props.resourceGroup.name,
      // A namespace in a Dedicated cluster is a Standard namespace with the cluster's id.
      sku: this.sku === EventHubSku.PREMIUM ? 'Premium' : 'Standard',
      capacity: this.sku === EventHubSku.DEDICATED ? undefined : (props.capacity ?? 1),
      autoInflateEnabled: autoInflate,
      maximumThroughputUnits: autoInflate ? props.maximumThroughputUnits : undefined,
      dedicatedClusterId: props.dedicatedClusterId,
      minimumTlsVersion: '1.2',
      localAuthenticationEnabled: true,
      publicNetworkAccessEnabled: publicAccess,
      tags: props.tags,
    });
    this.eventHubNamespaceId = this.resource.id;
    this.resourceGroupName = props.resourceGroup.name;
    const suppressions = PolicySuppressions.of(this.resource).add(
      'DV_EVENTHUB_LOCAL_AUTH',
      'Dataverse service endpoints authenticate with a SAS key only (no managed identity), so local auth stays on; Dataverse gets a Send-only key on one event hub only, and every other client uses Entra ID (grantSend / grantReceive).',
    );
    if (publicAccess) {
      suppressions.add(
        'DV_EVENTHUB_PUBLIC_ACCESS',
        'Dataverse delivers from its cloud service over the internet; set publicNetworkAccessEnabled: false (EventHubFanout: namespaceOptions.publicNetworkAccessEnabled) when the environment reaches Azure through a Power Platform virtual network.',
      );
    }
    addValidator(this, (problems) => checkTags(problems, 'tags', props.tags));
    addValidator(this, (problems) => {
      checkSku(problems, 'sku', this.sku);
      checkName(problems, NAME_RULES.eventHubsNamespace, 'name', props.name);
      checkCapacity(problems, props, this.sku);
    });
  }
}

class ImportedEventHubNamespace extends EventHubNamespaceBase {
  public readonly eventHubNamespaceId: string;
  public readonly eventHubNamespaceName: string;
  public readonly resourceGroupName: string;
  public readonly sku: EventHubSku;

  constructor(scope: Construct, id: string, attrs: EventHubNamespaceAttributes) {
    super(scope, id);
    const importer = 'EventHubNamespace.fromEventHubNamespaceAttributes';
    requireProps(this, importer, attrs, ['eventHubNamespaceId']);
    this.eventHubNamespaceId = attrs.eventHubNamespaceId;
    this.sku = attrs.sku ?? EventHubSku.STANDARD;
    this.resourceGroupName = resourceGroupOfId(attrs.eventHubNamespaceId) ?? '';
    this.eventHubNamespaceName = importedName(this, {
      provider: EVENT_HUBS_PROVIDER,
      importer,
      idProp: 'eventHubNamespaceId',
      id: attrs.eventHubNamespaceId,
      nameProp: 'eventHubNamespaceName',
      name: attrs.eventHubNamespaceName,
      kinds: ['namespaces'],
    });
    addValidator(this, (problems) => checkSku(problems, 'sku', this.sku));
  }
}

function checkSku(problems: Problems, prop: string, sku: EventHubSku): void {
  problems.check(
    isUnresolved(sku) || EVENT_HUBS_LIMITS[sku] !== undefined,
    `${prop} ${quote(sku)} is not supported. Fix: use EventHubSku.STANDARD, PREMIUM or DEDICATED (Basic has a single consumer group, so no fan-out, and no capture).`,
  );
}

/** Throughput or processing units, auto-inflate and the dedicated cluster, by tier. */
function checkCapacity(problems: Problems, ns: EventHubNamespaceOptions, sku: EventHubSku): void {
  if (sku === EventHubSku.STANDARD) {
    checkInteger(problems, 'capacity (throughput units)', ns.capacity, 1, 40);
    if (ns.autoInflateEnabled === true) {
      problems.check(
        ns.maximumThroughputUnits !== undefined,
        'autoInflateEnabled is true but maximumThroughputUnits is not set. Fix: set maximumThroughputUnits (more than capacity, at most 40).',
      );
    } else {
      problems.check(
        ns.maximumThroughputUnits === undefined,
        `maximumThroughputUnits ${ns.maximumThroughputUnits} applies only with auto-inflate. Fix: set autoInflateEnabled: true, or remove maximumThroughputUnits.`,
      );
    }
    const max = ns.maximumThroughputUnits;
    if (max !== undefined && !isUnresolved(max)) {
      const capacity = ns.capacity ?? 1;
      problems.check(
        Number.isInteger(max) && max <= 40 && (isUnresolved(capacity) || max > capacity),
        `maximumThroughputUnits ${max} must be a whole number more than capacity (${capacity}) and at most 40. Fix: choose a value in that range.`,
      );
    }
  } else {
    for (const [prop, value] of [
      ['autoInflateEnabled', ns.autoInflateEnabled],
      ['maximumThroughputUnits', ns.maximumThroughputUnits],
    ] as const) {
      problems.check(
        value === undefined,
        `${prop} applies to Standard namespaces only (auto-inflate of throughput units), not ${sku}. Fix: remove ${prop}, or use EventHubSku.STANDARD.`,
      );
    }
  }
  if (sku === EventHubSku.PREMIUM) {
    checkInteger(problems, 'capacity (processing units)', ns.capacity, 1, 16, [1, 2, 4, 8, 16]);
  }
  if (sku === EventHubSku.DEDICATED) {
    problems.check(ns.dedicatedClusterId !== undefined, 'sku is DEDICATED but dedicatedClusterId is not set. Fix: pass the resource id of your Event Hubs Dedicated cluster.');
    problems.check(
      ns.capacity === undefined,
      `capacity ${ns.capacity} does not apply to a namespace in a Dedicated cluster (the cluster's capacity units do). Fix: remove capacity.`,
    );
  } else {
    problems.check(ns.dedicatedClusterId === undefined, `dedicatedClusterId is set but sku is ${sku}. Fix: set sku: EventHubSku.DEDICATED, or remove dedicatedClusterId.`);
  }
}
