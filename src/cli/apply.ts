// `apply` (with --prune, then prune): plans every record against the rows read up front, then
// writes them level by level (writer.ts). A record whose lookup needs a row another record of this
// run creates (a step on a custom API's message) waits, with the records that reference it, for a
// second round once that row is committed.
import { isChangeTrackingRecord, writeChangeTrackingPlans } from './change-tracking';
import { CliCommand } from './command';
import { associate, dependencyLevels, mapLimit, planCascades, planRecord, RecordPlan } from './engine';
import { CliError } from './errors';
import { isKeyRecord, KEY_POLL_SECONDS, waitForKeys, writeKeyPlans } from './keys';
import { parseOptions } from './options';
import { count, describePlan, exitCode, notPrunedNotice, publicPlan } from './output';
import { forgottenNotice, pruneCandidates, runPrune } from './prune';
import { openSession } from './session';
import { WriteFailure, writePlans } from './writer';
import { ManifestRecord } from '../dataverse/manifest';

export const applyCommand: CliCommand = {
  summary: 'upsert the records in dependency order, then make the associations',
  async run(argv, io, settings) {
    const options = parseOptions('apply', argv);
    const s = await openSession(options, io, settings);
    const { ctx, manifest } = s;
    const records = manifest.records;
    const rows = await s.rows;
    const levels = dependencyLevels(records);
    const total = records.length;
    let done = 0;
    const results: RecordPlan[] = [];
    const failures: WriteFailure[] = [];
    ctx.ledger.claim(records);

    let remaining: ManifestRecord[] = records;
    while (remaining.length > 0 && failures.length === 0) {
      const round = remaining;
      const plans = await planCascades(ctx, round, await mapLimit(round, options.parallelism, (r, i) => planRecord(ctx, r, rows.get(r.id.toLowerCase()), round.slice(0, i))));
      const waiting = waitingIds(round, plans);
      const ready = plans.filter((p) => !waiting.has(p.id));
      if (ready.length === 0) {
        throw new CliError(
          `${plans
            .filter((p) => p.pending)
            .map((p) => p.path)
            .join(', ')}: a lookup waits for a row that no record of this run creates.`,
        );
      }
      const report = (p: RecordPlan) => s.progress(`[${++done}/${total}] ${describePlan(p, false)[0].trim()}`);
      // Alternate keys first, one request each (metadata, not in a change set): their indexes build meanwhile.
      const keys = await writeKeyPlans(ctx.api, ctx.ledger, manifest, ready.filter(isKeyRecord), report);
      results.push(...keys.applied);
      failures.push(...keys.failures);
      // Change tracking: table definitions, one PUT each where it is off (never in a change set).
      const tableOf = (p: RecordPlan) => String(round.find((r) => r.id.toLowerCase() === p.id)?.columns.logicalname);
      const tracking = await writeChangeTrackingPlans(ctx.api, ready.filter(isChangeTrackingRecord), tableOf, report);
      results.push(...tracking.applied);
      failures.push(...tracking.failures);
      for (const f of tracking.failures) s.progress(`[${++done}/${total}] ! failed ${f.path}: ${f.message}`);
      const outcome = await writePlans(
        ctx,
        ready.filter((p) => !isKeyRecord(p) && !isChangeTrackingRecord(p)),
        levels,
        { batch: options.batch, done: report },
      );
      results.push(...outcome.applied);
      failures.push(...outcome.failures);
      for (const f of outcome.failures) s.progress(`[${++done}/${total}] ! failed ${f.path}: ${f.message}`);
      remaining = round.filter((r) => waiting.has(r.id.toLowerCase()));
    }
    if (failures.length === 0) {
      for (const plan of results.filter((p) => p.associations.length > 0)) {
        try {
          await associate(ctx, plan);
        } catch (e) {
          if (!(e instanceof CliError)) throw e;
          failures.push({ path: plan.path, message: e.message });
        }
      }
    }
    const keyRecords = records.filter(isKeyRecord);
    if (failures.length === 0 && keyRecords.length > 0) {
      s.progress(`Waiting for the indexes of ${keyRecords.length} alternate key(s) (at most ${options.keyTimeoutMs / 1000} s):`);
      const wait = { timeoutSeconds: options.keyTimeoutMs / 1000, intervalSeconds: KEY_POLL_SECONDS, sleep: io.sleep };
      for (const message of await waitForKeys(ctx.api, keyRecords, wait, s.progress)) {
        failures.push({ path: message.slice(0, message.indexOf(':')), message: message.slice(message.indexOf(':') + 2) });
      }
    }
    let forgotten = 0;
    if (options.prune && failures.length === 0) {
      const pruned = await runPrune(s);
      results.push(...pruned.deleted);
      failures.push(...pruned.failures);
      forgotten = pruned.forgotten.length;
    }

    const counts = count(results);
    const summary = `Apply ${failures.length > 0 ? 'stopped' : 'complete'}: ${counts.create} created, ${counts.update} updated, ${counts.replace > 0 ? `${counts.replace} replaced, ` : ''}${counts.unchanged} unchanged, ${counts.delete} deleted${forgotten > 0 ? `, ${forgotten} forgotten (change tracking stays on)` : ''}${failures.length > 0 ? `, ${failures.length} failed` : ''}.`;
    if (options.json) {
      io.out(
        JSON.stringify(
          {
            stack: manifest.stack,
            app: manifest.appId,
            environment: s.url,
            changes: results.map(publicPlan),
            summary: { ...counts, failed: failures.length },
            failures: failures.map((f) => `${f.path}: ${f.message}`),
          },
          null,
          2,
        ),
      );
    }
    s.progress(summary);
    const candidates = pruneCandidates(ctx.ledger);
    if (!options.prune && candidates.allowed.length > 0) s.progress(notPrunedNotice(candidates.allowed.length));
    if (!options.prune && candidates.forgotten.length > 0) s.progress(forgottenNotice(candidates.forgotten.length));
    if (failures.length > 0) {
      const error = new CliError(
        `${failures.length} record(s) failed; records of later levels were not written:\n${failures.map((f) => `  - ${f.path}: ${f.message}`).join('\n')}`,
      );
      error.reportedAsJson = options.json;
      throw error;
    }
    return exitCode(options, counts.create + counts.update + counts.replace + counts.delete > 0);
  },
};

/** Records that wait for a later round: pending lookups, and every record that references one of those. */
function waitingIds(records: ManifestRecord[], plans: RecordPlan[]): Set<string> {
  const waiting = new Set(plans.filter((p) => p.pending).map((p) => p.id));
  for (let grew = true; grew;) {
    grew = false;
    for (const r of records) {
      const id = r.id.toLowerCase();
      if (!waiting.has(id) && r.references.some((ref) => waiting.has(ref.id.toLowerCase()))) {
        waiting.add(id);
        grew = true;
      }
    }
  }
  return waiting;
}
