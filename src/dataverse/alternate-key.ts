// Alternate keys (Microsoft Learn, "Work with alternate keys" — define-alternate-keys-entity.md and
// "Define alternate keys to reference rows" in MicrosoftDocs/powerapps-docs; the EntityKeyMetadata
// Web API type; microsoft/PowerApps-Samples, WebAPIService/Metadata/Messages/CreateEntityKeyRequest.cs).
// A key is table metadata, not a row: it is created with `POST EntityDefinitions(LogicalName='<table>')/Keys`
// and Dataverse builds its unique index asynchronously (EntityKeyIndexStatus Pending, InProgress,
// Active, Failed).
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ENTITY_KEY_TABLE } from './alternate-key-metadata';
import type { DataverseEnvironment } from './environment';
import { checkLogicalName, checkPrefixedName } from './names';
import { DataverseRecord } from './record';
import { requireProps } from '../azure/imports';
import { Problems, addValidator, quote } from '../core/problems';

/** The column types an alternate key may use (Microsoft Learn, "Valid columns in key table definitions"). */
export enum AlternateKeyColumnType {
  /** Single line of text (StringAttributeMetadata). */
  STRING = 'String',
  /** Whole number (IntegerAttributeMetadata). */
  INTEGER = 'Integer',
  /** Decimal number (DecimalAttributeMetadata). */
  DECIMAL = 'Decimal',
  /** Date and time (DateTimeAttributeMetadata). */
  DATE_TIME = 'DateTime',
  /** Lookup (LookupAttributeMetadata); addressed as `_<column>_value=<guid>`. */
  LOOKUP = 'Lookup',
  /** Choice (PicklistAttributeMetadata). */
  CHOICE = 'Picklist',
}

/** One column of an alternate key. */
export interface AlternateKeyColumn {
  /** The column's logical name, e.g. `accountnumber`. */
  readonly logicalName: string;
  /** The column's type: only these types can be part of a key. */
  readonly columnType: AlternateKeyColumnType;
  /**
   * STRING columns: the column's MaxLength in characters (1 to 4000). It counts towards the key's
   * size limit of 900 bytes, two bytes per character.
   * @default 100 (Dataverse's default for a new text column)
   */
  readonly maxLength?: number;
}

/** What the stack needs to know of an alternate key: the table, the key's name and its columns. */
export interface IAlternateKey {
  /** Logical name of the table the key is defined on (EntityKeyMetadata.EntityLogicalName). */
  readonly entityLogicalName: string;
  /** The key's logical name (its SchemaName in lowercase). */
  readonly keyLogicalName: string;
  /** The key's columns, in key order. */
  readonly keyColumns: AlternateKeyColumn[];
}

/** An alternate key that exists in the environment (created by a solution or by hand). */
export interface AlternateKeyAttributes {
  /** Logical name of the table, e.g. `account`. */
  readonly entityLogicalName: string;
  /** The key's logical name, e.g. `contoso_accountnumber`. */
  readonly keyLogicalName: string;
  /** The key's columns, in key order. */
  readonly keyColumns: AlternateKeyColumn[];
}

/** An alternate key to create. */
export interface AlternateKeyDefinition {
  /** Logical name of the table, e.g. `account`. Not a virtual table (keys are not supported there). */
  readonly table: string;
  /**
   * SchemaName of the key: `<publisher prefix>_<name>` (letters, digits, underscores; at most 128).
   * When the environment has a publisherPrefix, the prefix must be that one. The logical name is its
   * lowercase form.
   */
  readonly schemaName: string;
  /** Display name of the key (a label in `languageCode`). */
  readonly displayName: string;
  /**
   * The key's columns, in key order: 1 to 16, of the types in AlternateKeyColumnType, together at
   * most 900 bytes. The columns must not have field-level security.
   */
  readonly columns: AlternateKeyColumn[];
  /**
   * Language of the display name label.
   * @default 1033 (English)
   */
  readonly languageCode?: number;
}

/** Properties of an AlternateKey. */
export interface AlternateKeyProps extends AlternateKeyDefinition {
  /** The environment the key is created in. */
  readonly environment: DataverseEnvironment;
}

/** Limits from "Work with alternate keys": keys per table, columns per key, bytes per key. @internal */
const ALTERNATE_KEY_LIMITS = { keysPerTable: 10, columnsPerKey: 16, bytesPerKey: 900, stringMaxLength: 4000 } as const;

/**
 * Estimated index bytes per column type. SQL Server's storage sizes (nvarchar two bytes per
 * character, int 4, datetime 8, uniqueidentifier 16, decimal(23,10) 13); that Dataverse stores the
 * columns in these SQL types is not documented, so the estimate errs low: Dataverse still refuses a
 * key that is too large when it is created.
 * @internal
 */
function alternateKeyColumnBytes(column: AlternateKeyColumn): number {
  switch (column.columnType) {
    case AlternateKeyColumnType.STRING:
      return 2 * (column.maxLength ?? DEFAULT_STRING_LENGTH);
    case AlternateKeyColumnType.INTEGER:
    case AlternateKeyColumnType.CHOICE:
      return 4;
    case AlternateKeyColumnType.DATE_TIME:
      return 8;
    case AlternateKeyColumnType.DECIMAL:
      return 13;
    case AlternateKeyColumnType.LOOKUP:
      return 16;
    default:
      return 0;
  }
}

const DEFAULT_STRING_LENGTH = 100;
const TYPES = Object.values(AlternateKeyColumnType) as string[];

/**
 * An alternate key of a table: the external system's own identifier (an account number, an e-mail
 * address) as a unique key, so that rows are found and upserted by it instead of by GUID.
 *
 * Default settings:
 * - The display name label is in language 1033 (`languageCode`).
 * - The manifest holds the key as an `entitykey` record (columns `entitylogicalname`, `schemaname`,
 *   `logicalname`, `displayname`, `keyattributes` as a comma list, `languagecode`); the command line
 *   creates it with `POST EntityDefinitions(LogicalName='<table>')/Keys` and waits for its index.
 * - Checked at synth: the SchemaName's publisher prefix, 1 to 16 columns of the allowed types, no
 *   column twice, at most 900 bytes (strings two bytes per character of `maxLength`, default 100), at
 *   most 10 keys per table in the stack, no SchemaName twice on a table.
 */
export class AlternateKey extends DataverseRecord implements IAlternateKey {
  /** An alternate key that exists in the environment: nothing is created, the gateway can use it. */
  public static fromAlternateKeyAttributes(scope: Construct, id: string, attrs: AlternateKeyAttributes): IAlternateKey {
    return new ImportedAlternateKey(scope, id, attrs);
  }

  public readonly tableName = ENTITY_KEY_TABLE;
  public readonly entitySetName = 'entitykeys';
  /** Keys first: table metadata that nothing else in the manifest depends on. */
  public readonly applyOrder = 50;

  public readonly entityLogicalName: string;
  public readonly keyLogicalName: string;
  public readonly keyColumns: AlternateKeyColumn[];
  /** The key's SchemaName. */
  public readonly schemaName: string;
  /** The definition as given. */
  public readonly definition: AlternateKeyDefinition;

  constructor(scope: Construct, id: string, props: AlternateKeyProps) {
    requireProps(scope, `AlternateKey '${id}'`, props, ['environment', 'table', 'schemaName', 'displayName', 'columns']);
    super(scope, id, props.environment);
    this.definition = props;
    this.entityLogicalName = props.table;
    this.schemaName = props.schemaName;
    this.keyLogicalName = Token.isUnresolved(props.schemaName) ? props.schemaName : props.schemaName.toLowerCase();
    this.keyColumns = [...(props.columns ?? [])];
    this.setColumn('entitylogicalname', props.table);
    this.setColumn('schemaname', props.schemaName);
    this.setColumn('logicalname', this.keyLogicalName);
    this.setColumn('displayname', props.displayName);
    this.setColumn('keyattributes', this.keyColumns.map((c) => c?.logicalName).join(','));
    this.setColumn('languagecode', props.languageCode ?? 1033);
  }

  /** @internal */
  protected _validateRecord(problems: Problems): void {
    super._validateRecord(problems);
    const p = this.definition;
    const what = `alternate key ${quote(p.schemaName)}`;
    const given: Array<[string, unknown]> = [
      ['table', p.table],
      ['schemaName', p.schemaName],
      ['displayName', p.displayName],
      ...this.keyColumns.map((c, i): [string, unknown] => [`columns[${i}].logicalName`, c?.logicalName]),
    ];
    for (const [prop] of given.filter(([, v]) => Token.isUnresolved(v))) {
      problems.add(`${what}: ${prop} is a Terraform reference; a key is created from the manifest, which needs the literal. Fix: pass the name as a string.`);
    }
    checkPrefixedName(problems, what, 'schemaName', p.schemaName, this.environment.publisherPrefix, 'AccountNumber');
    problems.length(`${what}: schemaName`, p.schemaName, 1, 128);
    checkLogicalName(problems, `${what}: table`, p.table, 128, 'account');
    problems.check(
      Token.isUnresolved(p.displayName) || (typeof p.displayName === 'string' && p.displayName.trim().length > 0),
      `${what}: displayName is empty. Fix: give the key a display name, e.g. 'Account number'.`,
    );
    if (p.languageCode !== undefined) {
      problems.check(
        Number.isInteger(p.languageCode) && p.languageCode > 0,
        `${what}: languageCode ${quote(p.languageCode)} is not a language code (LCID). Fix: use e.g. 1033 for English.`,
      );
    }
    checkKeyColumns(problems, what, this.keyColumns);
    this.checkSiblings(problems, what);
  }

  /** Limits across the keys of one table in this stack. */
  private checkSiblings(problems: Problems, what: string): void {
    const siblings = this.environment.records.filter((r): r is AlternateKey => r instanceof AlternateKey && r.entityLogicalName === this.entityLogicalName);
    if (siblings[0] === this && siblings.length > ALTERNATE_KEY_LIMITS.keysPerTable) {
      problems.add(
        `table ${quote(this.entityLogicalName)} has ${siblings.length} alternate keys in this stack; Dataverse allows at most ${ALTERNATE_KEY_LIMITS.keysPerTable} per table. Fix: remove keys, or combine columns into fewer keys.`,
      );
    }
    const twin = siblings.find((s) => s !== this && s.keyLogicalName === this.keyLogicalName);
    if (twin && siblings.indexOf(this) < siblings.indexOf(twin)) {
      problems.add(
        `${what} is defined twice on table ${quote(this.entityLogicalName)} (also at ${twin.node.path}; names are case-insensitive). Fix: give each key its own schemaName.`,
      );
    }
  }
}

/** Checks the columns of a key (its own definition or an imported one). */
function checkKeyColumns(problems: Problems, what: string, columns: AlternateKeyColumn[]): void {
  const n = columns.length;
  if (n === 0 || n > ALTERNATE_KEY_LIMITS.columnsPerKey) {
    problems.add(
      `${what} has ${n} columns; a key has 1 to ${ALTERNATE_KEY_LIMITS.columnsPerKey} columns. Fix: ${n === 0 ? 'list the column(s) that identify a row' : 'use fewer columns'}.`,
    );
  }
  const names = new Set<string>();
  let bytes = 0;
  let sized = true;
  columns.forEach((c, i) => {
    if (c === undefined || c === null) {
      problems.add(`${what}: columns[${i}] is ${c}. Fix: pass { logicalName, columnType } for each column.`);
      sized = false;
      return;
    }
    checkLogicalName(problems, `${what}: column`, c.logicalName, 128, 'accountnumber');
    if (!Token.isUnresolved(c.logicalName)) {
      problems.check(!names.has(c.logicalName), `${what}: column ${quote(c.logicalName)} is listed twice. Fix: list each column once.`);
      names.add(c.logicalName);
    }
    if (!TYPES.includes(c.columnType)) {
      problems.add(
        `${what}: column ${quote(c.logicalName)} has type ${quote(c.columnType)}, which an alternate key cannot use. Fix: key on a STRING, INTEGER, DECIMAL, DATE_TIME, LOOKUP or CHOICE column (AlternateKeyColumnType).`,
      );
      sized = false;
    }
    if (c.maxLength !== undefined) {
      if (c.columnType !== AlternateKeyColumnType.STRING) {
        problems.add(`${what}: column ${quote(c.logicalName)} sets maxLength, which applies to STRING columns only. Fix: remove maxLength.`);
      } else if (!Token.isUnresolved(c.maxLength)) {
        problems.check(
          Number.isInteger(c.maxLength) && c.maxLength >= 1 && c.maxLength <= ALTERNATE_KEY_LIMITS.stringMaxLength,
          `${what}: column ${quote(c.logicalName)} has maxLength ${quote(c.maxLength)}; a text column holds 1 to ${ALTERNATE_KEY_LIMITS.stringMaxLength} characters. Fix: use the column's MaxLength.`,
        );
      }
    }
    bytes += alternateKeyColumnBytes(c);
  });
  if (sized && bytes > ALTERNATE_KEY_LIMITS.bytesPerKey) {
    const detail = columns.map((c) => `${c.logicalName} ${alternateKeyColumnBytes(c)}`).join(', ');
    problems.add(
      `${what} is about ${bytes} bytes (${detail}); an alternate key's index holds at most ${ALTERNATE_KEY_LIMITS.bytesPerKey} bytes (text: two bytes per character of maxLength). Fix: use fewer or shorter columns, or set each text column's real maxLength.`,
    );
  }
}

/** A key that exists: attributes only, checked like a key of the stack. */
class ImportedAlternateKey extends Construct implements IAlternateKey {
  public readonly entityLogicalName: string;
  public readonly keyLogicalName: string;
  public readonly keyColumns: AlternateKeyColumn[];

  constructor(scope: Construct, id: string, attrs: AlternateKeyAttributes) {
    super(scope, id);
    requireProps(this, 'AlternateKey.fromAlternateKeyAttributes', attrs, ['entityLogicalName', 'keyLogicalName', 'keyColumns']);
    this.entityLogicalName = attrs.entityLogicalName;
    this.keyLogicalName = attrs.keyLogicalName;
    this.keyColumns = [...attrs.keyColumns];
    addValidator(this, (problems) => {
      const what = `alternate key ${quote(attrs.keyLogicalName)}`;
      checkLogicalName(problems, `${what}: entityLogicalName`, attrs.entityLogicalName, 128, 'account');
      checkLogicalName(problems, `${what}: keyLogicalName`, attrs.keyLogicalName, 128, 'contoso_accountnumber');
      checkKeyColumns(problems, what, this.keyColumns);
    });
  }
}
