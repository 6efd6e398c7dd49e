// Typed cdktf binding of the `powerplatform_rest` resource (microsoft/power-platform 3.9.0 to 4.x, schema unchanged between them;
// internal/services/rest/resource_rest.go and docs/resources/rest.md).
import { numberToTerraform, stringToTerraform, TerraformMetaArguments, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { bindingBase } from './binding';
import { compact } from './synth';

/** One HTTP header of a request block. */
export interface PowerPlatformRestHeader {
  /** Header name. */
  readonly name: string;
  /** Header value. */
  readonly value: string;
}

/**
 * One request block (`create`, `read`, `update` or `destroy`) of a `powerplatform_rest` resource.
 */
export interface PowerPlatformRestOperation {
  /**
   * Token scope, e.g. `https://contoso.crm4.dynamics.com/.default`. The provider replaces the
   * resource when it changes.
   */
  readonly scope: string;
  /** HTTP method. */
  readonly method: string;
  /** Absolute URL of the request. */
  readonly url: string;
  /**
   * Request body.
   * @default - none
   */
  readonly body?: string;
  /**
   * Request headers.
   * @default - none
   */
  readonly headers?: PowerPlatformRestHeader[];
  /**
   * Status codes that count as success (a set).
   * @default - 200, 201, 202 and 204 (the provider's default)
   */
  readonly expectedHttpStatus?: number[];
}

/** Timeouts of a `powerplatform_rest` resource (Go durations such as `5m`). */
export interface PowerPlatformRestTimeouts {
  /**
   * Create timeout.
   * @default - the provider's
   */
  readonly create?: string;
  /**
   * Read timeout.
   * @default - the provider's
   */
  readonly read?: string;
  /**
   * Update timeout.
   * @default - the provider's
   */
  readonly update?: string;
  /**
   * Delete (destroy) timeout (`delete` in Terraform).
   * @default - the provider's
   */
  readonly deleteTimeout?: string;
}

/** Configuration of a `powerplatform_rest` resource. */
export interface PowerPlatformRestConfig extends TerraformMetaArguments {
  /**
   * Sent once, on the first apply.
   * @default - nothing is created
   */
  readonly create?: PowerPlatformRestOperation;
  /**
   * Sent on every refresh; when its response differs from the one in state, the plan shows an
   * update.
   * @default - no drift detection; update is sent only when the configuration changes
   */
  readonly read?: PowerPlatformRestOperation;
  /**
   * Sent when the configuration or the read response changed.
   * @default - nothing is sent on update
   */
  readonly update?: PowerPlatformRestOperation;
  /**
   * Sent on destroy.
   * @default - nothing is deleted
   */
  readonly destroy?: PowerPlatformRestOperation;
  /**
   * Operation timeouts.
   * @default - the provider's
   */
  readonly timeouts?: PowerPlatformRestTimeouts;
}

/**
 * The `powerplatform_rest` resource: a Dataverse Web API request per lifecycle step.
 *
 * The provider keeps the four request blocks in state as configured and the last response body in
 * `output.body`; see the README section "Power Platform provider mode" for what triggers an update.
 */
export class PowerPlatformRest extends TerraformResource {
  /** Terraform resource type. */
  public static readonly TF_RESOURCE_TYPE = 'powerplatform_rest';

  /** The create request, as configured. */
  public readonly createRequest?: PowerPlatformRestOperation;
  /** The read request, as configured. */
  public readonly readRequest?: PowerPlatformRestOperation;
  /** The update request, as configured. */
  public readonly updateRequest?: PowerPlatformRestOperation;
  /** The destroy request, as configured. */
  public readonly destroyRequest?: PowerPlatformRestOperation;
  /** The timeouts, as configured. */
  public readonly timeoutsConfig?: PowerPlatformRestTimeouts;

  constructor(scope: Construct, id: string, config: PowerPlatformRestConfig = {}) {
    super(scope, id, { ...bindingBase(PowerPlatformRest.TF_RESOURCE_TYPE, config), provisioners: config.provisioners, connection: config.connection });
    this.createRequest = config.create;
    this.readRequest = config.read;
    this.updateRequest = config.update;
    this.destroyRequest = config.destroy;
    this.timeoutsConfig = config.timeouts;
  }

  /** `id`: set by the provider when the resource is created. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** `output.body`: the response body of the last request sent (read, if there is a read block). */
  public get outputBody(): string {
    return this.getStringAttribute('output.body');
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const t = this.timeoutsConfig;
    return compact({
      create: operationToTerraform(this.createRequest),
      read: operationToTerraform(this.readRequest),
      update: operationToTerraform(this.updateRequest),
      destroy: operationToTerraform(this.destroyRequest),
      timeouts: t
        ? compact({
            create: stringToTerraform(t.create),
            read: stringToTerraform(t.read),
            update: stringToTerraform(t.update),
            delete: stringToTerraform(t.deleteTimeout),
          })
        : undefined,
    });
  }
}

function operationToTerraform(op?: PowerPlatformRestOperation): any {
  if (op === undefined) return undefined;
  return compact({
    scope: stringToTerraform(op.scope),
    method: stringToTerraform(op.method),
    url: stringToTerraform(op.url),
    body: stringToTerraform(op.body),
    headers: op.headers?.map((h) => ({ name: stringToTerraform(h.name), value: stringToTerraform(h.value) })),
    expected_http_status: op.expectedHttpStatus?.map((s) => numberToTerraform(s)),
  });
}
