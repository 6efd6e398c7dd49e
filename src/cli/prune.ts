// `prune` (and `--prune`): deletes rows the app's stack registered earlier and no longer
// declares, and only those that pass every ownership check (ledger.ts: note created by the runner or
// a --ledger-owner, a table the library writes, the id the library derives from the recorded
// path). Everything else is reported and left alone.
import { UnexpectedAnswerError } from './answers';
import { answerJson, MAX_BATCH_REQUESTS } from './batch';
import { forgottenLine } from './change-tracking';
import { CliCommand } from './command';
import { deletePlan, RecordPlan } from './engine';
import { CliError } from './errors';
import { kindOf } from './kinds';
import { Ledger, LedgerEntry } from './ledger';
import { parseOptions } from './options';
import { count, exitCode, publicPlan } from './output';
import { openSession, Session } from './session';
import { sendBatch, WriteFailure } from './writer';

/**
 * The orphans prune may delete, those it must leave alone with the reason, and those it only
 * forgets: records of a permanent kind (change tracking cannot be turned off).
 */
export function pruneCandidates(ledger: Ledger): { allowed: LedgerEntry[]; refused: { entry: LedgerEntry; reason: string }[]; forgotten: LedgerEntry[] } {
  const allowed: LedgerEntry[] = [];
  const refused: { entry: LedgerEntry; reason: string }[] = [];
  const forgotten: LedgerEntry[] = [];
  for (const entry of ledger.orphans()) {
    const reason = ledger.refusal(entry);
    if (reason) refused.push({ entry, reason });
    else if (kindOf(entry.table, entry.entitySet).permanent) forgotten.push(entry);
    else allowed.push(entry);
  }
  return { allowed, refused, forgotten };
}

/** The note plan and apply print when permanent records would only be forgotten. */
export function forgottenNotice(n: number): string {
  return `Note: ${n} change-tracking record(s) this stack registered earlier are gone from the manifest; 'cdktf-dataverse prune' forgets them and leaves change tracking on (Dataverse cannot turn it off: it is permanent).`;
}

export function refusedLine(r: { entry: LedgerEntry; reason: string }): string {
  return `  ! not pruned ${r.entry.entitySet}(${r.entry.id}) ${r.entry.path}: ${r.reason}; left alone`;
}

/** Deletes the allowed orphans; returns what was deleted and what failed. */
export async function runPrune(s: Session): Promise<{ deleted: RecordPlan[]; failures: WriteFailure[]; forgotten: LedgerEntry[] }> {
  const { ledger, api } = s.ctx;
  const { allowed, refused, forgotten } = pruneCandidates(ledger);
  for (const r of refused) s.progress(refusedLine(r));
  // Permanent records (change tracking): no request; only the ownership note forgets them.
  for (const entry of forgotten) {
    ledger.forget(entry.id);
    s.progress(forgottenLine(entry, false));
  }
  const deleted: RecordPlan[] = [];
  const failures: WriteFailure[] = [];
  const report = (entry: LedgerEntry, existed: boolean) => {
    ledger.forget(entry.id);
    deleted.push(deletePlan(entry));
    s.progress(`- deleted ${entry.table} ${entry.path} (${entry.id})${existed ? '' : ' (already gone)'}`);
  };
  let garbage = false;
  try {
    // Metadata (alternate keys) is deleted one request each, never in a change set.
    const batched = s.options.batch ? allowed.filter((e) => kindOf(e.table, e.entitySet).batchable) : [];
    const single = allowed.filter((e) => !batched.includes(e));
    if (batched.length > 0) {
      for (const chunk of chunks(batched)) {
        const outcome = await sendBatch(
          api,
          chunk.map((e) => ({ changeSet: kindOf(e.table, e.entitySet).deleteOperations(e) })),
          true,
        );
        outcome.parts.forEach((o, i) => {
          const entry = chunk[i];
          if (o.kind === 'done') return report(entry, true);
          if (o.answer.status === 404 && answerJson(o.answer)?.error) return report(entry, false);
          failures.push({
            path: entry.path,
            message: `Dataverse answered ${o.answer.status} to deleting ${entry.entitySet}(${entry.id})${answerJson(o.answer)?.error?.message ? `: ${answerJson(o.answer).error.message}` : ''}`,
          });
        });
      }
    }
    for (const entry of single) {
      try {
        let existed = true;
        for (const op of kindOf(entry.table, entry.entitySet).deleteOperations(entry)) {
          const response = await api.request(op.method, op.url, { body: op.body, headers: op.headers, accept: [404] });
          if (response.status === 404) existed = false;
          if (!existed) break;
        }
        report(entry, existed);
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        if (e instanceof UnexpectedAnswerError) garbage = true;
        failures.push({ path: entry.path, message: e.message });
      }
    }
  } catch (e) {
    if (e instanceof UnexpectedAnswerError) garbage = true;
    throw e;
  } finally {
    // Forget only what Dataverse confirmed gone; after an answer that was not Dataverse's, record nothing.
    if (!garbage) await ledger.save(api);
  }
  return { deleted, failures, forgotten };
}

function chunks(entries: LedgerEntry[]): LedgerEntry[][] {
  const out: LedgerEntry[][] = [];
  let current: LedgerEntry[] = [];
  let size = 0;
  for (const e of entries) {
    const n = kindOf(e.table, e.entitySet).deleteOperations(e).length;
    if (current.length > 0 && size + n > MAX_BATCH_REQUESTS) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(e);
    size += n;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export const pruneCommand: CliCommand = {
  summary: 'delete the rows this stack registered earlier that are gone from the manifest',
  async run(argv, io, settings) {
    const options = parseOptions('prune', argv);
    const s = await openSession(options, io, settings);
    const { deleted, failures, forgotten } = await runPrune(s);
    const counts = count(deleted);
    const summary = `Prune ${failures.length > 0 ? 'stopped' : 'complete'}: 0 created, 0 updated, 0 unchanged, ${counts.delete} deleted${forgotten.length > 0 ? `, ${forgotten.length} forgotten (change tracking stays on)` : ''}${failures.length > 0 ? `, ${failures.length} failed` : ''}.`;
    if (options.json) {
      io.out(
        JSON.stringify(
          {
            stack: s.manifest.stack,
            app: s.manifest.appId,
            environment: s.url,
            changes: deleted.map(publicPlan),
            forgotten: forgotten.map((e) => ({ table: e.table, id: e.id, path: e.path, address: e.address })),
            summary: { ...counts, failed: failures.length },
            failures: failures.map((f) => `${f.path}: ${f.message}`),
          },
          null,
          2,
        ),
      );
    }
    s.progress(summary);
    if (failures.length > 0) {
      const error = new CliError(`${failures.length} row(s) were not deleted:\n${failures.map((f) => `  - ${f.path}: ${f.message}`).join('\n')}`);
      error.reportedAsJson = options.json;
      throw error;
    }
    return exitCode(options, counts.delete > 0);
  },
};
