// Synth-time checks of ChangeTrackingExport: the tables and their columns, the schedule, the sink.
// Internal.
import { ChangeTrackingExportProps } from './change-tracking-export-props';
import { isUnresolved, Problems, quote } from '../core/problems';
import { checkLogicalName } from '../dataverse/names';

/** At most this many tables per export (each one is read in turn within one run). @internal */
export const MAX_TABLES = 50;
/** A column as the Web API selects it: a logical name, or a lookup's `_<column>_value`. */
const COLUMN = /^(_[a-z][a-z0-9_]*_value|[a-z][a-z0-9_]*)$/;
/** Container names (Microsoft Learn, "Naming and referencing containers, blobs, and metadata"). */
const CONTAINER = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;

/** The six NCRONTAB fields (Microsoft Learn, "Timer trigger for Azure Functions", NCRONTAB expressions). */
const FIELDS: Array<{ name: string; min: number; max: number; names?: string[] }> = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day-of-week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

/** Why a schedule is not a six-field NCRONTAB expression, or undefined when it is. @internal */
export function scheduleProblem(schedule: string): string | undefined {
  const parts = schedule.trim().split(/\s+/);
  if (parts.length !== 6) return `has ${parts.length} field(s); NCRONTAB has six: {second} {minute} {hour} {day} {month} {day-of-week}`;
  for (let i = 0; i < 6; i++) {
    const f = FIELDS[i];
    const value = (text: string): number | undefined => {
      const named = f.names?.indexOf(text.toLowerCase()) ?? -1;
      if (named >= 0) return named + f.min;
      if (!/^\d+$/.test(text)) return undefined;
      const n = Number(text);
      return n >= f.min && n <= f.max ? n : undefined;
    };
    for (const item of parts[i].split(',')) {
      const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
      const range = m?.[1].split('-') ?? [];
      const ok =
        m !== null &&
        (m[2] === undefined || (Number(m[2]) >= 1 && Number(m[2]) <= f.max - f.min + 1)) &&
        (m[1] === '*' || (range.every((r) => value(r) !== undefined) && (range.length === 1 || value(range[0])! <= value(range[1])!)));
      if (!ok) {
        return `field ${i + 1} (${f.name}) ${quote(parts[i])} is not valid: use *, a value from ${f.min} to ${f.max}${f.names ? ` or a name (${f.names[0]}…)` : ''}, a range a-b, a list a,b or a step */n`;
      }
    }
  }
  return undefined;
}

/** Every problem of the props, each with its fix. @internal */
export function checkExportProps(problems: Problems, props: ChangeTrackingExportProps): void {
  checkTables(problems, props);
  const schedule = props.schedule;
  if (schedule !== undefined && !isUnresolved(schedule)) {
    const why = scheduleProblem(schedule);
    if (why) problems.add(`schedule ${quote(schedule)} ${why}. Fix: write six fields, e.g. '0 */5 * * * *' (every 5 minutes) or '0 0 * * * *' (hourly).`);
  }
  if (props.pageSize !== undefined && !isUnresolved(props.pageSize)) {
    problems.check(
      Number.isInteger(props.pageSize) && props.pageSize >= 1 && props.pageSize <= 5000,
      `pageSize ${props.pageSize} is out of range: the Web API pages 1 to 5000 rows. Fix: choose a whole number from 1 to 5000, or leave it out (5000).`,
    );
  }
  const role = props.securityRoleName;
  if (!isUnresolved(role)) {
    problems.check(
      typeof role === 'string' && role.trim().length > 0 && role.length <= 100,
      `securityRoleName ${quote(role)} must be 1 to 100 characters. Fix: name the role that has Read on the exported tables, e.g. 'Change tracking export'.`,
    );
  }
  const sinks = (['serviceBusQueue', 'serviceBusTopic', 'eventHub', 'storageContainer'] as const).filter((k) => props[k] !== undefined);
  if (sinks.length === 0) {
    problems.add('no sink: the changes have nowhere to go. Fix: set one of serviceBusQueue, serviceBusTopic, eventHub or storageContainer.');
  } else if (sinks.length > 1) {
    problems.add(`conflicting sinks: ${sinks.join(', ')}; an export writes to one sink. Fix: keep one of them (use two ChangeTrackingExports for two sinks).`);
  }
  const c = props.storageContainer;
  if (c && !isUnresolved(c.containerName)) {
    problems.check(
      typeof c.containerName === 'string' && CONTAINER.test(c.containerName),
      `storageContainer.containerName ${quote(c.containerName)} is not a container name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit. Fix: use e.g. 'dataverse-changes'.`,
    );
  }
}

function checkTables(problems: Problems, props: ChangeTrackingExportProps): void {
  const tables = props.tables ?? [];
  if (tables.length === 0 || tables.length > MAX_TABLES) {
    problems.add(
      `tables has ${tables.length} entries; an export reads 1 to ${MAX_TABLES} tables. Fix: ${tables.length === 0 ? "list the tables to export, e.g. [{ logicalName: 'account' }]" : 'split them over more exports'}.`,
    );
  }
  const seen = new Set<string>();
  tables.forEach((t, i) => {
    if (t === undefined || t === null || typeof t !== 'object') {
      problems.add(`tables[${i}] is ${quote(t)}. Fix: pass { logicalName, columns? } for each table.`);
      return;
    }
    const what = `tables[${i}]`;
    if (isUnresolved(t.logicalName) || isUnresolved(t.entitySetName) || isUnresolved(t.idColumn) || (t.columns ?? []).some(isUnresolved)) {
      problems.add(
        `${what}: a table, entity set or column name is a Terraform reference; the function's settings and the manifest need the literal. Fix: pass the names as strings.`,
      );
      return;
    }
    checkLogicalName(problems, `${what}.logicalName`, t.logicalName, 128, 'account');
    if (t.entitySetName !== undefined) checkLogicalName(problems, `${what}.entitySetName`, t.entitySetName, 128, 'accounts');
    if (t.idColumn !== undefined) checkLogicalName(problems, `${what}.idColumn`, t.idColumn, 128, 'activityid');
    if (typeof t.logicalName === 'string') {
      problems.check(!seen.has(t.logicalName), `${what}: the table ${quote(t.logicalName)} is listed twice. Fix: list each table once (with all the columns it needs).`);
      seen.add(t.logicalName);
    }
    if (t.columns === undefined) return;
    if (t.columns.length === 0) {
      problems.add(`${what}.columns is empty. Fix: list the columns the messages carry, or leave columns out (the primary key only).`);
    }
    const names = new Set<string>();
    for (const column of t.columns) {
      if (typeof column !== 'string' || !COLUMN.test(column) || column.length > 128) {
        problems.add(
          `${what}.columns: ${quote(column)} is not a column name: a logical name (lowercase letters, digits, underscores) or a lookup's '_<column>_value'. Fix: use e.g. 'name' or '_parentaccountid_value'.`,
        );
        continue;
      }
      problems.check(!names.has(column), `${what}.columns: ${quote(column)} is listed twice. Fix: list each column once.`);
      names.add(column);
    }
  });
}
