// `status` for one stack: its steps (the manifest's, and those apply recorded in the ownership
// note that the manifest no longer declares: they still fire until pruned), their state in
// Dataverse, and their system jobs in the window.
import { mapLimit } from './engine';
import { CliError } from './errors';
import { loadManifest } from './inputs';
import { CliIo } from './io';
import { Ledger } from './ledger';
import { RunSettings, connect, environmentUrl, whoAmI } from './session';
import { Job, JOB_STATUS, readJobs, readStepStates, resumeJob, StepState } from './status-jobs';
import { StatusOptions } from './status-options';
import { RegistrationManifest } from '../dataverse/manifest';

/** Counts of a step's jobs in the window. */
export interface JobCounts {
  succeeded: number;
  failed: number;
  waiting: number;
  inProgress: number;
  canceled: number;
}

/** One step as status reports it. */
export interface StepReport {
  readonly id: string;
  readonly path: string;
  readonly name?: string;
  /** Path of the endpoint record the step posts to (undefined when not in the manifest). */
  readonly endpoint?: string;
  readonly synchronous: boolean;
  /** In the ownership note but gone from the manifest. */
  readonly orphan: boolean;
  readonly state: StepState['state'];
  readonly counts: JobCounts;
  /** Failed and waiting jobs, newest first. */
  readonly problems: Job[];
  /** Waiting jobs resumed with --retry. */
  resumed: number;
}

/** One stack as status reports it. */
export interface StackReport {
  readonly stack: string;
  readonly app?: string;
  readonly environment: string;
  readonly steps: StepReport[];
  /** Endpoints with at least one disabled step, with those steps' paths. */
  readonly disabledEndpoints: { path: string; id: string; steps: string[] }[];
  readonly notices: string[];
}

const STEP = 'sdkmessageprocessingstep';

/** Reads one stack's status; with --retry, resumes its steps' waiting jobs. */
export async function stackStatus(location: string, options: StatusOptions, io: CliIo, settings: RunSettings, sinceIso: string): Promise<StackReport> {
  const { manifest } = loadManifest(location, io.cwd, true);
  const url = environmentUrl(options.environmentUrl ?? manifest.environment.url);
  const api = connect(url, options, io, settings);
  // In provider mode Terraform's state, not an ownership note, holds what the stack registered.
  const providerMode = manifest.environment.registrationMode !== undefined;
  const ledger = providerMode
    ? undefined
    : await Ledger.load(
        api,
        manifest,
        whoAmI(api).then((runner) => ({ runner, others: [] })),
      );
  const steps = stepsOf(manifest, ledger);
  const states = await readStepStates(
    api,
    steps.map((s) => s.id),
  );
  const reports = await mapLimit(steps, options.parallelism, async (step): Promise<StepReport> => {
    const jobs = await readJobs(api, step.id, sinceIso);
    const counts = countJobs(jobs);
    const problems = jobs.filter((j) => j.status === JOB_STATUS.FAILED || j.status === JOB_STATUS.WAITING);
    const state = states.get(step.id)!;
    return { ...step, name: state.name ?? step.name, state: state.state, counts, problems, resumed: 0 };
  });
  if (options.retry) {
    // Only jobs read above for the stack's own steps (each checked to be owned by its step).
    for (const report of reports) {
      const waiting = report.problems.filter((j) => j.status === JOB_STATUS.WAITING);
      await mapLimit(waiting, options.parallelism, (job) => resumeJob(api, job));
      report.resumed = waiting.length;
    }
  }
  const endpoints = new Map(manifest.records.filter((r) => r.table === 'serviceendpoint').map((r) => [r.path, r.id.toLowerCase()]));
  const disabled = new Map<string, string[]>();
  for (const r of reports) {
    if (r.state === 'disabled' && r.endpoint !== undefined) disabled.set(r.endpoint, [...(disabled.get(r.endpoint) ?? []), r.path]);
  }
  return {
    stack: manifest.stack,
    app: manifest.appId,
    environment: url,
    steps: reports,
    disabledEndpoints: [...disabled].map(([path, s]) => ({ path, id: endpoints.get(path) ?? '', steps: s })),
    notices: ledger?.notices ?? [],
  };
}

/** The manifest's steps, then the ones only the (trusted) ownership note lists. */
function stepsOf(manifest: RegistrationManifest, ledger: Ledger | undefined) {
  const byId = new Map(manifest.records.map((r) => [r.id.toLowerCase(), r]));
  const steps = manifest.records
    .filter((r) => r.table === STEP)
    .map((r) => {
      const handler = r.references.find((ref) => ref.column === 'eventhandler');
      const endpoint = handler ? byId.get(handler.id.toLowerCase())?.path : undefined;
      return {
        id: r.id.toLowerCase(),
        path: r.path,
        name: typeof r.columns.name === 'string' ? r.columns.name : undefined,
        endpoint,
        synchronous: r.columns.mode === 0,
        orphan: false,
      };
    });
  const known = new Set(steps.map((s) => s.id));
  const orphans = ledger?.trusted ? ledger.records.filter((e) => e.table === STEP && !known.has(e.id.toLowerCase())) : [];
  for (const e of orphans) steps.push({ id: e.id.toLowerCase(), path: e.path, name: undefined, endpoint: undefined, synchronous: false, orphan: true });
  if (steps.length === 0) {
    throw new CliError(`stack '${manifest.stack}' registers no processing step, so no system job is its own. Fix: pass the stack whose integrations register steps.`);
  }
  return steps;
}

function countJobs(jobs: Job[]): JobCounts {
  const c: JobCounts = { succeeded: 0, failed: 0, waiting: 0, inProgress: 0, canceled: 0 };
  for (const j of jobs) {
    if (j.status === JOB_STATUS.SUCCEEDED) c.succeeded++;
    else if (j.status === JOB_STATUS.FAILED) c.failed++;
    else if (j.status === JOB_STATUS.WAITING) c.waiting++;
    else if (j.status === JOB_STATUS.CANCELED) c.canceled++;
    else c.inProgress++;
  }
  return c;
}

/** Whether a stack has something a pipeline should alert on. */
export function hasFailures(r: StackReport): boolean {
  return r.steps.some((s) => s.counts.failed + s.counts.waiting > 0 || s.state !== 'enabled');
}
