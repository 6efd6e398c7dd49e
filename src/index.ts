// The public API of cdktf-dataverse. Only classes, structs and enums are exported (jsii).

// Azure pieces shared by the patterns
export * from './azure/resource-group';
export * from './azure/grants-api';

// The Dataverse registration model
export * from './dataverse/enums';
export * from './dataverse/manifest';
export * from './dataverse/record';
export * from './dataverse/environment';
export * from './dataverse/service-endpoint';
export * from './dataverse/processing-step';

// Patterns
export * from './patterns/outbound-queue-integration';

// -- EventHubFanout, RelayIntegration (issue 3) --

// -- WebhookFunction (issue 4) --

// -- CustomApiGateway (issue 5) --

// Receiver runtime (issue 4)

// Power Platform provider mode (issue 7)

// Policy: rule pack (issue 8)
export * from './policy/api';
export * from './policy/checks';
export * from './policy/suppressions';

// Testing helpers (issue 9)
