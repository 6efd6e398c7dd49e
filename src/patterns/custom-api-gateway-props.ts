// The props and option structs of CustomApiGateway (kept apart from the construct to keep files short).
import { ApiManagementSubscription } from '@cdktf/provider-azurerm/lib/api-management-subscription';
import { IntegrationBaseProps } from './integration-props';
import { ApiManagementOptions, IApiManagement } from '../azure/api-management';
import { IUserAssignedIdentity } from '../azure/managed-identity';

/** Call rate limit per subscription (`rate-limit` policy). */
export interface GatewayRateLimit {
  /** Calls allowed per period. */
  readonly calls: number;
  /**
   * Sliding window in seconds (1–300).
   * @default 60
   */
  readonly renewalPeriodSeconds?: number;
}

/** Call quota per subscription (`quota` policy). */
export interface GatewayQuota {
  /** Calls allowed per period. */
  readonly calls: number;
  /**
   * Period in seconds.
   * @default 86400 (a day)
   */
  readonly renewalPeriodSeconds?: number;
}

/** Cross-origin calls from browsers (`cors` policy). */
export interface GatewayCorsOptions {
  /** Allowed origins, e.g. `https://portal.contoso.com`, or `*`. */
  readonly allowedOrigins: string[];
  /**
   * Allowed methods.
   * @default ['GET', 'POST']
   */
  readonly allowedMethods?: string[];
  /**
   * Allowed request headers.
   * @default ['Content-Type', 'Ocp-Apim-Subscription-Key']
   */
  readonly allowedHeaders?: string[];
  /**
   * Allow credentials (not with the `*` origin).
   * @default false
   */
  readonly allowCredentials?: boolean;
}

/** How a function app serves a route prefix of the gateway. */
export interface FunctionBackendOptions {
  /** Path of the route prefix on the gateway, e.g. `orders` (letters, digits, hyphens). */
  readonly routePrefix: string;
  /**
   * The function key APIM sends (`x-functions-key`): a Terraform reference, never a literal.
   * @default - the app's default function key (data source azurerm_function_app_host_keys)
   */
  readonly functionKey?: string;
  /**
   * Base path of the functions on the app.
   * @default '/api'
   */
  readonly basePath?: string;
}

/** Options of a gateway subscription. */
export interface GatewaySubscriptionOptions {
  /**
   * Display name.
   * @default - the name
   */
  readonly displayName?: string;
}

/** What addSubscription created. */
export interface GatewaySubscription {
  /** The APIM subscription (scoped to the Custom API routes). */
  readonly subscription: ApiManagementSubscription;
  /** Name of the sensitive Terraform output holding its primary key. */
  readonly secretOutputName: string;
}

/** Properties of a CustomApiGateway. */
export interface CustomApiGatewayProps extends IntegrationBaseProps {
  /**
   * Publisher name of the created API Management service (not with existingApiManagement).
   * @default - required when the service is created
   */
  readonly publisherName?: string;
  /**
   * Publisher e-mail of the created API Management service (not with existingApiManagement).
   * @default - required when the service is created
   */
  readonly publisherEmail?: string;
  /**
   * Options of the API Management service to create (not with existingApiManagement).
   * @default - a Consumption service with a generated name
   */
  readonly apiManagement?: ApiManagementOptions;
  /**
   * Use this API Management service instead of creating one. It needs existingIdentity.
   * @default - a service is created
   */
  readonly existingApiManagement?: IApiManagement;
  /**
   * A user-assigned identity to call Dataverse with
   * (`UserAssignedIdentity.fromUserAssignedIdentityAttributes`). With existingApiManagement it must
   * already be attached to that service.
   * @default - an identity is created and attached to the created service
   */
  readonly existingIdentity?: IUserAssignedIdentity;
  /**
   * Path of the Custom API routes on the gateway: `https://<gateway>/<apiPath>/...`.
   * @default 'dataverse'
   */
  readonly apiPath?: string;
  /**
   * APIM API name (id); also prefixes the named values and backends.
   * @default - generated from the construct path
   */
  readonly apiName?: string;
  /**
   * Display name of the API.
   * @default 'Dataverse Custom APIs (<construct path>)'
   */
  readonly displayName?: string;
  /**
   * Callers must send a subscription key.
   * @default true
   */
  readonly subscriptionRequired?: boolean;
  /**
   * Apply a rate limit per subscription.
   * @default true
   */
  readonly rateLimitEnabled?: boolean;
  /**
   * The rate limit per subscription (with rateLimitEnabled).
   * @default - 100 calls per 60 seconds
   */
  readonly rateLimit?: GatewayRateLimit;
  /**
   * A call quota per subscription.
   * @default - no quota
   */
  readonly quota?: GatewayQuota;
  /**
   * Allow browsers from these origins.
   * @default - no CORS policy (browsers from other origins are refused)
   */
  readonly cors?: GatewayCorsOptions;
  /**
   * Security role of the Dataverse application user, by name (root business unit). With addUpsert it
   * must grant Create, Write and Read (Append / Append To for lookups) on the tables written.
   * @default 'Basic User'
   */
  readonly securityRoleName?: string;
  /**
   * Largest request body validated and let through, in bytes (at most 102400).
   * @default 102400
   */
  readonly maxRequestBodyBytes?: number;
}
