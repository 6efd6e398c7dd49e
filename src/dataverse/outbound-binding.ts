import { Construct } from 'constructs';
import { UserClaim } from './enums';
import type { DataverseEnvironment } from './environment';
import { ProcessingStep, StepDefinition } from './processing-step';
import { ServiceEndpoint, ServiceEndpointProps } from './service-endpoint';
import { registerSteps } from './steps';

/**
 * What every outbound pattern asks of Dataverse: the events to send and how its service endpoint
 * is named. The pattern's props carry these (OutboundIntegrationProps).
 * @internal
 */
export interface OutboundRegistration {
  readonly dataverse: DataverseEnvironment;
  readonly steps: StepDefinition[];
  readonly endpointName?: string;
  readonly endpointDescription?: string;
  readonly userClaim?: UserClaim;
}

/**
 * The columns of the endpoint that depend on the Azure target (contract, auth, address, key).
 * @internal
 */
export type OutboundTarget = Omit<ServiceEndpointProps, 'environment' | 'name' | 'description' | 'userClaim'> & {
  /** Description used when the pattern's props give none. */
  readonly defaultDescription: string;
};

/** What the binding registered. @internal */
export interface OutboundBinding {
  readonly endpoint: ServiceEndpoint;
  readonly steps: ProcessingStep[];
  /** Name of the sensitive Terraform output holding the endpoint's key or auth value. */
  readonly secretOutputName: string;
}

/**
 * Throws one error naming the construct when `steps` is not a list of objects (a JavaScript caller
 * can pass `undefined` or `[null]`; a TypeError further down would name neither).
 * @internal
 */
export function checkStepList(scope: Construct, construct: string, steps: unknown): void {
  const list = Array.isArray(steps) ? steps : undefined;
  const bad = list === undefined ? -1 : list.findIndex((s) => s === null || typeof s !== 'object' || Array.isArray(s));
  if (list !== undefined && bad < 0) return;
  const what = list === undefined ? `steps is ${steps === undefined ? 'missing' : JSON.stringify(steps)}` : `steps[${bad}] is ${JSON.stringify(list[bad]) ?? String(list[bad])}`;
  throw new Error(`${scope.node.path}: ${construct} needs steps as a list of { table, message }; ${what}. Fix: pass e.g. steps: [{ table: 'account', message: 'Create' }].`);
}

/**
 * The one place an outbound pattern registers its Dataverse side: a service endpoint (`endpoint`
 * under `scope`) pointing at the pattern's Azure target, one processing step per definition
 * (`step-<key>`) with their images.
 * @internal
 */
export function bindOutbound(scope: Construct, construct: string, registration: OutboundRegistration, target: OutboundTarget): OutboundBinding {
  checkStepList(scope, construct, registration.steps);
  const { defaultDescription, ...columns } = target;
  const endpoint = new ServiceEndpoint(scope, 'endpoint', {
    ...columns,
    environment: registration.dataverse,
    name: registration.endpointName ?? scope.node.path,
    description: registration.endpointDescription ?? defaultDescription,
    userClaim: registration.userClaim ?? UserClaim.NONE,
  });
  const steps = registerSteps(scope, endpoint, registration.steps);
  return { endpoint, steps, secretOutputName: endpoint.secretOutputName! };
}
