import { PolicyLevel } from '../api';
import { PolicyRule, RuleStatus, valueRule } from '../rule';

/** checkov CKV_AZURE_225 (AppServicePlanZoneRedundant): `zone_balancing_enabled = true`; unset fails. @internal */
export const CKV_AZURE_225: PolicyRule = valueRule({
  id: 'CKV_AZURE_225',
  level: PolicyLevel.WARNING,
  description: 'App Service plans are zone redundant (zone_balancing_enabled).',
  fix: 'set zone_balancing_enabled = true in a region with availability zones (it raises the minimum number of billed instances)',
  types: ['azurerm_service_plan'],
  path: 'zone_balancing_enabled',
  expected: [true],
  whenMissing: RuleStatus.NON_COMPLIANT,
});
