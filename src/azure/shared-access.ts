/**
 * A shared access (SAS) authorization rule on one messaging entity (queue, topic, event hub,
 * hybrid connection): what a sender that cannot use Entra ID gets. Dataverse service endpoints
 * authenticate this way only, so every messaging block offers `addSendOnlyRule`.
 */
export interface ISharedAccessRule {
  /** Rule name (the SAS key name). */
  readonly ruleName: string;
  /** Primary key: a sensitive Terraform reference, never a literal. */
  readonly primaryKey: string;
}
