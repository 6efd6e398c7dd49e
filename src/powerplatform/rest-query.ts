// Typed cdktf binding of the `powerplatform_rest_query` data source (microsoft/power-platform;
// internal/services/rest/datasource_rest_query.go and docs/data-sources/rest_query.md): one Web API
// request sent at plan time, its response body in `output.body`. Internal: the change-tracking
// records of the provider mode read the table definition with it.
import { stringToTerraform, numberToTerraform, TerraformDataSource, TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import { bindingBase } from './binding';
import { PowerPlatformRestHeader } from './rest';
import { compact } from './synth';

/** Configuration of a `powerplatform_rest_query` data source. @internal */
export interface DataPowerPlatformRestQueryConfig extends TerraformMetaArguments {
  /** Token scope, e.g. `https://contoso.crm4.dynamics.com/.default`. */
  readonly scope: string;
  /** HTTP method. */
  readonly method: string;
  /** Absolute URL. */
  readonly url: string;
  /** Request headers. */
  readonly headers?: PowerPlatformRestHeader[];
  /** Status codes that count as success. */
  readonly expectedHttpStatus?: number[];
}

/** The `powerplatform_rest_query` data source. @internal */
export class DataPowerPlatformRestQuery extends TerraformDataSource {
  /** Terraform data source type. */
  public static readonly TF_RESOURCE_TYPE = 'powerplatform_rest_query';

  public readonly request: DataPowerPlatformRestQueryConfig;

  constructor(scope: Construct, id: string, config: DataPowerPlatformRestQueryConfig) {
    super(scope, id, bindingBase(DataPowerPlatformRestQuery.TF_RESOURCE_TYPE, config));
    this.request = config;
  }

  /** `output.body`: the response body. */
  public get outputBody(): string {
    return this.getStringAttribute('output.body');
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const r = this.request;
    return compact({
      scope: stringToTerraform(r.scope),
      method: stringToTerraform(r.method),
      url: stringToTerraform(r.url),
      headers: r.headers?.map((h) => ({ name: stringToTerraform(h.name), value: stringToTerraform(h.value) })),
      expected_http_status: r.expectedHttpStatus?.map((s) => numberToTerraform(s)),
    });
  }
}
