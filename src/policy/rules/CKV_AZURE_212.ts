import { PolicyLevel } from '../api';
import { PolicyRule, compliant, isExpression, nonCompliant, notApplicable, shown } from '../rule';

/**
 * checkov CKV_AZURE_212 (AppServiceInstanceMinimum): an App Service plan runs more than one worker
 * (`worker_count` > 1; unset fails). checkov applies it to every `azurerm_service_plan`, the Flex
 * Consumption plan (FC1, which has no workers to count) included. @internal
 */
export const CKV_AZURE_212: PolicyRule = {
  id: 'CKV_AZURE_212',
  level: PolicyLevel.WARNING,
  description: 'App Service plans run at least two instances (worker_count > 1) for failover.',
  fix: 'set worker_count = 2 or more (on a Flex Consumption plan, which scales per app, suppress with that reason)',
  appliesTo: ['azurerm_service_plan'],
  check(subject) {
    if (subject.kind !== 'resource') return notApplicable();
    const count = subject.element.config.worker_count;
    if (isExpression(count)) return notApplicable('worker_count is an expression');
    if (typeof count === 'number' && count > 1) return compliant();
    return nonCompliant(`worker_count is ${shown(count)}: one instance, no failover`);
  },
};
