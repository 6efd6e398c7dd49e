// The app identity in the manifest (DataverseEnvironment appId, else cdktf.json's projectId): the
// command line keys the ownership record on it (issue 13).
import * as fs from 'fs';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataverseEnvironment, RegistrationMode, ServiceEndpoint, ServiceEndpointAuthType, ServiceEndpointContract } from '../../src';
import { tempDir, validationErrors } from '../helpers';

afterEach(() => vi.restoreAllMocks());

/** Runs `fn` as if synth ran in `dir` (the folder `cdktf synth` runs the app in). */
function inFolder<T>(dir: string, fn: () => T): T {
  vi.spyOn(process, 'cwd').mockReturnValue(dir);
  return fn();
}

function env(props: { appId?: string; registrationMode?: RegistrationMode; environmentId?: string } = {}) {
  const stack = new TerraformStack(Testing.app(), 's');
  const dataverse = new DataverseEnvironment(stack, 'dataverse', { url: 'https://contoso.crm4.dynamics.com', solutionUniqueName: 'S', ...props });
  return { stack, dataverse };
}

describe('DataverseEnvironment app identity', () => {
  it('default: the projectId of cdktf.json in the folder synth runs in', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'npx tsx main.ts', projectId: '6f1d2c1e-5d7b-4a7e-9f1a-1c2b3d4e5f60' }));
    const { stack, dataverse } = inFolder(dir, () => env());
    expect(dataverse.appId).toBe('6f1d2c1e-5d7b-4a7e-9f1a-1c2b3d4e5f60');
    expect(dataverse.toManifest().appId).toBe('6f1d2c1e-5d7b-4a7e-9f1a-1c2b3d4e5f60');
    expect(validationErrors(stack)).toEqual([]);
  });

  it('an explicit appId wins over cdktf.json', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ projectId: 'from-cdktf-json' }));
    const { dataverse } = inFolder(dir, () => env({ appId: 'contoso-orders' }));
    expect(dataverse.toManifest().appId).toBe('contoso-orders');
  });

  it('neither appId nor cdktf.json: a synth error naming the construct, the folder and the fix', () => {
    const dir = tempDir();
    const { stack } = inFolder(dir, () => env());
    const errors = inFolder(dir, () => validationErrors(stack));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('[s/dataverse]');
    expect(errors[0]).toContain(`no app identity`);
    expect(errors[0]).toContain(path.join(dir, 'cdktf.json'));
    expect(errors[0]).toContain('Fix: set appId on the DataverseEnvironment');
  });

  it('a cdktf.json without projectId counts as none; in provider mode no app identity is needed', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript' }));
    const manifestMode = inFolder(dir, () => env());
    expect(validationErrors(manifestMode.stack).join('\n')).toContain('no app identity');
    const provider = inFolder(dir, () => env({ registrationMode: RegistrationMode.POWER_PLATFORM_PROVIDER, environmentId: '00000000-0000-0000-0000-0000000000aa' }));
    expect(provider.dataverse.toManifest().appId).toBeUndefined();
    expect(validationErrors(provider.stack).filter((e) => e.includes('app identity'))).toEqual([]);
  });

  it.each([
    ['has|pipe', "appId 'has|pipe' is not an app identity"],
    ['', "appId '' is not an app identity"],
    ['x'.repeat(101), 'is not an app identity'],
  ])('rejects the appId %s', (appId, message) => {
    const { stack } = env({ appId });
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it('an unusable cdktf.json is an error that names the file', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'cdktf.json'), '{ not json');
    const broken = inFolder(dir, () => env());
    expect(validationErrors(broken.stack).join('\n')).toContain(`${path.join(dir, 'cdktf.json')}' is not JSON`);
    fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ projectId: 'a b' }));
    const badId = inFolder(dir, () => env());
    expect(validationErrors(badId.stack).join('\n')).toContain("the projectId 'a b' of");
  });

  it('record ids derive from the app identity: two apps with the same stack and construct names address different rows', () => {
    const build = (appId: string) => {
      const { stack, dataverse } = env({ appId });
      new ServiceEndpoint(stack, 'endpoint', {
        environment: dataverse,
        name: 'orders',
        contract: ServiceEndpointContract.WEBHOOK,
        authType: ServiceEndpointAuthType.WEBHOOK_KEY,
        url: 'https://func.example.org/api/hook',
        authValue: '${var.key}',
      });
      return dataverse.toManifest().records[0].id;
    };
    expect(build('contoso-orders')).toBe(build('contoso-orders'));
    expect(build('contoso-orders')).not.toBe(build('fabrikam-orders'));
  });
});
