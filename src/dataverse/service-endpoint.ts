import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { MessageFormat, NamespaceFormat, ServiceEndpointAuthType, ServiceEndpointConnectionMode, ServiceEndpointContract, UserClaim } from './enums';
import type { DataverseEnvironment } from './environment';
import { DataverseRecord } from './record';
import { Problems, quote } from '../core/problems';

/**
 * Contracts whose endpoints accept asynchronous steps only: a one-way relay has no reply to wait
 * for, and Event Grid / data lake endpoints are delivered by system jobs. Service Bus and Event
 * Hubs endpoints take synchronous steps too (the message is sent at once and cannot be recalled on
 * rollback: ProcessingStep warns).
 */
const ASYNC_ONLY_CONTRACTS = new Set<ServiceEndpointContract>([ServiceEndpointContract.ONE_WAY, ServiceEndpointContract.EVENT_GRID, ServiceEndpointContract.MANAGED_DATA_LAKE]);

/** Properties of a ServiceEndpoint record (`serviceendpoint`). */
export interface ServiceEndpointProps {
  readonly environment: DataverseEnvironment;
  /** `name` (at most 256 characters). */
  readonly name: string;
  /**
   * `description` (at most 2000 characters).
   * @default - none
   */
  readonly description?: string;
  /** `contract`. */
  readonly contract: ServiceEndpointContract;
  /**
   * `connectionmode`.
   * @default ServiceEndpointConnectionMode.NORMAL
   */
  readonly connectionMode?: ServiceEndpointConnectionMode;
  /** `authtype`. */
  readonly authType: ServiceEndpointAuthType;
  /**
   * `messageformat`.
   * @default MessageFormat.JSON (not set for webhooks, which always post JSON)
   */
  readonly messageFormat?: MessageFormat;
  /**
   * `userclaim`.
   * @default UserClaim.NONE
   */
  readonly userClaim?: UserClaim;
  /**
   * `namespaceaddress`, e.g. `sb://<namespace>.servicebus.windows.net/` (at most 255 characters).
   * @default - none (webhooks)
   */
  readonly namespaceAddress?: string;
  /**
   * `namespaceformat`.
   * @default - NamespaceFormat.NAMESPACE_ADDRESS when namespaceAddress is set
   */
  readonly namespaceFormat?: NamespaceFormat;
  /**
   * `solutionnamespace`: the namespace name (at most 160 characters).
   * @default - none (webhooks)
   */
  readonly solutionNamespace?: string;
  /**
   * `path`: queue, topic, event hub or hybrid connection name (at most 160 characters).
   * @default - none (webhooks)
   */
  readonly path?: string;
  /**
   * `saskeyname` (at most 256 characters).
   * @default - none
   */
  readonly sasKeyName?: string;
  /**
   * `saskey`: a Terraform reference, never a literal. Write-only.
   * @default - none
   */
  readonly sasKey?: string;
  /**
   * `sastoken`: a Terraform reference, never a literal. Write-only.
   * @default - none
   */
  readonly sasToken?: string;
  /**
   * `authvalue`: a Terraform reference, never a literal. Write-only.
   * @default - none
   */
  readonly authValue?: string;
  /**
   * `url`: the webhook URL (https, port 443 or 80 only; at most 2000 characters).
   * @default - none
   */
  readonly url?: string;
}

/**
 * A `serviceendpoint` row: where Dataverse sends the messages of the steps bound to it.
 */
export class ServiceEndpoint extends DataverseRecord {
  public readonly tableName = 'serviceendpoint';
  public readonly entitySetName = 'serviceendpoints';
  public readonly applyOrder = 100;

  public readonly contract: ServiceEndpointContract;
  public readonly authType: ServiceEndpointAuthType;
  /** The endpoint's name column. */
  public readonly endpointName: string;

  private readonly props: ServiceEndpointProps;

  constructor(scope: Construct, id: string, props: ServiceEndpointProps) {
    super(scope, id, props.environment);
    this.props = props;
    this.contract = props.contract;
    this.authType = props.authType;
    this.endpointName = props.name;

    const isWebhook = props.contract === ServiceEndpointContract.WEBHOOK;
    this.setColumn('name', props.name);
    this.setColumn('description', props.description);
    this.setColumn('contract', props.contract);
    this.setColumn('connectionmode', props.connectionMode ?? ServiceEndpointConnectionMode.NORMAL);
    this.setColumn('authtype', props.authType);
    this.setColumn('messageformat', props.messageFormat ?? (isWebhook ? undefined : MessageFormat.JSON));
    this.setColumn('userclaim', props.userClaim ?? UserClaim.NONE);
    this.setColumn('namespaceaddress', props.namespaceAddress);
    this.setColumn('namespaceformat', props.namespaceFormat ?? (props.namespaceAddress !== undefined ? NamespaceFormat.NAMESPACE_ADDRESS : undefined));
    this.setColumn('solutionnamespace', props.solutionNamespace);
    this.setColumn('path', props.path);
    this.setColumn('saskeyname', props.sasKeyName);
    this.setColumn('url', props.url);
    this.setColumn('saskey', props.sasKey, { secret: true });
    this.setColumn('sastoken', props.sasToken, { secret: true });
    this.setColumn('authvalue', props.authValue, { secret: true });
  }

  /** Whether steps bound to this endpoint must be asynchronous. */
  public get acceptsAsynchronousOnly(): boolean {
    return ASYNC_ONLY_CONTRACTS.has(this.contract);
  }

  /** Name of the sensitive output holding the endpoint's key (saskey, sastoken or authvalue). */
  public get secretOutputName(): string | undefined {
    return this.outputNameOf('saskey') ?? this.outputNameOf('sastoken') ?? this.outputNameOf('authvalue');
  }

  /** @internal Dataverse rules for this table; subclasses call super and add their own. */
  protected _validateRecord(problems: Problems): void {
    super._validateRecord(problems);
    const p = this.props;
    problems.length('serviceendpoint.name', p.name, 1, 256);
    problems.length('serviceendpoint.description', p.description, 0, 2000);
    problems.length('serviceendpoint.namespaceaddress', p.namespaceAddress, 0, 255);
    problems.length('serviceendpoint.solutionnamespace', p.solutionNamespace, 0, 160);
    problems.length('serviceendpoint.path', p.path, 0, 160);
    problems.length('serviceendpoint.saskeyname', p.sasKeyName, 0, 256);
    problems.length('serviceendpoint.url', p.url, 0, 2000);
    problems.length('serviceendpoint.saskey', p.sasKey, 0, 256);
    problems.length('serviceendpoint.sastoken', p.sasToken, 0, 256);
    problems.length('serviceendpoint.authvalue', p.authValue, 0, 2048);
    problems.check(
      p.authType !== ServiceEndpointAuthType.ACS,
      'authType ACS (1) is retired by Azure and no longer accepted. Fix: use SAS_KEY, SAS_TOKEN or, for webhooks, WEBHOOK_KEY / HTTP_HEADER / HTTP_QUERY_STRING.',
    );
    if (p.contract === ServiceEndpointContract.WEBHOOK) {
      problems.check(p.url !== undefined, 'a webhook endpoint (contract 8) needs a url. Fix: set url to the https address of the receiver.');
      if (p.url !== undefined && !Token.isUnresolved(p.url)) {
        let ok = false;
        try {
          const u = new URL(p.url);
          ok = (u.protocol === 'https:' || u.protocol === 'http:') && (u.port === '' || u.port === '443' || u.port === '80');
        } catch {
          ok = false;
        }
        problems.check(
          ok,
          `url ${quote(p.url)} is not a webhook address Dataverse can call: an absolute http(s) URL on port 443 or 80. Fix: use the receiver's https URL without a custom port.`,
        );
      }
    } else if (p.contract !== ServiceEndpointContract.EVENT_GRID && p.contract !== ServiceEndpointContract.MANAGED_DATA_LAKE) {
      problems.check(
        p.solutionNamespace !== undefined && p.path !== undefined,
        `a ${ServiceEndpointContract[p.contract]} endpoint needs solutionNamespace and path. Fix: set them to the namespace name and the entity (queue, topic, hub or hybrid connection) name.`,
      );
    }
    if (p.authType === ServiceEndpointAuthType.SAS_KEY) {
      problems.check(
        p.sasKeyName !== undefined && p.sasKey !== undefined,
        'authType SAS_KEY needs sasKeyName and sasKey. Fix: pass the authorization rule name and its primaryKey reference.',
      );
    }
    if (p.authType === ServiceEndpointAuthType.SAS_TOKEN) {
      problems.check(p.sasToken !== undefined, 'authType SAS_TOKEN needs sasToken. Fix: pass a Terraform reference to the token.');
    }
    if (p.authType === ServiceEndpointAuthType.WEBHOOK_KEY || p.authType === ServiceEndpointAuthType.HTTP_HEADER || p.authType === ServiceEndpointAuthType.HTTP_QUERY_STRING) {
      problems.check(p.authValue !== undefined, `authType ${ServiceEndpointAuthType[p.authType]} needs authValue. Fix: pass a Terraform reference to the secret.`);
    }
  }
}
