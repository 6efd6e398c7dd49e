/**
 * Where the pattern's Azure resources go. A ResourceGroup, a data source of one, or plain strings
 * all fit: `{ name: 'rg-orders', location: 'westeurope' }`.
 */
export interface ResourceGroupReference {
  /** Resource group name. */
  readonly name: string;
  /** Azure region of the created resources, e.g. `westeurope`. */
  readonly location: string;
}
