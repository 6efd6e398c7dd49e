// Choice columns of the Dataverse registration tables, with their numeric option values
// (serviceendpoint, sdkmessageprocessingstep, sdkmessageprocessingstepimage).

/** `serviceendpoint.contract`: how Dataverse delivers the message. */
export enum ServiceEndpointContract {
  /** Azure Relay one-way (WCF). */
  ONE_WAY = 1,
  /** Service Bus queue. */
  QUEUE = 2,
  /** Azure Relay REST / hybrid connection. */
  REST = 3,
  /** Azure Relay two-way (WCF). */
  TWO_WAY = 4,
  /** Service Bus topic. */
  TOPIC = 5,
  /** Service Bus queue (persistent). */
  PERSISTENT_QUEUE = 6,
  /** Event Hubs event hub. */
  EVENT_HUB = 7,
  /** HTTPS webhook. */
  WEBHOOK = 8,
  /** Event Grid topic. */
  EVENT_GRID = 9,
  /** Managed data lake. */
  MANAGED_DATA_LAKE = 10,
}

/** `serviceendpoint.connectionmode`. */
export enum ServiceEndpointConnectionMode {
  NORMAL = 1,
  FEDERATED = 2,
}

/** `serviceendpoint.authtype`. */
export enum ServiceEndpointAuthType {
  /** Access Control Service: retired by Azure, kept for completeness. */
  ACS = 1,
  SAS_KEY = 2,
  SAS_TOKEN = 3,
  WEBHOOK_KEY = 4,
  HTTP_HEADER = 5,
  HTTP_QUERY_STRING = 6,
  CONNECTION_STRING = 7,
  ACCESS_KEY = 8,
}

/** `serviceendpoint.messageformat`. */
export enum MessageFormat {
  BINARY_XML = 1,
  JSON = 2,
  TEXT_XML = 3,
}

/** `serviceendpoint.userclaim`: which user information travels with the message. */
export enum UserClaim {
  NONE = 1,
  USER_ID = 2,
  USER_INFO = 3,
}

/** `serviceendpoint.namespaceformat`. */
export enum NamespaceFormat {
  NAMESPACE_NAME = 1,
  NAMESPACE_ADDRESS = 2,
}

/** `sdkmessageprocessingstep.stage`. */
export enum StepStage {
  /** Before the main operation, outside the database transaction. */
  PRE_VALIDATION = 10,
  /** Before the main operation, inside the transaction. */
  PRE_OPERATION = 20,
  /** After the main operation; the only stage for asynchronous steps. */
  POST_OPERATION = 40,
}

/** `sdkmessageprocessingstep.mode`. */
export enum StepMode {
  /** The user's operation waits; a failure rolls it back. */
  SYNCHRONOUS = 0,
  /** Runs later as a system job; retried on transient errors. */
  ASYNCHRONOUS = 1,
}

/** `sdkmessageprocessingstep.supporteddeployment`. */
export enum StepSupportedDeployment {
  SERVER_ONLY = 0,
  OUTLOOK_CLIENT = 1,
  BOTH = 2,
}

/** `sdkmessageprocessingstepimage.imagetype`. */
export enum StepImageType {
  PRE_IMAGE = 0,
  POST_IMAGE = 1,
  BOTH = 2,
}
