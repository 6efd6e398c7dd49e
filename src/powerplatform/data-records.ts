// Typed cdktf binding of the `powerplatform_data_records` data source (microsoft/power-platform
// 3.9.0 to 4.x, schema unchanged between them; internal/services/data_record/datasource_data_record.go and docs/data-sources/data_records.md).
import { numberToTerraform, stringToTerraform, TerraformDataSource, TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import { bindingBase } from './binding';
import { compact } from './synth';

/** Configuration of a `powerplatform_data_records` data source (an OData query). */
export interface DataPowerPlatformDataRecordsConfig extends TerraformMetaArguments {
  /** Power Platform environment id (GUID). */
  readonly environmentId: string;
  /** Entity set to query, e.g. `sdkmessages`, or `systemusers(<id>)/systemuserroles_association`. */
  readonly entityCollection: string;
  /**
   * OData `$filter`.
   * @default - all rows
   */
  readonly filter?: string;
  /**
   * Columns to return (`select` in Terraform, `$select` in OData).
   * @default - all columns
   */
  readonly selectColumns?: string[];
  /**
   * OData `$orderby`.
   * @default - Dataverse's order
   */
  readonly orderBy?: string;
  /**
   * At most this many rows (`$top`).
   * @default - no limit
   */
  readonly top?: number;
}

/**
 * The `powerplatform_data_records` data source: rows of a Dataverse table, read at plan time.
 * `rows` is a dynamic list of objects keyed by column logical name.
 */
export class DataPowerPlatformDataRecords extends TerraformDataSource {
  /** Terraform data source type. */
  public static readonly TF_RESOURCE_TYPE = 'powerplatform_data_records';

  /** The query, as configured. */
  public readonly query: DataPowerPlatformDataRecordsConfig;

  constructor(scope: Construct, id: string, config: DataPowerPlatformDataRecordsConfig) {
    super(scope, id, bindingBase(DataPowerPlatformDataRecords.TF_RESOURCE_TYPE, config));
    this.query = config;
  }

  /** A column of one returned row, as a Terraform expression: `rows[<index>].<column>`. */
  public rowValue(index: number, column: string): string {
    return this.getStringAttribute(`rows[${index}].${column}`);
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const q = this.query;
    return compact({
      environment_id: stringToTerraform(q.environmentId),
      entity_collection: stringToTerraform(q.entityCollection),
      filter: stringToTerraform(q.filter),
      select: q.selectColumns?.map((c) => stringToTerraform(c)),
      order_by: stringToTerraform(q.orderBy),
      top: numberToTerraform(q.top),
    });
  }
}
