// The public shapes of CustomApiGateway.addUpsert: a layer over one Dataverse table whose rows other
// systems write by their own identifier (an alternate key), with the fields they may set.
import { ApiManagementApiOperationPolicy } from '@cdktf/provider-azurerm/lib/api-management-api-operation-policy';
import { IAlternateKey } from '../dataverse/alternate-key';

/** The type of an upsert field: how the JSON value is checked and written to the column. */
export enum UpsertFieldType {
  /** Text (a JSON string). */
  STRING = 'string',
  /** Whole number (a JSON integer). */
  INTEGER = 'integer',
  /** Decimal number (a JSON number). */
  DECIMAL = 'decimal',
  /** Currency (a JSON number). */
  MONEY = 'money',
  /** Yes/no (a JSON boolean). */
  BOOLEAN = 'boolean',
  /** Date and time (an RFC 3339 string). */
  DATE_TIME = 'date-time',
  /** Choice (the option's integer value). */
  CHOICE = 'choice',
  /** A lookup to a row of another table, found by that table's alternate key: `<nav>@odata.bind`. */
  LOOKUP = 'lookup',
}

/** How addUpsert writes: create or update, create only, update only. */
export enum UpsertMode {
  /** Creates the row if no row has the key, updates it otherwise (201 created, 204 updated). */
  UPSERT = 'upsert',
  /** Creates only (`If-None-Match: *`): a row with the key answers 409 Conflict. */
  CREATE_ONLY = 'create-only',
  /** Updates only (`If-Match: *`): no row with the key answers 404 Not Found. */
  UPDATE_ONLY = 'update-only',
}

/** The row a LOOKUP field points at, found by the other table's alternate key. */
export interface UpsertLookup {
  /** Logical name of the table the lookup points at, e.g. `account`. */
  readonly table: string;
  /**
   * The alternate key of that table the caller identifies the row by (an AlternateKey of the stack
   * or `AlternateKey.fromAlternateKeyAttributes`). With one column the field's value is that
   * column's value; with several it is an object with one property per key column (logical names).
   */
  readonly alternateKey: IAlternateKey;
  /**
   * The single-valued navigation property of the lookup column, e.g. `parentcustomerid_account`
   * for a contact's parent account (the body gets `<navigationProperty>@odata.bind`).
   */
  readonly navigationProperty: string;
  /**
   * Entity set of the table.
   * @default - the table's logical name + 's'
   */
  readonly entitySetName?: string;
}

/** One field of the layer: an external name, the column it writes, its type. */
export interface UpsertField {
  /** Logical name of the column (for a LOOKUP: the lookup column, e.g. `parentcustomerid`). */
  readonly column: string;
  /** The value's type. */
  readonly fieldType: UpsertFieldType;
  /**
   * The caller must send the field (body fields only; key fields are always required).
   * @default false
   */
  readonly required?: boolean;
  /**
   * STRING: the longest value accepted, in characters.
   * @default - no limit at the gateway (Dataverse checks the column's MaxLength)
   */
  readonly maxLength?: number;
  /**
   * CHOICE: the option values accepted.
   * @default - any integer (Dataverse checks the option set)
   */
  readonly choices?: number[];
  /**
   * LOOKUP: the row it points at. Required for LOOKUP fields, not allowed for others.
   * @default - none
   */
  readonly lookup?: UpsertLookup;
  /**
   * Description in the OpenAPI document.
   * @default - none
   */
  readonly description?: string;
}

/** The bulk route `POST /<apiPath>/<entityset>/upsert-multiple` (UpsertMultiple). */
export interface UpsertBulkOptions {
  /**
   * The most items one call may send (1 to 1000). Dataverse runs a batch on a standard table as one
   * transaction: an error rolls back every item.
   * @default 100
   */
  readonly maxBatchSize?: number;
}

/** What addUpsert exposes. */
export interface UpsertOperationOptions {
  /** Logical name of the table, e.g. `account`. */
  readonly table: string;
  /**
   * Entity set of the table, e.g. `accounts`; also the route's first segment.
   * @default - the table's logical name + 's'
   */
  readonly entitySetName?: string;
  /** The alternate key the caller identifies rows by; its columns are the route's path parameters. */
  readonly alternateKey: IAlternateKey;
  /**
   * The fields, by external name (the JSON property and, for key columns, the path parameter):
   * every column of the key, and the columns the caller may set. Nothing else passes.
   */
  readonly fields: { [name: string]: UpsertField };
  /**
   * Create or update, create only, or update only.
   * @default UpsertMode.UPSERT
   */
  readonly mode?: UpsertMode;
  /**
   * Also serve `POST /<entityset>/upsert-multiple` (UpsertMultiple: only for tables that support
   * CreateMultiple and UpdateMultiple; upsert mode only).
   * @default - no bulk route
   */
  readonly bulk?: UpsertBulkOptions;
}

/** What addUpsert created. */
export interface GatewayUpsert {
  /** The route under the API path, e.g. `/accounts/{accountNumber}` (method PUT). */
  readonly route: string;
  /** The operation id of the PUT route. */
  readonly operationId: string;
  /** The PUT route's policy. */
  readonly policy: ApiManagementApiOperationPolicy;
  /** The bulk route (method POST), with `bulk`. */
  readonly bulkRoute?: string;
  /** The bulk route's policy, with `bulk`. */
  readonly bulkPolicy?: ApiManagementApiOperationPolicy;
}
