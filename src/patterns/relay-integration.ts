import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { MessagingIntegrationProps } from './integration-props';
import { monitorRelay } from './pattern-monitoring';
import { WcfRelayReference, WcfTarget, checkWcfRelay, wcfTarget } from './relay-wcf';
import { GrantOptions } from '../azure/grants-api';
import { requireBlock, requireProps } from '../azure/imports';
import { generateName, NAME_RULES } from '../azure/naming';
import { checkExistingOrNew } from '../azure/props';
import { HybridConnection, HybridConnectionOptions, HybridConnectionRule, IHybridConnection, IRelayNamespace, RelayNamespace, RelayNamespaceOptions } from '../azure/relay';
import { Problems, addValidator, annotate, isUnresolved, quote } from '../core/problems';
import { MessageFormat, ServiceEndpointAuthType, ServiceEndpointContract } from '../dataverse/enums';
import { bindOutbound } from '../dataverse/outbound-binding';
import { ProcessingStep } from '../dataverse/processing-step';
import { ServiceEndpoint } from '../dataverse/service-endpoint';

/** Properties of a RelayIntegration. `resourceGroup` is unused with existingWcfRelay. */
export interface RelayIntegrationProps extends MessagingIntegrationProps {
  /**
   * Options of the Relay namespace to create (not with existingNamespace, existingHybridConnection or existingWcfRelay).
   * @default - a Standard namespace with a generated name
   */
  readonly namespaceOptions?: RelayNamespaceOptions;
  /**
   * Create the hybrid connection in this namespace (`RelayNamespace.fromRelayNamespaceAttributes`).
   * @default - a namespace is created
   */
  readonly existingNamespace?: IRelayNamespace;
  /**
   * Options of the hybrid connection to create (not with existingHybridConnection or existingWcfRelay).
   * @default - see HybridConnection
   */
  readonly hybridConnection?: HybridConnectionOptions;
  /**
   * Post to this hybrid connection (`HybridConnection.fromHybridConnectionAttributes`): only the
   * Send-only and Listen-only rules are created on it.
   * @default - a hybrid connection is created
   */
  readonly existingHybridConnection?: IHybridConnection;
  /**
   * Point the service endpoint at an existing WCF relay (contract ONE_WAY or TWO_WAY) instead of a
   * hybrid connection (REST contract); nothing is created in Azure then.
   * @default - the REST contract on a hybrid connection
   */
  readonly existingWcfRelay?: WcfRelayReference;
  /**
   * Name of the Listen-only authorization rule of the on-premises listener.
   * @default 'onprem-listen'
   */
  readonly listenerRuleName?: string;
}

/**
 * Dataverse posts events to a listener inside a corporate network through Azure Relay, without
 * opening the firewall: the listener keeps an outbound connection to the relay open.
 *
 * Contracts (Microsoft Learn, "Write a listener application for an Azure solution"): REST and
 * TWO_WAY return the listener's reply, so they take synchronous and asynchronous steps; ONE_WAY
 * takes asynchronous steps only. azurerm creates hybrid connections (REST), not WCF relays.
 *
 * Default settings:
 * - A RelayNamespace block (Standard, generated deterministic name), or `existingNamespace`.
 * - A HybridConnection block (client authorization required, generated name), or `existingHybridConnection`.
 * - Dataverse gets a Send-only rule on that hybrid connection only (`authorizationRuleName`).
 * - The listener gets a Listen-only rule on it; its key is in a sensitive output (`listenerKeyOutputName`).
 * - A service endpoint: contract REST (3), SAS key, JSON, no user claim; following Microsoft's
 *   registration procedure ("Register a Dataverse service endpoint"), path = the hybrid connection
 *   name and namespace address = `https://<namespace>.servicebus.windows.net/<hybrid connection>`;
 *   its key comes from a sensitive output.
 * - One processing step per entry of `steps`: post-operation, asynchronous, rank 1, system job
 *   deleted on success; a synchronous step (REST, TWO_WAY) gets a warning at synth.
 */
export class RelayIntegration extends Construct {
  /** The service endpoint's contract: REST, or ONE_WAY / TWO_WAY with existingWcfRelay. */
  public readonly contract: ServiceEndpointContract;
  /** Relay namespace name (the WCF relay's with existingWcfRelay). */
  public readonly namespaceName: string;
  /** The namespace: created, or given (undefined with existingWcfRelay). */
  public readonly relayNamespace?: IRelayNamespace;
  /** The hybrid connection: created, or existingHybridConnection (undefined with existingWcfRelay). */
  public readonly hybridConnection?: IHybridConnection;
  /** The relay path the endpoint posts to: the hybrid connection name, or the WCF relay's path. */
  public readonly relayPath: string;
  /** The Send-only rule Dataverse uses (undefined with existingWcfRelay). */
  public readonly authorizationRule?: HybridConnectionRule;
  /** The Listen-only rule of the on-premises listener (undefined with existingWcfRelay). */
  public readonly listenerRule?: HybridConnectionRule;
  /** Name of the listener's authorization rule (its SAS key name). */
  public readonly listenerRuleName?: string;
  /** Name of the sensitive Terraform output holding the listener's key. */
  public readonly listenerKeyOutputName?: string;
  /** The Dataverse service endpoint. */
  public readonly endpoint: ServiceEndpoint;
  /** The Dataverse processing steps, in the order of `steps`. */
  public readonly steps: ProcessingStep[];
  /** Name of the sensitive Terraform output holding the key Dataverse sends with. */
  public readonly secretOutputName: string;

  constructor(scope: Construct, id: string, props: RelayIntegrationProps) {
    super(scope, id);
    requireProps(this, 'RelayIntegration', props, ['dataverse', 'resourceGroup']);
    const block = { construct: 'RelayIntegration', kind: 'Relay' };
    requireBlock(this, props.existingNamespace, {
      ...block,
      prop: 'existingNamespace',
      attribute: 'relayNamespaceId',
      importer: 'RelayNamespace.fromRelayNamespaceAttributes',
      was: '{ id, name }',
    });
    requireBlock(this, props.existingHybridConnection, {
      ...block,
      prop: 'existingHybridConnection',
      attribute: 'hybridConnectionId',
      importer: 'HybridConnection.fromHybridConnectionAttributes',
    });
    let target: WcfTarget;
    if (props.existingWcfRelay) {
      target = wcfTarget(props.existingWcfRelay);
    } else {
      // Names are generated here, from this construct's path and the environment URL.
      const seed = props.dataverse.url;
      const relayNamespace =
        props.existingHybridConnection?.relayNamespace ??
        props.existingNamespace ??
        new RelayNamespace(this, 'namespace', {
          name: props.namespaceOptions?.name ?? generateName(this, NAME_RULES.relayNamespace, 'relay', seed),
          resourceGroup: props.resourceGroup,
          tags: props.tags,
        });
      const hc =
        props.existingHybridConnection ??
        new HybridConnection(this, 'hybrid-connection', {
          ...props.hybridConnection,
          name: props.hybridConnection?.name ?? generateName(this, NAME_RULES.messagingEntity, 'dataverse', seed),
          relayNamespace,
        });
      const [ns, path, sasKeyName] = [relayNamespace.relayNamespaceName, hc.hybridConnectionName, props.authorizationRuleName ?? 'dataverse-send'];
      [this.relayNamespace, this.hybridConnection, this.listenerRuleName] = [relayNamespace, hc, props.listenerRuleName ?? 'onprem-listen'];
      this.authorizationRule = hc.addSendOnlyRule('dataverse-send', sasKeyName, this);
      this.listenerRule = hc.addListenOnlyRule('listener', this.listenerRuleName, this);
      const listenerKey = new TerraformOutput(this, 'listener-key', {
        value: this.listenerRule.primaryKey,
        sensitive: true,
        description: `Listen-only key (rule ${this.listenerRuleName}) of hybrid connection ${path} in Relay namespace ${ns}, for the on-premises listener of ${this.node.path}`,
      });
      this.listenerKeyOutputName = TerraformStack.of(this).getLogicalId(listenerKey);
      annotate(
        this,
        'info',
        `The on-premises listener connects to hybrid connection ${path} in Relay namespace ${ns} with rule ${this.listenerRuleName} (Listen only); its key is in the sensitive output ${this.listenerKeyOutputName}. Dataverse gets a Send-only key on the hybrid connection only.`,
      );
      // Microsoft's procedure ("Register a Dataverse service endpoint"): Path = the hybrid connection
      // name, and that path added to the end of the namespace address (the https address senders post to).
      const namespaceAddress = `https://${relayNamespace.fullyQualifiedNamespace}/${path}`;
      target = { contract: ServiceEndpointContract.REST, namespaceName: ns, path, namespaceAddress, sasKeyName, sasKey: this.authorizationRule.primaryKey };
    }
    [this.contract, this.namespaceName, this.relayPath] = [target.contract, target.namespaceName, target.path];
    const binding = bindOutbound(this, 'RelayIntegration', props, {
      defaultDescription: `Azure Relay for ${this.node.path} (cdktf-dataverse)`,
      contract: this.contract,
      authType: ServiceEndpointAuthType.SAS_KEY,
      messageFormat: props.messageFormat ?? MessageFormat.JSON,
      namespaceAddress: target.namespaceAddress,
      solutionNamespace: this.namespaceName,
      path: this.relayPath,
      sasKeyName: target.sasKeyName,
      sasKey: target.sasKey,
    });
    [this.endpoint, this.steps, this.secretOutputName] = [binding.endpoint, binding.steps, binding.secretOutputName];
    monitorRelay(this, props, this.hybridConnection, this.relayNamespace instanceof RelayNamespace ? this.relayNamespace : undefined);
    addValidator(this, (problems) => this.validate(problems, props));
  }

  /**
   * Lets a principal listen on the hybrid connection with Entra ID instead of the Listen-only key:
   * adds "Azure Relay Listener" scoped to it, and returns the role assignment (the first one, when repeated).
   */
  public grantListen(principalId: string, options: GrantOptions = {}): RoleAssignment {
    if (!this.hybridConnection) {
      throw new Error(
        `${this.node.path}: grantListen needs a hybrid connection, and this integration points at an existing WCF relay (existingWcfRelay), which azurerm does not manage. Fix: grant "Azure Relay Listener" on that relay outside this construct.`,
      );
    }
    return this.hybridConnection.grantListen(principalId, options);
  }

  private validate(problems: Problems, props: RelayIntegrationProps): void {
    const [wcf, hc] = [props.existingWcfRelay, props.existingHybridConnection];
    checkExistingOrNew(problems, [
      ['existingNamespace', props.existingNamespace, 'namespaceOptions', props.namespaceOptions],
      ['existingHybridConnection', hc, 'namespaceOptions', props.namespaceOptions],
      ['existingHybridConnection', hc, 'existingNamespace', props.existingNamespace],
      ['existingHybridConnection', hc, 'hybridConnection', props.hybridConnection],
      ['existingWcfRelay', wcf, 'namespaceOptions', props.namespaceOptions],
      ['existingWcfRelay', wcf, 'existingNamespace', props.existingNamespace],
      ['existingWcfRelay', wcf, 'hybridConnection', props.hybridConnection],
      ['existingWcfRelay', wcf, 'existingHybridConnection', hc],
      ['existingWcfRelay', wcf, 'authorizationRuleName', props.authorizationRuleName],
      ['existingWcfRelay', wcf, 'listenerRuleName', props.listenerRuleName],
    ]);
    if (wcf) return checkWcfRelay(problems, wcf);
    const [send, listen] = [this.authorizationRule!.ruleName, this.listenerRuleName!];
    // Each rule checks its own name (HybridConnectionRule); the pair is this pattern's rule.
    if (!isUnresolved(send) && !isUnresolved(listen)) {
      problems.check(
        send.toLowerCase() !== listen.toLowerCase(),
        `authorizationRuleName and listenerRuleName are both ${quote(send)}: Dataverse (Send) and the listener (Listen) need separate rules. Fix: give them different names.`,
      );
    }
  }
}
