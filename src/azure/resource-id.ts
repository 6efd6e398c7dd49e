import { Fn, Token } from 'cdktf';

const RESOURCE_GROUP_IN_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/[^/]+$/i;

/**
 * The resource group name inside an Azure resource id
 * (`/subscriptions/<s>/resourceGroups/<rg>/providers/<rp>/<type>/<name>`).
 * A literal id is parsed now (undefined when it is not a top-level resource id); a Terraform
 * reference gives a Terraform expression that splits it at apply time.
 * @internal
 */
export function resourceGroupOfId(id: string): string | undefined {
  if (Token.isUnresolved(id)) return idSegment(id, 4);
  const m = RESOURCE_GROUP_IN_ID.exec(id);
  return m ? m[1] : undefined;
}

/**
 * The resource name inside a top-level resource id (the last segment); for a Terraform reference,
 * an expression that splits it at apply time.
 * @internal
 */
export function resourceNameOfId(id: string): string {
  return idSegment(id, 8);
}

/** Segment `index` of a resource id split at '/': now for a literal, at apply time for a reference. */
function idSegment(id: string, index: number): string {
  return Token.isUnresolved(id) ? Fn.element(Fn.split('/', id), index) : id.split('/')[index];
}

/** Whether a literal id looks like the id of a top-level resource of `type` ('Microsoft.EventHub/namespaces'). @internal */
export function isResourceIdOf(id: string, type: string): boolean {
  const m = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/([^/]+\/[^/]+)\/[^/]+$/i.exec(id);
  return m !== null && m[1].toLowerCase() === type.toLowerCase();
}
