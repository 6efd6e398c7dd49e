import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { DataPowerPlatformDataRecords, PowerPlatformProvider, PowerPlatformRest } from '../../src';

function stack() {
  return new TerraformStack(Testing.app(), 'bindings');
}

/** How a token renders in cdk.tf.json (through an output). */
function rendered(s: TerraformStack, value: string): string {
  const id = `probe${s.node.children.length}`;
  new TerraformOutput(s, id, { value });
  return JSON.parse(Testing.synth(s)).output[id].value;
}

describe('PowerPlatformProvider', () => {
  it('accepts microsoft/power-platform 3.9.0 up to 5.0.0 in required_providers (the 3.x and 4.x majors)', () => {
    const s = stack();
    new PowerPlatformProvider(s, 'pp');
    const synth = JSON.parse(Testing.synth(s));
    expect(synth.terraform.required_providers.powerplatform).toEqual({ source: 'microsoft/power-platform', version: '>= 3.9.0, < 5.0.0' });
    expect(synth.provider.powerplatform).toEqual([{}]);
    expect(PowerPlatformProvider.VERSION_CONSTRAINT).toBe('>= 3.9.0, < 5.0.0');
  });

  it('the constraint admits 3.9.0, 3.9.1, 4.0.0 and 4.1.0 and refuses 3.8.x and 5.0.0 (Terraform constraint semantics)', () => {
    // Terraform's ">= a, < b": every comma-separated condition must hold.
    const parts = PowerPlatformProvider.VERSION_CONSTRAINT.split(',').map((c) => c.trim().match(/^(>=|<|<=|>|=)\s*(\d+)\.(\d+)\.(\d+)$/)!);
    expect(parts.every((p) => p !== null)).toBe(true);
    const cmp = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    const ok = (v: string) => {
      const n = v.split('.').map(Number);
      return parts.every(([, op, ...b]) => {
        const c = cmp(n, b.map(Number));
        return op === '>=' ? c >= 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c === 0;
      });
    };
    expect(['3.9.0', '3.9.1', '4.0.0', '4.1.0', '4.99.0'].filter(ok)).toEqual(['3.9.0', '3.9.1', '4.0.0', '4.1.0', '4.99.0']);
    expect(['3.8.9', '3.0.0', '5.0.0', '5.1.0'].filter(ok)).toEqual([]);
  });

  it('every binding (provider, powerplatform_rest, powerplatform_data_records) synthesizes the same constraint, so the stack has one required_providers entry', () => {
    const s = stack();
    new PowerPlatformProvider(s, 'pp');
    new PowerPlatformRest(s, 'r', { create: { scope: 's', method: 'POST', url: 'u' } });
    new DataPowerPlatformDataRecords(s, 'q', { environmentId: 'e', entityCollection: 'roles' });
    const synth = JSON.parse(Testing.synth(s));
    expect(Object.keys(synth.terraform.required_providers)).toEqual(['powerplatform']);
    expect(synth.terraform.required_providers.powerplatform.version).toBe('>= 3.9.0, < 5.0.0');
  });

  it('writes the settings under their schema names, and the alias', () => {
    const s = stack();
    new PowerPlatformProvider(s, 'pp', {
      alias: 'ci',
      useCli: false,
      useOidc: true,
      tenantId: 't',
      clientId: 'c',
      auxiliaryTenantIds: ['a1'],
      cloud: 'public',
      telemetryOptout: true,
      enableContinuousAccessEvaluation: true,
      azdoServiceConnectionId: 'sc',
    });
    const synth = JSON.parse(Testing.synth(s));
    expect(synth.provider.powerplatform).toEqual([
      {
        alias: 'ci',
        use_cli: false,
        use_oidc: true,
        tenant_id: 't',
        client_id: 'c',
        auxiliary_tenant_ids: ['a1'],
        cloud: 'public',
        telemetry_optout: true,
        enable_continuous_access_evaluation: true,
        azdo_service_connection_id: 'sc',
      },
    ]);
  });

  it('recognises any provider of type powerplatform', () => {
    const s = stack();
    const p = new PowerPlatformProvider(s, 'pp');
    expect(PowerPlatformProvider.isPowerPlatformProvider(p)).toBe(true);
    expect(PowerPlatformProvider.isPowerPlatformProvider(s)).toBe(false);
  });
});

describe('PowerPlatformRest', () => {
  it('writes the four request blocks with snake_case keys, and the timeouts', () => {
    const s = stack();
    new PowerPlatformProvider(s, 'pp');
    const op = (method: string) => ({
      scope: 'https://x.crm.dynamics.com/.default',
      method,
      url: 'https://x.crm.dynamics.com/api/data/v9.2/accounts(1)',
      body: '{}',
      headers: [{ name: 'If-Match', value: '*' }],
      expectedHttpStatus: [204],
    });
    const rest = new PowerPlatformRest(s, 'rest', {
      create: op('PATCH'),
      update: op('PATCH'),
      read: op('GET'),
      destroy: op('DELETE'),
      timeouts: { create: '5m', deleteTimeout: '1m' },
    });
    const synth = JSON.parse(Testing.synth(s));
    const r = synth.resource.powerplatform_rest.rest;
    expect(r.create).toEqual({
      scope: 'https://x.crm.dynamics.com/.default',
      method: 'PATCH',
      url: 'https://x.crm.dynamics.com/api/data/v9.2/accounts(1)',
      body: '{}',
      headers: [{ name: 'If-Match', value: '*' }],
      expected_http_status: [204],
    });
    expect(r.read.method).toBe('GET');
    expect(r.destroy.method).toBe('DELETE');
    expect(r.timeouts).toEqual({ create: '5m', delete: '1m' });
    expect(rendered(s, rest.outputBody)).toBe('${powerplatform_rest.rest.output.body}');
    expect(rendered(s, rest.id)).toBe('${powerplatform_rest.rest.id}');
  });

  it('leaves out blocks and attributes that are not set', () => {
    const s = stack();
    new PowerPlatformProvider(s, 'pp');
    new PowerPlatformRest(s, 'rest', { create: { scope: 's', method: 'POST', url: 'u' } });
    const r = JSON.parse(Testing.synth(s)).resource.powerplatform_rest.rest;
    expect(r).toEqual({ create: { scope: 's', method: 'POST', url: 'u' } });
  });
});

describe('DataPowerPlatformDataRecords', () => {
  it('writes the query under its schema names and reads a row column', () => {
    const s = stack();
    new PowerPlatformProvider(s, 'pp');
    const q = new DataPowerPlatformDataRecords(s, 'roles', {
      environmentId: '00000000-0000-0000-0000-000000000001',
      entityCollection: 'roles',
      filter: "name eq 'System Administrator'",
      selectColumns: ['roleid'],
      orderBy: 'name asc',
      top: 2,
    });
    const synth = JSON.parse(Testing.synth(s));
    expect(synth.data.powerplatform_data_records.roles).toEqual({
      environment_id: '00000000-0000-0000-0000-000000000001',
      entity_collection: 'roles',
      filter: "name eq 'System Administrator'",
      select: ['roleid'],
      order_by: 'name asc',
      top: 2,
    });
    expect(rendered(s, q.rowValue(0, 'roleid'))).toBe('${data.powerplatform_data_records.roles.rows[0].roleid}');
  });
});
