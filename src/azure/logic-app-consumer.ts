import { LogicAppConsumerOptions } from './logic-app';
import { ResourceGroupReference } from './resource-group';

/** Properties of addLogicAppConsumer. */
export interface ServiceBusLogicAppConsumerProps extends LogicAppConsumerOptions {
  /**
   * Resource group of the workflow and its connection.
   * @default - the integration's resource group (required for a subscription that was imported)
   */
  readonly resourceGroup?: ResourceGroupReference;
  /**
   * Tags of the workflow and the connection.
   * @default - the integration's tags
   */
  readonly tags?: { [key: string]: string };
}
