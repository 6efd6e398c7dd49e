// Manifests the command line refuses before the first request (issue 13): Terraform-owned
// (Power Platform provider mode), duplicate or non-GUID ids, no app identity.
import * as fs from 'fs';
import { describe, expect, it } from 'vitest';
import { FakeDataverse } from './fake-dataverse';
import { cli, orders } from './harness';
import { fakePerTest } from './per-test';
import { RegistrationMode } from '../../src';

let fake: FakeDataverse;
fakePerTest(
  (f) => (fake = f),
  () => fake,
);

const edit = (file: string, change: (m: any) => void) => {
  const m = JSON.parse(fs.readFileSync(file, 'utf8'));
  change(m);
  fs.writeFileSync(file, JSON.stringify(m));
};

describe('manifests refused before the first request', () => {
  it('a Power Platform provider mode manifest: Terraform applies it, the command line neither applies nor prunes it', async () => {
    const s = orders(undefined, { env: { registrationMode: RegistrationMode.POWER_PLATFORM_PROVIDER, environmentId: '00000000-0000-0000-0000-0000000000aa' } });
    expect(s.manifest.environment.registrationMode).toBe('power-platform-provider');
    for (const command of ['plan', 'apply', 'prune']) {
      const r = await cli(fake, [command, ...(command === 'prune' ? ['--manifest', s.dir] : s.args)]);
      expect(r.code).toBe(1);
      expect(r.errors()).toContain("is registered by Terraform: its environment has registrationMode 'power-platform-provider', so 'cdktf deploy' applies these records");
      expect(r.errors()).toContain('the command line neither applies nor prunes them');
    }
    expect(fake.httpRequests).toBe(0);
  });

  it('duplicate ids and ids that are not GUIDs, all in one error', async () => {
    const s = orders([
      { table: 'salesorder', message: 'Create' },
      { table: 'salesorder', message: 'Update' },
    ]);
    edit(s.manifestFile, (m) => {
      m.records[2].id = m.records[1].id;
      m.records[0].id = 'not-a-guid';
      m.records[1].references[0].id = "x') or (1 eq 1";
    });
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(1);
    const text = r.errors();
    expect(text).toContain('is not a valid registration manifest; nothing was sent');
    expect(text).toContain("records[0] (test/orders/endpoint): id 'not-a-guid' is not a GUID");
    expect(text).toMatch(/records\[2\] \(test\/orders\/[^)]+\): id [0-9a-f-]{36} is also the id of test\/orders\//);
    expect(text).toContain(`reference eventhandler points to 'x') or (1 eq 1', which is not a GUID`);
    expect(fake.httpRequests).toBe(0);
  });

  it('an entity set that is not a name never reaches a URL', async () => {
    const s = orders();
    edit(s.manifestFile, (m) => (m.records[0].entitySet = 'serviceendpoints(00000000-0000-0000-0000-000000000000)/x'));
    const r = await cli(fake, ['plan', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain("entitySet 'serviceendpoints(00000000-0000-0000-0000-000000000000)/x' is not a logical name");
    expect(fake.httpRequests).toBe(0);
  });

  it('a manifest without app identity (written before it existed) is refused with the fix', async () => {
    const s = orders();
    edit(s.manifestFile, (m) => delete m.appId);
    const r = await cli(fake, ['apply', ...s.args]);
    expect(r.code).toBe(1);
    expect(r.errors()).toContain('names no app identity (appId undefined)');
    expect(r.errors()).toContain('Fix: synthesize again with this version of cdktf-dataverse');
    expect(fake.httpRequests).toBe(0);
  });
});
