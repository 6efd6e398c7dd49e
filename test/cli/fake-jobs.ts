// System jobs (asyncoperation) in the fake Web API: the rows status reads, and the state changes
// an update may make. Microsoft Learn, asyncoperation table reference (columns, statecode 0 Ready,
// 1 Suspended, 2 Locked, 3 Completed; statuscode 0/10/20/21/22/30/31/32 and the state of each) and
// "Asynchronous operation states" (the System Jobs actions Resume, Postpone, Pause and Cancel change
// the state by an update; Completed is the last state). The error codes and wording are the
// fake's own: Microsoft does not document the answer to a forbidden change.
import type { OpAnswer } from './fake-batch';
import { errorAnswer } from './fake-dataverse';
import type { Row } from './fake-store';

const STATE_OF: { [status: number]: number } = { 0: 0, 10: 1, 20: 2, 21: 2, 22: 2, 30: 3, 31: 3, 32: 3 };

/** A job of a step, with the documented columns. */
export function job(id: string, stepId: string | null, statuscode: number, createdon: string, more: Row = {}): Row {
  return {
    id,
    asyncoperationid: id,
    name: 'Service endpoint post',
    operationtype: 1,
    statecode: STATE_OF[statuscode],
    statuscode,
    createdon,
    completedon: STATE_OF[statuscode] === 3 ? createdon : null,
    message: null,
    friendlymessage: null,
    _owningextensionid_value: stepId,
    ...more,
  };
}

/**
 * The refusal of an update of a job's state, or undefined when it is allowed: the pair must be
 * documented; a Completed job stays completed; a Suspended job may resume (Ready) or be canceled.
 */
export function refuseJobUpdate(existing: Row | undefined, body: any): OpAnswer | undefined {
  if (existing === undefined || body === null || typeof body !== 'object') return undefined;
  if (!('statecode' in body) && !('statuscode' in body)) return undefined;
  const state = body.statecode ?? existing.statecode;
  const status = body.statuscode;
  if (typeof status !== 'number' || STATE_OF[status] !== state) {
    return errorAnswer(400, '0x80040203', `statuscode ${JSON.stringify(status)} is not a valid status for statecode ${JSON.stringify(state)} of asyncoperation.`);
  }
  if (existing.statecode === 3) return errorAnswer(400, '0x80040203', `The system job ${existing.id} is completed; its state cannot change.`);
  if (existing.statecode === 1 && !(status === 0 || status === 32)) {
    return errorAnswer(400, '0x80040203', `A waiting system job can be resumed (statuscode 0) or canceled (32), not set to ${status}.`);
  }
  return undefined;
}
