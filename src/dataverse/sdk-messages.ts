// The names of the SDK messages (`sdkmessage.name`) that Dataverse has out of the box, so that a
// step's message is checked at synth: `'Craete'` fails with "did you mean Create?" instead of at
// apply, when the sdkmessage lookup finds no row.
//
// Sources (names only, collected by hand; checked 2026-12):
// - Microsoft Learn, "SdkMessage entity messages and methods" (Dynamics CRM 2015/2016 SDK,
//   https://learn.microsoft.com/previous-versions/dynamicscrm-2016/developers-guide/gg328078(v=crm.8)):
//   the mapping table of SdkMessage.Name, SdkMessageRequest.Name and CategoryName.
// - Microsoft Learn, Dataverse table/entity reference (power-apps/developer/data-platform/reference/entities/*),
//   section "Messages" of each table ("Event: True" marks messages a step can be registered on), for
//   the messages added since (Upsert, CreateMultiple, UpdateMultiple, UpsertMultiple, DeleteMultiple,
//   the knowledge article and solution messages …).
// - Microsoft Learn, "Use messages with the SDK for .NET" / "Web API actions" for message names.
// Apps and solutions add messages of their own (Custom APIs, custom process actions): their names
// carry the publisher prefix and an underscore (`contoso_ApproveOrder`) and are not listed here.
// @internal

/** Message names with Dataverse's casing. @internal */
export const SDK_MESSAGES: readonly string[] = [
  'AddItem',
  'AddListMembers',
  'AddMember',
  'AddMembers',
  'AddPrincipalToQueue',
  'AddPrivileges',
  'AddProductToKit',
  'AddRecurrence',
  'AddSolutionComponent',
  'AddSubstitute',
  'AddToQueue',
  'AddUserToRecordTeam',
  'ApplyRecordCreationAndUpdateRule',
  'Assign',
  'Associate',
  'AssociateEntities',
  'AutoMapEntity',
  'BackgroundSend',
  'Book',
  'BulkDelete',
  'BulkDetectDuplicates',
  'BulkMail',
  'CalculateActualValue',
  'CalculatePrice',
  'CalculateRollupField',
  'CalculateTotalTime',
  'CanBeReferenced',
  'CanBeReferencing',
  'Cancel',
  'CanManyToMany',
  'CheckIncoming',
  'CheckPromote',
  'Clone',
  'CloneAsPatch',
  'CloneAsSolution',
  'CloneMobileOfflineProfile',
  'CloneProduct',
  'Close',
  'CloseIncident',
  'CloseQuote',
  'CompoundCreate',
  'CompoundUpdate',
  'CompoundUpdateDuplicateDetectionRule',
  'ConvertDateAndTimeBehavior',
  'ConvertKitToProduct',
  'ConvertOwnerTeamToAccessTeam',
  'ConvertProductToKit',
  'ConvertQuoteToSalesOrder',
  'ConvertSalesOrderToInvoice',
  'CopyCampaign',
  'CopyCampaignResponse',
  'CopyDynamicListToStatic',
  'CopyMembers',
  'CopySystemForm',
  'Create',
  'CreateActivities',
  'CreateException',
  'CreateInstance',
  'CreateKnowledgeArticleTranslation',
  'CreateKnowledgeArticleVersion',
  'CreateMultiple',
  'CreateWorkflowFromTemplate',
  'Delete',
  'DeleteAuditData',
  'DeleteMultiple',
  'DeleteOpenInstances',
  'DeliverIncoming',
  'DeliverPromote',
  'DetachFromQueue',
  'Disassociate',
  'DisassociateEntities',
  'DistributeCampaignActivity',
  'Execute',
  'ExecuteByPlugin',
  'ExecuteWorkflow',
  'Export',
  'ExportAll',
  'ExportCompressed',
  'ExportCompressedAll',
  'ExportFieldTranslation',
  'ExportSolution',
  'ExportTranslation',
  'FetchXmlToQueryExpression',
  'FindParent',
  'FulfillSalesOrder',
  'GenerateInvoiceFromOpportunity',
  'GenerateQuoteFromOpportunity',
  'GenerateSalesOrderFromOpportunity',
  'GenerateSocialProfile',
  'GetDefaultPriceLevel',
  'GetInvoiceProductsFromOpportunity',
  'GetQuantityDecimal',
  'GetQuoteProductsFromOpportunity',
  'GetSalesOrderProductsFromOpportunity',
  'GetTrackingToken',
  'GrantAccess',
  'Handle',
  'Import',
  'ImportAll',
  'ImportCompressedAll',
  'ImportCompressedWithProgress',
  'ImportFieldTranslation',
  'ImportRecords',
  'ImportSolution',
  'ImportTranslation',
  'ImportWithProgress',
  'IncrementKnowledgeArticleViewCount',
  'InitializeFrom',
  'InstallSampleData',
  'InstantiateFilters',
  'InstantiateTemplate',
  'IsBackOfficeInstalled',
  'IsValidStateTransition',
  'LockInvoicePricing',
  'LockSalesOrderPricing',
  'Lose',
  'MakeAvailableToOrganization',
  'MakeUnavailableToOrganization',
  'Merge',
  'ModifyAccess',
  'OrderOption',
  'Parse',
  'PickFromQueue',
  'ProcessInbound',
  'ProcessOneMemberBulkOperation',
  'PropagateByExpression',
  'Publish',
  'PublishAll',
  'PublishDuplicateRule',
  'PublishProductHierarchy',
  'PublishTheme',
  'PublishXml',
  'QualifyLead',
  'QualifyMember',
  'QueryExpressionToFetchXml',
  'QueryMultiple',
  'Recalculate',
  'ReleaseToQueue',
  'RemoveFromQueue',
  'RemoveItem',
  'RemoveMember',
  'RemoveMembers',
  'RemoveParent',
  'RemovePrivilege',
  'RemoveProductFromKit',
  'RemoveRelated',
  'RemoveSolutionComponent',
  'RemoveSubstitute',
  'RemoveUserFromRecordTeam',
  'ReplacePrivileges',
  'Reschedule',
  'Retrieve',
  'RetrieveAbsoluteAndSiteCollectionUrl',
  'RetrieveActivePath',
  'RetrieveByGroup',
  'RetrieveByResource',
  'RetrieveByResources',
  'RetrieveByTopIncidentProduct',
  'RetrieveByTopIncidentSubject',
  'RetrieveDependenciesForDelete',
  'RetrieveDependenciesForUninstall',
  'RetrieveDependentComponents',
  'RetrieveDeploymentLicenseType',
  'RetrieveDeprovisionedLanguages',
  'RetrieveExchangeRate',
  'RetrieveFilteredForms',
  'RetrieveFormattedImportJobResults',
  'RetrieveInstalledLanguagePacks',
  'RetrieveInstalledLanguagePackVersion',
  'RetrieveLicenseInfo',
  'RetrieveLocLabels',
  'RetrieveMembers',
  'RetrieveMembersBulkOperation',
  'RetrieveMissingComponents',
  'RetrieveMissingDependencies',
  'RetrieveMultiple',
  'RetrieveOrganizationResources',
  'RetrieveParentGroups',
  'RetrieveParsedData',
  'RetrievePersonalWall',
  'RetrievePrincipalAccess',
  'RetrievePrincipalAttributePrivileges',
  'RetrievePrincipalSyncAttributeMappings',
  'RetrievePrivilegeSet',
  'RetrieveProvisionedLanguagePackVersion',
  'RetrieveProvisionedLanguages',
  'RetrieveRecordWall',
  'RetrieveRequiredComponents',
  'RetrieveRolePrivileges',
  'RetrieveSharedPrincipalsAndAccess',
  'RetrieveSubGroups',
  'RetrieveSubsidiaryTeams',
  'RetrieveSubsidiaryUsers',
  'RetrieveTeamPrivileges',
  'RetrieveTeams',
  'RetrieveUnpublished',
  'RetrieveUnpublishedMultiple',
  'RetrieveUserPrivileges',
  'RetrieveUserQueues',
  'RetrieveUserSettings',
  'RevertProduct',
  'ReviseQuote',
  'RevokeAccess',
  'Rollup',
  'Route',
  'RouteTo',
  'Search',
  'SearchByBody',
  'SearchByKeywords',
  'SearchByTitle',
  'Send',
  'SendFromTemplate',
  'SetBusiness',
  'SetDataEncryptionKey',
  'SetFeatureStatus',
  'SetLocLabels',
  'SetParent',
  'SetParentBusinessUnit',
  'SetParentSystemUser',
  'SetParentTeam',
  'SetProcess',
  'SetRelated',
  'SetReportRelated',
  'SetState',
  'SetStateDynamicEntity',
  'StatusUpdateBulkOperation',
  'Transform',
  'TriggerServiceEndpointCheck',
  'UninstallSampleData',
  'UnlockInvoicePricing',
  'UnlockSalesOrderPricing',
  'UnpublishDuplicateRule',
  'Update',
  'UpdateFeatureConfig',
  'UpdateMultiple',
  'UpdateProductProperties',
  'UpdateSolutionComponent',
  'UpdateUserSettings',
  'Upsert',
  'UpsertMultiple',
  'Validate',
  'ValidateRecurrenceRule',
  'ValidateSavedQuery',
  'WhoAmI',
  'Win',
];

const BY_LOWER = new Map(SDK_MESSAGES.map((m) => [m.toLowerCase(), m]));

/** What a message name is. @internal */
export interface MessageCheck {
  /** The name with Dataverse's casing, when it is a known SDK message. */
  readonly canonical?: string;
  /** A custom message (contains `_`: a Custom API or custom action unique name with its publisher prefix). */
  readonly custom: boolean;
  /** The closest known name, for a near miss. */
  readonly closest?: string;
}

/** Looks a message name up (case-insensitive). @internal */
export function checkMessage(name: string): MessageCheck {
  const canonical = BY_LOWER.get(name.toLowerCase());
  if (canonical) return { canonical, custom: false };
  if (name.includes('_')) return { custom: true };
  return { custom: false, closest: closestMessage(name) };
}

/** The known message nearest in edit distance, if it is near enough to be a typo. */
function closestMessage(name: string): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of SDK_MESSAGES) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // At most a third of the name, and at most 3 edits: 'Craete' → Create, 'Updte' → Update.
  return bestDistance <= Math.min(3, Math.max(1, Math.floor(name.length / 3))) ? best : undefined;
}

/** Damerau-Levenshtein distance (optimal string alignment): a swap of two letters counts once. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
