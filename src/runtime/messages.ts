// Service Bus and Event Hubs messages that Dataverse sends, decoded into a RemoteExecutionContext
// plus what travels beside the body (Dataverse's application properties, the trimmed signal).
//
// Sources (Microsoft Learn, MicrosoftDocs/powerapps-docs):
// - "Write a listener application for an Azure solution" (write-listener-application-azure-solution.md):
//   the body's content type is `application/msbin1` (.NET binary), `application/json` or
//   `application/xml` by the endpoint's MessageFormat; "Filter messages": each message carries a
//   property bag with the organization, the calling user, the initiating user, the table logical
//   name and the request name, and "the availability of these properties indicates that the
//   message was sent from Dataverse".
// - The property names are Microsoft.Xrm.Sdk.ClaimTypes (learn.microsoft.com/dotnet/api/
//   microsoft.xrm.sdk.claimtypes): http://schemas.microsoft.com/xrm/2011/Claims/Organization,
//   .../User, .../InitiatingUser, .../EntityLogicalName, .../RequestName; Azure's Service Bus SQL
//   filter documentation quotes `"http://schemas.microsoft.com/xrm/2011/Claims/EntityLogicalName"`.
// - "Azure integration" (azure-integration.md): above 192 KB Dataverse removes ParentContext,
//   InputParameters, PreEntityImages and PostEntityImages; if the rest fits, it adds a
//   `MessageMaxSizeExceeded` property to the message; if it still does not fit, no message is sent.
// - "Work with Dataverse event data in your Azure Event Hub solution": event hub endpoints send
//   XML or JSON. Microsoft documents the property bag for queue, relay and topic endpoints only;
//   on Event Hubs the same names are read when present.
import { createHash } from 'crypto';
import { RemoteExecutionContext } from './remote-execution-context';
import { TrimmedPayload } from './webhook-auth';

/** The names of the application properties Dataverse sets on the messages it sends. */
export class DataverseMessageProperties {
  /** The organization (Microsoft: "Organization URI"). */
  public static readonly ORGANIZATION = 'http://schemas.microsoft.com/xrm/2011/Claims/Organization';
  /** The calling user's id (systemuserid). */
  public static readonly USER = 'http://schemas.microsoft.com/xrm/2011/Claims/User';
  /** The initiating user's id (systemuserid). */
  public static readonly INITIATING_USER = 'http://schemas.microsoft.com/xrm/2011/Claims/InitiatingUser';
  /** The table logical name, e.g. `account` (usable in topic subscription SQL filters, double-quoted). */
  public static readonly ENTITY_LOGICAL_NAME = 'http://schemas.microsoft.com/xrm/2011/Claims/EntityLogicalName';
  /** The request (message) name, e.g. `Update`. */
  public static readonly REQUEST_NAME = 'http://schemas.microsoft.com/xrm/2011/Claims/RequestName';
  /** Added when Dataverse trimmed the context to stay under 192 KB. */
  public static readonly MESSAGE_MAX_SIZE_EXCEEDED = 'MessageMaxSizeExceeded';

  /** The five properties whose presence marks a message as sent by Dataverse. */
  public static readonly CLAIMS = [
    DataverseMessageProperties.ORGANIZATION,
    DataverseMessageProperties.USER,
    DataverseMessageProperties.INITIATING_USER,
    DataverseMessageProperties.ENTITY_LOGICAL_NAME,
    DataverseMessageProperties.REQUEST_NAME,
  ];

  private constructor() {}
}

/**
 * A Service Bus message as a receiver gets it. A `ServiceBusReceivedMessage` of
 * `@azure/service-bus` fits as it is.
 */
export interface ServiceBusMessageInput {
  /**
   * The body: the JSON text (string), its bytes (Buffer, Uint8Array) or the object an SDK
   * already parsed from it.
   */
  readonly body: any;
  /**
   * Application properties (Dataverse's claims and `MessageMaxSizeExceeded`). Names are matched
   * without regard to case (the Functions host lower-cases their first letter).
   * @default - none
   */
  readonly applicationProperties?: { [name: string]: any };
  /**
   * Content type of the body (`application/json`, `application/xml`, `application/msbin1`).
   * @default - recognised from the body
   */
  readonly contentType?: string;
  /**
   * The message id (a string; numbers and buffers are turned into strings).
   * @default - none
   */
  readonly messageId?: any;
}

/**
 * An Event Hubs event as a receiver gets it. A `ReceivedEventData` of `@azure/event-hubs` fits as
 * it is.
 */
export interface EventHubEventInput {
  /** The body: JSON text, its bytes or an already parsed object. */
  readonly body: any;
  /**
   * Application properties of the event.
   * @default - none
   */
  readonly properties?: { [name: string]: any };
  /**
   * Content type of the body.
   * @default - recognised from the body
   */
  readonly contentType?: string;
}

/**
 * One message Dataverse sent through Service Bus or Event Hubs: the decoded context and what
 * came beside it. Made by `RemoteExecutionContext.fromServiceBusMessage` and
 * `RemoteExecutionContext.fromEventHubMessage`.
 */
export class DataverseMessage {
  /**
   * Decodes a Service Bus message. Throws an Error that names the problem and the fix when the
   * body is not the JSON RemoteExecutionContext (XML or .NET binary message format, not JSON,
   * not an execution context, empty).
   */
  public static fromServiceBus(message: ServiceBusMessageInput): DataverseMessage {
    if (message === null || typeof message !== 'object') {
      throw new Error(`The Service Bus message is ${message === null ? 'null' : `a ${typeof message}`}: expected an object with a body.`);
    }
    const messageId = message.messageId === undefined || message.messageId === null ? undefined : idToString(message.messageId);
    const where = messageId ? `Service Bus message ${messageId}` : 'Service Bus message';
    return new DataverseMessage(decodeBody(message.body, message.contentType, where), message.applicationProperties ?? {}, message.contentType, messageId);
  }

  /** Decodes an Event Hubs event. Same rules and errors as `fromServiceBus`. */
  public static fromEventHub(eventData: EventHubEventInput): DataverseMessage {
    if (eventData === null || typeof eventData !== 'object') {
      throw new Error(`The Event Hubs event is ${eventData === null ? 'null' : `a ${typeof eventData}`}: expected an object with a body.`);
    }
    return new DataverseMessage(decodeBody(eventData.body, eventData.contentType, 'Event Hubs event'), eventData.properties ?? {}, eventData.contentType, undefined);
  }

  /** The decoded execution context. */
  public readonly context: RemoteExecutionContext;
  /**
   * Dataverse trimmed the context to stay under 192 KB (it set `MessageMaxSizeExceeded`):
   * InputParameters, PreEntityImages, PostEntityImages and ParentContext are empty. Read the row
   * with the Web API (`context.primaryEntityName`, `context.primaryEntityId`) instead.
   */
  public readonly trimmed: boolean;
  /**
   * Whether the message carries Dataverse's claim properties (Microsoft: their presence indicates
   * that Dataverse sent it). A queue that others can write to should check it.
   */
  public readonly hasDataverseProperties: boolean;
  /** Organization claim (Microsoft: the organization URI), when present. */
  public readonly organization?: string;
  /** Calling user claim (systemuserid), when present. */
  public readonly userId?: string;
  /** Initiating user claim (systemuserid), when present. */
  public readonly initiatingUserId?: string;
  /** Table logical name claim, when present. */
  public readonly entityLogicalName?: string;
  /** Request name claim, when present. */
  public readonly requestName?: string;
  /** The message id of the transport, when there is one (Service Bus). */
  public readonly messageId?: string;
  /** Content type of the body, when the transport gave one. */
  public readonly contentType?: string;
  /** All application properties as received. */
  public readonly applicationProperties: { [name: string]: any };
  /**
   * A stable key of the event for idempotent processing: a SHA-256 digest of the context's
   * OrganizationId, OwningExtension (the step), OperationId, CorrelationId, RequestId,
   * MessageName, PrimaryEntityName, PrimaryEntityId, Stage, Mode, Depth and OperationCreatedOn.
   * The same on every redelivery of the message and when Dataverse's system job posts the same
   * context again (a new transport message id), different for another step or another event.
   * Microsoft does not document what Dataverse puts in the Service Bus MessageId, so the key
   * does not depend on it.
   */
  public readonly key: string;

  private constructor(context: RemoteExecutionContext, properties: { [name: string]: any }, contentType: string | undefined, messageId: string | undefined) {
    this.context = context;
    this.applicationProperties = { ...properties };
    this.trimmed = TrimmedPayload.fromServiceBusProperties(properties);
    const claim = (name: string): string | undefined => {
      const value = lookup(properties, name);
      return value === undefined || value === null ? undefined : String(value);
    };
    this.organization = claim(DataverseMessageProperties.ORGANIZATION);
    this.userId = claim(DataverseMessageProperties.USER);
    this.initiatingUserId = claim(DataverseMessageProperties.INITIATING_USER);
    this.entityLogicalName = claim(DataverseMessageProperties.ENTITY_LOGICAL_NAME);
    this.requestName = claim(DataverseMessageProperties.REQUEST_NAME);
    this.hasDataverseProperties = DataverseMessageProperties.CLAIMS.some((name) => claim(name) !== undefined);
    this.contentType = contentType;
    this.messageId = messageId;
    this.key = contextKey(context);
  }
}

/** Case-insensitive property lookup (the Functions host lower-cases the first letter of each name). */
function lookup(properties: { [name: string]: any }, name: string): any {
  if (name in properties) return properties[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(properties)) {
    if (k.toLowerCase() === lower) return v;
  }
  return undefined;
}

function idToString(id: any): string {
  if (typeof id === 'string') return id;
  if (id instanceof Uint8Array) return Buffer.from(id).toString('hex');
  return String(id);
}

function contextKey(c: RemoteExecutionContext): string {
  const parts = [
    c.organizationId,
    c.owningExtension?.id ?? '',
    c.operationId,
    c.correlationId,
    c.requestId ?? '',
    c.messageName,
    c.primaryEntityName,
    c.primaryEntityId,
    c.stage,
    c.mode,
    c.depth,
    c.operationCreatedOn.getTime(),
  ].map((p) => (typeof p === 'string' ? p.toLowerCase() : p));
  return 'dv1-' + createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);
}

const FIX =
  "Set the service endpoint's message format to Json (messageFormat: MessageFormat.JSON, serviceendpoint.messageformat = 2); this receiver reads the JSON RemoteExecutionContext.";

function formatError(where: string, format: string, evidence: string): Error {
  return new Error(`${where}: the body is in the ${format} message format (${evidence}). ${FIX}`);
}

/** The body as a RemoteExecutionContext, or an Error that names the format problem and its fix. */
function decodeBody(body: unknown, contentType: string | undefined, where: string): RemoteExecutionContext {
  const type = typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : '';
  if (type === 'application/msbin1') throw formatError(where, '.NET binary (BinaryXML)', `content type ${contentType}`);
  if (type === 'application/xml' || type === 'text/xml') throw formatError(where, 'XML (TextXML)', `content type ${contentType}`);
  if (body === undefined || body === null) {
    throw new Error(`${where} has no body: expected the JSON RemoteExecutionContext that Dataverse sends.`);
  }
  let text: string | undefined;
  if (typeof body === 'string') {
    text = body;
  } else if (body instanceof Uint8Array || body instanceof ArrayBuffer) {
    const bytes = body instanceof ArrayBuffer ? new Uint8Array(body) : body;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw formatError(where, '.NET binary (BinaryXML)', 'the body is not UTF-8 text');
    }
  }
  if (text !== undefined) {
    const trimmed = text.replace(/^\uFEFF/, '').trim();
    if (trimmed.startsWith('<')) throw formatError(where, 'XML (TextXML)', 'the body starts with <');
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000e-\u001f]/.test(trimmed)) throw formatError(where, '.NET binary (BinaryXML)', 'the body holds control characters');
    return prefixed(where, () => RemoteExecutionContext.parse(trimmed));
  }
  if (typeof body === 'object') return prefixed(where, () => RemoteExecutionContext.fromObject(body));
  throw new Error(`${where}: the body is a ${typeof body}: expected the JSON RemoteExecutionContext that Dataverse sends (text, bytes or a parsed object).`);
}

function prefixed(where: string, decode: () => RemoteExecutionContext): RemoteExecutionContext {
  try {
    return decode();
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}
