import { PolicyRule } from '../rule';
import { API_MANAGEMENT_RULES } from './api-management';
import { CHECKOV_COVERAGE_RULES } from './checkov-coverage';
import { DATAVERSE_RULES } from './dataverse';
import { EVENT_HUBS_RULES } from './event-hubs';
import { FUNCTION_APP_RULES } from './function-app';
import { RELAY_RULES } from './relay';
import { SERVICE_BUS_RULES } from './service-bus';
import { STORAGE_RULES } from './storage';

/** Every rule of the pack, by id. @internal */
export const ALL_RULES: PolicyRule[] = [
  ...SERVICE_BUS_RULES,
  ...EVENT_HUBS_RULES,
  ...FUNCTION_APP_RULES,
  ...STORAGE_RULES,
  ...API_MANAGEMENT_RULES,
  ...RELAY_RULES,
  ...DATAVERSE_RULES,
  ...CHECKOV_COVERAGE_RULES,
].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Rule by id. @internal */
export const RULES_BY_ID = new Map(ALL_RULES.map((r) => [r.id, r]));
