/** How the records of a DataverseEnvironment reach Dataverse. */
export enum RegistrationMode {
  /**
   * Only `dataverse-registrations.json` is written; the cdktf-dataverse command line applies it
   * after `cdktf deploy`.
   */
  MANIFEST = 'manifest',
  /**
   * The records also become Terraform resources of the Power Platform provider
   * (`microsoft/power-platform`): one `cdktf deploy` registers them, `cdktf destroy` removes them.
   * The manifest is still written.
   */
  POWER_PLATFORM_PROVIDER = 'power-platform-provider',
}
