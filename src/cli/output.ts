// How plans and results are printed (text and --json). No bodies, digests or sensitive values.
import { ColumnChange, RecordPlan } from './engine';
import { Options } from './options';
import { CHANGE_TRACKING_TABLE } from '../dataverse/change-tracking-metadata';

export function exitCode(options: Options, changed: boolean): number {
  return options.detailedExitcode && changed ? 2 : 0;
}

export function notPrunedNotice(n: number): string {
  return `Note: ${n} row(s) this stack registered earlier are gone from the manifest; 'cdktf-dataverse prune' (or apply --prune) deletes them.`;
}

export function count(plans: RecordPlan[]) {
  const c = { create: 0, update: 0, replace: 0, unchanged: 0, delete: 0 };
  for (const p of plans) c[p.action]++;
  return c;
}

/** The plan as --json shows it. */
export function publicPlan(p: RecordPlan): object {
  if (p.action === 'delete') return { action: 'delete', table: p.table, entitySet: p.entitySet, id: p.id, path: p.path };
  return {
    action: p.action,
    table: p.table,
    entitySet: p.entitySet,
    id: p.id,
    path: p.path,
    columns: p.columns,
    ...(p.immutable ? { replacedBecause: p.immutable.map((c) => ({ column: c.column, before: c.before, after: c.after })) } : {}),
    ...(p.recreated ? { recreated: p.recreated } : {}),
    associations: p.associations.map((a) => ({ relationship: a.relationship, target: a.target, targetId: a.targetId })),
  };
}

const SYMBOL = { create: '+', update: '~', replace: '-/+', unchanged: '=', delete: '-' };
const PAST = { create: 'created', update: 'updated', replace: 'replaced', unchanged: 'unchanged', delete: 'deleted' };
const FUTURE = { create: 'create', update: 'update', replace: 'replace', unchanged: 'unchanged', delete: 'delete' };

export function describePlan(p: RecordPlan, future: boolean): string[] {
  const verb = (future ? FUTURE : PAST)[p.action];
  const changed = p.columns.map((c) => c.column).concat(p.associations.map((a) => a.relationship));
  const head = `  ${SYMBOL[p.action]} ${verb} ${p.table} ${p.path} (${p.id})${!future && p.action === 'update' ? `: ${changed.join(', ')}` : ''}`;
  if (!future || p.action === 'unchanged' || p.action === 'delete') return [head];
  const why: string[] = [];
  if (p.immutable) {
    why.push(`      (Dataverse cannot change ${p.immutable.map((c) => c.column).join(', ')} after creation: the row is deleted, then created)`);
    why.push(...p.immutable.map((c) => `      ${describeColumn(c, 'update')}`));
  }
  if (p.recreated) why.push(`      (created again: ${p.recreated})`);
  if (p.immutable) return [head, ...why];
  // Change tracking cannot be turned off again: say so before anyone applies it.
  const permanent = p.table === CHANGE_TRACKING_TABLE ? ['      (permanent: once enabled, Dataverse cannot turn change tracking off; prune only forgets the record)'] : [];
  return [
    head,
    ...why,
    ...p.columns.map((c) => `      ${describeColumn(c, p.action)}`),
    ...p.associations.map((a) => `      ${a.relationship}: associate with ${a.target}`),
    ...permanent,
  ];
}

function describeColumn(c: ColumnChange, action: string): string {
  if (c.sensitive) return `${c.column}: (sensitive)${c.reason ? ` ${c.reason}` : ''}`;
  const after = JSON.stringify(c.after);
  return action === 'create' ? `${c.column}: ${after}` : `${c.column}: ${JSON.stringify(c.before ?? null)} → ${after}`;
}
