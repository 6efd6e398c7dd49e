// Upsert plans for the tests of the gateway's logic (test/patterns/upsert-plan.test.ts) and of the
// fake Web API (test/cli/fake-upsert.test.ts).
import { UpsertMode } from '../../src';
import { PlanField, PlanKeyPart, UpsertPlan } from '../../src/patterns/upsert-plan';

/** The plan of a table `<table>` with entity set `<table>s`, one key part and the given fields. */
export function testPlan(table: string, key: PlanKeyPart, fields: PlanField[], extra: Partial<UpsertPlan> = {}): UpsertPlan {
  return { entitySet: `${table}s`, odataType: `Microsoft.Dynamics.CRM.${table}`, primaryKey: `${table}id`, mode: UpsertMode.UPSERT, key: [key], fields, ...extra };
}

/** A contact's parent account, bound by the account number. */
export const PARENT_ACCOUNT: NonNullable<PlanField['lookup']> = { entitySet: 'accounts', key: [{ name: 'accountnumber', column: 'accountnumber', type: 'string' }] };
