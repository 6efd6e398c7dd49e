// `status`: for each step a stack registered, the failures Dataverse recorded — failed and waiting
// system jobs with their message and time, counts over a window — and endpoints whose steps are
// disabled. `--json` for pipelines; exit 2 when failures exist. `--retry` resumes the waiting jobs
// of the stack's own steps (a failed job is completed and cannot be resumed: status-jobs.ts).
import { CliCommand } from './command';
import { CliError } from './errors';
import { Job, statusLabel } from './status-jobs';
import { StatusOptions, parseStatusOptions } from './status-options';
import { StackReport, StepReport, hasFailures, stackStatus } from './status-read';

/** Jobs shown per step in the text output (--json has them all). */
const SHOWN = 10;
const MESSAGE_CHARS = 300;

export const statusCommand: CliCommand = {
  summary: "report the stack's failed and waiting system jobs and disabled steps (--retry resumes waiting ones)",
  async run(argv, io, settings) {
    const options = parseStatusOptions(argv, io.cwd);
    const sinceIso = new Date(Date.now() - options.sinceMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const reports: StackReport[] = [];
    for (const location of options.manifests) {
      try {
        reports.push(await stackStatus(location, options, io, settings, sinceIso));
      } catch (e) {
        if (e instanceof CliError && options.manifests.length > 1) throw new CliError(`${location}: ${e.message}`);
        throw e;
      }
    }
    for (const r of reports) for (const notice of r.notices) io.err(`Note: ${notice}`);
    const failures = reports.some(hasFailures);
    if (options.json) io.out(JSON.stringify(jsonResult(reports, options, sinceIso, failures), null, 2));
    else for (const line of textLines(reports, options, sinceIso)) io.out(line);
    return failures ? 2 : 0;
  },
};

function jsonResult(reports: StackReport[], options: StatusOptions, sinceIso: string, failures: boolean): object {
  return {
    since: sinceIso,
    window: options.since,
    failures,
    stacks: reports.map((r) => ({
      stack: r.stack,
      app: r.app,
      environment: r.environment,
      steps: r.steps.map((s) => ({
        id: s.id,
        path: s.path,
        name: s.name ?? null,
        endpoint: s.endpoint ?? null,
        synchronous: s.synchronous,
        inManifest: !s.orphan,
        state: s.state,
        counts: s.counts,
        ...(options.retry ? { resumed: s.resumed } : {}),
        jobs: s.problems.map((j) => ({
          id: j.id,
          status: statusLabel(j.status),
          statuscode: j.status,
          createdOn: j.createdOn,
          completedOn: j.completedOn ?? null,
          message: j.message ?? null,
          friendlyMessage: j.friendlyMessage ?? null,
        })),
      })),
      disabledEndpoints: r.disabledEndpoints,
      summary: summary(r.steps),
    })),
  };
}

function summary(steps: StepReport[]) {
  const sum = (f: (s: StepReport) => number) => steps.reduce((n, s) => n + f(s), 0);
  return {
    steps: steps.length,
    failed: sum((s) => s.counts.failed),
    waiting: sum((s) => s.counts.waiting),
    succeeded: sum((s) => s.counts.succeeded),
    disabledSteps: sum((s) => (s.state === 'disabled' ? 1 : 0)),
    missingSteps: sum((s) => (s.state === 'missing' ? 1 : 0)),
    resumed: sum((s) => s.resumed),
  };
}

function textLines(reports: StackReport[], options: StatusOptions, sinceIso: string): string[] {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`Status of stack '${r.stack}' of app '${r.app}' in ${r.environment}, system jobs since ${sinceIso} (${options.since}):`);
    for (const s of r.steps) lines.push(...stepLines(s));
    for (const e of r.disabledEndpoints) {
      lines.push(
        `  ! endpoint ${e.path} (${e.id}): ${e.steps.length} step(s) disabled, so Dataverse sends it nothing for them: ${e.steps.join(', ')}. Fix: enable them, or run 'cdktf-dataverse apply'.`,
      );
    }
    const t = summary(r.steps);
    const resumed = options.retry ? ` Resumed ${t.resumed} waiting job(s).` : '';
    lines.push(
      `Summary: ${t.failed} failed, ${t.waiting} waiting, ${t.succeeded} succeeded (kept) job(s); ${t.disabledSteps} disabled and ${t.missingSteps} missing step(s) of ${t.steps}.${resumed}`,
    );
  }
  if (options.retry && reports.some((r) => r.steps.some((s) => s.counts.failed > 0))) {
    lines.push('Note: failed jobs are completed: Dataverse does not resume a completed system job, so --retry resumes waiting jobs only.');
  }
  return lines;
}

function stepLines(s: StepReport): string[] {
  const tags = [s.synchronous ? 'synchronous' : 'asynchronous', s.state, ...(s.orphan ? ['gone from the manifest; prune deletes it'] : [])];
  const c = s.counts;
  const head = `  ${s.state === 'enabled' && c.failed + c.waiting === 0 ? '✓' : '✗'} ${s.path} (${s.id}; ${tags.join(', ')}): ${c.failed} failed, ${c.waiting} waiting, ${c.inProgress} queued or in progress, ${c.succeeded} succeeded, ${c.canceled} canceled`;
  const lines = [head];
  if (s.state === 'missing') lines.push("      not in Dataverse: run 'cdktf-dataverse apply'.");
  if (s.synchronous) lines.push('      synchronous: Dataverse runs it in the request and keeps no system job; failures reach the caller instead.');
  for (const j of s.problems.slice(0, SHOWN)) lines.push(`      ${jobLine(j)}`);
  if (s.problems.length > SHOWN) lines.push(`      … and ${s.problems.length - SHOWN} more (see --json).`);
  if (s.resumed > 0) lines.push(`      resumed ${s.resumed} waiting job(s).`);
  return lines;
}

function jobLine(j: Job): string {
  const text = (j.friendlyMessage ?? j.message ?? '(no message)').split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const short = text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS)}…` : text;
  return `${statusLabel(j.status).toLowerCase()} ${j.createdOn}${j.completedOn ? ` (completed ${j.completedOn})` : ''} job ${j.id}: ${short}`;
}
