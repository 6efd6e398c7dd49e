// The RemoteExecutionContext Dataverse posts (webhooks) or enqueues (Service Bus, Event Hubs),
// decoded into plain objects. Shared by every receiver so that they all read the same shape.

// eslint-disable-next-line import/no-cycle
import { DataverseMessage, EventHubEventInput, ServiceBusMessageInput } from './messages';

/** A Dataverse row as a receiver sees it (`Entity` in the SDK). */
export interface DataverseEntity {
  /** Table logical name, e.g. `contact`. */
  readonly logicalName: string;
  /** Row id (GUID); the empty GUID for a Create Target before the row exists. */
  readonly id: string;
  /**
   * Column values by logical name, decoded: lookups are DataverseEntityReference objects, choices
   * and money are numbers, dates are Date objects, unknown typed values are kept as received.
   */
  readonly attributes: { [column: string]: any };
  /**
   * Formatted (display) values by column logical name, e.g. the label of a choice.
   * @default - empty
   */
  readonly formattedValues?: { [column: string]: string };
  /**
   * Related rows sent with the row (`RelatedEntities`), by relationship schema name.
   * @default - empty
   */
  readonly relatedEntities?: { [relationship: string]: DataverseEntity[] };
}

/** A lookup (`EntityReference` in the SDK). */
export interface DataverseEntityReference {
  /** Table logical name, e.g. `systemuser`. */
  readonly logicalName: string;
  /** Row id (GUID). */
  readonly id: string;
  /**
   * Primary name of the row, when Dataverse sent it.
   * @default - none
   */
  readonly name?: string;
}

const DATE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;
const CONTRACTS_SUFFIX = /:http:\/\/schemas\.microsoft\.com\/.*$/;

/**
 * The execution context of one Dataverse event, decoded from the JSON Dataverse sends.
 *
 * Decoding rules:
 * - Collections sent as arrays of `{ key, value }` (InputParameters, OutputParameters,
 *   SharedVariables, Pre/PostEntityImages, Attributes, FormattedValues) become plain objects.
 * - `\/Date(<ms>[±hhmm])\/` strings become Date objects (the milliseconds are UTC; the offset is
 *   informational and ignored).
 * - `Entity` → `{ logicalName, id, attributes, formattedValues, relatedEntities }`, with or
 *   without `__type`: Dataverse types the `Target` of InputParameters but sends the values of
 *   Pre/PostEntityImages and the rows of an EntityCollection without `__type`, so any object with
 *   a `LogicalName` and an `Attributes` key/value list is decoded as an entity. `EntityReference` →
 *   `{ logicalName, id, name }`; `OptionSetValue` and `Money` → their number;
 *   `OptionSetValueCollection` → an array of numbers; `EntityCollection` → an array of entities;
 *   `AliasedValue` → its decoded value.
 * - Any other `__type` is kept as received (with its `__type`), never dropped.
 */
export class RemoteExecutionContext {
  /**
   * Parses the JSON body Dataverse sent. Throws an Error with a message that says what is wrong
   * when the body is not JSON or not an execution context.
   * @param body the JSON text (webhook request body, Service Bus or Event Hubs message body)
   */
  public static parse(body: string): RemoteExecutionContext {
    if (typeof body !== 'string' || body.trim() === '') {
      throw new Error('The body is empty: expected the JSON RemoteExecutionContext that Dataverse sends.');
    }
    let raw: unknown;
    try {
      raw = JSON.parse(body);
    } catch (e) {
      throw new Error(`The body is not JSON (${(e as Error).message}): expected the RemoteExecutionContext that Dataverse sends with message format Json.`);
    }
    return RemoteExecutionContext.fromObject(raw);
  }

  /**
   * Decodes an already parsed JSON object (for example a Service Bus message body that the SDK
   * parsed for you). Same rules and errors as `parse`.
   */
  public static fromObject(raw: any): RemoteExecutionContext {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new Error(`The body is ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : `a ${typeof raw}`}: expected the JSON object of a RemoteExecutionContext.`);
    }
    const missing = ['MessageName', 'PrimaryEntityName', 'Stage', 'Mode'].filter((k) => !(k in raw));
    if (missing.length > 0) {
      throw new Error(`The body is not a RemoteExecutionContext: it lacks ${missing.join(', ')}. Check that the service endpoint's message format is Json.`);
    }
    return new RemoteExecutionContext(raw, 'body');
  }

  /**
   * Decodes a message Dataverse sent to a Service Bus queue or topic: the body (JSON text, bytes
   * or a parsed object) and Dataverse's application properties, with the trimmed signal
   * (`MessageMaxSizeExceeded`). An XML or .NET binary body gets an error that names the fix
   * (message format Json). See DataverseMessage.
   * @param message a `ServiceBusReceivedMessage` or any object with `body`, `applicationProperties`, `contentType`, `messageId`
   */
  public static fromServiceBusMessage(message: ServiceBusMessageInput): DataverseMessage {
    return DataverseMessage.fromServiceBus(message);
  }

  /**
   * Decodes an event Dataverse sent to an event hub (body and properties). Same rules as
   * `fromServiceBusMessage`.
   * @param eventData a `ReceivedEventData` or any object with `body`, `properties`, `contentType`
   */
  public static fromEventHubMessage(eventData: EventHubEventInput): DataverseMessage {
    return DataverseMessage.fromEventHub(eventData);
  }

  /** The message, e.g. `Create`, `Update`, `Delete` or a custom API unique name. */
  public readonly messageName: string;
  /** Logical name of the table the event is about. */
  public readonly primaryEntityName: string;
  /** Id of the row the event is about. */
  public readonly primaryEntityId: string;
  /** Secondary table logical name (`none` for most messages). */
  public readonly secondaryEntityName: string;
  /** Pipeline stage: 10 PreValidation, 20 PreOperation, 40 PostOperation. */
  public readonly stage: number;
  /** 0 synchronous, 1 asynchronous. */
  public readonly mode: number;
  /** Depth of the call chain (1 for a user's own operation). */
  public readonly depth: number;
  /** When the operation was created (UTC). */
  public readonly operationCreatedOn: Date;
  /** The request parameters, e.g. `Target` (an entity for Create/Update, a reference for Delete). */
  public readonly inputParameters: { [name: string]: any };
  /** The response parameters, e.g. `id` after a Create (post-operation only). */
  public readonly outputParameters: { [name: string]: any };
  /** Values shared between steps of the same pipeline. */
  public readonly sharedVariables: { [name: string]: any };
  /** Pre-images by alias. */
  public readonly preEntityImages: { [alias: string]: DataverseEntity };
  /** Post-images by alias. */
  public readonly postEntityImages: { [alias: string]: DataverseEntity };
  /** The context of the operation that caused this one, if any. */
  public readonly parentContext?: RemoteExecutionContext;
  /** The user the operation runs as (systemuserid). */
  public readonly userId: string;
  /** The user who started the operation (systemuserid). */
  public readonly initiatingUserId: string;
  /** Entra ID object id of the user, when Dataverse sent it. */
  public readonly userAzureActiveDirectoryObjectId?: string;
  /** Entra ID object id of the initiating user, when Dataverse sent it. */
  public readonly initiatingUserAzureActiveDirectoryObjectId?: string;
  /** Business unit of the user. */
  public readonly businessUnitId: string;
  /** Organization id. */
  public readonly organizationId: string;
  /** Organization unique name. */
  public readonly organizationName: string;
  /** Correlation id: the same for every step of one user operation. */
  public readonly correlationId: string;
  /** Id of the asynchronous operation (system job), or the empty GUID. */
  public readonly operationId: string;
  /** Request id, when Dataverse sent one. */
  public readonly requestId?: string;
  /** Whether the operation runs offline (Outlook client). */
  public readonly isExecutingOffline: boolean;
  /** Whether the operation runs inside the database transaction. */
  public readonly isInTransaction: boolean;
  /** Whether the operation replays an offline one. */
  public readonly isOfflinePlayback: boolean;
  /** 1 none, 2 sandbox. */
  public readonly isolationMode: number;
  /** The step that sent the message (`sdkmessageprocessingstep`). */
  public readonly owningExtension?: DataverseEntityReference;

  private constructor(raw: any, where: string) {
    const str = (key: string, fallback = ''): string => (raw[key] === undefined || raw[key] === null ? fallback : String(raw[key]));
    const num = (key: string): number => {
      const v = raw[key];
      if (typeof v !== 'number') throw new Error(`${where}.${key} is ${JSON.stringify(v)}: expected a number.`);
      return v;
    };
    const bool = (key: string): boolean => raw[key] === true;
    this.messageName = str('MessageName');
    this.primaryEntityName = str('PrimaryEntityName');
    this.primaryEntityId = str('PrimaryEntityId');
    this.secondaryEntityName = str('SecondaryEntityName', 'none');
    this.stage = num('Stage');
    this.mode = num('Mode');
    this.depth = raw.Depth === undefined ? 1 : num('Depth');
    const created = raw.OperationCreatedOn === undefined || raw.OperationCreatedOn === null ? undefined : decodeDate(raw.OperationCreatedOn);
    if (raw.OperationCreatedOn !== undefined && raw.OperationCreatedOn !== null && created === undefined) {
      throw new Error(`${where}.OperationCreatedOn is ${JSON.stringify(raw.OperationCreatedOn)}: expected a date like "\\/Date(1700000000000)\\/".`);
    }
    this.operationCreatedOn = created ?? new Date(0);
    this.inputParameters = decodeCollection(raw.InputParameters, `${where}.InputParameters`);
    this.outputParameters = decodeCollection(raw.OutputParameters, `${where}.OutputParameters`);
    this.sharedVariables = decodeCollection(raw.SharedVariables, `${where}.SharedVariables`);
    this.preEntityImages = decodeImages(raw.PreEntityImages, `${where}.PreEntityImages`);
    this.postEntityImages = decodeImages(raw.PostEntityImages, `${where}.PostEntityImages`);
    if (raw.ParentContext !== undefined && raw.ParentContext !== null) {
      if (typeof raw.ParentContext !== 'object' || Array.isArray(raw.ParentContext)) {
        throw new Error(`${where}.ParentContext is ${JSON.stringify(raw.ParentContext)}: expected an object or null.`);
      }
      this.parentContext = new RemoteExecutionContext(raw.ParentContext, `${where}.ParentContext`);
    }
    this.userId = str('UserId');
    this.initiatingUserId = str('InitiatingUserId');
    this.userAzureActiveDirectoryObjectId = raw.UserAzureActiveDirectoryObjectId ?? undefined;
    this.initiatingUserAzureActiveDirectoryObjectId = raw.InitiatingUserAzureActiveDirectoryObjectId ?? undefined;
    this.businessUnitId = str('BusinessUnitId');
    this.organizationId = str('OrganizationId');
    this.organizationName = str('OrganizationName');
    this.correlationId = str('CorrelationId');
    this.operationId = str('OperationId');
    this.requestId = raw.RequestId ?? undefined;
    this.isExecutingOffline = bool('IsExecutingOffline');
    this.isInTransaction = bool('IsInTransaction');
    this.isOfflinePlayback = bool('IsOfflinePlayback');
    this.isolationMode = typeof raw.IsolationMode === 'number' ? raw.IsolationMode : 1;
    const owning = raw.OwningExtension;
    this.owningExtension = owning && typeof owning === 'object' ? decodeReference(owning) : undefined;
  }

  /** Whether the step runs synchronously (the user's operation waits for the receiver). */
  public get isSynchronous(): boolean {
    return this.mode === 0;
  }
}

/** `\/Date(ms±hhmm)\/` → Date, anything else → undefined. */
function decodeDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATE.exec(value);
  return m ? new Date(parseInt(m[1], 10)) : undefined;
}

function isKeyValueArray(value: unknown): value is Array<{ key: string; value: unknown }> {
  return Array.isArray(value) && value.every((e) => e !== null && typeof e === 'object' && 'key' in e);
}

function decodeCollection(value: unknown, where: string): { [key: string]: any } {
  if (value === undefined || value === null) return {};
  if (!isKeyValueArray(value)) {
    throw new Error(`${where} is ${JSON.stringify(value).slice(0, 80)}: expected an array of { "key": ..., "value": ... } pairs.`);
  }
  const out: { [key: string]: any } = {};
  for (const { key, value: v } of value) out[String(key)] = decodeValue(v);
  return out;
}

function decodeImages(value: unknown, where: string): { [alias: string]: DataverseEntity } {
  if (value === undefined || value === null) return {};
  if (!isKeyValueArray(value)) {
    throw new Error(`${where} is ${JSON.stringify(value).slice(0, 80)}: expected an array of { "key": ..., "value": ... } pairs.`);
  }
  const images: { [alias: string]: DataverseEntity } = {};
  for (const { key, value: image } of value) {
    const t = typeName(image);
    if (!isEntityShaped(image) || (t !== undefined && t !== 'Entity')) {
      throw new Error(
        `${where}: image ${JSON.stringify(String(key))} is not an Entity (expected an object with "LogicalName" and an "Attributes" list of { "key": ..., "value": ... } pairs, got ${JSON.stringify(image)?.slice(0, 80)}).`,
      );
    }
    images[String(key)] = decodeEntity(image);
  }
  return images;
}

/** An entity as Dataverse serializes it: `LogicalName` and an `Attributes` key/value list (with or without `__type`). */
function isEntityShaped(value: unknown): value is { LogicalName: unknown; Attributes: unknown[] } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'LogicalName' in value && isKeyValueArray((value as any).Attributes);
}

function typeName(value: any): string | undefined {
  const t = value?.__type;
  return typeof t === 'string' ? t.replace(CONTRACTS_SUFFIX, '') : undefined;
}

function decodeReference(value: any): DataverseEntityReference {
  const ref: { logicalName: string; id: string; name?: string } = {
    logicalName: String(value.LogicalName ?? ''),
    id: String(value.Id ?? ''),
  };
  if (value.Name !== undefined && value.Name !== null) ref.name = String(value.Name);
  return ref;
}

function decodeEntity(value: any): DataverseEntity {
  const where = `Entity(${value.LogicalName})`;
  const formatted = decodeCollection(value.FormattedValues, `${where}.FormattedValues`);
  return {
    logicalName: String(value.LogicalName ?? ''),
    id: String(value.Id ?? ''),
    attributes: decodeCollection(value.Attributes, `${where}.Attributes`),
    formattedValues: formatted as { [column: string]: string },
    relatedEntities: decodeRelatedEntities(value.RelatedEntities, `${where}.RelatedEntities`),
  };
}

/**
 * `RelatedEntities`: key/value pairs whose key is a Relationship (`{ SchemaName, PrimaryEntityRole }`)
 * and whose value is an EntityCollection.
 */
function decodeRelatedEntities(value: unknown, where: string): { [relationship: string]: DataverseEntity[] } {
  if (value === undefined || value === null) return {};
  if (!isKeyValueArray(value)) {
    throw new Error(`${where} is ${JSON.stringify(value).slice(0, 80)}: expected an array of { "key": ..., "value": ... } pairs.`);
  }
  const out: { [relationship: string]: DataverseEntity[] } = {};
  for (const { key, value: rows } of value) {
    const name = key !== null && typeof key === 'object' ? String((key as any).SchemaName ?? '') : String(key);
    const decoded = decodeValue(rows);
    out[name] = Array.isArray(decoded) ? decoded.filter(isDecodedEntity) : isDecodedEntity(decoded) ? [decoded] : [];
  }
  return out;
}

function isDecodedEntity(value: unknown): value is DataverseEntity {
  return value !== null && typeof value === 'object' && 'attributes' in value && 'logicalName' in value;
}

/** Decodes one value of a collection or attribute. */
function decodeValue(value: any): any {
  if (typeof value === 'string') return decodeDate(value) ?? value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    return value.map(decodeValue);
  }
  const type = typeName(value);
  if (type === undefined && isEntityShaped(value)) return decodeEntity(value);
  switch (type) {
    case 'Entity':
      return decodeEntity(value);
    case 'EntityReference':
      return decodeReference(value);
    case 'OptionSetValue':
    case 'Money':
      return value.Value;
    case 'OptionSetValueCollection':
      return Array.isArray(value.Values) ? value.Values.map(decodeValue) : value;
    case 'EntityCollection':
      return Array.isArray(value.Entities) ? value.Entities.map((e: unknown) => (isEntityShaped(e) ? decodeEntity(e) : decodeValue(e))) : [];
    case 'EntityReferenceCollection':
      return Array.isArray(value.Values) ? value.Values.map(decodeReference) : [];
    case 'AliasedValue':
      return decodeValue(value.Value);
    default:
      // Unknown typed values (and plain objects) are kept as received.
      return value;
  }
}
