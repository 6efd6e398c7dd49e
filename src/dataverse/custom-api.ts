import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { DataverseEnvironment } from './environment';
import { LOGICAL_NAME, checkPrefixedName } from './names';
import { DataverseRecord } from './record';
import { Problems, quote } from '../core/problems';

/** `customapi.bindingtype`: what the Custom API is bound to. */
export enum CustomApiBindingType {
  /** Not bound: `POST|GET /api/data/v9.2/<uniquename>`. */
  GLOBAL = 0,
  /** Bound to one row: `/<entityset>(<id>)/Microsoft.Dynamics.CRM.<uniquename>`. */
  ENTITY = 1,
  /** Bound to a table: `/<entityset>/Microsoft.Dynamics.CRM.<uniquename>`. */
  ENTITY_COLLECTION = 2,
}

/** `customapirequestparameter.type` / `customapiresponseproperty.type`. */
export enum CustomApiFieldType {
  BOOLEAN = 0,
  DATE_TIME = 1,
  DECIMAL = 2,
  /** A row with its columns; `logicalEntityName` restricts the table. */
  ENTITY = 3,
  /** Several rows. */
  ENTITY_COLLECTION = 4,
  /** A reference to one row; `logicalEntityName` restricts the table. */
  ENTITY_REFERENCE = 5,
  FLOAT = 6,
  INTEGER = 7,
  MONEY = 8,
  /** A choice value (integer). */
  PICKLIST = 9,
  STRING = 10,
  STRING_ARRAY = 11,
  GUID = 12,
}

/** `customapi.allowedcustomprocessingsteptype`: which steps others may register on the message. */
export enum CustomApiProcessingStepType {
  /** Only the Custom API's own plug-in runs; no step can be registered. */
  NONE = 0,
  /** Asynchronous steps only (events, e.g. a service endpoint). */
  ASYNC_ONLY = 1,
  /** Synchronous and asynchronous steps. */
  SYNC_AND_ASYNC = 2,
}

/** One request parameter or response property of a Custom API. */
export interface CustomApiFieldDefinition {
  /** `uniquename` (at most 128 letters, digits or underscores), e.g. `Comment`. */
  readonly uniqueName: string;
  /** `type`: the value's data type (`fieldType` here: `type` is a reserved word in several jsii languages). */
  readonly fieldType: CustomApiFieldType;
  /**
   * `name` (at most 100 characters).
   * @default - the unique name
   */
  readonly name?: string;
  /**
   * `displayname` (at most 100 characters).
   * @default - the unique name
   */
  readonly displayName?: string;
  /**
   * `description` (at most 300 characters).
   * @default - the display name
   */
  readonly description?: string;
  /**
   * `isoptional`: request parameters only (a response property is always returned).
   * @default false
   */
  readonly isOptional?: boolean;
  /**
   * `logicalentityname`: the table of an ENTITY or ENTITY_REFERENCE value. Only for those types.
   * @default - any table
   */
  readonly logicalEntityName?: string;
}

/** A Custom API: the message, its request parameters and its response properties. */
export interface CustomApiDefinition {
  /**
   * `uniquename`: the message name, `<publisher prefix>_<name>` (letters, digits, underscores; at
   * most 128). When the environment has a publisherPrefix, the prefix must be that one.
   */
  readonly uniqueName: string;
  /** `displayname` (at most 100 characters). */
  readonly displayName: string;
  /**
   * `name` (at most 100 characters).
   * @default - the unique name
   */
  readonly name?: string;
  /**
   * `description` (at most 300 characters).
   * @default - the display name
   */
  readonly description?: string;
  /**
   * `bindingtype`.
   * @default CustomApiBindingType.GLOBAL
   */
  readonly bindingType?: CustomApiBindingType;
  /**
   * `boundentitylogicalname`: the table of an ENTITY or ENTITY_COLLECTION binding (required for
   * those, not allowed for GLOBAL).
   * @default - none
   */
  readonly boundEntityLogicalName?: string;
  /**
   * Web API entity set of the bound table, used in the gateway's call
   * (`/<entityset>(<id>)/Microsoft.Dynamics.CRM.<uniquename>`).
   * @default - the logical name + 's' (right for most tables; set it for e.g. `opportunity` → `opportunities`)
   */
  readonly boundEntitySetName?: string;
  /**
   * `isfunction`: a function is called with GET and has no side effects; it needs at least one
   * response property.
   * @default false (an action, POST)
   */
  readonly isFunction?: boolean;
  /**
   * `isprivate`: hidden from `$metadata` (still callable).
   * @default false
   */
  readonly isPrivate?: boolean;
  /**
   * `workflowsdkstepenabled`: usable as a workflow (classic process) step. Such an API cannot use
   * ENTITY, ENTITY_COLLECTION or STRING_ARRAY fields.
   * @default false
   */
  readonly enabledForWorkflow?: boolean;
  /**
   * `allowedcustomprocessingsteptype`.
   * @default CustomApiProcessingStepType.NONE (only the API's own plug-in runs)
   */
  readonly allowedCustomProcessingStepType?: CustomApiProcessingStepType;
  /**
   * `executeprivilegename`: the privilege a caller needs (at most 100 characters).
   * @default - none (any user with access to the environment)
   */
  readonly executePrivilegeName?: string;
  /**
   * The plug-in type that implements the API, by its type name (`plugintype.typename`, e.g.
   * `Contoso.Plugins.ApproveOrder`): looked up in each environment, never a GUID.
   * @default - no plug-in (the API only raises the message, e.g. for steps)
   */
  readonly pluginTypeName?: string;
  /**
   * Request parameters. Bound APIs get an implicit `Target` parameter: do not declare it.
   * @default - none
   */
  readonly requestParameters?: CustomApiFieldDefinition[];
  /**
   * Response properties.
   * @default - none (not allowed for functions)
   */
  readonly responseProperties?: CustomApiFieldDefinition[];
}

/** Properties of a CustomApi record. */
export interface CustomApiProps extends CustomApiDefinition {
  /** The environment the API is registered in. */
  readonly environment: DataverseEnvironment;
}

const FIELD_NAME = /^[A-Za-z0-9_]+$/;
const ENTITY_SET = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WORKFLOW_FORBIDDEN = [CustomApiFieldType.ENTITY, CustomApiFieldType.ENTITY_COLLECTION, CustomApiFieldType.STRING_ARRAY];
const ENTITY_TYPES = [CustomApiFieldType.ENTITY, CustomApiFieldType.ENTITY_REFERENCE];

/**
 * A `customapi` row. Its request parameters and response properties are child records, created
 * by the constructor, so that their ids derive from the API's construct path.
 */
export class CustomApi extends DataverseRecord {
  public readonly tableName = 'customapi';
  public readonly entitySetName = 'customapis';
  public readonly applyOrder = 200;

  /** The message name. */
  public readonly uniqueName: string;
  public readonly bindingType: CustomApiBindingType;
  public readonly isFunction: boolean;
  /** Entity set of the bound table (ENTITY and ENTITY_COLLECTION bindings). */
  public readonly boundEntitySetName?: string;
  public readonly requestParameters: CustomApiRequestParameter[];
  public readonly responseProperties: CustomApiResponseProperty[];
  /** The definition as given. */
  public readonly definition: CustomApiDefinition;

  constructor(scope: Construct, id: string, props: CustomApiProps) {
    super(scope, id, props.environment);
    this.definition = props;
    this.uniqueName = props.uniqueName;
    this.bindingType = props.bindingType ?? CustomApiBindingType.GLOBAL;
    this.isFunction = props.isFunction ?? false;
    const bound = this.bindingType !== CustomApiBindingType.GLOBAL;
    this.boundEntitySetName = bound && props.boundEntityLogicalName !== undefined ? (props.boundEntitySetName ?? `${props.boundEntityLogicalName}s`) : props.boundEntitySetName;

    this.setColumn('uniquename', props.uniqueName);
    this.setColumn('name', props.name ?? props.uniqueName);
    this.setColumn('displayname', props.displayName);
    this.setColumn('description', props.description ?? props.displayName);
    this.setColumn('bindingtype', this.bindingType);
    this.setColumn('boundentitylogicalname', props.boundEntityLogicalName);
    this.setColumn('isfunction', this.isFunction);
    this.setColumn('isprivate', props.isPrivate ?? false);
    this.setColumn('workflowsdkstepenabled', props.enabledForWorkflow ?? false);
    this.setColumn('allowedcustomprocessingsteptype', props.allowedCustomProcessingStepType ?? CustomApiProcessingStepType.NONE);
    this.setColumn('executeprivilegename', props.executePrivilegeName);
    if (props.pluginTypeName !== undefined) {
      this.addLookup({
        column: 'plugintypeid',
        navigation: 'PluginTypeId',
        table: 'plugintype',
        entitySet: 'plugintypes',
        idColumn: 'plugintypeid',
        filter: `typename eq ${odataString(props.pluginTypeName)}`,
        key: { typeName: props.pluginTypeName },
      });
    }

    this.requestParameters = fieldIds(props.requestParameters ?? [], 'request').map(([field, fid]) => new CustomApiRequestParameter(this, fid, { api: this, field }));
    this.responseProperties = fieldIds(props.responseProperties ?? [], 'response').map(([field, fid]) => new CustomApiResponseProperty(this, fid, { api: this, field }));
  }

  /** @internal */
  protected _validateRecord(problems: Problems): void {
    super._validateRecord(problems);
    const p = this.definition;
    const what = `Custom API ${quote(p.uniqueName)}`;
    const prefix = this.environment.publisherPrefix;
    checkPrefixedName(problems, what, 'uniqueName', p.uniqueName, prefix, 'ApproveOrder');
    problems.length(`${what}: uniqueName`, p.uniqueName, 1, 128);
    problems.length(`${what}: name`, p.name, 1, 100);
    problems.length(`${what}: displayName`, p.displayName, 1, 100);
    problems.length(`${what}: description`, p.description, 1, 300);
    problems.length(`${what}: executePrivilegeName`, p.executePrivilegeName, 1, 100);
    problems.check(
      Object.values(CustomApiBindingType).includes(this.bindingType),
      `${what}: bindingType ${quote(this.bindingType)} is not a binding type. Fix: use CustomApiBindingType.GLOBAL, ENTITY or ENTITY_COLLECTION.`,
    );
    if (p.allowedCustomProcessingStepType !== undefined) {
      problems.check(
        Object.values(CustomApiProcessingStepType).includes(p.allowedCustomProcessingStepType),
        `${what}: allowedCustomProcessingStepType ${quote(p.allowedCustomProcessingStepType)} is not a value of CustomApiProcessingStepType. Fix: use NONE, ASYNC_ONLY or SYNC_AND_ASYNC.`,
      );
    }

    // Binding rules.
    const bound = this.bindingType !== CustomApiBindingType.GLOBAL;
    if (bound && p.boundEntityLogicalName === undefined) {
      problems.add(`${what}: bindingType ${CustomApiBindingType[this.bindingType]} needs boundEntityLogicalName. Fix: set it to the table's logical name, e.g. 'salesorder'.`);
    }
    if (!bound && p.boundEntityLogicalName !== undefined) {
      problems.add(
        `${what}: boundEntityLogicalName ${quote(p.boundEntityLogicalName)} is set, but the API is GLOBAL (not bound). Fix: set bindingType to ENTITY or ENTITY_COLLECTION, or remove boundEntityLogicalName.`,
      );
    }
    if (!bound && p.boundEntitySetName !== undefined) {
      problems.add(`${what}: boundEntitySetName is set, but the API is GLOBAL (not bound). Fix: remove boundEntitySetName.`);
    }
    if (p.boundEntityLogicalName !== undefined && !Token.isUnresolved(p.boundEntityLogicalName)) {
      problems.check(
        LOGICAL_NAME.test(p.boundEntityLogicalName) && p.boundEntityLogicalName.length <= 100,
        `${what}: boundEntityLogicalName ${quote(p.boundEntityLogicalName)} is not a table logical name. Fix: use the lowercase logical name, e.g. 'salesorder'.`,
      );
    }
    if (p.boundEntitySetName !== undefined && !Token.isUnresolved(p.boundEntitySetName)) {
      problems.check(
        ENTITY_SET.test(p.boundEntitySetName),
        `${what}: boundEntitySetName ${quote(p.boundEntitySetName)} is not an entity set name. Fix: use the table's EntitySetName, e.g. 'salesorders'.`,
      );
    }

    // Function rules.
    if (this.isFunction) {
      problems.check(
        (p.responseProperties ?? []).length > 0,
        `${what}: a function (isFunction: true) must return at least one response property. Fix: add a responseProperties entry, or make it an action (isFunction: false).`,
      );
    }

    // Field rules.
    const request = p.requestParameters ?? [];
    const response = p.responseProperties ?? [];
    if (bound) {
      for (const f of request.filter((x) => x.uniqueName.toLowerCase() === 'target')) {
        problems.add(
          `${what}: request parameter ${quote(f.uniqueName)} must not be declared: a bound API gets the bound row as the implicit 'Target' parameter. Fix: remove it (read the row from Target in the plug-in).`,
        );
      }
    }
    if (p.enabledForWorkflow === true) {
      for (const f of [...request, ...response].filter((x) => WORKFLOW_FORBIDDEN.includes(x.fieldType))) {
        problems.add(
          `${what}: ${quote(f.uniqueName)} has type ${CustomApiFieldType[f.fieldType]}, which a workflow-enabled API cannot use. Fix: use ENTITY_REFERENCE or STRING instead, or set enabledForWorkflow: false.`,
        );
      }
    }
    for (const [list, kind] of [
      [request, 'request parameters'],
      [response, 'response properties'],
    ] as const) {
      const names = list.map((f) => f.uniqueName.toLowerCase());
      const dupes = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
      for (const d of dupes) {
        problems.add(
          `${what}: two ${kind} are named ${quote(list.find((f) => f.uniqueName.toLowerCase() === d)!.uniqueName)} (names are case-insensitive). Fix: give each a distinct uniqueName.`,
        );
      }
    }
  }
}

/** Properties shared by the parameter and property records. @internal */
interface FieldRecordProps {
  readonly api: CustomApi;
  readonly field: CustomApiFieldDefinition;
}

/** Properties of a CustomApiRequestParameter record. */
export interface CustomApiRequestParameterProps {
  /** The Custom API the parameter belongs to. */
  readonly api: CustomApi;
  /** The parameter. */
  readonly field: CustomApiFieldDefinition;
}

/** Properties of a CustomApiResponseProperty record. */
export interface CustomApiResponsePropertyProps {
  /** The Custom API the property belongs to. */
  readonly api: CustomApi;
  /** The property. */
  readonly field: CustomApiFieldDefinition;
}

/** A `customapirequestparameter` row. */
export class CustomApiRequestParameter extends DataverseRecord {
  public readonly tableName = 'customapirequestparameter';
  public readonly entitySetName = 'customapirequestparameters';
  public readonly applyOrder = 210;
  /** The parameter definition. */
  public readonly field: CustomApiFieldDefinition;
  private readonly api: CustomApi;

  constructor(scope: Construct, id: string, props: CustomApiRequestParameterProps) {
    super(scope, id, props.api.environment);
    this.field = props.field;
    this.api = props.api;
    setFieldColumns(this, (n, v) => this.setColumn(n, v), props, true);
    this.addReference('customapiid', 'CustomAPIId', props.api);
  }

  /** @internal */
  protected _validateRecord(problems: Problems): void {
    super._validateRecord(problems);
    validateField(problems, this.api, this.field, 'request parameter');
  }
}

/** A `customapiresponseproperty` row. */
export class CustomApiResponseProperty extends DataverseRecord {
  public readonly tableName = 'customapiresponseproperty';
  public readonly entitySetName = 'customapiresponseproperties';
  public readonly applyOrder = 220;
  /** The property definition. */
  public readonly field: CustomApiFieldDefinition;
  private readonly api: CustomApi;

  constructor(scope: Construct, id: string, props: CustomApiResponsePropertyProps) {
    super(scope, id, props.api.environment);
    this.field = props.field;
    this.api = props.api;
    setFieldColumns(this, (n, v) => this.setColumn(n, v), props, false);
    this.addReference('customapiid', 'CustomAPIId', props.api);
  }

  /** @internal */
  protected _validateRecord(problems: Problems): void {
    super._validateRecord(problems);
    validateField(problems, this.api, this.field, 'response property');
    if (this.field.isOptional !== undefined) {
      problems.add(
        `Custom API ${quote(this.api.uniqueName)}: response property ${quote(this.field.uniqueName)} sets isOptional, which exists on request parameters only. Fix: remove isOptional from the response property.`,
      );
    }
  }
}

function setFieldColumns(_record: DataverseRecord, set: (name: string, value: any) => void, props: FieldRecordProps, request: boolean): void {
  const f = props.field;
  set('uniquename', f.uniqueName);
  set('name', f.name ?? f.uniqueName);
  set('displayname', f.displayName ?? f.uniqueName);
  set('description', f.description ?? f.displayName ?? f.uniqueName);
  set('type', f.fieldType);
  set('logicalentityname', f.logicalEntityName);
  if (request) set('isoptional', f.isOptional ?? false);
}

function validateField(problems: Problems, api: CustomApi, f: CustomApiFieldDefinition, kind: string): void {
  const what = `Custom API ${quote(api.uniqueName)}: ${kind} ${quote(f.uniqueName)}`;
  if (!Token.isUnresolved(f.uniqueName)) {
    problems.check(FIELD_NAME.test(f.uniqueName), `${what}: uniqueName may contain letters, digits and underscores only. Fix: rename it, e.g. 'OrderNumber'.`);
  }
  problems.length(`${what}: uniqueName`, f.uniqueName, 1, 128);
  problems.length(`${what}: name`, f.name, 1, 100);
  problems.length(`${what}: displayName`, f.displayName, 1, 100);
  problems.length(`${what}: description`, f.description, 1, 300);
  problems.check(
    Object.values(CustomApiFieldType).includes(f.fieldType),
    `${what}: fieldType ${quote(f.fieldType)} is not a value of CustomApiFieldType. Fix: use e.g. CustomApiFieldType.STRING.`,
  );
  if (f.logicalEntityName !== undefined) {
    problems.check(
      ENTITY_TYPES.includes(f.fieldType),
      `${what}: logicalEntityName ${quote(f.logicalEntityName)} applies to ENTITY and ENTITY_REFERENCE values only, not ${CustomApiFieldType[f.fieldType] ?? f.fieldType}. Fix: remove logicalEntityName or change the fieldType.`,
    );
    if (!Token.isUnresolved(f.logicalEntityName)) {
      problems.check(
        LOGICAL_NAME.test(f.logicalEntityName) && f.logicalEntityName.length <= 100,
        `${what}: logicalEntityName ${quote(f.logicalEntityName)} is not a table logical name. Fix: use the lowercase logical name, e.g. 'account'.`,
      );
    }
  }
}

/** Construct ids `request-<name>` / `response-<name>`; repeats get a provisional id (reported by the API). */
function fieldIds(fields: CustomApiFieldDefinition[], kind: string): Array<[CustomApiFieldDefinition, string]> {
  const seen = new Set<string>();
  return fields.map((field, index) => {
    let id = `${kind}-${field.uniqueName}`;
    if (seen.has(id.toLowerCase())) id = `${id}-${index}`;
    seen.add(id.toLowerCase());
    return [field, id];
  });
}

function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
