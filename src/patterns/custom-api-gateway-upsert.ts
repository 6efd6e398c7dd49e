// CustomApiGateway.addUpsert: the operations, policies and checks of one upsert layer. Internal: the
// gateway calls it; the public shapes are in upsert-api.ts.
import { ApiManagementApiOperationPolicy } from '@cdktf/provider-azurerm/lib/api-management-api-operation-policy';
import { Construct } from 'constructs';
import { GatewayUpsert, UpsertOperationOptions } from './upsert-api';
import { checkUpsert } from './upsert-checks';
import { UpsertPlan, upsertPlan } from './upsert-plan';
import { bulkPolicyXml, upsertPolicyXml } from './upsert-policy';
import { UpsertOpenApi, bulkRoute, upsertOpenApi, upsertOperationId, upsertRoute } from './upsert-schema';
import { requireProps } from '../azure/imports';
import { addValidator, annotate, quote } from '../core/problems';

/** One addUpsert as the gateway keeps it. @internal */
export interface RegisteredUpsert {
  readonly options: UpsertOperationOptions;
  readonly plan: UpsertPlan;
  readonly openApi: UpsertOpenApi;
}

/** What the gateway passes in. @internal */
export interface UpsertContext {
  readonly common: { apiManagementName: string; resourceGroupName: string };
  readonly apiName: string;
  readonly maxBodyBytes: number;
  /** Whether the gateway was given a securityRoleName (else the application user has 'Basic User'). */
  readonly securityRoleGiven: boolean;
  /** The upserts added before this one. */
  readonly registered: RegisteredUpsert[];
  /** The gateway's other operation ids (Custom APIs), for clashes. */
  readonly otherOperationIds: () => string[];
}

/** Adds the operations of one upsert layer under `gateway`; returns what it created. @internal */
export function addGatewayUpsert(gateway: Construct, options: UpsertOperationOptions, ctx: UpsertContext): { created: GatewayUpsert; registered: RegisteredUpsert } {
  requireProps(gateway, 'CustomApiGateway.addUpsert', options, ['table', 'alternateKey', 'fields']);
  requireProps(gateway, 'CustomApiGateway.addUpsert: alternateKey', options.alternateKey, ['entityLogicalName', 'keyLogicalName', 'keyColumns']);
  const plan = upsertPlan(options);
  const repeated = ctx.registered.some((r) => r.plan.entitySet.toLowerCase() === plan.entitySet.toLowerCase());
  const scope = new Construct(gateway, repeated ? `upsert-${plan.entitySet}-repeat-${ctx.registered.length}` : `upsert-${plan.entitySet}`);
  const operationId = upsertOperationId(plan, false);
  const policy = new ApiManagementApiOperationPolicy(scope, 'policy', {
    ...ctx.common,
    apiName: ctx.apiName,
    operationId,
    xmlContent: upsertPolicyXml(plan, ctx.maxBodyBytes),
  });
  const bulkPolicy =
    plan.maxBatchSize === undefined
      ? undefined
      : new ApiManagementApiOperationPolicy(scope, 'bulk-policy', {
          ...ctx.common,
          apiName: ctx.apiName,
          operationId: upsertOperationId(plan, true),
          xmlContent: bulkPolicyXml(plan, ctx.maxBodyBytes),
        });
  addValidator(scope, (problems) => {
    checkUpsert(problems, options);
    problems.check(!repeated, `addUpsert: the entity set ${quote(plan.entitySet)} is added twice. Fix: add one upsert layer per table, with all its fields.`);
    const ids = ctx.otherOperationIds();
    for (const id of [operationId, ...(bulkPolicy ? [upsertOperationId(plan, true)] : [])].filter((x) => ids.includes(x))) {
      problems.add(`addUpsert(${quote(options.table)}): the operation id ${quote(id)} is also a Custom API's. Fix: rename the Custom API, or set entitySetName.`);
    }
  });
  if (!ctx.securityRoleGiven && ctx.registered.length === 0) {
    annotate(
      gateway,
      'warning',
      `addUpsert(${options.table}): the gateway's application user has the security role 'Basic User', which may not grant Create and Write on ${options.table} rows owned by others. Set securityRoleName to a role with Create, Write, Read (and Append / Append To for lookups) on every table the gateway writes.`,
    );
  }
  const registered: RegisteredUpsert = { options, plan, openApi: upsertOpenApi(options, plan) };
  const created: GatewayUpsert = {
    route: upsertRoute(plan),
    operationId,
    policy,
    ...(bulkPolicy ? { bulkRoute: bulkRoute(plan), bulkPolicy } : {}),
  };
  return { created, registered };
}
