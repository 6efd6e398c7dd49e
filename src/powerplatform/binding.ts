// What every hand-written Power Platform binding (resource or data source) passes to its cdktf base
// class: its type, the provider's generator metadata and the meta-arguments. Not exported from
// src/index.ts.
import { TerraformMetaArguments } from 'cdktf';
import { PowerPlatformProvider } from './provider';

/** The base-class config of a binding of `type`, with the meta-arguments of `config`. @internal */
export function bindingBase(type: string, config: TerraformMetaArguments) {
  return {
    terraformResourceType: type,
    terraformGeneratorMetadata: {
      providerName: PowerPlatformProvider.TF_RESOURCE_TYPE,
      providerVersion: PowerPlatformProvider.VERSION_CONSTRAINT,
    },
    provider: config.provider,
    dependsOn: config.dependsOn,
    count: config.count,
    lifecycle: config.lifecycle,
    forEach: config.forEach,
  };
}
