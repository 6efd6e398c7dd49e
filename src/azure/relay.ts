// Azure Relay building blocks: the namespace, the hybrid connection (REST contract) and its
// Send-only / Listen-only rules. Sources: azurerm 4.55 documentation of azurerm_relay_namespace,
// azurerm_relay_hybrid_connection and azurerm_relay_hybrid_connection_authorization_rule (import
// ids `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Relay/namespaces/<ns>` and
// `…/namespaces/<ns>/hybridConnections/<name>`); Microsoft Learn, "Authenticate and authorize an
// application with Microsoft Entra ID to access Azure Relay entities" (built-in roles Azure Relay
// Listener / Sender, scoped to a namespace or to one entity).
import { RelayHybridConnection } from '@cdktf/provider-azurerm/lib/relay-hybrid-connection';
import { RelayHybridConnectionAuthorizationRule } from '@cdktf/provider-azurerm/lib/relay-hybrid-connection-authorization-rule';
import { RelayNamespace as RelayNamespaceResource } from '@cdktf/provider-azurerm/lib/relay-namespace';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { relayMetric } from './alerts-catalogue';
import { MetricCriteria, MetricOptions } from './alerts-criteria';
import { grantRole } from './grants';
import { GrantOptions } from './grants-api';
import { importedName, requireProps } from './imports';
import { IHybridConnectionMetrics } from './metrics';
import { checkName, generateName, NAME_RULES } from './naming';
import { ResourceGroupReference } from './resource-group';
import { resourceGroupOfId } from './resource-id';
import { ISharedAccessRule } from './shared-access';
import { checkTags } from './tags';
import { addValidator, quote } from '../core/problems';

/** Built-in data roles of Azure Relay. @internal */
export const RELAY_ROLES = {
  listener: 'Azure Relay Listener',
  sender: 'Azure Relay Sender',
};

/** An Azure Relay namespace: one this stack creates, or one that exists (`RelayNamespace.fromRelayNamespaceAttributes`). */
export interface IRelayNamespace {
  /** Resource id. */
  readonly relayNamespaceId: string;
  /** Namespace name: the literal name given to the resource (Dataverse's service endpoint carries it). */
  readonly relayNamespaceName: string;
  /** Resource group of the namespace. */
  readonly resourceGroupName: string;
  /** `<name>.servicebus.windows.net`: the host listeners and senders connect to. */
  readonly fullyQualifiedNamespace: string;
  /** Grants "Azure Relay Listener" on the whole namespace; returns the role assignment. */
  grantListen(principalId: string, options?: GrantOptions): RoleAssignment;
  /** Grants "Azure Relay Sender" on the whole namespace; returns the role assignment. */
  grantSend(principalId: string, options?: GrantOptions): RoleAssignment;
}

/** Attributes of a Relay namespace that exists. A data source of one fits. */
export interface RelayNamespaceAttributes {
  /** Resource id: `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Relay/namespaces/<name>`. */
  readonly relayNamespaceId: string;
  /**
   * Namespace name. Required when the id is a Terraform reference.
   * @default - read from the literal id
   */
  readonly relayNamespaceName?: string;
}

/** How a Relay namespace is created: the options a pattern passes through (always the Standard tier, the only one). */
export interface RelayNamespaceOptions {
  /**
   * Namespace name (6–50 letters, digits, hyphens; globally unique).
   * @default - generated from the construct path (a pattern adds a hash of the environment URL)
   */
  readonly name?: string;
}

/** Properties of a RelayNamespace. */
export interface RelayNamespaceProps extends RelayNamespaceOptions {
  /** Resource group (name and location) of the namespace. */
  readonly resourceGroup: ResourceGroupReference;
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** Which right a hybrid connection rule grants: exactly one, never Manage. */
export enum HybridConnectionAccess {
  /** Send: what a sender (Dataverse) presents. */
  SEND = 'Send',
  /** Listen: what the listener presents. */
  LISTEN = 'Listen',
}

/** An Azure Relay hybrid connection: one this stack creates, or one that exists (`HybridConnection.fromHybridConnectionAttributes`). */
export interface IHybridConnection extends IHybridConnectionMetrics {
  /** Resource id. */
  readonly hybridConnectionId: string;
  /** Hybrid connection name: the literal name (the service endpoint's path). */
  readonly hybridConnectionName: string;
  /** The namespace of the hybrid connection. */
  readonly relayNamespace: IRelayNamespace;
  /** Grants "Azure Relay Listener" on this hybrid connection only; returns the role assignment. */
  grantListen(principalId: string, options?: GrantOptions): RoleAssignment;
  /** Grants "Azure Relay Sender" on this hybrid connection only; returns the role assignment. */
  grantSend(principalId: string, options?: GrantOptions): RoleAssignment;
  /** Adds a shared access rule with the Send right only, on this hybrid connection only. `scope` places it in the construct tree. */
  addSendOnlyRule(id: string, name: string, scope?: Construct): HybridConnectionRule;
  /** Adds a shared access rule with the Listen right only, on this hybrid connection only. `scope` places it in the construct tree. */
  addListenOnlyRule(id: string, name: string, scope?: Construct): HybridConnectionRule;
}

/** Attributes of a hybrid connection that exists. */
export interface HybridConnectionAttributes {
  /** Its namespace (created, or imported with `RelayNamespace.fromRelayNamespaceAttributes`). */
  readonly relayNamespace: IRelayNamespace;
  /** Resource id: `<namespace id>/hybridConnections/<name>`. */
  readonly hybridConnectionId: string;
  /**
   * Hybrid connection name. Required when the id is a Terraform reference.
   * @default - read from the literal id
   */
  readonly hybridConnectionName?: string;
}

/** How a hybrid connection is created: the options a pattern passes through. */
export interface HybridConnectionOptions {
  /**
   * Hybrid connection name (1–160 letters, digits, periods, hyphens, underscores).
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * User metadata of the hybrid connection (at most 1024 characters), e.g. where its listener runs.
   * @default - none
   */
  readonly userMetadata?: string;
}

/** Properties of a HybridConnection. */
export interface HybridConnectionProps extends HybridConnectionOptions {
  /** The namespace to create it in (created, or imported). */
  readonly relayNamespace: IRelayNamespace;
}

/** Properties of a HybridConnectionRule. */
export interface HybridConnectionRuleProps {
  /** The hybrid connection the rule is on. */
  readonly hybridConnection: IHybridConnection;
  /** Rule name (the SAS key name), 1–50 characters. */
  readonly name: string;
  /** The one right the rule grants. */
  readonly access: HybridConnectionAccess;
}

/** `grantListen` and `grantSend`, scoped to `_grantScopeId`. @internal */
abstract class RelayGrantable extends Construct {
  /** @internal */
  protected abstract readonly _grantScopeId: string;

  /** Grants "Azure Relay Listener" (listen, read the entity) scoped to this resource; a repeated grant returns the first. */
  public grantListen(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return grantRole(this, 'listen', RELAY_ROLES.listener, this._grantScopeId, principalId, options);
  }

  /** Grants "Azure Relay Sender" (send, read the entity) scoped to this resource; a repeated grant returns the first. */
  public grantSend(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return grantRole(this, 'send', RELAY_ROLES.sender, this._grantScopeId, principalId, options);
  }
}

abstract class RelayNamespaceBase extends RelayGrantable implements IRelayNamespace {
  public abstract readonly relayNamespaceId: string;
  public abstract readonly relayNamespaceName: string;
  public abstract readonly resourceGroupName: string;

  public get fullyQualifiedNamespace(): string {
    return `${this.relayNamespaceName}.servicebus.windows.net`;
  }

  /** @internal */
  protected get _grantScopeId(): string {
    return this.relayNamespaceId;
  }
}

/**
 * An Azure Relay namespace with the library's one hardening for Relay (there is little to harden:
 * azurerm exposes no network or local-auth settings for it, and checkov has no Relay checks, so
 * the block carries no policy suppressions).
 *
 * Default settings:
 * - Standard tier (the only one) with a generated, deterministic name (`name` overrides).
 * - No namespace-wide authorization rule besides Azure's own RootManageSharedAccessKey: give
 *   senders and listeners rules or roles on one hybrid connection instead.
 */
export class RelayNamespace extends RelayNamespaceBase {
  /** Imports a namespace that exists. */
  public static fromRelayNamespaceAttributes(scope: Construct, id: string, attrs: RelayNamespaceAttributes): IRelayNamespace {
    return new ImportedRelayNamespace(scope, id, attrs);
  }

  public readonly relayNamespaceId: string;
  public readonly relayNamespaceName: string;
  public readonly resourceGroupName: string;
  /** The azurerm_relay_namespace resource. */
  public readonly resource: RelayNamespaceResource;

  constructor(scope: Construct, id: string, props: RelayNamespaceProps) {
    super(scope, id);
    requireProps(this, 'RelayNamespace', props, ['resourceGroup']);
    // The literal name, not resource.name: the manifest needs it at synth.
    this.relayNamespaceName = props.name ?? generateName(this, NAME_RULES.relayNamespace, 'relay', this.node.path);
    // 'Default' keeps the Terraform address of the namespace that of this construct.
    this.resource = new RelayNamespaceResource(this, 'Default', {
      name: this.relayNamespaceName,
      location: props.resourceGroup.location,
      resourceGroupName: props.resourceGroup.name,
      skuName: 'Standard',
      tags: props.tags,
    });
    this.relayNamespaceId = this.resource.id;
    this.resourceGroupName = props.resourceGroup.name;
    addValidator(this, (problems) => checkTags(problems, 'tags', props.tags));
    addValidator(this, (problems) => checkName(problems, NAME_RULES.relayNamespace, 'name', props.name));
  }
}

class ImportedRelayNamespace extends RelayNamespaceBase {
  public readonly relayNamespaceId: string;
  public readonly relayNamespaceName: string;
  public readonly resourceGroupName: string;

  constructor(scope: Construct, id: string, attrs: RelayNamespaceAttributes) {
    super(scope, id);
    const importer = 'RelayNamespace.fromRelayNamespaceAttributes';
    requireProps(this, importer, attrs, ['relayNamespaceId']);
    this.relayNamespaceId = attrs.relayNamespaceId;
    this.resourceGroupName = resourceGroupOfId(attrs.relayNamespaceId) ?? '';
    this.relayNamespaceName = importedName(this, {
      provider: RELAY_PROVIDER,
      importer,
      idProp: 'relayNamespaceId',
      id: attrs.relayNamespaceId,
      nameProp: 'relayNamespaceName',
      name: attrs.relayNamespaceName,
      kinds: ['namespaces'],
    });
  }
}

abstract class HybridConnectionBase extends RelayGrantable implements IHybridConnection {
  public abstract readonly hybridConnectionId: string;
  public abstract readonly hybridConnectionName: string;
  public abstract readonly relayNamespace: IRelayNamespace;

  public addSendOnlyRule(id: string, name: string, scope?: Construct): HybridConnectionRule {
    return new HybridConnectionRule(scope ?? this, id, { hybridConnection: this, name, access: HybridConnectionAccess.SEND });
  }

  public addListenOnlyRule(id: string, name: string, scope?: Construct): HybridConnectionRule {
    return new HybridConnectionRule(scope ?? this, id, { hybridConnection: this, name, access: HybridConnectionAccess.LISTEN });
  }

  public metricActiveListeners(options?: MetricOptions): MetricCriteria {
    return relayMetric(this.relayNamespace.relayNamespaceId, 'activeListeners', this.hybridConnectionName, options);
  }

  /** @internal */
  protected get _grantScopeId(): string {
    return this.hybridConnectionId;
  }
}

/**
 * An Azure Relay hybrid connection: what a Dataverse service endpoint with the REST contract posts
 * to, and what an on-premises listener holds open.
 *
 * Default settings:
 * - Client authorization required: a sender presents a key or token (the library's policy rule
 *   DV_RELAY_CLIENT_AUTH); not an option.
 * - A generated, deterministic name (`name` overrides); no user metadata.
 * - No rule and no role: `addSendOnlyRule` / `addListenOnlyRule` add one right each on this
 *   hybrid connection only; `grantListen` / `grantSend` add an Entra ID role scoped to it.
 */
export class HybridConnection extends HybridConnectionBase {
  /** Imports a hybrid connection that exists. */
  public static fromHybridConnectionAttributes(scope: Construct, id: string, attrs: HybridConnectionAttributes): IHybridConnection {
    return new ImportedHybridConnection(scope, id, attrs);
  }

  public readonly hybridConnectionId: string;
  public readonly hybridConnectionName: string;
  public readonly relayNamespace: IRelayNamespace;
  /** The azurerm_relay_hybrid_connection resource. */
  public readonly resource: RelayHybridConnection;

  constructor(scope: Construct, id: string, props: HybridConnectionProps) {
    super(scope, id);
    requireProps(this, 'HybridConnection', props, ['relayNamespace']);
    this.relayNamespace = props.relayNamespace;
    this.hybridConnectionName = props.name ?? generateName(this, NAME_RULES.messagingEntity, 'hc', this.node.path);
    const ns = props.relayNamespace;
    this.resource = new RelayHybridConnection(this, 'Default', {
      name: this.hybridConnectionName,
      // A namespace this stack creates is named by reference, so Terraform creates it first.
      relayNamespaceName: ns instanceof RelayNamespace ? ns.resource.name : ns.relayNamespaceName,
      resourceGroupName: ns.resourceGroupName,
      requiresClientAuthorization: true,
      userMetadata: props.userMetadata,
    });
    this.hybridConnectionId = this.resource.id;
    addValidator(this, (problems) => {
      checkName(problems, NAME_RULES.messagingEntity, 'name', props.name);
      problems.length('userMetadata', props.userMetadata, 0, 1024);
    });
  }
}

class ImportedHybridConnection extends HybridConnectionBase {
  public readonly hybridConnectionId: string;
  public readonly hybridConnectionName: string;
  public readonly relayNamespace: IRelayNamespace;

  constructor(scope: Construct, id: string, attrs: HybridConnectionAttributes) {
    super(scope, id);
    const importer = 'HybridConnection.fromHybridConnectionAttributes';
    requireProps(this, importer, attrs, ['relayNamespace', 'hybridConnectionId']);
    this.relayNamespace = attrs.relayNamespace;
    this.hybridConnectionId = attrs.hybridConnectionId;
    this.hybridConnectionName = importedName(this, {
      provider: RELAY_PROVIDER,
      importer,
      idProp: 'hybridConnectionId',
      id: attrs.hybridConnectionId,
      nameProp: 'hybridConnectionName',
      name: attrs.hybridConnectionName,
      kinds: ['namespaces', 'hybridConnections'],
      parentProp: 'relayNamespace',
      parentId: attrs.relayNamespace.relayNamespaceId,
    });
  }
}

/**
 * A shared access rule on one hybrid connection with exactly one right (Send or Listen), never
 * Manage: what Dataverse (Send) and an on-premises listener (Listen) authenticate with.
 */
export class HybridConnectionRule extends Construct implements ISharedAccessRule {
  public readonly ruleName: string;
  public readonly primaryKey: string;
  /** The right the rule grants. */
  public readonly access: HybridConnectionAccess;
  /** The azurerm_relay_hybrid_connection_authorization_rule resource. */
  public readonly resource: RelayHybridConnectionAuthorizationRule;

  constructor(scope: Construct, id: string, props: HybridConnectionRuleProps) {
    super(scope, id);
    requireProps(this, 'HybridConnectionRule', props, ['hybridConnection', 'name', 'access']);
    const hc = props.hybridConnection;
    this.ruleName = props.name;
    this.access = props.access;
    this.resource = new RelayHybridConnectionAuthorizationRule(this, 'Default', {
      name: props.name,
      namespaceName: hc.relayNamespace.relayNamespaceName,
      resourceGroupName: hc.relayNamespace.resourceGroupName,
      // A hybrid connection this stack creates is named by reference, so Terraform creates it first.
      hybridConnectionName: hc instanceof HybridConnection ? hc.resource.name : hc.hybridConnectionName,
      send: props.access === HybridConnectionAccess.SEND,
      listen: props.access === HybridConnectionAccess.LISTEN,
      manage: false,
    });
    this.primaryKey = this.resource.primaryKey;
    addValidator(this, (problems) => {
      checkName(problems, NAME_RULES.authorizationRule, 'name', props.name);
      problems.check(
        Object.values(HybridConnectionAccess).includes(props.access),
        `access ${quote(String(props.access))} is not a hybrid connection right. Fix: use HybridConnectionAccess.SEND or HybridConnectionAccess.LISTEN.`,
      );
    });
  }
}

const RELAY_PROVIDER = 'Microsoft.Relay';
