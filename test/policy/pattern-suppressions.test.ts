import * as path from 'path';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { CustomApiGateway, DataversePolicyChecks, EventHubFanout, WebhookFunction } from '../../src';
import { newStack } from '../helpers';
import { isPendingSuppression } from './checkov/findings';

const steps = [{ table: 'account', message: 'Create' }];
const CODE = path.join(__dirname, '..', '..', 'examples', 'functions', 'validate-account');

/** Rule ids suppressed in the stack (each with the number of findings it accepted), and open findings. */
function outcome(stack: ReturnType<typeof newStack>['stack']) {
  Testing.synth(stack);
  const report = DataversePolicyChecks.reportOf(stack);
  return {
    suppressed: Object.fromEntries(report.suppressions.map((s) => [s.ruleId, s.used])),
    // Pending: the new checkov-coverage findings, until the patterns suppress them (test/policy/checkov/findings.ts).
    open: report.findings.filter((f) => !f.suppression && !isPendingSuppression(f)).map((f) => `${f.ruleId} ${f.path}`),
    reasons: report.suppressions.map((s) => s.reason),
  };
}

describe("the patterns' reasoned suppressions", () => {
  it('EventHubFanout: local auth always, public access only while it is on', () => {
    const on = newStack({ diagram: false });
    new EventHubFanout(on.stack, 'changes', { dataverse: on.dataverse, resourceGroup: on.rg, steps });
    const a = outcome(on.stack);
    expect(a.suppressed).toEqual({ DV_EVENTHUB_LOCAL_AUTH: 1, DV_EVENTHUB_PUBLIC_ACCESS: 1 });
    expect(a.open).toEqual([]);

    const off = newStack({ diagram: false });
    new EventHubFanout(off.stack, 'changes', { dataverse: off.dataverse, resourceGroup: off.rg, steps, namespaceOptions: { publicNetworkAccessEnabled: false } });
    const b = outcome(off.stack);
    expect(b.suppressed).toEqual({ DV_EVENTHUB_LOCAL_AUTH: 1 });
    expect(b.open).toEqual([]);
  });

  it('EventHubFanout with capture: the capture account is accepted with reasons', () => {
    const { stack, dataverse, rg } = newStack({ diagram: false });
    new EventHubFanout(stack, 'changes', { dataverse, resourceGroup: rg, steps, capture: {} });
    const r = outcome(stack);
    expect(r.suppressed).toMatchObject({ CKV2_AZURE_40: 1, CKV_AZURE_59: 1, CKV_AZURE_206: 1, CKV_AZURE_33: 1 });
    expect(r.open).toEqual([]);
  });

  it('WebhookFunction: public app, storage over its public endpoint by identity, LRS, no queue logging', () => {
    const { stack, dataverse, rg } = newStack({ diagram: false });
    new WebhookFunction(stack, 'validate', { dataverse, resourceGroup: rg, code: CODE, steps });
    const r = outcome(stack);
    expect(r.suppressed).toEqual({ CKV_AZURE_221: 1, CKV_AZURE_59: 1, CKV_AZURE_206: 1, CKV_AZURE_33: 1 });
    expect(r.open).toEqual([]);
  });

  it('CustomApiGateway: no virtual network, public access and subscription keys, each only while it applies', () => {
    const a = newStack({ diagram: false });
    new CustomApiGateway(a.stack, 'partners', { dataverse: a.dataverse, resourceGroup: a.rg, publisherName: 'Contoso', publisherEmail: 'integration@contoso.com' });
    const r = outcome(a.stack);
    expect(r.suppressed).toEqual({ CKV_AZURE_107: 1, CKV_AZURE_174: 1, CKV_AZURE_152: 1 });
    expect(r.open).toEqual([]);

    const b = newStack({ diagram: false });
    new CustomApiGateway(b.stack, 'partners', {
      dataverse: b.dataverse,
      resourceGroup: b.rg,
      publisherName: 'Contoso',
      publisherEmail: 'integration@contoso.com',
      apiManagement: { clientCertificateEnabled: true, publicNetworkAccessEnabled: false },
    });
    const s = outcome(b.stack);
    expect(s.suppressed).toEqual({ CKV_AZURE_107: 1 });
    expect(s.open).toEqual([]);
  });

  it('every reason says why, at length', () => {
    const { stack, dataverse, rg } = newStack({ diagram: false });
    new EventHubFanout(stack, 'changes', { dataverse, resourceGroup: rg, steps });
    new WebhookFunction(stack, 'validate', { dataverse, resourceGroup: rg, code: CODE, steps });
    new CustomApiGateway(stack, 'partners', { dataverse, resourceGroup: rg, publisherName: 'Contoso', publisherEmail: 'integration@contoso.com' });
    for (const reason of outcome(stack).reasons) expect(reason.length).toBeGreaterThan(60);
  });
});
