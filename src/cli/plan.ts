// `plan`: what apply would create, update or leave unchanged (and, with --prune, delete). Writes nothing.
import { forgottenLine } from './change-tracking';
import { CliCommand } from './command';
import { deletePlan, mapLimit, planCascades, planRecord } from './engine';
import { parseOptions } from './options';
import { count, describePlan, exitCode, notPrunedNotice, publicPlan } from './output';
import { forgottenNotice, pruneCandidates, refusedLine } from './prune';
import { openSession } from './session';

export const planCommand: CliCommand = {
  summary: 'show what apply would create, update or leave unchanged (and, with --prune, delete)',
  async run(argv, io, settings) {
    const options = parseOptions('plan', argv);
    const s = await openSession(options, io, settings);
    const records = s.manifest.records;
    const rows = await s.rows;
    const plans = await planCascades(
      s.ctx,
      records,
      await mapLimit(records, options.parallelism, (r, i) => planRecord(s.ctx, r, rows.get(r.id.toLowerCase()), records.slice(0, i))),
    );
    const { allowed, refused, forgotten } = pruneCandidates(s.ctx.ledger);
    if (options.prune) plans.push(...allowed.map(deletePlan));
    const counts = count(plans);
    const notPruned = options.prune ? [] : allowed;
    if (options.json) {
      io.out(
        JSON.stringify(
          {
            stack: s.manifest.stack,
            app: s.manifest.appId,
            environment: s.url,
            changes: plans.map(publicPlan),
            summary: counts,
            notPruned: notPruned.map((e) => publicPlan(deletePlan(e))),
            forgotten: forgotten.map((e) => ({ table: e.table, id: e.id, path: e.path, address: e.address, permanent: true })),
            leftAlone: refused.map((r) => ({ entitySet: r.entry.entitySet, id: r.entry.id, path: r.entry.path, reason: r.reason })),
          },
          null,
          2,
        ),
      );
    } else {
      io.out(`Plan for stack '${s.manifest.stack}' of app '${s.manifest.appId}' in ${s.url}:`);
      for (const p of plans) for (const line of describePlan(p, true)) io.out(line);
      for (const r of refused) io.out(refusedLine(r));
      if (options.prune) for (const e of forgotten) io.out(forgottenLine(e, true));
      io.out(
        `Plan: ${counts.create} to create, ${counts.update} to update, ${counts.replace > 0 ? `${counts.replace} to replace, ` : ''}${counts.unchanged} unchanged, ${counts.delete} to delete.`,
      );
      if (notPruned.length > 0) io.out(notPrunedNotice(notPruned.length));
      if (!options.prune && forgotten.length > 0) io.out(forgottenNotice(forgotten.length));
    }
    return exitCode(options, counts.create + counts.update + counts.replace + counts.delete > 0);
  },
};
