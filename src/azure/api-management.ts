import { ApiManagement as ApiManagementResource } from '@cdktf/provider-azurerm/lib/api-management';
import { ApiManagementSubscription } from '@cdktf/provider-azurerm/lib/api-management-subscription';
import { Construct } from 'constructs';
import { apiManagementMetric } from './alerts-catalogue';
import { MetricCriteria, MetricOptions } from './alerts-criteria';
import { checkImportedId, requireProps } from './imports';
import { IApiManagementMetrics } from './metrics';
import { checkName, generateName, NAME_RULES } from './naming';
import { ResourceGroupReference } from './resource-group';
import { resourceGroupOfId, resourceNameOfId } from './resource-id';
import { checkTags } from './tags';
import { Problems, addValidator, isUnresolved, quote } from '../core/problems';
import { PolicySuppressions } from '../policy/suppressions';

/** API Management pricing tier (classic tiers). */
export enum ApiManagementTier {
  /** Serverless, billed per call, no idle cost, SLA; capacity 0. */
  CONSUMPTION = 'Consumption',
  /** One unit, no SLA: for development only. Virtual network capable. */
  DEVELOPER = 'Developer',
  /** 1–2 units. */
  BASIC = 'Basic',
  /** 1–4 units. */
  STANDARD = 'Standard',
  /** Units per region, availability zones, virtual network. */
  PREMIUM = 'Premium',
}

/** How the API Management service is placed in a virtual network. */
export enum ApiManagementVirtualNetworkType {
  NONE = 'None',
  /** Gateway reachable from the internet, backends reachable in the network. */
  EXTERNAL = 'External',
  /** Gateway reachable from the network only. */
  INTERNAL = 'Internal',
}

/** Options of an API Management service to create. */
export interface ApiManagementOptions {
  /**
   * Service name (1–50 letters, digits, hyphens; globally unique: it becomes `<name>.azure-api.net`).
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Pricing tier.
   * @default ApiManagementTier.CONSUMPTION
   */
  readonly tier?: ApiManagementTier;
  /**
   * Units: 0 on Consumption; 1 on Developer; 1–2 on Basic; 1–4 on Standard; 1–99 on Premium (a
   * multiple of the number of zones when zones are set).
   * @default 0 on Consumption, 1 otherwise
   */
  readonly capacity?: number;
  /**
   * Virtual network placement (Developer and Premium only).
   * @default ApiManagementVirtualNetworkType.NONE
   */
  readonly virtualNetworkType?: ApiManagementVirtualNetworkType;
  /**
   * Subnet resource id (with an EXTERNAL or INTERNAL virtual network type).
   * @default - none
   */
  readonly subnetId?: string;
  /**
   * Availability zones (Premium only), e.g. ['1', '2', '3'].
   * @default - none
   */
  readonly zones?: string[];
  /**
   * Ask callers for client certificates (Consumption only).
   * @default false
   */
  readonly clientCertificateEnabled?: boolean;
  /**
   * Public network access.
   * @default true
   */
  readonly publicNetworkAccessEnabled?: boolean;
}

/** Properties of an ApiManagement service. */
export interface ApiManagementProps extends ApiManagementOptions {
  /** Resource group (name and location). */
  readonly resourceGroup: ResourceGroupReference;
  /** Publisher name (1–100 characters). */
  readonly publisherName: string;
  /** Publisher e-mail. */
  readonly publisherEmail: string;
  /**
   * User-assigned identities attached to the service.
   * @default - none
   */
  readonly userAssignedIdentityIds?: string[];
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** Options of a subscription. */
export interface ApiSubscriptionOptions {
  /**
   * Display name.
   * @default - the construct id
   */
  readonly displayName?: string;
  /**
   * The API the subscription is for (an API resource id).
   * @default - all APIs of the service
   */
  readonly apiId?: string;
}

/** An API Management service: one this stack creates, or one that exists (`ApiManagement.fromApiManagementAttributes`). */
export interface IApiManagement extends IApiManagementMetrics {
  /** Resource id. */
  readonly apiManagementId: string;
  /** Service name. */
  readonly apiManagementName: string;
  /** Resource group of the service. */
  readonly resourceGroupName: string;
  /** Gateway URL without a trailing slash, e.g. `https://<name>.azure-api.net`. */
  readonly gatewayUrl: string;
  /**
   * Adds a subscription (keys in Terraform state only: its `primaryKey` attribute is a reference);
   * returns it. `scope` and `id` place it in the construct tree.
   */
  addSubscription(scope: Construct, id: string, options?: ApiSubscriptionOptions): ApiManagementSubscription;
}

/** Attributes of an API Management service that exists. */
export interface ApiManagementAttributes {
  /** Resource id: `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>`. */
  readonly apiManagementId: string;
  /**
   * Gateway URL.
   * @default - `https://<name>.azure-api.net`
   */
  readonly gatewayUrl?: string;
}

abstract class ApiManagementBase extends Construct implements IApiManagement {
  public abstract readonly apiManagementId: string;
  public abstract readonly apiManagementName: string;
  public abstract readonly resourceGroupName: string;
  public abstract readonly gatewayUrl: string;

  public addSubscription(scope: Construct, id: string, options: ApiSubscriptionOptions = {}): ApiManagementSubscription {
    return new ApiManagementSubscription(scope, id, {
      apiManagementName: this.apiManagementName,
      resourceGroupName: this.resourceGroupName,
      displayName: options.displayName ?? id,
      apiId: options.apiId,
      state: 'active',
      allowTracing: false,
    });
  }

  public metricServerErrors(options?: MetricOptions): MetricCriteria {
    return apiManagementMetric(this.apiManagementId, 'serverErrors', options);
  }

  public metricCapacity(options?: MetricOptions): MetricCriteria {
    return apiManagementMetric(this.apiManagementId, 'capacity', options);
  }
}

const CAPACITY: { [tier: string]: [number, number] } = { Consumption: [0, 0], Developer: [1, 1], Basic: [1, 2], Standard: [1, 4], Premium: [1, 99] };
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const SECURITY_OFF = [
  'frontendSsl30Enabled',
  'frontendTls10Enabled',
  'frontendTls11Enabled',
  'backendSsl30Enabled',
  'backendTls10Enabled',
  'backendTls11Enabled',
  'tripleDesCiphersEnabled',
  'tlsEcdheEcdsaWithAes128CbcShaCiphersEnabled',
  'tlsEcdheEcdsaWithAes256CbcShaCiphersEnabled',
  'tlsEcdheRsaWithAes128CbcShaCiphersEnabled',
  'tlsEcdheRsaWithAes256CbcShaCiphersEnabled',
  'tlsRsaWithAes128CbcShaCiphersEnabled',
  'tlsRsaWithAes256CbcShaCiphersEnabled',
  'tlsRsaWithAes128CbcSha256CiphersEnabled',
  'tlsRsaWithAes256CbcSha256CiphersEnabled',
];

/**
 * An API Management service with the library's one hardening for gateways.
 *
 * Default settings:
 * - Consumption tier (pay per call, an SLA); name generated from the construct path.
 * - SSL 3.0, TLS 1.0 and TLS 1.1 off on the front and back end; 3DES and the CBC cipher suites off.
 * - Public, outside a virtual network (CKV_AZURE_107, CKV_AZURE_174 and, on Consumption without
 *   client certificates, CKV_AZURE_152 suppressed with their reasons).
 */
export class ApiManagement extends ApiManagementBase {
  /** Imports a service that exists. */
  public static fromApiManagementAttributes(scope: Construct, id: string, attrs: ApiManagementAttributes): IApiManagement {
    return new ImportedApiManagement(scope, id, attrs);
  }

  public readonly apiManagementId: string;
  public readonly apiManagementName: string;
  public readonly resourceGroupName: string;
  public readonly gatewayUrl: string;
  /** The azurerm_api_management resource. */
  public readonly resource: ApiManagementResource;

  constructor(scope: Construct, id: string, props: ApiManagementProps) {
    super(scope, id);
    requireProps(this, 'ApiManagement', props, ['resourceGroup']);
    const tier = props.tier ?? ApiManagementTier.CONSUMPTION;
    const vnet = props.virtualNetworkType ?? ApiManagementVirtualNetworkType.NONE;
    const ids = props.userAssignedIdentityIds ?? [];
    const name = props.name ?? generateName(this, NAME_RULES.apiManagement, 'apim', this.node.path);
    this.resource = new ApiManagementResource(this, 'Default', {
      name,
      location: props.resourceGroup.location,
      resourceGroupName: props.resourceGroup.name,
      publisherName: props.publisherName ?? '',
      publisherEmail: props.publisherEmail ?? '',
      skuName: `${tier}_${props.capacity ?? (tier === ApiManagementTier.CONSUMPTION ? 0 : 1)}`,
      identity: ids.length > 0 ? { type: 'UserAssigned', identityIds: ids } : undefined,
      security: Object.fromEntries(SECURITY_OFF.map((k) => [k, false])),
      virtualNetworkType: vnet === ApiManagementVirtualNetworkType.NONE ? undefined : vnet,
      virtualNetworkConfiguration: props.subnetId !== undefined ? { subnetId: props.subnetId } : undefined,
      zones: props.zones,
      clientCertificateEnabled: props.clientCertificateEnabled,
      publicNetworkAccessEnabled: props.publicNetworkAccessEnabled ?? true,
      tags: props.tags,
    });
    // A reference, not the literal name: APIs, named values and subscriptions then wait for the service.
    this.apiManagementName = this.resource.name;
    this.apiManagementId = this.resource.id;
    this.resourceGroupName = props.resourceGroup.name;
    this.gatewayUrl = `https://${name}.azure-api.net`;
    suppressFindings(this.resource, tier, vnet, props);
    addValidator(this, (problems) => {
      if (props.publisherEmail !== undefined && !isUnresolved(props.publisherEmail)) {
        problems.check(EMAIL.test(props.publisherEmail), `publisherEmail ${quote(props.publisherEmail)} is not an e-mail address. Fix: use e.g. 'integration@contoso.com'.`);
      }
      problems.length('publisherName', props.publisherName, 1, 100);
      validateService(problems, tier, props);
      checkTags(problems, 'tags', props.tags);
    });
  }
}

class ImportedApiManagement extends ApiManagementBase {
  public readonly apiManagementId: string;
  public readonly apiManagementName: string;
  public readonly resourceGroupName: string;
  public readonly gatewayUrl: string;

  constructor(scope: Construct, id: string, attrs: ApiManagementAttributes) {
    super(scope, id);
    requireProps(this, 'ApiManagement.fromApiManagementAttributes', attrs, ['apiManagementId']);
    this.apiManagementId = attrs.apiManagementId;
    this.apiManagementName = resourceNameOfId(attrs.apiManagementId);
    this.resourceGroupName = resourceGroupOfId(attrs.apiManagementId) ?? '';
    const url = attrs.gatewayUrl ?? `https://${this.apiManagementName}.azure-api.net`;
    this.gatewayUrl = url.replace(/\/+$/, '');
    checkImportedId(this, 'apiManagementId', attrs.apiManagementId, 'Microsoft.ApiManagement/service');
    addValidator(this, (problems) => {
      if (!isUnresolved(url)) {
        problems.check(
          /^https:\/\/[A-Za-z0-9.-]+\/?$/.test(url),
          `gatewayUrl ${quote(url)} is not an https URL without a path. Fix: pass the service's gateway URL, e.g. 'https://contoso-apim.azure-api.net'.`,
        );
      }
    });
  }
}

function validateService(problems: Problems, tier: ApiManagementTier, o: ApiManagementOptions): void {
  checkName(problems, NAME_RULES.apiManagement, 'name', o.name);
  const range = CAPACITY[tier];
  if (!range) {
    problems.add(`tier ${quote(tier)} is not supported. Fix: use a value of ApiManagementTier (CONSUMPTION, DEVELOPER, BASIC, STANDARD or PREMIUM).`);
    return;
  }
  if (o.capacity !== undefined && !isUnresolved(o.capacity)) {
    problems.check(
      Number.isInteger(o.capacity) && o.capacity >= range[0] && o.capacity <= range[1],
      `capacity ${o.capacity} is not possible on the ${tier} tier: it must be ${range[0] === range[1] ? range[0] : `${range[0]} to ${range[1]}`}. Fix: change capacity or the tier.`,
    );
  }
  const vnet = o.virtualNetworkType ?? ApiManagementVirtualNetworkType.NONE;
  if (vnet !== ApiManagementVirtualNetworkType.NONE) {
    problems.check(
      tier === ApiManagementTier.DEVELOPER || tier === ApiManagementTier.PREMIUM,
      `virtualNetworkType ${vnet} needs the Developer or Premium tier, not ${tier}. Fix: set tier: ApiManagementTier.PREMIUM (or DEVELOPER for development), or remove virtualNetworkType.`,
    );
    problems.check(o.subnetId !== undefined, `virtualNetworkType ${vnet} needs subnetId. Fix: pass the id of the subnet the service goes into.`);
  } else {
    problems.check(o.subnetId === undefined, 'subnetId is set but virtualNetworkType is NONE. Fix: set virtualNetworkType to EXTERNAL or INTERNAL, or remove subnetId.');
  }
  if (o.zones !== undefined && o.zones.length > 0) {
    problems.check(
      tier === ApiManagementTier.PREMIUM,
      `zones [${o.zones.join(', ')}] need the Premium tier, not ${tier}. Fix: set tier: ApiManagementTier.PREMIUM, or remove zones.`,
    );
    for (const z of o.zones) {
      if (!isUnresolved(z)) problems.check(['1', '2', '3'].includes(z), `zones: ${quote(z)} is not an availability zone. Fix: use '1', '2' and/or '3'.`);
    }
    const capacity = o.capacity ?? 1;
    if (tier === ApiManagementTier.PREMIUM && !isUnresolved(capacity)) {
      problems.check(capacity % o.zones.length === 0, `capacity ${capacity} cannot be spread evenly over ${o.zones.length} zones. Fix: use a multiple of ${o.zones.length} units.`);
    }
  }
  if (o.clientCertificateEnabled === true) {
    problems.check(
      tier === ApiManagementTier.CONSUMPTION,
      `clientCertificateEnabled applies to the Consumption tier only (other tiers negotiate client certificates per host name), not ${tier}. Fix: remove it, or use tier CONSUMPTION.`,
    );
  }
}

/** The findings a public gateway accepts by design, each with its reason. */
function suppressFindings(service: ApiManagementResource, tier: ApiManagementTier, vnet: ApiManagementVirtualNetworkType, o: ApiManagementOptions): void {
  const suppressions = PolicySuppressions.of(service);
  if (vnet === ApiManagementVirtualNetworkType.NONE) {
    suppressions.add(
      'CKV_AZURE_107',
      'The gateway is the public front door for partner systems, so it is not placed in a virtual network by default; set virtualNetworkType (Developer or Premium tier) to integrate one.',
    );
  }
  if (o.publicNetworkAccessEnabled ?? true) {
    suppressions.add(
      'CKV_AZURE_174',
      'Partner systems call the gateway over the internet; every call needs a subscription key and is rate limited. Set publicNetworkAccessEnabled: false for a private gateway.',
    );
  }
  if (tier === ApiManagementTier.CONSUMPTION && o.clientCertificateEnabled !== true) {
    suppressions.add(
      'CKV_AZURE_152',
      'Callers authenticate with subscription keys, required on every API by default; set clientCertificateEnabled: true to also request client certificates.',
    );
  }
}
