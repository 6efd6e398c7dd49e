// Change tracking on a table (issue 17): a registration that enables the table definition's
// ChangeTrackingEnabled (see change-tracking-metadata.ts for the documented requests). It is
// permanent: Dataverse cannot turn it off, so removing the record never disables anything.
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { CHANGE_TRACKING_SET, CHANGE_TRACKING_TABLE } from './change-tracking-metadata';
import type { DataverseEnvironment } from './environment';
import { checkLogicalName } from './names';
import { DataverseRecord } from './record';
import { requireProps } from '../azure/imports';
import { Problems, quote } from '../core/problems';

/** Properties of a TableChangeTracking. */
export interface TableChangeTrackingProps {
  /** The environment the table is in. */
  readonly environment: DataverseEnvironment;
  /** Logical name of the table, e.g. `account`. */
  readonly table: string;
  /**
   * The table's Web API entity set name (EntitySetName), e.g. `accounts`. The command line checks it
   * against the table definition, so a wrong one fails at apply instead of in the function.
   * @default - the English plural of the table name, as Dataverse names custom tables (`account` → `accounts`, `contoso_category` → `contoso_categories`)
   */
  readonly entitySetName?: string;
}

/**
 * Enables change tracking on a table: `ChangeTrackingEnabled` of its definition. The table is
 * updated in place (the whole definition read, the property set, written back with PUT and
 * `MSCRM.MergeLabels: true`), never recreated; nothing is written when it is on already.
 *
 * Enabling change tracking is permanent (Microsoft Learn: it cannot be disabled): when the record
 * leaves the stack, prune forgets it and says so, and change tracking stays on. The table is not
 * added to the environment's solution.
 */
export class TableChangeTracking extends DataverseRecord {
  /** The English plural Dataverse gives a table's entity set by default. */
  public static defaultEntitySetName(table: string): string {
    if (/[^aeiou]y$/.test(table)) return `${table.slice(0, -1)}ies`;
    if (/(s|x|z|ch|sh)$/.test(table)) return `${table}es`;
    return `${table}s`;
  }

  /**
   * The change tracking of a table in an environment: the one declared already (by another
   * export of the same table), else a new one under the environment (`change-tracking-<table>`).
   */
  public static forTable(environment: DataverseEnvironment, table: string, entitySetName?: string): TableChangeTracking {
    const found = environment.records.find((r): r is TableChangeTracking => r instanceof TableChangeTracking && r.trackedTable === table);
    if (found) return found;
    return new TableChangeTracking(environment, `change-tracking-${table}`, { environment, table, entitySetName });
  }

  public readonly tableName = CHANGE_TRACKING_TABLE;
  public readonly entitySetName = CHANGE_TRACKING_SET;
  /** First: table metadata that the other records and the function rely on. */
  public readonly applyOrder = 40;

  /** Logical name of the tracked table. */
  public readonly trackedTable: string;
  /** Entity set name of the tracked table. */
  public readonly trackedEntitySetName: string;

  constructor(scope: Construct, id: string, props: TableChangeTrackingProps) {
    requireProps(scope, `TableChangeTracking '${id}'`, props, ['environment', 'table']);
    super(scope, id, props.environment);
    this.trackedTable = props.table;
    this.trackedEntitySetName = props.entitySetName ?? (Token.isUnresolved(props.table) ? props.table : TableChangeTracking.defaultEntitySetName(props.table));
    this.setColumn('logicalname', props.table);
    this.setColumn('entitysetname', this.trackedEntitySetName);
    this.setColumn('changetrackingenabled', true);
  }

  /** @internal */
  protected _validateRecord(problems: Problems): void {
    super._validateRecord(problems);
    const what = `change tracking of ${quote(this.trackedTable)}`;
    for (const [prop, value] of [
      ['table', this.trackedTable],
      ['entitySetName', this.trackedEntitySetName],
    ]) {
      if (Token.isUnresolved(value)) {
        problems.add(`${what}: ${prop} is a Terraform reference; the command line reads the table definition by name, so it needs the literal. Fix: pass the name as a string.`);
      }
    }
    checkLogicalName(problems, `${what}: table`, this.trackedTable, 128, 'account');
    checkLogicalName(problems, `${what}: entitySetName`, this.trackedEntitySetName, 128, 'accounts');
    const twin = this.environment.records.find((r) => r !== this && r instanceof TableChangeTracking && r.trackedTable === this.trackedTable);
    if (twin && this.environment.records.indexOf(twin) > this.environment.records.indexOf(this)) {
      problems.add(
        `${what} is declared twice in this environment (also at ${twin.node.path}). Fix: declare each table once (one ChangeTrackingExport per table, or list it in one export).`,
      );
    }
  }
}
