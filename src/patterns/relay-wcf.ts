// A WCF relay (contract ONE_WAY or TWO_WAY) is not an azurerm resource: it exists while a WCF
// host listens on it (Microsoft Learn, "Write a listener application for an Azure solution").
// RelayIntegration only points a service endpoint at one; its checks live here.
import { checkName, NAME_RULES } from '../azure/naming';
import { Problems, isUnresolved, quote } from '../core/problems';
import { ServiceEndpointContract } from '../dataverse/enums';

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

const WCF_CONTRACTS = [ServiceEndpointContract.ONE_WAY, ServiceEndpointContract.TWO_WAY];

/** What the service endpoint of a WCF relay carries. @internal */
export interface WcfTarget {
  readonly contract: ServiceEndpointContract;
  readonly namespaceName: string;
  readonly path: string;
  readonly namespaceAddress: string;
  readonly sasKeyName: string;
  readonly sasKey: string;
}

/** The endpoint columns of a WCF relay reference; the namespace name given, or read from its address. @internal */
export function wcfTarget(wcf: WcfRelayReference): WcfTarget {
  const namespaceName = wcf.namespaceName ?? namespaceOfAddress(wcf.namespaceAddress) ?? wcf.namespaceAddress;
  return { contract: wcf.contract, namespaceName, path: wcf.path, namespaceAddress: wcf.namespaceAddress, sasKeyName: wcf.sasKeyName, sasKey: wcf.sasKey };
}

/** Reports what is wrong with a WCF relay reference (the key's literal-ness is the endpoint's check). @internal */
export function checkWcfRelay(problems: Problems, wcf: WcfRelayReference): void {
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
