// What `status` reads and changes in Dataverse: the stack's steps (sdkmessageprocessingstep) and
// their system jobs (asyncoperation).
//
// Microsoft Learn, "System Job (AsyncOperation) table/entity reference" (MicrosoftDocs/powerapps-docs
// powerapps-docs/developer/data-platform/reference/entities/asyncoperation.md): entity set
// `asyncoperations`, key `asyncoperationid`; `owningextensionid` is a lookup to
// sdkmessageprocessingstep (read as `_owningextensionid_value`); `message` and `friendlymessage`
// (Memo), `createdon`, `completedon`; statecode 0 Ready, 1 Suspended, 2 Locked, 3 Completed;
// statuscode 0 Waiting For Resources (state 0), 10 Waiting (1), 20 In Progress, 21 Pausing,
// 22 Canceling (2), 30 Succeeded, 31 Failed, 32 Canceled (3). "Asynchronous operation states"
// (Dynamics CRM developer guide, gg309288): the state can be changed by an update (the System
// Jobs actions Resume, Postpone, Pause, Cancel); Completed is the last state, so a job that
// Failed cannot be resumed; a Suspended (Waiting) job resumes by going back to Ready.
// sdkmessageprocessingstep reference: statecode 0 Enabled, 1 Disabled.
import { CliError } from './errors';
import { readRows, Row } from './rows';
import { WebApi } from './webapi';

/** asyncoperation.statuscode values. */
export const JOB_STATUS = { WAITING_FOR_RESOURCES: 0, WAITING: 10, IN_PROGRESS: 20, PAUSING: 21, CANCELING: 22, SUCCEEDED: 30, FAILED: 31, CANCELED: 32 } as const;
/** The state each status belongs to. */
const STATE_OF: { [status: number]: number } = { 0: 0, 10: 1, 20: 2, 21: 2, 22: 2, 30: 3, 31: 3, 32: 3 };
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JOB_COLUMNS = ['asyncoperationid', 'name', 'statecode', 'statuscode', 'message', 'friendlymessage', 'createdon', 'completedon', '_owningextensionid_value'];
const PAGE_SIZE = 5000;
/** Pages read per step before giving up (25,000 jobs in the window). */
const MAX_PAGES = 5;

/** One system job, as status reports it. */
export interface Job {
  readonly id: string;
  readonly status: number;
  readonly createdOn: string;
  readonly completedOn?: string;
  readonly message?: string;
  readonly friendlyMessage?: string;
}

/** A step as Dataverse has it: enabled, disabled, or absent. */
export interface StepState {
  readonly state: 'enabled' | 'disabled' | 'missing';
  readonly name?: string;
}

/** The states of the steps, by id (lowercase). */
export async function readStepStates(api: WebApi, ids: string[]): Promise<Map<string, StepState>> {
  const rows = await readRows(api, 'sdkmessageprocessingsteps', 'sdkmessageprocessingstepid', ids, ['name', 'statecode']);
  const out = new Map<string, StepState>();
  for (const id of ids) {
    const row = rows.get(id);
    if (!row) {
      out.set(id, { state: 'missing' });
      continue;
    }
    if (row.statecode !== 0 && row.statecode !== 1) {
      throw new CliError(
        `sdkmessageprocessingsteps(${id}) answered statecode ${JSON.stringify(row.statecode)}, which is neither 0 (Enabled) nor 1 (Disabled). Nothing was taken as read.`,
      );
    }
    out.set(id, { state: row.statecode === 1 ? 'disabled' : 'enabled', name: typeof row.name === 'string' ? row.name : undefined });
  }
  return out;
}

/**
 * The system jobs of one step created since `sinceIso`, newest first. Refuses answers that hold
 * a job of another step (the filter was not applied), a job without an id, or a status it does
 * not know: nothing of such an answer is reported or resumed.
 */
export async function readJobs(api: WebApi, stepId: string, sinceIso: string): Promise<Job[]> {
  const filter = encodeURIComponent(`_owningextensionid_value eq ${stepId} and createdon ge ${sinceIso}`);
  let next: string | undefined = `asyncoperations?$select=${JOB_COLUMNS.join(',')}&$filter=${filter}`;
  const jobs: Job[] = [];
  const seen = new Set<string>();
  for (let page = 0; next !== undefined; page++) {
    if (page >= MAX_PAGES) {
      throw new CliError(`step ${stepId} has more than ${MAX_PAGES * PAGE_SIZE} system jobs since ${sinceIso}. Fix: pass a shorter --since.`);
    }
    const response = await api.request('GET', next, { expect: 'collection', headers: { Prefer: `odata.maxpagesize=${PAGE_SIZE}` } });
    for (const row of response.body.value as Row[]) {
      const job = checkJob(row, stepId, sinceIso);
      if (seen.has(job.id)) throw refused(stepId, `holds system job ${job.id} twice`);
      seen.add(job.id);
      jobs.push(job);
    }
    next = response.body['@odata.nextLink'];
  }
  return jobs.sort((a, b) => (a.createdOn < b.createdOn ? 1 : a.createdOn > b.createdOn ? -1 : 0));
}

function checkJob(row: Row, stepId: string, sinceIso: string): Job {
  const id = row.asyncoperationid;
  if (typeof id !== 'string' || !GUID.test(id)) throw refused(stepId, `holds a row without an asyncoperationid GUID (${JSON.stringify(row).slice(0, 80)})`);
  const owner = row._owningextensionid_value;
  if (typeof owner !== 'string' || owner.toLowerCase() !== stepId) {
    throw refused(stepId, `holds system job ${id} of ${owner === null || owner === undefined ? 'no step' : `step ${owner}`}; the server did not apply the filter`);
  }
  const { statecode, statuscode, createdon } = row;
  if (typeof statuscode !== 'number' || STATE_OF[statuscode] === undefined || STATE_OF[statuscode] !== statecode) {
    throw refused(stepId, `holds system job ${id} with statecode ${JSON.stringify(statecode)} and statuscode ${JSON.stringify(statuscode)}, which are not a documented pair`);
  }
  if (typeof createdon !== 'string' || Number.isNaN(Date.parse(createdon))) throw refused(stepId, `holds system job ${id} without a createdon date`);
  if (Date.parse(createdon) < Date.parse(sinceIso)) throw refused(stepId, `holds system job ${id} created ${createdon}, before ${sinceIso}; the server did not apply the filter`);
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  return {
    id: id.toLowerCase(),
    status: statuscode,
    createdOn: createdon,
    completedOn: text(row.completedon),
    message: text(row.message),
    friendlyMessage: text(row.friendlymessage),
  };
}

function refused(stepId: string, what: string): CliError {
  return new CliError(`querying the system jobs of step ${stepId}: the answer ${what}. Nothing was reported or resumed.`);
}

/**
 * Resumes a waiting (Suspended) job: statecode 0 (Ready), statuscode 0 (Waiting For Resources),
 * with `If-Match: *` so that a job deleted meanwhile is not created. Only called with jobs read
 * for the stack's own steps.
 */
export async function resumeJob(api: WebApi, job: Job): Promise<void> {
  if (job.status !== JOB_STATUS.WAITING) throw new Error(`internal: job ${job.id} is not waiting`);
  await api.request('PATCH', `asyncoperations(${job.id})`, { body: { statecode: 0, statuscode: 0 }, headers: { 'If-Match': '*' } });
}

/** The label of a status. */
export function statusLabel(status: number): string {
  return { 0: 'Waiting For Resources', 10: 'Waiting', 20: 'In Progress', 21: 'Pausing', 22: 'Canceling', 30: 'Succeeded', 31: 'Failed', 32: 'Canceled' }[status] ?? String(status);
}
