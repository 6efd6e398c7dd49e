// The checks of CustomApiGateway.addUpsert, every problem reported together at synth. Internal.
import { Token } from 'cdktf';
import { UpsertField, UpsertFieldType, UpsertMode, UpsertOperationOptions } from './upsert-api';
import { FIELD_TYPE_OF_KEY, KEY_VALUE_TYPES, defaultEntitySet } from './upsert-plan';
import { checkInteger } from '../azure/props';
import { Problems, quote } from '../core/problems';
import { AlternateKeyColumnType, IAlternateKey } from '../dataverse/alternate-key';
import { checkLogicalName } from '../dataverse/names';

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FIELD_TYPES = Object.values(UpsertFieldType) as string[];
const MODES = Object.values(UpsertMode) as string[];
/** Column types a key of the gateway can have in a URL (a date-time's ':' cannot; a lookup is a GUID the caller does not know). */
const URL_KEY_TYPES = 'STRING, INTEGER, DECIMAL or CHOICE';

/** The largest batch the bulk route accepts. @internal */
export const MAX_BATCH_SIZE = 1000;

/** Checks one addUpsert. @internal */
export function checkUpsert(problems: Problems, o: UpsertOperationOptions): void {
  const table = o.table;
  const what = `addUpsert(${quote(table)})`;
  checkLogicalName(problems, `${what}: table`, table, 128, 'account');
  if (o.entitySetName !== undefined && !Token.isUnresolved(o.entitySetName)) {
    problems.check(
      IDENTIFIER.test(o.entitySetName),
      `${what}: entitySetName ${quote(o.entitySetName)} is not an entity set name. Fix: use the table's EntitySetName, e.g. 'accounts'.`,
    );
  }
  if (o.mode !== undefined) {
    problems.check(MODES.includes(o.mode), `${what}: mode ${quote(o.mode)} is not an upsert mode. Fix: use UpsertMode.UPSERT, CREATE_ONLY or UPDATE_ONLY.`);
  }
  const key = o.alternateKey;
  if (key.entityLogicalName !== table && !Token.isUnresolved(key.entityLogicalName)) {
    problems.add(
      `${what}: alternateKey ${quote(key.keyLogicalName)} is a key of table ${quote(key.entityLogicalName)}, not of ${quote(table)}. Fix: pass a key of ${quote(table)}.`,
    );
  }
  const fields = Object.entries(o.fields ?? {});
  problems.check(
    o.fields !== undefined && o.fields !== null && typeof o.fields === 'object',
    `${what}: fields is missing. Fix: map each external field name to { column, fieldType }.`,
  );
  const byColumn = new Map<string, string>();
  for (const [name, f] of fields) {
    if (f === undefined || f === null) {
      problems.add(`${what}: field ${quote(name)} is ${f}. Fix: pass { column, fieldType }.`);
      continue;
    }
    checkField(problems, what, name, f);
    const other = byColumn.get(f.column);
    if (other !== undefined) problems.add(`${what}: fields ${quote(other)} and ${quote(name)} both write column ${quote(f.column)}. Fix: map each column once.`);
    else byColumn.set(f.column, name);
  }
  for (const c of key.keyColumns.filter((x) => x !== undefined && x !== null)) {
    const name = byColumn.get(c.logicalName);
    const keyType = KEY_VALUE_TYPES[c.columnType];
    if (keyType === undefined) {
      problems.add(
        `${what}: key column ${quote(c.logicalName)} of ${quote(key.keyLogicalName)} is ${c.columnType === AlternateKeyColumnType.DATE_TIME ? "a date-time, whose values contain ':', which Dataverse cannot take in a key URL" : `of type ${quote(c.columnType)}`}; the gateway addresses rows by ${URL_KEY_TYPES} key columns. Fix: use a key on such columns.`,
      );
      continue;
    }
    if (name === undefined) {
      problems.add(
        `${what}: key column ${quote(c.logicalName)} of ${quote(key.keyLogicalName)} is not in fields. Fix: add a field for it, e.g. { ${c.logicalName}: { column: '${c.logicalName}', fieldType: UpsertFieldType.${fieldTypeName(FIELD_TYPE_OF_KEY[keyType])} } }.`,
      );
      continue;
    }
    const f = o.fields[name];
    problems.check(
      f.fieldType === FIELD_TYPE_OF_KEY[keyType],
      `${what}: field ${quote(name)} is ${quote(f.fieldType)}, but key column ${quote(c.logicalName)} is ${c.columnType}. Fix: make it UpsertFieldType.${fieldTypeName(FIELD_TYPE_OF_KEY[keyType])}.`,
    );
    problems.check(
      f.required === undefined,
      `${what}: field ${quote(name)} is a key column and always required (it is in the route); 'required' does not apply. Fix: remove required.`,
    );
  }
  if (o.bulk !== undefined) {
    checkInteger(problems, `${what}: bulk.maxBatchSize`, o.bulk.maxBatchSize, 1, MAX_BATCH_SIZE);
    problems.check(
      (o.mode ?? UpsertMode.UPSERT) === UpsertMode.UPSERT,
      `${what}: bulk serves UpsertMultiple, which creates or updates; mode ${quote(o.mode)} cannot apply to it. Fix: remove bulk, or use mode UPSERT.`,
    );
  }
}

function checkField(problems: Problems, what: string, name: string, f: UpsertField): void {
  const field = `${what}: field ${quote(name)}`;
  problems.check(
    FIELD_NAME.test(name) && name.length <= 64,
    `${field}: the name must be letters, digits and underscores (at most 64), not starting with a digit: it is a JSON property and a path parameter. Fix: rename it, e.g. 'accountNumber'.`,
  );
  checkLogicalName(problems, `${field}: column`, f.column, 128, 'accountnumber');
  if (!FIELD_TYPES.includes(f.fieldType)) {
    problems.add(
      `${field}: fieldType ${quote(f.fieldType)} is not a field type. Fix: use one of ${FIELD_TYPES.map((t) => `UpsertFieldType.${fieldTypeName(t as UpsertFieldType)}`).join(', ')}.`,
    );
    return;
  }
  if (f.maxLength !== undefined) {
    if (f.fieldType !== UpsertFieldType.STRING) problems.add(`${field}: maxLength applies to STRING fields only. Fix: remove maxLength.`);
    else checkInteger(problems, `${field}: maxLength`, f.maxLength, 1, 1048576);
  }
  if (f.choices !== undefined) {
    if (f.fieldType !== UpsertFieldType.CHOICE) {
      problems.add(`${field}: choices applies to CHOICE fields only. Fix: remove choices.`);
    } else {
      problems.check(
        f.choices.length > 0 && f.choices.every((c) => Number.isInteger(c)),
        `${field}: choices must be a non-empty list of option values (integers). Fix: list the values, e.g. [1, 2].`,
      );
    }
  }
  if (f.fieldType !== UpsertFieldType.LOOKUP) {
    problems.check(f.lookup === undefined, `${field}: lookup is set, but the field is ${quote(f.fieldType)}. Fix: make it UpsertFieldType.LOOKUP, or remove lookup.`);
    return;
  }
  if (!f.lookup) {
    problems.add(
      `${field}: a LOOKUP field needs lookup: { table, alternateKey, navigationProperty }. Fix: name the table it points at and the key the caller identifies its row by.`,
    );
    return;
  }
  checkLookup(problems, field, f);
}

function checkLookup(problems: Problems, field: string, f: UpsertField): void {
  const l = f.lookup!;
  checkLogicalName(problems, `${field}: lookup.table`, l.table, 128, 'account');
  if (!Token.isUnresolved(l.navigationProperty)) {
    problems.check(
      typeof l.navigationProperty === 'string' && IDENTIFIER.test(l.navigationProperty),
      `${field}: lookup.navigationProperty ${quote(l.navigationProperty)} is not a navigation property name. Fix: use the lookup's single-valued navigation property, e.g. 'parentcustomerid_account'.`,
    );
  }
  if (l.entitySetName !== undefined && !Token.isUnresolved(l.entitySetName)) {
    problems.check(
      IDENTIFIER.test(l.entitySetName),
      `${field}: lookup.entitySetName ${quote(l.entitySetName)} is not an entity set name. Fix: use e.g. '${defaultEntitySet(l.table)}'.`,
    );
  }
  const key: IAlternateKey | undefined = l.alternateKey;
  if (!key) {
    problems.add(`${field}: lookup.alternateKey is missing. Fix: pass the key of ${quote(l.table)} the caller identifies the row by.`);
    return;
  }
  if (key.entityLogicalName !== l.table) {
    problems.add(
      `${field}: the lookup points at table ${quote(l.table)}, but its alternateKey ${quote(key.keyLogicalName)} is a key of ${quote(key.entityLogicalName)}; ${quote(l.table)} has no such key. Fix: pass a key of ${quote(l.table)}.`,
    );
  }
  for (const c of key.keyColumns.filter((x) => x !== undefined && x !== null && KEY_VALUE_TYPES[x.columnType] === undefined)) {
    problems.add(
      `${field}: key column ${quote(c.logicalName)} of ${quote(key.keyLogicalName)} is ${c.columnType}; a lookup binds by ${URL_KEY_TYPES} key columns. Fix: bind by another key of ${quote(l.table)}.`,
    );
  }
}

function fieldTypeName(t: UpsertFieldType): string {
  return Object.entries(UpsertFieldType).find(([, v]) => v === t)?.[0] ?? String(t);
}
