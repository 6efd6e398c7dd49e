// Property-based tests (fast-check) of the registration validators and of id determinism.
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProcessingStep, ServiceEndpoint, ServiceEndpointAuthType, ServiceEndpointContract, StepImageType, StepMode, StepStage } from '../../src';
import { nameBasedUuid } from '../../src/core/ids';
import { newStack, validationErrors } from '../helpers';

const V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RUNS = { numRuns: 60 };

const logicalName = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/);
const messageName = fc.constantFrom('Create', 'Update', 'Delete', 'Assign', 'SetState', 'contoso_Approve');
const stage = fc.constantFrom(StepStage.PRE_VALIDATION, StepStage.PRE_OPERATION, StepStage.POST_OPERATION);
const mode = fc.constantFrom(StepMode.SYNCHRONOUS, StepMode.ASYNCHRONOUS);
const contract = fc.constantFrom(
  ServiceEndpointContract.QUEUE,
  ServiceEndpointContract.TOPIC,
  ServiceEndpointContract.EVENT_HUB,
  ServiceEndpointContract.WEBHOOK,
  ServiceEndpointContract.ONE_WAY,
);

/** Validation errors of one step on a fresh endpoint of the given contract. */
function stepErrors(c: ServiceEndpointContract, step: { table: string; message: string; stage: StepStage; mode: StepMode; imageType?: StepImageType }) {
  const { stack, dataverse } = newStack({ policyChecks: false, diagram: false });
  const secret = new ServiceEndpoint(stack, 'secret-source', {
    environment: dataverse,
    name: 'secret-source',
    contract: ServiceEndpointContract.WEBHOOK,
    authType: ServiceEndpointAuthType.WEBHOOK_KEY,
    url: 'https://example.org/api',
    authValue: '${var.key}',
  });
  const webhook = c === ServiceEndpointContract.WEBHOOK;
  const endpoint = webhook
    ? secret
    : new ServiceEndpoint(stack, 'endpoint', {
        environment: dataverse,
        name: 'endpoint',
        contract: c,
        authType: ServiceEndpointAuthType.SAS_KEY,
        solutionNamespace: 'ns-orders',
        path: 'orders',
        sasKeyName: 'send',
        sasKey: '${var.key}',
      });
  new ProcessingStep(stack, 'step', {
    endpoint,
    table: step.table,
    message: step.message,
    stage: step.stage,
    mode: step.mode,
    images: step.imageType !== undefined ? [{ imageType: step.imageType, messagePropertyName: 'Target' }] : undefined,
  });
  return validationErrors(stack).filter((e) => e.startsWith('[test/step'));
}

describe('registration validators (property-based)', () => {
  it('an asynchronous step at a stage other than 40 is always an error', () => {
    fc.assert(
      fc.property(contract, logicalName, messageName, fc.constantFrom(StepStage.PRE_VALIDATION, StepStage.PRE_OPERATION), (c, table, message, s) => {
        const errors = stepErrors(c, { table, message, stage: s, mode: StepMode.ASYNCHRONOUS });
        expect(errors.some((e) => e.includes('an asynchronous step must be registered at stage POST_OPERATION (40)'))).toBe(true);
      }),
      RUNS,
    );
  });

  it('a synchronous step is an error on a one-way relay only; queue, topic, hub and webhook endpoints take it', () => {
    fc.assert(
      fc.property(contract, logicalName, messageName, stage, (c, table, message, s) => {
        const errors = stepErrors(c, { table, message, stage: s, mode: StepMode.SYNCHRONOUS });
        const flagged = errors.some((e) => e.includes('accepts asynchronous steps only'));
        expect(flagged).toBe(c === ServiceEndpointContract.ONE_WAY);
      }),
      RUNS,
    );
  });

  it('a valid combination has no error: asynchronous at 40 anywhere, synchronous at any stage but on a one-way relay', () => {
    fc.assert(
      fc.property(contract, logicalName, messageName, stage, mode, (c, table, message, s, m) => {
        const valid = m === StepMode.ASYNCHRONOUS ? s === StepStage.POST_OPERATION : c !== ServiceEndpointContract.ONE_WAY;
        fc.pre(valid);
        expect(stepErrors(c, { table, message, stage: s, mode: m })).toEqual([]);
      }),
      RUNS,
    );
  });

  it('a table that is not a logical name is always an error', () => {
    const badTable = fc.oneof(fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,10}$/), fc.stringMatching(/^[0-9_][a-z0-9_]{0,10}$/), fc.constant('sales order'));
    fc.assert(
      fc.property(badTable, messageName, (table, message) => {
        const errors = stepErrors(ServiceEndpointContract.QUEUE, { table, message, stage: StepStage.POST_OPERATION, mode: StepMode.ASYNCHRONOUS });
        expect(errors.some((e) => e.includes('is not a logical name'))).toBe(true);
      }),
      RUNS,
    );
  });

  it('images follow the message: no pre-image on Create, no post-image on Delete or before stage 40', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Create', 'Update', 'Delete'),
        fc.constantFrom(StepImageType.PRE_IMAGE, StepImageType.POST_IMAGE, StepImageType.BOTH),
        stage,
        (message, imageType, s) => {
          const { stack, dataverse } = newStack({ policyChecks: false, diagram: false });
          const endpoint = new ServiceEndpoint(stack, 'endpoint', {
            environment: dataverse,
            name: 'hook',
            contract: ServiceEndpointContract.WEBHOOK,
            authType: ServiceEndpointAuthType.WEBHOOK_KEY,
            url: 'https://example.org/api',
            authValue: '${var.key}',
          });
          new ProcessingStep(stack, 'step', { endpoint, table: 'account', message, stage: s, mode: StepMode.SYNCHRONOUS, images: [{ imageType }] });
          const errors = validationErrors(stack);
          const pre = imageType !== StepImageType.POST_IMAGE;
          const post = imageType !== StepImageType.PRE_IMAGE;
          expect(errors.some((e) => e.includes('a Create step has no pre-image'))).toBe(pre && message === 'Create');
          expect(errors.some((e) => e.includes('a Delete step has no post-image'))).toBe(post && message === 'Delete');
          expect(errors.some((e) => e.includes('post-images exist only at stage POST_OPERATION'))).toBe(post && s !== StepStage.POST_OPERATION);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('id determinism (property-based)', () => {
  const url = fc.webUrl({ withQueryParameters: false, withFragments: false });
  const path = fc.array(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/), { minLength: 1, maxLength: 4 }).map((p) => p.join('/'));

  it('nameBasedUuid: same name → same GUID, a valid version 5 UUID', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        const a = nameBasedUuid(name);
        expect(a).toBe(nameBasedUuid(name));
        expect(a).toMatch(V5);
      }),
      { numRuns: 500 },
    );
  });

  it('nameBasedUuid: different names → different GUIDs', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        expect(nameBasedUuid(a)).not.toBe(nameBasedUuid(b));
      }),
      { numRuns: 500 },
    );
  });

  it('record ids: same environment URL and construct path → same id in a new app; a different path or URL → a different id', () => {
    const recordId = (envUrl: string, constructPath: string) => {
      const { stack, dataverse } = newStack({ url: envUrl, policyChecks: false, diagram: false });
      const parts = constructPath.split('/');
      let scope: Construct = stack;
      for (const part of parts.slice(0, -1)) scope = new Construct(scope, part);
      const endpoint = new ServiceEndpoint(scope, parts[parts.length - 1], {
        environment: dataverse,
        name: 'x',
        contract: ServiceEndpointContract.WEBHOOK,
        authType: ServiceEndpointAuthType.WEBHOOK_KEY,
        url: 'https://example.org/api',
        authValue: '${var.key}',
      });
      return endpoint.recordId;
    };
    fc.assert(
      fc.property(url, url, path, path, (u1, u2, p1, p2) => {
        const id = recordId(u1, p1);
        expect(id).toMatch(V5);
        expect(recordId(u1, p1)).toBe(id);
        if (p1 !== p2) expect(recordId(u1, p2)).not.toBe(id);
        const host = (u: string) => new URL(u).hostname.toLowerCase();
        if (host(u1) !== host(u2)) expect(recordId(u2, p1)).not.toBe(id);
      }),
      { numRuns: 40 },
    );
  });
});
