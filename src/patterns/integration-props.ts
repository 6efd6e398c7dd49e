import { ResourceGroupReference } from '../azure/resource-group';
import { DataverseEnvironment } from '../dataverse/environment';

/** Properties every pattern shares. Each pattern's props extend this struct. */
export interface IntegrationBaseProps {
  /** The Dataverse environment the integration registers in (and that sends or receives its messages). */
  readonly dataverse: DataverseEnvironment;
  /** Resource group (name and location) of the created Azure resources. */
  readonly resourceGroup: ResourceGroupReference;
  /**
   * Tags of the created Azure resources, checked against Azure's tag rules at synth.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}
