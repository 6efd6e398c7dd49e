// What checkov raises on a default synth of every pattern (test/policy/checkov/default-stacks.ts),
// found by reading checkov's Azure checks (bridgecrewio/checkov at 03d5fdad8d61, 2026-08-20:
// checkov/terraform/checks/resource/azure/*.py and checkov/terraform/checks/graph_checks/azure/*.yaml)
// against the synthesized attributes. No checkov run: the Python package is not available here.
// Data, not code from checkov: ids and titles are checkov's, the rest is ours.

/** One check that fails on the default synth of at least one pattern. */
export interface CheckovFinding {
  /** checkov's id. */
  readonly id: string;
  /** checkov's title, shortened. */
  readonly title: string;
  /** The Terraform resource type it fails on. */
  readonly resourceType: string;
  /** The default stacks (keys of DEFAULT_STACKS) where it fails. */
  readonly stacks: string[];
}

/** Every check that fails on a default synth, as of the analysis (issue 15). */
export const CHECKOV_FINDINGS: CheckovFinding[] = [
  // Service Bus namespace (OutboundQueueIntegration)
  { id: 'CKV_AZURE_199', title: 'Service Bus double encryption', resourceType: 'azurerm_servicebus_namespace', stacks: ['queue', 'topic'] },
  { id: 'CKV_AZURE_201', title: 'Service Bus customer-managed key', resourceType: 'azurerm_servicebus_namespace', stacks: ['queue', 'topic'] },
  { id: 'CKV_AZURE_202', title: 'Service Bus managed identity', resourceType: 'azurerm_servicebus_namespace', stacks: ['queue', 'topic'] },
  { id: 'CKV_AZURE_203', title: 'Service Bus local auth disabled', resourceType: 'azurerm_servicebus_namespace', stacks: ['queue', 'topic'] },
  { id: 'CKV_AZURE_204', title: 'Service Bus public network access disabled', resourceType: 'azurerm_servicebus_namespace', stacks: ['queue', 'topic'] },
  // API Management (CustomApiGateway)
  { id: 'CKV_AZURE_107', title: 'API Management in a virtual network', resourceType: 'azurerm_api_management', stacks: ['gateway'] },
  { id: 'CKV_AZURE_152', title: 'API Management client certificates', resourceType: 'azurerm_api_management', stacks: ['gateway'] },
  { id: 'CKV_AZURE_174', title: 'API Management public network access disabled', resourceType: 'azurerm_api_management', stacks: ['gateway'] },
  // Storage accounts (WebhookFunction, EventHubFanout capture)
  { id: 'CKV_AZURE_33', title: 'Storage queue service logging', resourceType: 'azurerm_storage_account', stacks: ['fanout-capture', 'webhook'] },
  { id: 'CKV_AZURE_59', title: 'Storage public network access disabled', resourceType: 'azurerm_storage_account', stacks: ['fanout-capture', 'webhook'] },
  { id: 'CKV_AZURE_206', title: 'Storage replication (GRS and up)', resourceType: 'azurerm_storage_account', stacks: ['fanout-capture', 'webhook'] },
  { id: 'CKV2_AZURE_40', title: 'Storage without Shared Key authorization', resourceType: 'azurerm_storage_account', stacks: ['fanout-capture'] },
  { id: 'CKV2_AZURE_1', title: 'Storage encrypted with a customer-managed key', resourceType: 'azurerm_storage_account', stacks: ['fanout-capture', 'webhook'] },
  { id: 'CKV2_AZURE_33', title: 'Storage private endpoint', resourceType: 'azurerm_storage_account', stacks: ['fanout-capture', 'webhook'] },
  { id: 'CKV2_AZURE_38', title: 'Storage blob soft delete', resourceType: 'azurerm_storage_account', stacks: ['fanout-capture', 'webhook'] },
  { id: 'CKV2_AZURE_41', title: 'Storage SAS expiration policy', resourceType: 'azurerm_storage_account', stacks: ['fanout-capture'] },
  { id: 'CKV2_AZURE_21', title: 'Blob service read logging (storage insights)', resourceType: 'azurerm_storage_container', stacks: ['fanout-capture', 'webhook'] },
  // Key Vault and its secret (WebhookFunction)
  { id: 'CKV_AZURE_109', title: 'Key Vault firewall denies by default', resourceType: 'azurerm_key_vault', stacks: ['webhook'] },
  { id: 'CKV_AZURE_189', title: 'Key Vault public network access disabled', resourceType: 'azurerm_key_vault', stacks: ['webhook'] },
  { id: 'CKV2_AZURE_32', title: 'Key Vault private endpoint', resourceType: 'azurerm_key_vault', stacks: ['webhook'] },
  { id: 'CKV_AZURE_41', title: 'Key Vault secret expiration date', resourceType: 'azurerm_key_vault_secret', stacks: ['webhook'] },
  // App Service plan (WebhookFunction, Flex Consumption FC1)
  { id: 'CKV_AZURE_212', title: 'App Service plan minimum instances', resourceType: 'azurerm_service_plan', stacks: ['webhook'] },
  { id: 'CKV_AZURE_225', title: 'App Service plan zone redundant', resourceType: 'azurerm_service_plan', stacks: ['webhook'] },
];

/**
 * Checks of CHECKOV_FINDINGS that a pattern's default now passes, each with the default it relies
 * on (an attribute of the resource that the coverage test checks in the synthesized JSON).
 * Add an entry when a building block fixes a default; the coverage test says which.
 */
export interface FixedByDefault {
  readonly id: string;
  /** What the default sets, in words. */
  readonly default: string;
  /** Attribute path in the resource's synthesized configuration (`/` between blocks). */
  readonly path: string;
  /** The stacks whose resources the default fixes (the others still report it). @default every stack of the finding */
  readonly stacks?: string[];
}

export const FIXED_BY_DEFAULT: FixedByDefault[] = [
  // The StorageAccount block keeps deleted blobs and containers (7 days by default); EventHubFanout's
  // capture account is that block too.
  { id: 'CKV2_AZURE_38', default: 'blob soft delete on (StorageAccount block)', path: 'blob_properties/delete_retention_policy' },
  // With shared keys on (the capture account: Event Hubs Capture signs in with SAS), the block sets a SAS expiry policy.
  { id: 'CKV2_AZURE_41', default: 'SAS expiration policy of one day (StorageAccount block with shared keys)', path: 'sas_policy/expiration_period' },
  // The ServiceBusNamespace block has a system-assigned identity (checkov reads identity/[0]/type).
  { id: 'CKV_AZURE_202', default: 'system-assigned managed identity (ServiceBusNamespace block)', path: 'identity/type' },
];

/**
 * New findings of the checkov-coverage rules that the patterns do not suppress yet: the pattern
 * owners add the suppressions (or fix the defaults), then these entries go. Tests that require
 * zero unsuppressed findings skip exactly these (rule id on a resource type), and the coverage
 * test fails once an entry no longer occurs, so the list cannot go stale.
 */
export const PENDING_SUPPRESSIONS: Array<{ readonly ruleId: string; readonly resourceType: string }> = [
  { ruleId: 'CKV2_AZURE_1', resourceType: 'azurerm_storage_account' },
  { ruleId: 'CKV2_AZURE_33', resourceType: 'azurerm_storage_account' },
  { ruleId: 'CKV2_AZURE_21', resourceType: 'azurerm_storage_container' },
  { ruleId: 'CKV_AZURE_109', resourceType: 'azurerm_key_vault' },
  { ruleId: 'CKV_AZURE_189', resourceType: 'azurerm_key_vault' },
  { ruleId: 'CKV2_AZURE_32', resourceType: 'azurerm_key_vault' },
  { ruleId: 'CKV_AZURE_41', resourceType: 'azurerm_key_vault_secret' },
  { ruleId: 'CKV_AZURE_212', resourceType: 'azurerm_service_plan' },
  { ruleId: 'CKV_AZURE_225', resourceType: 'azurerm_service_plan' },
];

/** Whether a report finding (`ruleId`, `address` = `<type>.<logical id>`) is one of PENDING_SUPPRESSIONS. */
export function isPendingSuppression(finding: { readonly ruleId: string; readonly address: string }): boolean {
  const type = finding.address.split('.')[0];
  return PENDING_SUPPRESSIONS.some((p) => p.ruleId === finding.ruleId && p.resourceType === type);
}
