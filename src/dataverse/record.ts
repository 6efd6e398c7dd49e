import { TerraformOutput, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { DataverseEnvironment } from './environment';
import { ManifestAssociation, ManifestLookup, ManifestOutputColumn, ManifestRecord, ManifestReference } from './manifest';
import { recordIdFor } from '../core/ids';
import { addValidator, Problems } from '../core/problems';

const RECORD_MARK = Symbol.for('cdktf-dataverse.DataverseRecord');

/** Options of a column value. */
export interface ColumnOptions {
  /**
   * The column is a secret: it must be a Terraform reference (never a literal), it travels through
   * a sensitive output, and Dataverse never returns it on read.
   * @default false
   */
  readonly secret?: boolean;
}

/**
 * One row the stack registers in Dataverse. Its id is a name-based UUID of the environment URL
 * and the construct path: stable across synths and machines, unchanged when siblings are added.
 */
export abstract class DataverseRecord extends Construct {
  /** Whether `x` is a record (works across copies of the library). */
  public static isDataverseRecord(x: any): x is DataverseRecord {
    return x !== null && typeof x === 'object' && RECORD_MARK in x;
  }

  /** The environment the record is registered in. */
  public readonly environment: DataverseEnvironment;
  /** Primary key of the row (deterministic GUID). */
  public readonly recordId: string;
  /** Table logical name. */
  public abstract readonly tableName: string;
  /** Web API entity set name. */
  public abstract readonly entitySetName: string;
  /** Position in apply order: lower first (endpoints 100, custom APIs 200, steps 300, images 400). */
  public abstract readonly applyOrder: number;

  private readonly columns = new Map<string, any>();
  private readonly outputs = new Map<string, { output: TerraformOutput; sensitive: boolean }>();
  private readonly writeOnlyColumns = new Set<string>();
  private readonly references: ManifestReference[] = [];
  private readonly lookups: ManifestLookup[] = [];
  private readonly associations: ManifestAssociation[] = [];

  protected constructor(scope: Construct, id: string, environment: DataverseEnvironment) {
    super(scope, id);
    Object.defineProperty(this, RECORD_MARK, { value: true });
    this.environment = environment;
    this.recordId = recordIdFor(environment.url, environment.appId, this.node.path);
    addValidator(this, (problems) => this._validateRecord(problems));
  }

  /** The row as the manifest holds it (secrets appear only as output names). */
  public toManifestRecord(): ManifestRecord {
    const literal: { [column: string]: any } = {};
    for (const [name, value] of this.columns) {
      if (!this.outputs.has(name)) literal[name] = value;
    }
    const fromOutputs: ManifestOutputColumn[] = [...this.outputs.entries()].map(([column, o]) => ({
      column,
      output: TerraformStack.of(this).getLogicalId(o.output),
      sensitive: o.sensitive,
    }));
    return {
      table: this.tableName,
      entitySet: this.entitySetName,
      id: this.recordId,
      path: this.node.path,
      columns: literal,
      references: [...this.references],
      lookups: [...this.lookups],
      fromOutputs,
      writeOnly: [...this.writeOnlyColumns].sort(),
      associations: [...this.associations],
    };
  }

  /**
   * Every column value as given, Terraform references included (secrets too): for renderers that
   * run inside Terraform, such as the Power Platform provider mode. Never write it to a file.
   */
  public columnValues(): { [column: string]: any } {
    const out: { [column: string]: any } = {};
    for (const [name, value] of this.columns) out[name] = value;
    return out;
  }

  /**
   * Sets a column. A value that is a Terraform reference travels through an output of the stack
   * (sensitive for secrets) and is filled in at apply time; a literal goes into the manifest.
   */
  protected setColumn(name: string, value: any, options: ColumnOptions = {}): void {
    if (value === undefined) return;
    this.columns.set(name, value);
    if (options.secret) this.writeOnlyColumns.add(name);
    if (Token.isUnresolved(value) && !this.outputs.has(name)) {
      const sensitive = options.secret === true;
      const output = new TerraformOutput(this, `column-${name}`, {
        value,
        sensitive,
        description: `${this.tableName}.${name} for ${this.node.path} (read by cdktf-dataverse apply)`,
      });
      this.outputs.set(name, { output, sensitive });
    }
  }

  /** Binds a lookup column to another record of the manifest. */
  protected addReference(column: string, navigation: string, target: DataverseRecord): void {
    this.references.push({ column, navigation, table: target.tableName, entitySet: target.entitySetName, id: target.recordId });
  }

  /** Binds a lookup column to a row that exists in the environment. */
  protected addLookup(lookup: ManifestLookup): void {
    this.lookups.push(lookup);
  }

  /** Associates the row, once it exists, with a row of the environment (N:N relationship). */
  protected addAssociation(relationship: string, target: ManifestLookup): void {
    this.associations.push({ relationship, target });
  }

  /** The value set for a column, or undefined. */
  protected column(name: string): any {
    return this.columns.get(name);
  }

  /** @internal Dataverse rules for this table; subclasses call super and add their own. */
  protected _validateRecord(problems: Problems): void {
    for (const name of this.writeOnlyColumns) {
      const value = this.columns.get(name);
      problems.check(
        Token.isUnresolved(value),
        `${this.tableName}.${name} is a secret but was given as a literal; a literal would be written into cdk.tf.json and the manifest. Fix: pass a Terraform reference (for example an authorization rule's primaryKey, or a random_password's result).`,
      );
    }
  }

  /** Name of the Terraform output that carries a column, if it travels through one. */
  public outputNameOf(column: string): string | undefined {
    const o = this.outputs.get(column);
    return o ? TerraformStack.of(this).getLogicalId(o.output) : undefined;
  }
}
