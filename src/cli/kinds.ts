// The record kinds the command line knows: the tables this library writes, how to read, write and
// delete their rows. The engine is generic over the manifest; a kind only says what Dataverse
// forces per table (write-only columns reported through flags, a user that must be disabled
// before it is deleted). A kind with another apply strategy (issue 16: alternate keys, created
// with POST EntityDefinitions(...)/Keys and a bounded poll of EntityKeyIndexStatus; issue 17:
// change-tracking enablement, a metadata update never pruned) adds an entry here with its own
// `strategy` and `prunable: false` where prune must never touch it.
import { BatchOperation } from './batch';
import { deleteKeyOperations } from './keys';
import type { LedgerEntry } from './ledger';
import { CHANGE_TRACKING_SET, CHANGE_TRACKING_TABLE } from '../dataverse/change-tracking-metadata';

/** What the command line knows of one table. */
export interface RecordKind {
  readonly table: string;
  readonly entitySet: string;
  /** Primary key column (Dataverse: `<table>id`). */
  readonly primaryKey: string;
  /** Write-only columns and the flag Dataverse reports instead of the value. */
  readonly writeOnlyFlags: { readonly [column: string]: string };
  /** Whether prune may delete rows of this kind that its ownership record lists. */
  readonly prunable: boolean;
  /**
   * How its records are read, compared and written: a name in engine.ts's strategies (`row`: one
   * query per table, then upserts `PATCH <set>(<id>)`).
   */
  readonly strategy: string;
  /** Whether its writes and deletes may go into a $batch change set (metadata: no). */
  readonly batchable: boolean;
  /**
   * What it sets cannot be undone (change tracking): prune never writes, it forgets the record
   * and says so.
   * @default false
   */
  readonly permanent?: boolean;
  /** The requests that delete one row (from its ownership entry), applied as one change set. */
  deleteOperations(entry: LedgerEntry): BatchOperation[];
}

function rowKind(table: string, entitySet: string, extra: Partial<RecordKind> = {}): RecordKind {
  return {
    table,
    entitySet,
    primaryKey: `${table}id`,
    writeOnlyFlags: {},
    prunable: true,
    strategy: 'row',
    batchable: true,
    deleteOperations: (entry) => [{ method: 'DELETE', url: `${entitySet}(${entry.id})` }],
    ...extra,
  };
}

/**
 * The tables this library writes (src/dataverse: service endpoints, steps, images, Custom APIs
 * with their parameters and properties, application users). Prune deletes rows of these only.
 */
export const LIBRARY_KINDS: readonly RecordKind[] = [
  // Microsoft Learn, serviceendpoint table reference: saskey, sastoken and authvalue are never
  // returned; issaskeyset, issastokenset and isauthvalueset tell whether they are set.
  rowKind('serviceendpoint', 'serviceendpoints', { writeOnlyFlags: { saskey: 'issaskeyset', sastoken: 'issastokenset', authvalue: 'isauthvalueset' } }),
  rowKind('sdkmessageprocessingstep', 'sdkmessageprocessingsteps'),
  rowKind('sdkmessageprocessingstepimage', 'sdkmessageprocessingstepimages'),
  rowKind('customapi', 'customapis'),
  rowKind('customapirequestparameter', 'customapirequestparameters'),
  rowKind('customapiresponseproperty', 'customapiresponseproperties'),
  // Dataverse deletes only disabled users: disable, then delete, in one change set.
  rowKind('systemuser', 'systemusers', {
    deleteOperations: (entry) => [
      { method: 'PATCH', url: `systemusers(${entry.id})`, headers: { 'If-Match': '*' }, body: { isdisabled: true } },
      { method: 'DELETE', url: `systemusers(${entry.id})` },
    ],
  }),
  // Alternate keys (issue 16): table metadata, addressed by table and key name (kept in the
  // ownership entry); written and deleted one request each, never in a change set.
  rowKind('entitykey', 'entitykeys', { strategy: 'entitykey', batchable: false, deleteOperations: deleteKeyOperations }),
  // Change tracking (issue 17): a table definition property, enabled by a metadata update and
  // permanent (Dataverse cannot disable it): prune forgets the record and never sends a request.
  rowKind(CHANGE_TRACKING_TABLE, CHANGE_TRACKING_SET, { strategy: 'changetracking', batchable: false, permanent: true, deleteOperations: () => [] }),
];

/** The kind of a table the library writes, if it is one. */
export function libraryKind(table: string, entitySet: string): RecordKind | undefined {
  return LIBRARY_KINDS.find((k) => k.table === table && k.entitySet === entitySet);
}

/** The kind of any manifest record: the library's, or a generic row kind that prune never deletes. */
export function kindOf(table: string, entitySet: string): RecordKind {
  return libraryKind(table, entitySet) ?? rowKind(table, entitySet, { prunable: false });
}
