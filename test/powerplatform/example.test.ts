import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { buildPowerPlatformStack } from '../../examples/powerplatform';
import { resourcesOf } from '../helpers';

describe('examples/powerplatform.ts', () => {
  it('synthesizes a stack whose registrations are powerplatform_rest resources', () => {
    const stack = buildPowerPlatformStack(Testing.app());
    const synth = JSON.parse(Testing.synth(stack, true));
    const rests = Object.values(resourcesOf(synth, 'powerplatform_rest')) as any[];
    // endpoint, two steps, one image
    expect(rests.map((r) => r.create.url.replace(/\(.*$/, '').split('/').pop()).sort()).toEqual([
      'sdkmessageprocessingstepimages',
      'sdkmessageprocessingsteps',
      'sdkmessageprocessingsteps',
      'serviceendpoints',
    ]);
    expect(synth.provider.powerplatform).toEqual([{ use_cli: true }]);
    expect(Object.keys(synth.data.powerplatform_data_records)).toHaveLength(4);
  });
});
