import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { LogAnalyticsStorageInsights } from '@cdktf/provider-azurerm/lib/log-analytics-storage-insights';
import { ServicePlan } from '@cdktf/provider-azurerm/lib/service-plan';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Build, COVERAGE_CASES, account, containerWithInsights, plan, privateEndpoint, rg, secret, storage, vault } from './cases';
import { DEFAULT_STACKS, defaultApp } from './default-stacks';
import { CHECKOV_FINDINGS, FIXED_BY_DEFAULT, PENDING_SUPPRESSIONS, isPendingSuppression } from './findings';
import { DataversePolicyChecks } from '../../../src';
import { newStack } from '../../helpers';

/**
 * Findings of the pack on a default synth that checkov does not raise, because the pack's rule
 * covers more resource types than checkov's check (checkov's function-app checks list only
 * azurerm_function_app, linux/windows_function_app and slots, not the Flex Consumption app).
 */
const STRICTER_THAN_CHECKOV = [{ ruleId: 'CKV_AZURE_221', resourceType: 'azurerm_function_app_flex_consumption' }];

const typeOf = (address: string) => address.split('.')[0];

/** Value at a `/` path of blocks (objects or one-element lists) and attributes. */
function valueAt(config: any, attributePath: string): unknown {
  return attributePath.split('/').reduce((current, part) => {
    const next = Array.isArray(current) ? current[0] : current;
    return next === undefined || next === null ? undefined : next[part];
  }, config);
}

describe('checkov coverage of the default synth of every pattern', () => {
  const reports: Record<string, any> = {};
  const templates: Record<string, any> = {};

  beforeAll(() => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkov-coverage-'));
    defaultApp(outdir).app.synth();
    for (const name of Object.keys(DEFAULT_STACKS)) {
      const dir = path.join(outdir, 'stacks', name);
      reports[name] = JSON.parse(fs.readFileSync(path.join(dir, 'policy-report.json'), 'utf8'));
      templates[name] = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
    }
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it('names every check of the analysis either as a rule of the pack or as fixed by a default', () => {
    const ruleIds = new Set(DataversePolicyChecks.rules().map((r) => r.id));
    const fixed = new Set(FIXED_BY_DEFAULT.map((f) => f.id));
    const uncovered = CHECKOV_FINDINGS.filter((f) => !ruleIds.has(f.id) && !fixed.has(f.id)).map((f) => f.id);
    expect(uncovered).toEqual([]);
    expect(CHECKOV_FINDINGS.length).toBe(23);
    expect(new Set(CHECKOV_FINDINGS.map((f) => f.id)).size).toBe(CHECKOV_FINDINGS.length);
  });

  it("reports every finding of the analysis in the default synth's policy-report.json, unless a default fixes it", () => {
    const missing: string[] = [];
    for (const finding of CHECKOV_FINDINGS) {
      for (const stack of finding.stacks) {
        const reported = reports[stack].findings.some((f: any) => f.ruleId === finding.id && typeOf(f.address) === finding.resourceType);
        const fix = FIXED_BY_DEFAULT.find((f) => f.id === finding.id && (f.stacks ?? finding.stacks).includes(stack));
        if (!reported && !fix) {
          missing.push(
            `${finding.id} on ${finding.resourceType} in '${stack}' is no longer reported: add it to FIXED_BY_DEFAULT (test/policy/checkov/findings.ts) with the default it relies on`,
          );
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('backs every FIXED_BY_DEFAULT entry by the synthesized attribute on every resource the analysis found failing', () => {
    for (const fix of FIXED_BY_DEFAULT) {
      const finding = CHECKOV_FINDINGS.find((f) => f.id === fix.id);
      expect(finding, fix.id).toBeDefined();
      expect(fix.default.length, fix.id).toBeGreaterThan(10);
      for (const stack of fix.stacks ?? finding!.stacks) {
        const resources = Object.values(templates[stack].resource?.[finding!.resourceType] ?? {});
        expect(resources.length, `${fix.id} ${stack}`).toBeGreaterThan(0);
        for (const config of resources) expect(valueAt(config, fix.path), `${fix.id} ${stack} ${fix.path}`).not.toBeUndefined();
      }
    }
  });

  it('finds nothing the analysis missed: every other checkov-id finding is one the pack checks more strictly than checkov', () => {
    const unexpected: string[] = [];
    for (const [stack, report] of Object.entries(reports)) {
      for (const f of report.findings as any[]) {
        if (!f.ruleId.startsWith('CKV')) continue;
        const type = typeOf(f.address);
        const listed = CHECKOV_FINDINGS.some((c) => c.id === f.ruleId && c.resourceType === type && c.stacks.includes(stack));
        const stricter = STRICTER_THAN_CHECKOV.some((s) => s.ruleId === f.ruleId && s.resourceType === type);
        if (!listed && !stricter) unexpected.push(`${stack}: ${f.ruleId} ${f.address}`);
      }
    }
    expect(unexpected).toEqual([]);
  });

  it('leaves open only the findings whose suppressions are pending, and every pending one still occurs', () => {
    const open = Object.entries(reports).flatMap(([stack, r]) => (r.findings as any[]).filter((f) => !f.suppression).map((f) => ({ stack, ...f })));
    expect(open.filter((f) => !isPendingSuppression(f)).map((f) => `${f.stack}: ${f.ruleId} ${f.path}`)).toEqual([]);
    for (const pending of PENDING_SUPPRESSIONS) {
      const occurs = open.some((f) => f.ruleId === pending.ruleId && typeOf(f.address) === pending.resourceType);
      expect(occurs, `${pending.ruleId} on ${pending.resourceType} is suppressed or fixed now: remove it from PENDING_SUPPRESSIONS`).toBe(true);
    }
  });
});

/** Synthesizes `build` in a fresh stack and returns what the report says about one rule. */
function evaluate(ruleId: string, build: Build) {
  const { stack, dataverse } = newStack({ diagram: false });
  build(new Construct(stack, 'subject'), dataverse);
  Testing.synth(stack);
  const report = DataversePolicyChecks.reportOf(stack);
  const rule = report.rules.find((r) => r.id === ruleId)!;
  expect(rule, `rule ${ruleId} exists`).toBeDefined();
  return { rule, findings: report.findings.filter((f) => f.ruleId === ruleId && f.path.startsWith('test/subject')) };
}

describe('the checkov-coverage rules', () => {
  describe.each(COVERAGE_CASES)('$rule', (c) => {
    it('passes the compliant resource', () => {
      const { rule, findings } = evaluate(c.rule, c.compliant);
      expect(rule.evaluated).toBeGreaterThanOrEqual(1);
      expect(rule.nonCompliant).toBe(0);
      expect(findings).toEqual([]);
    });

    it('flags the non-compliant resource, with the value and the fix', () => {
      const { findings } = evaluate(c.rule, c.nonCompliant);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ level: c.level });
      expect(findings[0].detail.length).toBeGreaterThan(15);
      expect(findings[0].fix.length).toBeGreaterThan(15);
    });

    it('is documented in the README with its level', () => {
      const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
      expect(readme).toMatch(new RegExp(`\\| \`${c.rule}\` \\| ${c.level} \\|`));
    });
  });

  it('does not apply where checkov cannot judge the value (a Terraform expression) or to other resource types', () => {
    const variable = (s: Construct, type: string) => new TerraformVariable(s, 'input', { type });
    const expressions: Array<[string, Build]> = [
      ['CKV2_AZURE_41', (s, d) => storage({ sharedAccessKeyEnabled: variable(s, 'bool').booleanValue })(s, d)],
      ['CKV_AZURE_109', (s, d) => vault({ networkAcls: { defaultAction: variable(s, 'string').stringValue, bypass: 'AzureServices' } })(s, d)],
      ['CKV_AZURE_189', (s, d) => vault({ publicNetworkAccessEnabled: variable(s, 'bool').booleanValue })(s, d)],
      ['CKV_AZURE_212', (s, d) => plan({ workerCount: variable(s, 'number').numberValue })(s, d)],
    ];
    for (const [id, build] of expressions) expect(evaluate(id, build).rule, id).toMatchObject({ evaluated: 0, nonCompliant: 0 });
    // A stack without the resource type: nothing checked.
    const unrelated: Build = (s) => new ServicePlan(s, 'plan', { name: 'p', osType: 'Linux', skuName: 'P1v3', zoneBalancingEnabled: true, workerCount: 3, ...rg });
    for (const id of ['CKV2_AZURE_1', 'CKV2_AZURE_21', 'CKV2_AZURE_32', 'CKV2_AZURE_33', 'CKV2_AZURE_38', 'CKV2_AZURE_41', 'CKV_AZURE_41', 'CKV_AZURE_109', 'CKV_AZURE_189']) {
      expect(evaluate(id, unrelated).rule.evaluated, id).toBe(0);
    }
    const noPlan: Build = (s) => new KeyVault(s, 'kv', { name: 'kv', skuName: 'standard', tenantId: 't', ...rg, publicNetworkAccessEnabled: false });
    for (const id of ['CKV_AZURE_212', 'CKV_AZURE_225']) expect(evaluate(id, noPlan).rule.evaluated, id).toBe(0);
  });

  it("CKV2_AZURE_41 follows checkov: Shared Key off passes, unset fails even with a SAS policy (the provider's default is on)", () => {
    expect(evaluate('CKV2_AZURE_41', storage({ sharedAccessKeyEnabled: false })).rule).toMatchObject({ compliant: 1, nonCompliant: 0 });
    const unset = evaluate('CKV2_AZURE_41', storage({ sasPolicy: { expirationPeriod: '1.00:00:00' } }));
    expect(unset.findings[0].detail).toContain('shared_access_key_enabled is not set');
    expect(evaluate('CKV2_AZURE_41', storage({ sharedAccessKeyEnabled: true })).findings[0].detail).toContain('sas_policy.expiration_period is not set');
  });

  it('CKV2_AZURE_38: any delete_retention_policy block passes, none fails, FileStorage fails with the reason to suppress', () => {
    expect(evaluate('CKV2_AZURE_38', storage({ blobProperties: { deleteRetentionPolicy: {} } })).rule).toMatchObject({ compliant: 1 });
    expect(evaluate('CKV2_AZURE_38', storage({})).findings[0].detail).toBe('blob_properties.delete_retention_policy is not set: deleted blobs are gone at once');
    const files = evaluate('CKV2_AZURE_38', storage({ accountKind: 'FileStorage', accountTier: 'Premium', accountReplicationType: 'ZRS' }));
    expect(files.findings[0].detail).toContain('FileStorage');
  });

  it('CKV2_AZURE_21: storage insights without blob containers, an unset or public access type, or an account outside the stack fail', () => {
    const tablesOnly = evaluate('CKV2_AZURE_21', (s) => {
      const sa = account(s);
      new StorageContainer(s, 'container', { name: 'data', storageAccountId: sa.id, containerAccessType: 'private' });
      new LogAnalyticsStorageInsights(s, 'insights', { name: 'i', resourceGroupName: 'rg', workspaceId: 'w', storageAccountId: sa.id, storageAccountKey: 'k', tableNames: ['t'] });
    });
    expect(tablesOnly.findings[0].detail).toContain('blob_container_names');
    expect(evaluate('CKV2_AZURE_21', containerWithInsights(true, null)).findings[0].detail).toBe("container_access_type is not set (checkov requires 'private' or 'blob')");
    expect(evaluate('CKV2_AZURE_21', containerWithInsights(true, 'container')).findings[0].detail).toContain("'container'");
    expect(evaluate('CKV2_AZURE_21', containerWithInsights(true, 'blob')).rule).toMatchObject({ compliant: 1, nonCompliant: 0 });
    const imported = evaluate('CKV2_AZURE_21', (s) => {
      new StorageContainer(s, 'container', {
        name: 'data',
        storageAccountId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st',
        containerAccessType: 'private',
      });
    });
    expect(imported.findings[0].detail).toContain('refers to no storage account of this stack');
  });

  it('CKV2_AZURE_33 and CKV2_AZURE_32: a private endpoint for another resource does not count', () => {
    const elsewhere = evaluate('CKV2_AZURE_33', (s) => {
      account(s);
      const other = new StorageAccount(s, 'other', { name: 'stother', accountTier: 'Standard', accountReplicationType: 'GZRS', ...rg });
      privateEndpoint(s, other.id, 'blob');
    });
    expect(elsewhere.rule).toMatchObject({ evaluated: 2, compliant: 1, nonCompliant: 1 });
    expect(elsewhere.findings.map((f) => f.path)).toEqual(['test/subject/sa']);
    const literal = evaluate('CKV2_AZURE_32', (s, d) => {
      vault({})(s, d);
      privateEndpoint(s, '/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-policy-test', 'vault');
    });
    expect(literal.rule).toMatchObject({ nonCompliant: 1 });
  });

  it('CKV_AZURE_189 passes with ip rules or subnets; CKV_AZURE_109 compares Deny exactly, as checkov does', () => {
    expect(evaluate('CKV_AZURE_189', vault({ networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: ['203.0.113.0/24'] } })).rule).toMatchObject({ compliant: 1 });
    expect(evaluate('CKV_AZURE_189', vault({ networkAcls: { defaultAction: 'Deny', bypass: 'None', virtualNetworkSubnetIds: ['subnet-id'] } })).rule).toMatchObject({
      compliant: 1,
    });
    expect(evaluate('CKV_AZURE_189', vault({})).findings[0].detail).toBe('public_network_access_enabled is not set and network_acls lists no ip_rules or subnets');
    expect(evaluate('CKV_AZURE_109', vault({})).findings[0].detail).toBe('network_acls is not set: the vault accepts every network');
    expect(evaluate('CKV_AZURE_109', vault({ networkAcls: { defaultAction: 'deny', bypass: 'AzureServices' } })).findings[0].detail).toBe("network_acls.default_action is 'deny'");
  });

  it('CKV_AZURE_41 accepts any date, an expression too (checkov passes any value), and fails an empty one', () => {
    expect(
      evaluate('CKV_AZURE_41', (s, d) => {
        const other = new KeyVaultSecret(s, 'other', { name: 'o', keyVaultId: 'kv', value: 'x', expirationDate: '2027-01-01T00:00:00Z' });
        secret({ expirationDate: other.expirationDate })(s, d);
      }).rule,
    ).toMatchObject({ compliant: 2, nonCompliant: 0 });
    expect(evaluate('CKV_AZURE_41', secret({ expirationDate: '' })).findings[0].detail).toBe('expiration_date is not set: the secret never expires');
  });

  it('CKV_AZURE_212 and CKV_AZURE_225 fail the Flex Consumption plan the way checkov does (unset attributes)', () => {
    const flex = plan({ skuName: 'FC1' });
    expect(evaluate('CKV_AZURE_212', flex).findings[0].detail).toBe('worker_count is not set: one instance, no failover');
    expect(evaluate('CKV_AZURE_225', flex).findings[0].detail).toBe('zone_balancing_enabled is not set');
  });
});
