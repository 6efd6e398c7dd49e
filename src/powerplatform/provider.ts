// Typed cdktf binding of the Power Platform Terraform provider (`microsoft/power-platform`).
// No prebuilt bindings exist; the attributes follow the provider's schema
// (internal/provider/provider.go in microsoft/terraform-provider-power-platform, releases 3.9.0
// to 4.1.0: that file, internal/services/rest and internal/services/data_record have no change
// between the tags v3.9.0 and v4.1.0, so one binding serves both majors).
import { booleanToTerraform as booleanValue, stringToTerraform as stringValue, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { compact } from './synth';

/** Configuration of the `powerplatform` provider. Every setting can also come from the provider's `POWER_PLATFORM_*` environment variables. */
export interface PowerPlatformProviderConfig {
  /**
   * Alias, for a second configuration of the provider in the same stack.
   * @default - the default configuration
   */
  readonly alias?: string;
  /**
   * Authenticate with the Azure CLI's signed-in account (`use_cli`).
   * @default false
   */
  readonly useCli?: boolean;
  /**
   * Authenticate with the Azure Developer CLI (`use_dev_cli`).
   * @default false
   */
  readonly useDevCli?: boolean;
  /**
   * Authenticate with a managed identity (`use_msi`).
   * @default false
   */
  readonly useMsi?: boolean;
  /**
   * Authenticate with OpenID Connect / workload identity federation (`use_oidc`).
   * @default false
   */
  readonly useOidc?: boolean;
  /**
   * Entra tenant id (`tenant_id`).
   * @default - from POWER_PLATFORM_TENANT_ID
   */
  readonly tenantId?: string;
  /**
   * Additional Entra tenants (`auxiliary_tenant_ids`).
   * @default - none
   */
  readonly auxiliaryTenantIds?: string[];
  /**
   * Client id of the app registration or managed identity (`client_id`).
   * @default - from POWER_PLATFORM_CLIENT_ID
   */
  readonly clientId?: string;
  /**
   * Client secret (`client_secret`, sensitive). Pass a Terraform reference (variable), never a literal.
   * @default - from POWER_PLATFORM_CLIENT_SECRET
   */
  readonly clientSecret?: string;
  /**
   * Base64 PKCS#12 certificate bundle (`client_certificate`, sensitive).
   * @default - none
   */
  readonly clientCertificate?: string;
  /**
   * Path of the client certificate file (`client_certificate_file_path`).
   * @default - none
   */
  readonly clientCertificateFilePath?: string;
  /**
   * Password of the client certificate (`client_certificate_password`, sensitive).
   * @default - none
   */
  readonly clientCertificatePassword?: string;
  /**
   * Bearer token for the OIDC token request (`oidc_request_token`).
   * @default - from ARM_OIDC_REQUEST_TOKEN / ACTIONS_ID_TOKEN_REQUEST_TOKEN
   */
  readonly oidcRequestToken?: string;
  /**
   * URL of the OIDC token request (`oidc_request_url`).
   * @default - from ARM_OIDC_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_URL
   */
  readonly oidcRequestUrl?: string;
  /**
   * OIDC ID token (`oidc_token`).
   * @default - from ARM_OIDC_TOKEN
   */
  readonly oidcToken?: string;
  /**
   * File holding an OIDC ID token (`oidc_token_file_path`).
   * @default - from ARM_OIDC_TOKEN_FILE_PATH
   */
  readonly oidcTokenFilePath?: string;
  /**
   * Azure DevOps service connection id for workload identity federation (`azdo_service_connection_id`).
   * @default - none
   */
  readonly azdoServiceConnectionId?: string;
  /**
   * Cloud: `public`, `gcc`, `gcchigh`, `china`, `dod`, `ex` or `rx` (`cloud`).
   * @default 'public' (the provider's default)
   */
  readonly cloud?: string;
  /**
   * Opt out of the provider's telemetry (`telemetry_optout`).
   * @default false
   */
  readonly telemetryOptout?: boolean;
  /**
   * Continuous Access Evaluation for tokens (`enable_continuous_access_evaluation`).
   * @default false
   */
  readonly enableContinuousAccessEvaluation?: boolean;
}

/**
 * The Power Platform Terraform provider (`microsoft/power-platform`), constrained to
 * `PowerPlatformProvider.VERSION_CONSTRAINT` (3.9.0 up to, not including, 5.0.0).
 */
export class PowerPlatformProvider extends TerraformProvider {
  /** Provider type name. */
  public static readonly TF_RESOURCE_TYPE = 'powerplatform';
  /** Registry source address. */
  public static readonly SOURCE = 'microsoft/power-platform';
  /**
   * The provider releases the bindings accept (written to `required_providers`): 3.9.0 and every
   * later 3.x and 4.x release. The provider settings and the `powerplatform_rest` and
   * `powerplatform_data_records` schemas are the same in 3.9.0 and 4.1.0 (a `scope` in every
   * request block, absolute URLs), so a stack that also uses 4.x resources plans with the same
   * provider. 5.0.0 may change them: the range stops before it.
   */
  public static readonly VERSION_CONSTRAINT = '>= 3.9.0, < 5.0.0';

  /** Whether `x` is a TerraformProvider of type `powerplatform` (any binding of it). */
  public static isPowerPlatformProvider(x: any): boolean {
    return TerraformProvider.isTerraformProvider(x) && (x as TerraformProvider).terraformResourceType === PowerPlatformProvider.TF_RESOURCE_TYPE;
  }

  private readonly config: PowerPlatformProviderConfig;
  private _alias?: string;

  constructor(scope: Construct, id: string, config: PowerPlatformProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: PowerPlatformProvider.TF_RESOURCE_TYPE,
      terraformGeneratorMetadata: {
        providerName: PowerPlatformProvider.TF_RESOURCE_TYPE,
        providerVersion: PowerPlatformProvider.VERSION_CONSTRAINT,
      },
      terraformProviderSource: PowerPlatformProvider.SOURCE,
    });
    this.config = config;
    this._alias = config.alias;
  }

  /** The provider alias. */
  public get alias(): string | undefined {
    return this._alias;
  }

  public set alias(value: string | undefined) {
    this._alias = value;
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const c = this.config;
    return compact({
      use_cli: booleanValue(c.useCli),
      use_dev_cli: booleanValue(c.useDevCli),
      use_msi: booleanValue(c.useMsi),
      use_oidc: booleanValue(c.useOidc),
      tenant_id: stringValue(c.tenantId),
      auxiliary_tenant_ids: c.auxiliaryTenantIds?.map((t) => stringValue(t)),
      client_id: stringValue(c.clientId),
      client_secret: stringValue(c.clientSecret),
      client_certificate: stringValue(c.clientCertificate),
      client_certificate_file_path: stringValue(c.clientCertificateFilePath),
      client_certificate_password: stringValue(c.clientCertificatePassword),
      oidc_request_token: stringValue(c.oidcRequestToken),
      oidc_request_url: stringValue(c.oidcRequestUrl),
      oidc_token: stringValue(c.oidcToken),
      oidc_token_file_path: stringValue(c.oidcTokenFilePath),
      azdo_service_connection_id: stringValue(c.azdoServiceConnectionId),
      cloud: stringValue(c.cloud),
      telemetry_optout: booleanValue(c.telemetryOptout),
      enable_continuous_access_evaluation: booleanValue(c.enableContinuousAccessEvaluation),
    });
  }
}
