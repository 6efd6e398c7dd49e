import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ServiceEndpointContract, StepImageType, StepMode, StepStage, StepSupportedDeployment } from './enums';
import { DataverseRecord } from './record';
import { checkMessage } from './sdk-messages';
import { ServiceEndpoint } from './service-endpoint';
import { Problems, annotate, quote } from '../core/problems';

/** A Dataverse logical name: lowercase letters, digits and underscores, starting with a letter. */
const LOGICAL_NAME = /^[a-z][a-z0-9_]*$/;
/** An sdkmessage name: `Create`, `Update`, `contoso_ApproveOrder` … */
const MESSAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The message property that carries the entity, for the messages that have a known one. */
const IMAGE_MESSAGE_PROPERTY: { [message: string]: string } = {
  create: 'Target',
  update: 'Target',
  delete: 'Target',
  assign: 'Target',
  setstate: 'EntityMoniker',
  setstatedynamicentity: 'EntityMoniker',
};

/** An entity image registered on a step. */
export interface StepImageOptions {
  /** PreImage, PostImage or Both. */
  readonly imageType: StepImageType;
  /**
   * `entityalias`: the key under which the image appears in PreEntityImages / PostEntityImages.
   * @default 'PreImage', 'PostImage' or 'Image' after imageType
   */
  readonly alias?: string;
  /**
   * `attributes`: the columns the image holds.
   * @default - all columns (keep images small: list the ones the receiver reads)
   */
  readonly attributes?: string[];
  /**
   * `messagepropertyname`.
   * @default 'Target' for Create, Update, Delete and Assign; 'EntityMoniker' for SetState; otherwise required
   */
  readonly messagePropertyName?: string;
}

/** One registered event: a table and a message, and how it runs. */
export interface StepDefinition {
  /** Logical name of the table, e.g. `salesorder`. */
  readonly table: string;
  /**
   * The message name, e.g. `Create`, `Update`, `Delete`, or a custom API unique name (with its
   * publisher prefix, e.g. `contoso_ApproveOrder`). Dataverse's own messages are matched without
   * regard to case and written with Dataverse's casing; a name that is neither one of them nor a
   * custom message (with `_`) is an error at synth.
   */
  readonly message: string;
  /**
   * Pipeline stage.
   * @default StepStage.POST_OPERATION
   */
  readonly stage?: StepStage;
  /**
   * Execution mode.
   * @default StepMode.ASYNCHRONOUS
   */
  readonly mode?: StepMode;
  /**
   * Execution order within the stage.
   * @default 1
   */
  readonly rank?: number;
  /**
   * Columns whose change triggers the step (Update only).
   * @default - any change
   */
  readonly filteringAttributes?: string[];
  /**
   * Delete the system job when an asynchronous step succeeds.
   * @default true for asynchronous steps, false for synchronous ones
   */
  readonly asyncAutoDelete?: boolean;
  /**
   * Step description (at most 256 characters).
   * @default - says which construct registered it
   */
  readonly description?: string;
  /**
   * Step name (at most 256 characters).
   * @default '<endpoint name>: <message> of <table>'
   */
  readonly name?: string;
  /**
   * Entity images.
   * @default - none
   */
  readonly images?: StepImageOptions[];
  /**
   * Key of the step within its pattern; it names the construct and so seeds the record id.
   * Needed only when two steps share table and message.
   * @default '<table>-<message>'
   */
  readonly key?: string;
}

/** Properties of a ProcessingStep record (`sdkmessageprocessingstep`). */
export interface ProcessingStepProps extends StepDefinition {
  /** The service endpoint the step sends to (`eventhandler`). */
  readonly endpoint: ServiceEndpoint;
  /**
   * Deployment.
   * @default StepSupportedDeployment.SERVER_ONLY
   */
  readonly supportedDeployment?: StepSupportedDeployment;
}

/**
 * An `sdkmessageprocessingstep` row: a table + message bound to a service endpoint.
 * The message and its filter are looked up by name in each environment, never by GUID.
 */
export class ProcessingStep extends DataverseRecord {
  public readonly tableName = 'sdkmessageprocessingstep';
  public readonly entitySetName = 'sdkmessageprocessingsteps';
  public readonly applyOrder = 300;

  public readonly endpoint: ServiceEndpoint;
  public readonly table: string;
  public readonly message: string;
  public readonly stage: StepStage;
  public readonly mode: StepMode;
  public readonly filteringAttributes: string[];
  /** Images registered on this step. */
  public readonly images: StepImage[] = [];

  private readonly props: ProcessingStepProps;

  constructor(scope: Construct, id: string, props: ProcessingStepProps) {
    super(scope, id, props.endpoint.environment);
    this.props = props;
    this.endpoint = props.endpoint;
    this.table = props.table;
    // Dataverse's casing for its own messages ('create' → 'Create'): the name, the lookups and the
    // manifest carry it.
    this.message = Token.isUnresolved(props.message) ? props.message : (checkMessage(props.message).canonical ?? props.message);
    this.stage = props.stage ?? StepStage.POST_OPERATION;
    this.mode = props.mode ?? StepMode.ASYNCHRONOUS;
    this.filteringAttributes = props.filteringAttributes ?? [];
    const async = this.mode === StepMode.ASYNCHRONOUS;

    this.setColumn('name', props.name ?? `${props.endpoint.endpointName}: ${this.message} of ${props.table}`);
    this.setColumn('description', props.description ?? `Registered by cdktf-dataverse (${this.node.scope?.node.path ?? this.node.path})`);
    this.setColumn('stage', this.stage);
    this.setColumn('mode', this.mode);
    this.setColumn('rank', props.rank ?? 1);
    this.setColumn('supporteddeployment', props.supportedDeployment ?? StepSupportedDeployment.SERVER_ONLY);
    this.setColumn('asyncautodelete', props.asyncAutoDelete ?? async);
    if (this.filteringAttributes.length > 0) this.setColumn('filteringattributes', this.filteringAttributes.join(','));
    this.addReference('eventhandler', 'eventhandler_serviceendpoint', props.endpoint);
    this.addLookup({
      column: 'sdkmessageid',
      navigation: 'sdkmessageid',
      table: 'sdkmessage',
      entitySet: 'sdkmessages',
      idColumn: 'sdkmessageid',
      filter: `name eq ${odataString(this.message)}`,
      key: { message: this.message },
    });
    this.addLookup({
      column: 'sdkmessagefilterid',
      navigation: 'sdkmessagefilterid',
      table: 'sdkmessagefilter',
      entitySet: 'sdkmessagefilters',
      idColumn: 'sdkmessagefilterid',
      filter: `primaryobjecttypecode eq ${odataString(props.table)} and sdkmessageid/name eq ${odataString(this.message)}`,
      key: { table: props.table, message: this.message },
    });

    (props.images ?? []).forEach((image) => this.addImage(image));
    const warning = SYNCHRONOUS_WARNINGS[props.endpoint.contract];
    if (this.mode === StepMode.SYNCHRONOUS && warning && !Token.isUnresolved(props.table)) {
      annotate(this, 'warning', `Step ${this.message} of ${props.table} is synchronous: ${warning}`);
    }
  }

  /** Registers an entity image on this step. */
  public addImage(options: StepImageOptions): StepImage {
    const alias = options.alias ?? defaultAlias(options.imageType);
    // A repeated alias is reported at synth; its image gets a provisional id meanwhile.
    const repeat = this.images.some((i) => i.alias === alias);
    const image = new StepImage(this, repeat ? `image-${alias}-${this.images.length}` : `image-${alias}`, { ...options, step: this, alias });
    this.images.push(image);
    return image;
  }

  /** @internal Dataverse rules for this table; subclasses call super and add their own. */
  protected _validateRecord(problems: Problems): void {
    super._validateRecord(problems);
    const p = this.props;
    const what = `step ${quote(`${p.message} of ${p.table}`)}`;
    const literalOnly = (name: string, value: string) =>
      `${what}: ${name} ${quote(value)} is a Terraform reference (unresolved token). The table, the message, filteringAttributes and image attributes must be literals: they name the step's row, its message lookup and its filters at synth. Fix: pass the literal text (e.g. 'salesorder', 'Update', ['statuscode']).`;
    if (Token.isUnresolved(p.table)) problems.add(literalOnly('table', p.table));
    if (Token.isUnresolved(p.message)) problems.add(literalOnly('message', p.message));
    if (Token.isUnresolved(this.filteringAttributes)) {
      problems.add(literalOnly('filteringAttributes', String(this.filteringAttributes)));
    } else {
      for (const name of this.filteringAttributes.filter((n) => Token.isUnresolved(n))) problems.add(literalOnly('filteringAttributes entry', name));
    }
    if (!Token.isUnresolved(p.table)) {
      problems.check(
        LOGICAL_NAME.test(p.table) && p.table.length <= 128,
        `${what}: table ${quote(p.table)} is not a logical name. Fix: use the table's logical name (lowercase, e.g. 'salesorder'), not its display or schema name.`,
      );
    }
    if (!Token.isUnresolved(p.message)) {
      const known = checkMessage(p.message);
      if (!(MESSAGE_NAME.test(p.message) && p.message.length <= 256)) {
        problems.add(`${what}: message ${quote(p.message)} is not a message name. Fix: use the sdkmessage name, e.g. 'Create', 'Update', 'Delete' or a custom API unique name.`);
      } else if (!known.canonical && !known.custom) {
        problems.add(
          `${what}: message ${quote(p.message)} is not an SDK message Dataverse has${known.closest ? ` — did you mean ${known.closest}?` : '.'} Fix: use ${known.closest ? `'${known.closest}'` : "the sdkmessage name, e.g. 'Create', 'Update' or 'Delete'"}; a custom message is a Custom API's unique name with its publisher prefix (e.g. 'contoso_ApproveOrder').`,
        );
      }
    }
    problems.check(
      [StepStage.PRE_VALIDATION, StepStage.PRE_OPERATION, StepStage.POST_OPERATION].includes(this.stage),
      `${what}: stage ${this.stage} is not a stage a step can be registered in. Fix: use StepStage.PRE_VALIDATION (10), PRE_OPERATION (20) or POST_OPERATION (40).`,
    );
    problems.check(
      [StepMode.SYNCHRONOUS, StepMode.ASYNCHRONOUS].includes(this.mode),
      `${what}: mode ${this.mode} is not a step mode. Fix: use StepMode.SYNCHRONOUS (0) or StepMode.ASYNCHRONOUS (1).`,
    );
    if (this.mode === StepMode.ASYNCHRONOUS && this.stage !== StepStage.POST_OPERATION) {
      problems.add(
        `${what}: an asynchronous step must be registered at stage POST_OPERATION (40), not ${StepStage[this.stage] ?? this.stage} (${this.stage}). Fix: remove stage, or set mode: StepMode.SYNCHRONOUS for a ${StepStage[this.stage] ?? ''} step.`,
      );
    }
    if (this.mode === StepMode.SYNCHRONOUS && this.endpoint.acceptsAsynchronousOnly) {
      problems.add(
        `${what}: mode SYNCHRONOUS is not possible here: a ${ServiceEndpointContractName(this.endpoint)} endpoint accepts asynchronous steps only. Fix: remove mode (asynchronous is the default), or ${this.endpoint.contract === ServiceEndpointContract.ONE_WAY ? 'for a synchronous call use the REST contract (a hybrid connection) or a TWO_WAY relay' : 'use a WebhookFunction for a synchronous call'}.`,
      );
    }
    if (this.mode === StepMode.SYNCHRONOUS && p.asyncAutoDelete === true) {
      problems.add(`${what}: asyncAutoDelete applies to asynchronous steps only. Fix: remove asyncAutoDelete or make the step asynchronous.`);
    }
    if (!Token.isUnresolved(this.filteringAttributes) && this.filteringAttributes.length > 0 && !Token.isUnresolved(p.message) && p.message.toLowerCase() !== 'update') {
      problems.add(
        `${what}: filteringAttributes [${this.filteringAttributes.join(', ')}] apply to the Update message only; Dataverse ignores them for ${p.message}. Fix: remove filteringAttributes from this step.`,
      );
    }
    if (!Token.isUnresolved(this.filteringAttributes)) checkLogicalNames(problems, `${what}: filteringAttributes`, this.filteringAttributes);
    if (p.rank !== undefined) {
      problems.check(Number.isInteger(p.rank) && p.rank >= 0, `${what}: rank ${p.rank} is not a whole number of 0 or more. Fix: use an integer execution order such as 1.`);
    }
    problems.length(`${what}: name`, p.name, 1, 256);
    problems.length(`${what}: description`, p.description, 0, 256);
    const aliases = this.images.map((i) => i.alias);
    const dupes = aliases.filter((a, i) => aliases.indexOf(a) !== i);
    problems.check(dupes.length === 0, `${what}: image alias ${quote(dupes[0])} is used twice. Fix: give each image its own alias.`);
  }
}

/** Properties of a StepImage record. */
export interface StepImageProps extends StepImageOptions {
  /** The step the image belongs to. */
  readonly step: ProcessingStep;
}

/** An `sdkmessageprocessingstepimage` row. */
export class StepImage extends DataverseRecord {
  public readonly tableName = 'sdkmessageprocessingstepimage';
  public readonly entitySetName = 'sdkmessageprocessingstepimages';
  public readonly applyOrder = 400;

  public readonly step: ProcessingStep;
  public readonly imageType: StepImageType;
  public readonly alias: string;

  private readonly props: StepImageProps;

  constructor(scope: Construct, id: string, props: StepImageProps) {
    super(scope, id, props.step.environment);
    this.props = props;
    this.step = props.step;
    this.imageType = props.imageType;
    this.alias = props.alias ?? defaultAlias(props.imageType);
    const property = props.messagePropertyName ?? IMAGE_MESSAGE_PROPERTY[props.step.message.toLowerCase()];
    this.setColumn('name', this.alias);
    this.setColumn('entityalias', this.alias);
    this.setColumn('imagetype', props.imageType);
    this.setColumn('messagepropertyname', property);
    if (props.attributes && props.attributes.length > 0) this.setColumn('attributes', props.attributes.join(','));
    this.addReference('sdkmessageprocessingstepid', 'sdkmessageprocessingstepid', props.step);
  }

  /** @internal */
  protected _validateRecord(problems: Problems): void {
    super._validateRecord(problems);
    const step = this.step;
    const message = step.message.toLowerCase();
    const what = `image ${quote(this.alias)} of step ${quote(`${step.message} of ${step.table}`)}`;
    const hasPre = this.imageType === StepImageType.PRE_IMAGE || this.imageType === StepImageType.BOTH;
    const hasPost = this.imageType === StepImageType.POST_IMAGE || this.imageType === StepImageType.BOTH;
    if (hasPre && message === 'create') {
      problems.add(`${what}: a Create step has no pre-image (the row does not exist yet). Fix: use StepImageType.POST_IMAGE, or read the Target.`);
    }
    if (hasPost && message === 'delete') {
      problems.add(`${what}: a Delete step has no post-image (the row is gone). Fix: use StepImageType.PRE_IMAGE.`);
    }
    if (hasPost && step.stage !== StepStage.POST_OPERATION) {
      problems.add(
        `${what}: post-images exist only at stage POST_OPERATION (40), not ${StepStage[step.stage] ?? step.stage}. Fix: use a pre-image, or register the step at POST_OPERATION.`,
      );
    }
    problems.length(`${what}: alias`, this.alias, 1, 256);
    const attributes = this.props.attributes ?? [];
    const tokens = Token.isUnresolved(attributes) ? [String(attributes)] : attributes.filter((a) => Token.isUnresolved(a));
    for (const token of tokens) {
      problems.add(
        `${what}: attributes entry ${quote(token)} is a Terraform reference (unresolved token). Image attributes must be literals: they are written into the image's column list at synth. Fix: list the column logical names as text (e.g. ['name', 'statuscode']).`,
      );
    }
    problems.check(
      this.column('messagepropertyname') !== undefined,
      `${what}: the message ${quote(step.message)} has no known entity property. Fix: set messagePropertyName (for example 'Target').`,
    );
    if (!Token.isUnresolved(attributes)) checkLogicalNames(problems, `${what}: attributes`, attributes);
  }
}

/**
 * Service Bus and Event Hubs endpoints on a synchronous step. Source: Microsoft Learn, "Work with
 * Microsoft Dataverse data in your Azure solution": a service endpoint registered on a synchronous
 * step sends the execution context at once; when the operation then fails and is rolled back, the
 * request already sent cannot be recalled.
 */
const SENT_AT_ONCE =
  "Dataverse sends the message at once, inside the user's operation. If the operation then fails and is rolled back, the message has been sent and cannot be recalled: consumers may see a change that never happened; a failed send fails the operation. Keep the step asynchronous (the default) unless the operation must not succeed without the message.";
const WAITS_FOR_LISTENER =
  "the user's operation waits for the listener's reply and fails (rolled back) when the listener is not connected, answers with an error, or the operation passes Dataverse's 2-minute limit.";

/** What a synchronous step means, per contract of its endpoint. */
const SYNCHRONOUS_WARNINGS: { [contract: number]: string | undefined } = {
  [ServiceEndpointContract.QUEUE]: SENT_AT_ONCE,
  [ServiceEndpointContract.PERSISTENT_QUEUE]: SENT_AT_ONCE,
  [ServiceEndpointContract.TOPIC]: SENT_AT_ONCE,
  [ServiceEndpointContract.EVENT_HUB]: SENT_AT_ONCE,
  [ServiceEndpointContract.REST]: WAITS_FOR_LISTENER,
  [ServiceEndpointContract.TWO_WAY]: WAITS_FOR_LISTENER,
  [ServiceEndpointContract.WEBHOOK]:
    "the user's operation waits for the function. Dataverse gives a webhook 60 seconds and the whole operation, all synchronous steps included, 2 minutes; any answer other than 2xx (or a timeout) fails the step and rolls the operation back. Keep the function fast, and make it asynchronous unless it must be able to reject the operation.",
};

function defaultAlias(type: StepImageType): string {
  return type === StepImageType.PRE_IMAGE ? 'PreImage' : type === StepImageType.POST_IMAGE ? 'PostImage' : 'Image';
}

function checkLogicalNames(problems: Problems, what: string, names: string[]): void {
  for (const name of names) {
    if (Token.isUnresolved(name)) continue;
    problems.check(LOGICAL_NAME.test(name) && name.length <= 128, `${what}: ${quote(name)} is not a column logical name. Fix: use the lowercase logical name (e.g. 'statuscode').`);
  }
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  problems.check(dupes.length === 0, `${what}: ${quote(dupes[0])} is listed twice. Fix: list each column once.`);
}

function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function ServiceEndpointContractName(endpoint: ServiceEndpoint): string {
  const names: { [contract: number]: string } = {
    1: 'Relay one-way',
    2: 'Service Bus queue',
    5: 'Service Bus topic',
    6: 'Service Bus queue',
    7: 'Event Hubs',
    9: 'Event Grid',
    10: 'data lake',
  };
  return names[endpoint.contract] ?? `contract ${endpoint.contract}`;
}
