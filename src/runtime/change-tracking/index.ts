// The change-tracking runtime: read Dataverse changes incrementally and publish them. Not exported
// from the package root: import it as `cdktf-dataverse/lib/runtime/change-tracking`. It loads no
// Azure SDK itself (the sinks and the token store take their SDK clients as parameters); the
// function app in `lib/runtime/change-tracking/function-app/` bundles the SDKs it needs.
export { ChangeTrackingReader } from './reader';
export type { ChangeTrackingReaderOptions, ChangeTrackingTable, ChangePage, ChangeSet, RowChange, RowDeletion } from './reader';
export { DeltaTokenExpiredError, WebApiError, tokenProviderFromCredential, EXPIRED_VERSION_STAMP } from './web-api';
export type { TokenProvider, AccessTokenCredential, WebApiOptions } from './web-api';
export { BlobDeltaTokenStore, TokenConflictError } from './token-store';
export type { DeltaTokenClaim, DeltaTokenState, BlobDeltaTokenStoreOptions } from './token-store';
export { ServiceBusSink, EventHubSink, JsonLinesBlobSink } from './sinks';
export type { ChangeMessage, ChangeSink, ChangeSinkWriter, FullReadReason, JsonLinesBlobSinkOptions } from './sinks';
export { runExport, exportTable } from './export';
export type { ExportRunOptions, TableRunResult } from './export';
export { SETTINGS, DEFAULT_SCHEDULE, loadSettings } from './settings';
export type { ChangeTrackingSettings } from './settings';
