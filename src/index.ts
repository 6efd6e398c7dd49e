// The public API of cdktf-dataverse. Only classes, structs and enums are exported (jsii).

// First: registers the DataverseEnvironment's stack features (rule pack, diagram; see src/core/synth-hooks.ts).
import './stack-features';

// Azure pieces shared by the patterns
export * from './azure/resource-group';
export * from './azure/grants-api';
export * from './azure/shared-access';
export * from './azure/storage-account';
export * from './azure/key-vault';
export * from './azure/event-hubs-namespace';
export * from './azure/event-hubs';
export * from './azure/event-hubs-consumer-group';
export * from './azure/event-hubs-subscriber';
export * from './azure/monitoring';
// -- Alerts and diagnostics (issue 19) --
export * from './azure/alerts-criteria';
export * from './azure/alerts';
export * from './azure/alerts-options';
export * from './azure/diagnostics';
export * from './azure/metrics';
export * from './azure/function-app';
export * from './azure/api-management';
export * from './azure/api-management-function-api';
export * from './azure/service-bus-namespace';
export * from './azure/service-bus-entities';
export * from './azure/service-bus-rules';
export * from './azure/service-bus-subscription';
export * from './azure/relay';
export * from './azure/managed-identity';
export * from './azure/logic-app';
// -- Consumers (issue 18) --
export * from './azure/consumer-function-app';
export * from './azure/function-consumer';
export * from './azure/logic-app-consumer';

// The Dataverse registration model
export * from './dataverse/enums';
export * from './dataverse/manifest';
export * from './dataverse/record';
export * from './dataverse/environment';
export * from './dataverse/service-endpoint';
export * from './dataverse/processing-step';

// Patterns
export * from './patterns/integration-props';
export * from './patterns/outbound-queue-integration';

// -- EventHubFanout, RelayIntegration (issue 3) --
export * from './patterns/event-hub-fanout';
export * from './patterns/relay-integration';
export type { WcfRelayReference } from './patterns/relay-wcf';

// -- WebhookFunction (issue 4) --
export * from './patterns/webhook-function';

// -- CustomApiGateway (issue 5) --
export * from './dataverse/custom-api';
export * from './dataverse/application-user';
// -- Alternate keys and upsert (issue 16) --
export * from './dataverse/alternate-key';
export * from './patterns/custom-api-gateway';
export * from './patterns/upsert-api';
// -- ChangeTrackingExport (issue 17) --
export * from './dataverse/change-tracking';
export * from './patterns/change-tracking-export';

// Receiver runtime (issue 4)
export * from './runtime/remote-execution-context';
export * from './runtime/webhook-auth';
export * from './runtime/messages';

// Power Platform provider mode (issue 7)
export * from './dataverse/registration-mode';
export * from './powerplatform/provider';
export * from './powerplatform/rest';
export * from './powerplatform/data-records';

// Policy: rule pack (issue 8)
export * from './policy/api';
export * from './policy/checks';
export * from './policy/suppressions';
export * from './policy/rule-api';

// Testing helpers (issue 9)
export * from './testing/dataverse-testing';
