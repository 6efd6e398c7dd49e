// Custom API columns Dataverse sets only at creation (Microsoft Learn, "CustomAPI tables": "Cannot be
// changed after it is saved"): the Web API ignores a new value on update without an error. The fake
// does the same (fake-store.ts SET_ONCE) and deletes a Custom API's parameters and properties with it
// (customapi table reference: customapi_customapirequestparameter, Delete: Cascade). A changed
// unchangeable column must be planned and applied as a replace, never look applied.
import { describe, expect, it } from 'vitest';
import { FakeDataverse } from './fake-dataverse';
import { cli, orders, writeOutputs } from './harness';
import { fakePerTest } from './per-test';
import { CustomApi, CustomApiBindingType, CustomApiFieldType, CustomApiProcessingStepType } from '../../src';

let fake: FakeDataverse;
fakePerTest(
  (f) => (fake = f),
  () => fake,
);

/** The same stack (same construct paths, so the same record ids) with one API and one parameter. */
function approveApi(api: { steps?: CustomApiProcessingStepType; parameterType?: CustomApiFieldType } = {}, step = false) {
  const s = orders(step ? [{ table: 'salesorder', message: 'contoso_Approve' }] : undefined, {
    extra: (stack, dataverse) =>
      new CustomApi(stack, 'approve-api', {
        environment: dataverse,
        uniqueName: 'contoso_Approve',
        displayName: 'Approve',
        bindingType: CustomApiBindingType.ENTITY,
        boundEntityLogicalName: 'salesorder',
        allowedCustomProcessingStepType: api.steps ?? CustomApiProcessingStepType.ASYNC_ONLY,
        requestParameters: [{ uniqueName: 'Reason', fieldType: api.parameterType ?? CustomApiFieldType.STRING, displayName: 'Reason' }],
      }),
  });
  writeOutputs(s.dir, { [s.outputName]: 'sas-key-value-1' });
  const ids = (table: string) => s.manifest.records.filter((r: any) => r.table === table).map((r: any) => r.id as string);
  return { ...s, apiId: ids('customapi')[0], parameterId: ids('customapirequestparameter')[0] };
}

describe('replace of a Custom API whose unchangeable columns changed', () => {
  it('plan says replace and why; apply deletes, then creates, in one change set; the parameter is created again', async () => {
    const first = approveApi();
    expect((await cli(fake, ['apply', ...first.args])).code).toBe(0);
    expect(fake.row('customapis', first.apiId)!.allowedcustomprocessingsteptype).toBe(1);

    const changed = approveApi({ steps: CustomApiProcessingStepType.SYNC_AND_ASYNC });
    expect(changed.apiId).toBe(first.apiId);
    const plan = await cli(fake, ['plan', ...changed.args, '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.text()).toContain(`-/+ replace customapi test/approve-api (${first.apiId})`);
    expect(plan.text()).toContain('Dataverse cannot change allowedcustomprocessingsteptype after creation: the row is deleted, then created');
    expect(plan.text()).toContain('allowedcustomprocessingsteptype: 1 → 2');
    expect(plan.text()).toMatch(/\+ create customapirequestparameter .*\n(.*\n)*\s+\(created again: Dataverse deletes it with test\/approve-api, which is replaced\)/);
    expect(plan.text()).toContain('1 to replace');

    const json = JSON.parse((await cli(fake, ['plan', ...changed.args, '--json'])).text());
    const apiChange = json.changes.find((c: any) => c.table === 'customapi');
    expect(apiChange.action).toBe('replace');
    expect(apiChange.replacedBecause).toEqual([{ column: 'allowedcustomprocessingsteptype', before: 1, after: 2 }]);
    expect(json.summary.replace).toBe(1);

    const before = fake.requests.length;
    const r = await cli(fake, ['apply', ...changed.args]);
    expect(r.code).toBe(0);
    const writes = fake.requests.slice(before).filter((q) => q.method !== 'GET' && q.path !== '$batch' && !q.path.startsWith('annotations'));
    expect(writes.map((q) => `${q.method} ${q.path.split('(')[0]}`)).toEqual(['DELETE customapis', 'PATCH customapis', 'PATCH customapirequestparameters']);
    // the delete and the creation travel in the same change set (both commit or neither)
    const [del, create] = writes;
    expect(del.batch).toBeDefined();
    expect(create.batch).toBe(del.batch);
    expect(create.headers['if-match']).toBeUndefined();
    expect(fake.row('customapis', first.apiId)!.allowedcustomprocessingsteptype).toBe(2);
    expect(fake.row('customapirequestparameters', first.parameterId)).toBeDefined();
    expect(r.text()).toContain('1 replaced');

    // converged: the next apply writes nothing
    const again = fake.requests.length;
    await cli(fake, ['apply', ...changed.args]);
    expect(fake.requests.slice(again).filter((q) => q.method !== 'GET')).toEqual([]);
  });

  it('an update alone would not have worked: the fake (as Dataverse) ignores the new value', async () => {
    const first = approveApi();
    await cli(fake, ['apply', ...first.args]);
    await fetch(`${fake.url}/api/data/v9.2/customapis(${first.apiId})`, {
      method: 'PATCH',
      headers: { Authorization: 'Bearer fake-token', 'Content-Type': 'application/json', 'If-Match': '*' },
      body: JSON.stringify({ allowedcustomprocessingsteptype: 2 }),
    });
    expect(fake.row('customapis', first.apiId)!.allowedcustomprocessingsteptype).toBe(1);
  });

  it("a parameter's type change replaces the parameter only", async () => {
    const first = approveApi();
    await cli(fake, ['apply', ...first.args]);
    const changed = approveApi({ parameterType: CustomApiFieldType.INTEGER });
    const before = fake.requests.length;
    expect((await cli(fake, ['apply', ...changed.args])).code).toBe(0);
    const writes = fake.requests.slice(before).filter((q) => q.method !== 'GET' && q.path !== '$batch' && !q.path.startsWith('annotations'));
    expect(writes.map((q) => `${q.method} ${q.path}`)).toEqual([
      `DELETE customapirequestparameters(${first.parameterId})`,
      `PATCH customapirequestparameters(${first.parameterId})`,
    ]);
    expect(fake.row('customapirequestparameters', first.parameterId)!.type).toBe(CustomApiFieldType.INTEGER);
  });

  it('a change of columns Dataverse can update stays an update (If-Match: *), no delete', async () => {
    const first = approveApi();
    await cli(fake, ['apply', ...first.args]);
    fake.edit('customapis', first.apiId, { displayname: 'Someone changed it' });
    const before = fake.requests.length;
    await cli(fake, ['apply', ...first.args]);
    const writes = fake.requests.slice(before).filter((q) => q.method !== 'GET' && q.path !== '$batch' && !q.path.startsWith('annotations'));
    expect(writes.map((q) => q.method)).toEqual(['PATCH']);
    expect(writes[0].headers['if-match']).toBe('*');
  });

  it('a step on the replaced API’s message is refused with the fix, and nothing is written', async () => {
    const first = approveApi({}, true);
    expect((await cli(fake, ['apply', ...first.args])).code).toBe(0);
    const changed = approveApi({ steps: CustomApiProcessingStepType.SYNC_AND_ASYNC }, true);
    const before = fake.requests.length;
    const r = await cli(fake, ['apply', ...changed.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain('must be replaced: Dataverse deletes that row with it');
    expect(r.errors()).toContain('Fix: apply once without');
    expect(fake.requests.slice(before).filter((q) => q.method !== 'GET')).toEqual([]);
  });
});
