/** Options of a grant* method. */
export interface GrantOptions {
  /**
   * Construct id of the role assignment, unique within the pattern.
   * @default - derived from the principal id (or its position, when the id is a Terraform reference)
   */
  readonly id?: string;
  /**
   * `principal_type` of the role assignment: `User`, `Group` or `ServicePrincipal`. Set it for
   * principals created in the same deployment, to avoid Entra ID replication delays.
   * @default - Azure looks it up
   */
  readonly principalType?: string;
  /**
   * Description of the role assignment.
   * @default - names the pattern
   */
  readonly description?: string;
}
