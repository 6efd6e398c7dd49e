// Writing planned records. With $batch (the default) one request carries up to 1,000 writes: one
// change set per dependency level (a level's records never reference each other; a later level
// only references rows committed by an earlier change set), each with the ownership note's update
// for that level, so a failed level rolls back with its digests and stops the batch. `--no-batch`
// writes one request per record, `--parallelism` at a time per level (the behaviour before $batch).
import { UnexpectedAnswerError } from './answers';
import { answerJson, BatchAnswer, BatchOperation, BatchOutcome, BatchPart, buildBatch, MAX_BATCH_REQUESTS, parseBatchAnswer } from './batch';
import { EngineContext, mapLimit, RecordPlan, writeOperations } from './engine';
import { CliError } from './errors';
import { LedgerEntry } from './ledger';
import { RETRY_STATUSES, WebApi } from './webapi';

/** A record that was not written, and why. */
export interface WriteFailure {
  readonly path: string;
  readonly message: string;
}

/** What a write run did. */
export interface WriteOutcome {
  /** Plans whose writes Dataverse confirmed (or that needed none). */
  readonly applied: RecordPlan[];
  readonly failures: WriteFailure[];
}

/** Writes `plans` (already claimed in the ledger) level by level; `done` is told of each confirmed plan. */
export async function writePlans(
  ctx: EngineContext,
  plans: RecordPlan[],
  levels: Map<string, number>,
  options: { batch: boolean; done: (plan: RecordPlan) => void },
): Promise<WriteOutcome> {
  const byLevel = new Map<number, RecordPlan[]>();
  for (const p of plans) byLevel.set(levels.get(p.id) ?? 0, [...(byLevel.get(levels.get(p.id) ?? 0) ?? []), p]);
  const ordered = [...byLevel.keys()].sort((a, b) => a - b).map((l) => byLevel.get(l)!);
  return options.batch ? writeBatched(ctx, ordered, options.done) : writeOneByOne(ctx, ordered, options.done);
}

interface PartInfo {
  readonly plans: RecordPlan[];
  /** The plan of each record operation (operations after the note's update), in order. */
  readonly owners: RecordPlan[];
  /** The note text this part writes, if it writes the note. */
  readonly noteText?: string;
  /** The ledger before this part's digests. */
  readonly before: LedgerEntry[];
  readonly operations: BatchOperation[];
}

async function writeBatched(ctx: EngineContext, levels: RecordPlan[][], done: (plan: RecordPlan) => void): Promise<WriteOutcome> {
  const applied: RecordPlan[] = [];
  const parts: PartInfo[] = [];
  const original = ctx.ledger.savedText;
  for (const level of levels) {
    const writes = level.map((p) => ({ plan: p, ops: writeOperations(ctx.manifest, p) }));
    for (const w of writes.filter((x) => x.ops.length === 0)) {
      applied.push(w.plan);
      done(w.plan);
    }
    // Change sets of at most MAX_BATCH_REQUESTS - 1 requests, plus the note's update.
    let pending = writes.filter((x) => x.ops.length > 0);
    while (pending.length > 0) {
      const chunk: typeof pending = [];
      let size = 0;
      while (pending.length > 0 && (chunk.length === 0 || size + pending[0].ops.length <= MAX_BATCH_REQUESTS - 1)) {
        size += pending[0].ops.length;
        chunk.push(pending.shift()!);
      }
      const before = ctx.ledger.checkpoint();
      for (const w of chunk) if (w.plan.digests && Object.keys(w.plan.digests).length > 0) ctx.ledger.setDigests(w.plan.id, w.plan.digests);
      const note = ctx.ledger.pendingWrite();
      const operations = [...(note ? [{ method: note.method, url: note.url, body: note.body } as BatchOperation] : []), ...chunk.flatMap((w) => w.ops)];
      const owners = chunk.flatMap((w) => w.ops.map(() => w.plan));
      parts.push({ plans: chunk.map((w) => w.plan), owners, noteText: note?.text, before, operations });
      if (note) ctx.ledger.committed(note.text); // provisional: undone below when its part fails
    }
  }
  const failures: WriteFailure[] = [];
  let savedText = original;
  for (let start = 0; start < parts.length && failures.length === 0;) {
    let size = 0;
    let end = start;
    while (end < parts.length && (end === start || size + parts[end].operations.length <= MAX_BATCH_REQUESTS)) size += parts[end++].operations.length;
    const slice = parts.slice(start, end);
    const outcome = await sendBatch(
      ctx.api,
      slice.map((p) => ({ changeSet: p.operations })),
    );
    let firstContentId = 1;
    outcome.parts.forEach((o, k) => {
      const part = slice[k];
      if (o.kind === 'done') {
        if (part.noteText !== undefined) savedText = part.noteText;
        for (const p of part.plans) {
          applied.push(p);
          done(p);
        }
      } else {
        ctx.ledger.restore(part.before);
        failures.push(...failedChangeSet(part, o.answer, firstContentId));
      }
      firstContentId += part.operations.length;
    });
    start = end;
  }
  // The ledger now says what Dataverse holds: the note of the last committed change set.
  ctx.ledger.committed(savedText);
  if (failures.length === 0) await ctx.ledger.save(ctx.api);
  return { applied, failures };
}

/** The failure of a change set: the record the error names (by Content-ID), the others rolled back with it. */
function failedChangeSet(part: PartInfo, answer: BatchAnswer, firstContentId: number): WriteFailure[] {
  const error = answerJson(answer)?.error;
  const offset = part.noteText !== undefined ? 1 : 0;
  const index = answer.contentId !== undefined ? Number(answer.contentId) - firstContentId - offset : -1;
  const culprit = index >= 0 ? part.owners[index] : undefined;
  const message = `Dataverse answered ${answer.status}${error?.message ? `: ${error.message}` : ''}${error?.code ? ` (${error.code})` : ''}`;
  if (!culprit) {
    return [{ path: part.plans.map((p) => p.path).join(', '), message: `${message} (for one of this change set's ${part.plans.length} records; all rolled back)` }];
  }
  return [
    { path: culprit.path, message },
    ...part.plans.filter((p) => p !== culprit).map((p) => ({ path: p.path, message: `rolled back with its change set (${culprit.path} failed)` })),
  ];
}

/** Sends one batch; a part answered 429/502/503/504 makes the whole (idempotent) batch retry. */
export async function sendBatch(api: WebApi, parts: BatchPart[], continueOnError = false): Promise<BatchOutcome> {
  const apiPath = new URL(api.apiRoot).pathname;
  const { body, contentType } = buildBatch(parts, apiPath);
  return api.raw('POST', '$batch', {
    body,
    contentType,
    headers: continueOnError ? { Prefer: 'odata.continue-on-error' } : {},
    read: (answer) => {
      if (!/^multipart\/mixed/i.test(answer.contentType.trim())) {
        if (answer.status >= 200 && answer.status < 300) throw new UnexpectedAnswerError(answer, 'not a multipart/mixed batch answer');
        return undefined as any;
      }
      const outcome = parseBatchAnswer(answer, parts);
      const transient = outcome.parts.find((p) => p.kind === 'failed' && RETRY_STATUSES.has(p.answer.status));
      if (transient && transient.kind === 'failed') {
        return { retry: transient.answer.headers['retry-after'] ?? null, reason: `${transient.answer.status} inside the batch`, last: { value: outcome } };
      }
      return { value: outcome };
    },
  });
}

async function writeOneByOne(ctx: EngineContext, levels: RecordPlan[][], done: (plan: RecordPlan) => void): Promise<WriteOutcome> {
  const applied: RecordPlan[] = [];
  const failures: WriteFailure[] = [];
  let garbage = false;
  await ctx.ledger.save(ctx.api);
  try {
    for (const level of levels) {
      await mapLimit(level, ctx.parallelism, async (plan) => {
        const ops = writeOperations(ctx.manifest, plan);
        try {
          for (const op of ops) await ctx.api.request(op.method, op.url, { body: op.body, headers: op.headers });
          if (ops.length > 0 && plan.digests && Object.keys(plan.digests).length > 0) ctx.ledger.setDigests(plan.id, plan.digests);
          applied.push(plan);
          done(plan);
        } catch (e) {
          if (!(e instanceof CliError)) throw e;
          if (e instanceof UnexpectedAnswerError) garbage = true;
          failures.push({ path: plan.path, message: e.message });
        }
      });
      if (failures.length > 0) break;
    }
  } finally {
    // Digests are set only for writes Dataverse confirmed; after an answer that was not Dataverse's, record nothing.
    if (!garbage) await ctx.ledger.save(ctx.api);
  }
  return { applied, failures };
}
