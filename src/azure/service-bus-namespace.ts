import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { ServicebusNamespace } from '@cdktf/provider-azurerm/lib/servicebus-namespace';
import { Construct } from 'constructs';
import { GrantOptions } from './grants-api';
import { importedName, requireProps } from './imports';
import { checkName, generateName, NAME_RULES } from './naming';
import { checkInteger } from './props';
import { ResourceGroupReference } from './resource-group';
import { resourceGroupOfId } from './resource-id';
import { ServiceBusGrantable, SERVICE_BUS_PROVIDER } from './service-bus-base';
import { checkTags } from './tags';
import { addValidator, isUnresolved, quote } from '../core/problems';
import { PolicySuppressions } from '../policy/suppressions';

/** Service Bus namespace tier. Basic has no topics, no duplicate detection and no sessions. */
export enum ServiceBusSku {
  STANDARD = 'Standard',
  PREMIUM = 'Premium',
}

/**
 * A Service Bus namespace: one this stack creates, or one that exists
 * (`ServiceBusNamespace.fromServiceBusNamespaceAttributes`).
 */
export interface IServiceBusNamespace {
  /** Resource id. */
  readonly serviceBusNamespaceId: string;
  /** Namespace name: the literal name given to the resource (Dataverse's service endpoint carries it). */
  readonly serviceBusNamespaceName: string;
  /** Resource group of the namespace. */
  readonly resourceGroupName: string;
  /**
   * `<name>.servicebus.windows.net`: what identity-based clients and Functions triggers
   * (`<connection>__fullyQualifiedNamespace`) connect to.
   */
  readonly fullyQualifiedNamespace: string;
  /** Tier; the queue and topic checks (sizes, partitioning) depend on it. */
  readonly sku: ServiceBusSku;
  /** Grants "Azure Service Bus Data Sender" on the whole namespace; returns the role assignment. */
  grantSend(principalId: string, options?: GrantOptions): RoleAssignment;
  /** Grants "Azure Service Bus Data Receiver" on the whole namespace; returns the role assignment. */
  grantReceive(principalId: string, options?: GrantOptions): RoleAssignment;
}

/** Attributes of a Service Bus namespace that exists. A data source of one fits. */
export interface ServiceBusNamespaceAttributes {
  /** Resource id: `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.ServiceBus/namespaces/<name>`. */
  readonly serviceBusNamespaceId: string;
  /**
   * Namespace name. Required when the id is a Terraform reference.
   * @default - read from the literal id
   */
  readonly serviceBusNamespaceName?: string;
  /**
   * Tier of the namespace (the queue and topic checks depend on it).
   * @default ServiceBusSku.STANDARD
   */
  readonly sku?: ServiceBusSku;
}

/** How a Service Bus namespace is created: the options a pattern passes through. */
export interface ServiceBusNamespaceOptions {
  /**
   * Namespace name (6–50 letters, digits, hyphens; globally unique).
   * @default - generated from the construct path (a pattern adds a hash of the environment URL)
   */
  readonly name?: string;
  /**
   * Tier.
   * @default ServiceBusSku.STANDARD
   */
  readonly sku?: ServiceBusSku;
  /**
   * Messaging units (Premium only): 1, 2, 4, 8 or 16.
   * @default 1 on Premium
   */
  readonly capacity?: number;
  /**
   * Partitions (Premium only): 1, 2 or 4. Cannot change after creation.
   * @default 1 on Premium
   */
  readonly premiumMessagingPartitions?: number;
  /**
   * Public network access. Dataverse delivers from its service over the internet, so the
   * namespace must accept public traffic unless your environment reaches it through a
   * Power Platform virtual network.
   * @default true
   */
  readonly publicNetworkAccessEnabled?: boolean;
}

/** Properties of a ServiceBusNamespace. */
export interface ServiceBusNamespaceProps extends ServiceBusNamespaceOptions {
  /** Resource group (name and location) of the namespace. */
  readonly resourceGroup: ResourceGroupReference;
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** The attributes and grants every namespace has, created or imported. */
abstract class ServiceBusNamespaceBase extends ServiceBusGrantable implements IServiceBusNamespace {
  public abstract readonly serviceBusNamespaceId: string;
  public abstract readonly serviceBusNamespaceName: string;
  public abstract readonly resourceGroupName: string;
  public abstract readonly sku: ServiceBusSku;

  public get fullyQualifiedNamespace(): string {
    return `${this.serviceBusNamespaceName}.servicebus.windows.net`;
  }

  /** @internal */
  protected get _grantScopeId(): string {
    return this.serviceBusNamespaceId;
  }
}

/**
 * A Service Bus namespace with the library's one hardening for namespaces.
 *
 * Default settings:
 * - Standard tier with a generated, deterministic name; on Premium, 1 messaging unit and 1 partition.
 * - TLS 1.2 minimum.
 * - A system-assigned managed identity (what a customer-managed key needs; checkov CKV_AZURE_202).
 * - Local (SAS) authentication on: Dataverse service endpoints authenticate with a SAS key only
 *   (suppressed CKV_AZURE_203 with that reason); give Dataverse a Send-only rule on one entity and
 *   every other client an Entra ID role (`grantSend` / `grantReceive` here or on the entity).
 * - Public network access on, because Dataverse delivers over the internet (suppressed
 *   CKV_AZURE_204 while it is on; `publicNetworkAccessEnabled: false` turns it off).
 * - Microsoft-managed encryption keys (suppressed CKV_AZURE_199 and CKV_AZURE_201 with their reasons).
 */
export class ServiceBusNamespace extends ServiceBusNamespaceBase {
  /** Imports a namespace that exists. */
  public static fromServiceBusNamespaceAttributes(scope: Construct, id: string, attrs: ServiceBusNamespaceAttributes): IServiceBusNamespace {
    return new ImportedServiceBusNamespace(scope, id, attrs);
  }

  public readonly serviceBusNamespaceId: string;
  public readonly serviceBusNamespaceName: string;
  public readonly resourceGroupName: string;
  public readonly sku: ServiceBusSku;
  /** Object id of the namespace's system-assigned identity (known after deploy). */
  public readonly identityPrincipalId: string;
  /** The azurerm_servicebus_namespace resource. */
  public readonly resource: ServicebusNamespace;

  constructor(scope: Construct, id: string, props: ServiceBusNamespaceProps) {
    super(scope, id);
    requireProps(this, 'ServiceBusNamespace', props, ['resourceGroup']);
    this.sku = props.sku ?? ServiceBusSku.STANDARD;
    const premium = this.sku === ServiceBusSku.PREMIUM;
    const publicAccess = props.publicNetworkAccessEnabled ?? true;
    // The literal name, not resource.name: the manifest needs it at synth.
    this.serviceBusNamespaceName = props.name ?? generateName(this, NAME_RULES.serviceBusNamespace, 'sb', this.node.path);
    // 'Default' keeps the Terraform address of the namespace that of this construct.
    this.resource = new ServicebusNamespace(this, 'Default', {
      name: this.serviceBusNamespaceName,
      location: props.resourceGroup.location,
      resourceGroupName: props.resourceGroup.name,
      sku: this.sku,
      capacity: premium ? (props.capacity ?? 1) : undefined,
      premiumMessagingPartitions: premium ? (props.premiumMessagingPartitions ?? 1) : undefined,
      minimumTlsVersion: '1.2',
      localAuthEnabled: true,
      publicNetworkAccessEnabled: publicAccess,
      identity: { type: 'SystemAssigned' },
      tags: props.tags,
    });
    this.serviceBusNamespaceId = this.resource.id;
    this.resourceGroupName = props.resourceGroup.name;
    this.identityPrincipalId = this.resource.identity.principalId;
    suppressForcedFindings(this.resource, publicAccess);
    addValidator(this, (problems) => checkTags(problems, 'tags', props.tags));
    addValidator(this, (problems) => {
      problems.check(
        isUnresolved(this.sku) || Object.values(ServiceBusSku).includes(this.sku),
        `sku ${quote(this.sku)} is not supported. Fix: use ServiceBusSku.STANDARD or ServiceBusSku.PREMIUM (Basic has no topics, duplicate detection or sessions).`,
      );
      checkName(problems, NAME_RULES.serviceBusNamespace, 'name', props.name);
      if (!premium) {
        problems.check(props.capacity === undefined, `capacity ${props.capacity} applies to Premium namespaces only. Fix: remove capacity, or set sku: ServiceBusSku.PREMIUM.`);
        problems.check(
          props.premiumMessagingPartitions === undefined,
          `premiumMessagingPartitions ${props.premiumMessagingPartitions} applies to Premium namespaces only. Fix: remove it, or set sku: ServiceBusSku.PREMIUM.`,
        );
      }
      checkInteger(problems, 'capacity', props.capacity, 1, 16, [1, 2, 4, 8, 16]);
      checkInteger(problems, 'premiumMessagingPartitions', props.premiumMessagingPartitions, 1, 4, [1, 2, 4]);
    });
  }
}

class ImportedServiceBusNamespace extends ServiceBusNamespaceBase {
  public readonly serviceBusNamespaceId: string;
  public readonly serviceBusNamespaceName: string;
  public readonly resourceGroupName: string;
  public readonly sku: ServiceBusSku;

  constructor(scope: Construct, id: string, attrs: ServiceBusNamespaceAttributes) {
    super(scope, id);
    const importer = 'ServiceBusNamespace.fromServiceBusNamespaceAttributes';
    requireProps(this, importer, attrs, ['serviceBusNamespaceId']);
    this.serviceBusNamespaceId = attrs.serviceBusNamespaceId;
    this.sku = attrs.sku ?? ServiceBusSku.STANDARD;
    this.resourceGroupName = resourceGroupOfId(attrs.serviceBusNamespaceId) ?? '';
    this.serviceBusNamespaceName = importedName(this, {
      provider: SERVICE_BUS_PROVIDER,
      importer,
      idProp: 'serviceBusNamespaceId',
      id: attrs.serviceBusNamespaceId,
      nameProp: 'serviceBusNamespaceName',
      name: attrs.serviceBusNamespaceName,
      kinds: ['namespaces'],
    });
  }
}

/**
 * Where Dataverse forces a choice on the namespace, the policy rule pack is told why (the reasons
 * appear in policy-report.json).
 */
function suppressForcedFindings(namespace: ServicebusNamespace, publicNetworkAccess: boolean): void {
  const suppressions = PolicySuppressions.of(namespace)
    .add(
      'CKV_AZURE_203',
      'Dataverse service endpoints authenticate with a SAS key only (no managed identity), so local auth stays on; Dataverse gets a Send-only key on one queue or topic, and consumers use Entra ID (grantReceive).',
    )
    .add(
      'CKV_AZURE_201',
      'Customer-managed keys need a Premium namespace and a Key Vault key, which this block does not create; data at rest is encrypted with Microsoft-managed keys.',
    )
    .add(
      'CKV_AZURE_199',
      'Infrastructure (double) encryption comes with a customer-managed key, which this block does not configure; data at rest is encrypted with Microsoft-managed keys.',
    );
  if (publicNetworkAccess) {
    suppressions.add(
      'CKV_AZURE_204',
      'Dataverse delivers from its cloud service over the internet; set publicNetworkAccessEnabled: false (OutboundQueueIntegration: namespaceOptions.publicNetworkAccessEnabled) when the environment reaches Azure through a Power Platform virtual network.',
    );
  }
}
