import { RelayHybridConnection } from '@cdktf/provider-azurerm/lib/relay-hybrid-connection';
import { RelayHybridConnectionAuthorizationRule } from '@cdktf/provider-azurerm/lib/relay-hybrid-connection-authorization-rule';
import { RelayNamespace } from '@cdktf/provider-azurerm/lib/relay-namespace';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { checkName, generateName, NAME_RULES } from '../azure/naming';
import { Problems, addValidator, annotate, isUnresolved, quote } from '../core/problems';
import { checkExistingOrNew } from '../azure/props';
import { ResourceGroupReference } from '../azure/resource-group';
import { isResourceIdOf, resourceGroupOfId } from '../azure/resource-id';
import { MessageFormat, ServiceEndpointAuthType, ServiceEndpointContract, UserClaim } from '../dataverse/enums';
import { DataverseEnvironment } from '../dataverse/environment';
import { ProcessingStep, StepDefinition } from '../dataverse/processing-step';
import { ServiceEndpoint } from '../dataverse/service-endpoint';
import { bindOutbound } from '../dataverse/outbound-binding';

/** Options for the Relay namespace the pattern creates (always the Standard tier, the only one). */
export interface RelayNamespaceOptions {
  /**
   * Namespace name (6–50 letters, digits, hyphens; globally unique).
   * @default - generated from the construct path and a hash of the environment URL
   */
  readonly name?: string;
}

/** A Relay namespace that already exists. A data source of one fits. */
export interface RelayNamespaceReference {
  /** Resource id of the namespace (its resource group is read from it). */
  readonly id: string;
  /** Namespace name. */
  readonly name: string;
}

/** Options for the hybrid connection. */
export interface RelayHybridConnectionOptions {
  /**
   * Hybrid connection name.
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * User metadata of the hybrid connection, e.g. where its listener runs.
   * @default - none
   */
  readonly userMetadata?: string;
}

/**
 * A WCF relay (OneWay or TwoWay contract) that already exists. azurerm cannot create WCF relays
 * (they are created by a listener's WCF host or in the portal), so the pattern only points a
 * service endpoint at one.
 */
export interface WcfRelayReference {
  /** ServiceEndpointContract.ONE_WAY (asynchronous steps only) or ServiceEndpointContract.TWO_WAY. */
  readonly contract: ServiceEndpointContract;
  /** Namespace address, e.g. `https://contoso-relay.servicebus.windows.net/`. */
  readonly namespaceAddress: string;
  /** Path of the relay within the namespace (at most 160 characters). */
  readonly path: string;
  /** Name of a Send-only authorization rule of the relay. */
  readonly sasKeyName: string;
  /** Its key: a Terraform reference (a variable or data source attribute), never a literal. */
  readonly sasKey: string;
  /**
   * Namespace name.
   * @default - the first label of namespaceAddress's host (required when namespaceAddress is a Terraform reference)
   */
  readonly namespaceName?: string;
}

/** Properties of a RelayIntegration. */
export interface RelayIntegrationProps {
  /** The Dataverse environment that sends the events. */
  readonly dataverse: DataverseEnvironment;
  /** Resource group (name and location) of the created resources (unused with existingWcfRelay). */
  readonly resourceGroup: ResourceGroupReference;
  /**
   * The events to send: one processing step each, post-operation and asynchronous by default.
   * Synchronous steps are possible on the REST contract and on a TWO_WAY relay (a warning says what they imply).
   */
  readonly steps: StepDefinition[];
  /**
   * Options of the Relay namespace to create (not with existingNamespace or existingWcfRelay).
   * @default - a Standard namespace with a generated name
   */
  readonly namespaceOptions?: RelayNamespaceOptions;
  /**
   * Use this Relay namespace instead of creating one (the hybrid connection is still created in it).
   * @default - a namespace is created
   */
  readonly existingNamespace?: RelayNamespaceReference;
  /**
   * Hybrid connection options.
   * @default - see RelayHybridConnectionOptions
   */
  readonly hybridConnection?: RelayHybridConnectionOptions;
  /**
   * Point the service endpoint at an existing WCF relay (contract ONE_WAY or TWO_WAY) instead of
   * creating a namespace and a hybrid connection (REST contract).
   * @default - a hybrid connection is created and the REST contract is used
   */
  readonly existingWcfRelay?: WcfRelayReference;
  /**
   * Name of the Send-only authorization rule Dataverse uses.
   * @default 'dataverse-send'
   */
  readonly dataverseRuleName?: string;
  /**
   * Name of the Listen-only authorization rule of the on-premises listener.
   * @default 'onprem-listen'
   */
  readonly listenerRuleName?: string;
  /**
   * Service endpoint name in Dataverse.
   * @default - the construct path
   */
  readonly endpointName?: string;
  /**
   * Service endpoint description.
   * @default - names the construct
   */
  readonly endpointDescription?: string;
  /**
   * Message format of the service endpoint.
   * @default MessageFormat.JSON
   */
  readonly messageFormat?: MessageFormat;
  /**
   * User information sent with each message.
   * @default UserClaim.NONE
   */
  readonly userClaim?: UserClaim;
  /**
   * Tags of the created Azure resources.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

const WCF_CONTRACTS = [ServiceEndpointContract.ONE_WAY, ServiceEndpointContract.TWO_WAY];

/**
 * Dataverse posts events to a listener inside a corporate network through Azure Relay, without
 * opening the firewall: the listener keeps an outbound connection to the relay open.
 *
 * Which contracts take which steps (Microsoft Learn, "Write a custom Azure-aware plug-in" and
 * "Write a listener application for an Azure solution"): the REST and TWO_WAY contracts return
 * the listener's reply to Dataverse, so they take synchronous and asynchronous steps; ONE_WAY
 * takes asynchronous steps only. azurerm can create hybrid connections (REST) but not WCF relays
 * (ONE_WAY / TWO_WAY): for those, reference an existing relay with `existingWcfRelay`.
 *
 * Default settings:
 * - Standard Relay namespace (the only tier) with a generated, deterministic name, or
 *   `existingNamespace`.
 * - One hybrid connection with client authorization required, generated name.
 * - Dataverse gets a Send-only authorization rule on that hybrid connection only.
 * - The on-premises listener gets a Listen-only rule on it; its primary key is in a sensitive
 *   Terraform output created by the construct (`listenerKeyOutputName`).
 * - A service endpoint with contract REST (3), SAS key auth, JSON, no user claim, address
 *   `https://<namespace>.servicebus.windows.net/`, path = the hybrid connection name, whose key
 *   comes from a sensitive Terraform output.
 * - One processing step per entry of `steps`: post-operation, asynchronous, rank 1, system job
 *   deleted on success. A synchronous step is allowed on REST and TWO_WAY, with a warning at synth.
 */
export class RelayIntegration extends Construct {
  /** The service endpoint's contract: REST, or ONE_WAY / TWO_WAY with existingWcfRelay. */
  public readonly contract: ServiceEndpointContract;
  /** Relay namespace name. */
  public readonly namespaceName: string;
  /** Relay namespace resource id (undefined with existingWcfRelay). */
  public readonly namespaceId?: string;
  /** The created Relay namespace. */
  public readonly relayNamespace?: RelayNamespace;
  /** The hybrid connection (undefined with existingWcfRelay). */
  public readonly hybridConnection?: RelayHybridConnection;
  /** Hybrid connection name (undefined with existingWcfRelay). */
  public readonly hybridConnectionName?: string;
  /** The relay path the endpoint posts to: the hybrid connection name, or the WCF relay's path. */
  public readonly relayPath: string;
  /** The Send-only rule Dataverse uses (undefined with existingWcfRelay). */
  public readonly dataverseRule?: RelayHybridConnectionAuthorizationRule;
  /** The Listen-only rule of the on-premises listener (undefined with existingWcfRelay). */
  public readonly listenerRule?: RelayHybridConnectionAuthorizationRule;
  /** Name of the listener's authorization rule (its SAS key name). */
  public readonly listenerRuleName?: string;
  /** Name of the sensitive Terraform output holding the listener's key. */
  public readonly listenerKeyOutputName?: string;
  /** The Dataverse service endpoint. */
  public readonly endpoint: ServiceEndpoint;
  /** The Dataverse processing steps, in the order of `steps`. */
  public readonly steps: ProcessingStep[];
  /** Name of the sensitive Terraform output holding the key Dataverse sends with. */
  public readonly sasKeyOutputName: string;

  constructor(scope: Construct, id: string, props: RelayIntegrationProps) {
    super(scope, id);
    const seed = props.dataverse.url;
    const wcf = props.existingWcfRelay;
    let namespaceAddress: string;
    let sasKeyName: string;
    let sasKey: string;

    if (wcf) {
      this.contract = wcf.contract;
      this.namespaceName = wcf.namespaceName ?? namespaceOfAddress(wcf.namespaceAddress) ?? wcf.namespaceAddress;
      this.relayPath = wcf.path;
      namespaceAddress = wcf.namespaceAddress;
      sasKeyName = wcf.sasKeyName;
      sasKey = wcf.sasKey;
    } else {
      this.contract = ServiceEndpointContract.REST;
      let resourceGroupName: string;
      if (props.existingNamespace) {
        this.namespaceName = props.existingNamespace.name;
        this.namespaceId = props.existingNamespace.id;
        resourceGroupName = resourceGroupOfId(props.existingNamespace.id) ?? props.resourceGroup.name;
      } else {
        this.namespaceName = props.namespaceOptions?.name ?? generateName(this, NAME_RULES.relayNamespace, 'relay', seed);
        this.relayNamespace = new RelayNamespace(this, 'namespace', {
          name: this.namespaceName,
          location: props.resourceGroup.location,
          resourceGroupName: props.resourceGroup.name,
          skuName: 'Standard',
          tags: props.tags,
        });
        this.namespaceId = this.relayNamespace.id;
        resourceGroupName = props.resourceGroup.name;
      }
      const hc = props.hybridConnection ?? {};
      this.hybridConnectionName = hc.name ?? generateName(this, NAME_RULES.messagingEntity, 'dataverse', seed);
      this.relayPath = this.hybridConnectionName;
      this.hybridConnection = new RelayHybridConnection(this, 'hybrid-connection', {
        name: this.hybridConnectionName,
        relayNamespaceName: this.relayNamespace ? this.relayNamespace.name : this.namespaceName,
        resourceGroupName,
        requiresClientAuthorization: true,
        userMetadata: hc.userMetadata,
      });
      sasKeyName = props.dataverseRuleName ?? 'dataverse-send';
      this.dataverseRule = new RelayHybridConnectionAuthorizationRule(this, 'dataverse-send', {
        name: sasKeyName,
        namespaceName: this.namespaceName,
        resourceGroupName,
        hybridConnectionName: this.hybridConnection.name,
        send: true,
        listen: false,
        manage: false,
      });
      this.listenerRuleName = props.listenerRuleName ?? 'onprem-listen';
      this.listenerRule = new RelayHybridConnectionAuthorizationRule(this, 'listener', {
        name: this.listenerRuleName,
        namespaceName: this.namespaceName,
        resourceGroupName,
        hybridConnectionName: this.hybridConnection.name,
        send: false,
        listen: true,
        manage: false,
      });
      const listenerKey = new TerraformOutput(this, 'listener-key', {
        value: this.listenerRule.primaryKey,
        sensitive: true,
        description: `Listen-only key (rule ${this.listenerRuleName}) of hybrid connection ${this.hybridConnectionName} in Relay namespace ${this.namespaceName}, for the on-premises listener of ${this.node.path}`,
      });
      this.listenerKeyOutputName = TerraformStack.of(this).getLogicalId(listenerKey);
      namespaceAddress = `https://${this.namespaceName}.servicebus.windows.net/`;
      sasKey = this.dataverseRule.primaryKey;
    }

    const binding = bindOutbound(this, 'RelayIntegration', props, {
      defaultDescription: `Azure Relay for ${this.node.path} (cdktf-dataverse)`,
      contract: this.contract,
      authType: ServiceEndpointAuthType.SAS_KEY,
      messageFormat: props.messageFormat ?? MessageFormat.JSON,
      namespaceAddress,
      solutionNamespace: this.namespaceName,
      path: this.relayPath,
      sasKeyName,
      sasKey,
    });
    this.endpoint = binding.endpoint;
    this.steps = binding.steps;
    this.sasKeyOutputName = binding.secretOutputName;

    if (this.listenerKeyOutputName) {
      annotate(
        this,
        'info',
        `The on-premises listener connects to hybrid connection ${this.hybridConnectionName} in Relay namespace ${this.namespaceName} with rule ${this.listenerRuleName} (Listen only); its key is in the sensitive output ${this.listenerKeyOutputName}. Dataverse gets a Send-only key on the hybrid connection only.`,
      );
    }
    addValidator(this, (problems) => this.validate(problems, props));
  }

  private validate(problems: Problems, props: RelayIntegrationProps): void {
    const wcf = props.existingWcfRelay;
    checkExistingOrNew(problems, [
      ['existingNamespace', props.existingNamespace, 'namespaceOptions', props.namespaceOptions],
      ['existingWcfRelay', wcf, 'namespaceOptions', props.namespaceOptions],
      ['existingWcfRelay', wcf, 'existingNamespace', props.existingNamespace],
      ['existingWcfRelay', wcf, 'hybridConnection', props.hybridConnection],
      ['existingWcfRelay', wcf, 'dataverseRuleName', props.dataverseRuleName],
      ['existingWcfRelay', wcf, 'listenerRuleName', props.listenerRuleName],
    ]);
    checkName(problems, NAME_RULES.relayNamespace, 'namespaceOptions.name', props.namespaceOptions?.name);
    checkName(problems, NAME_RULES.messagingEntity, 'hybridConnection.name', props.hybridConnection?.name);
    checkName(problems, NAME_RULES.authorizationRule, 'dataverseRuleName', props.dataverseRuleName);
    checkName(problems, NAME_RULES.authorizationRule, 'listenerRuleName', props.listenerRuleName);
    problems.length('hybridConnection.userMetadata', props.hybridConnection?.userMetadata, 0, 1024);
    const existing = props.existingNamespace;
    if (existing && !isUnresolved(existing.id)) {
      problems.check(
        isResourceIdOf(existing.id, 'Microsoft.Relay/namespaces'),
        `existingNamespace.id ${quote(existing.id)} is not the resource id of a Relay namespace. Fix: pass '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Relay/namespaces/<name>' (a data source's id fits).`,
      );
    }
    if (!wcf) {
      const dv = props.dataverseRuleName ?? 'dataverse-send';
      const listen = props.listenerRuleName ?? 'onprem-listen';
      if (!isUnresolved(dv) && !isUnresolved(listen)) {
        problems.check(
          dv.toLowerCase() !== listen.toLowerCase(),
          `dataverseRuleName and listenerRuleName are both ${quote(dv)}: Dataverse (Send) and the listener (Listen) need separate rules. Fix: give them different names.`,
        );
      }
      return;
    }
    problems.check(
      WCF_CONTRACTS.includes(wcf.contract),
      `existingWcfRelay.contract ${ServiceEndpointContract[wcf.contract] ?? wcf.contract} (${wcf.contract}) is not a WCF relay contract: only ONE_WAY (1) and TWO_WAY (4) are. Fix: use one of them; for the REST contract (3) remove existingWcfRelay and let the construct create a hybrid connection.`,
    );
    if (!isUnresolved(wcf.namespaceAddress)) {
      problems.check(
        namespaceOfAddress(wcf.namespaceAddress) !== undefined,
        `existingWcfRelay.namespaceAddress ${quote(wcf.namespaceAddress)} is not a namespace address. Fix: write it as 'https://<namespace>.servicebus.windows.net/' (no path).`,
      );
    } else {
      problems.check(
        wcf.namespaceName !== undefined,
        'existingWcfRelay.namespaceAddress is a Terraform reference, so the namespace name cannot be read from it. Fix: set existingWcfRelay.namespaceName.',
      );
    }
    problems.length('existingWcfRelay.path', wcf.path, 1, 160);
    checkName(problems, NAME_RULES.authorizationRule, 'existingWcfRelay.sasKeyName', wcf.sasKeyName);
  }
}

/** The namespace name of `https://<ns>.servicebus.windows.net/` (https or sb, no path), or undefined. */
function namespaceOfAddress(address: string): string | undefined {
  if (isUnresolved(address)) return undefined;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'sb:') return undefined;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.port) return undefined;
  const label = url.hostname.split('.')[0];
  return url.hostname.includes('.') && label ? label : undefined;
}
