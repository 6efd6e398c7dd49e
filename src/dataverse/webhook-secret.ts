import { ServiceEndpointAuthType } from './enums';
import { Problems, isUnresolved, quote } from '../core/problems';

// How Dataverse sends a webhook's secret (serviceendpoint.authtype / authvalue): WebhookKey as the
// query parameter `code`; HttpHeader and HttpQueryString as the name/value pairs of a
// <settings><setting name="..." value="..." /></settings> document.

const WEBHOOK_AUTH_TYPES = [ServiceEndpointAuthType.WEBHOOK_KEY, ServiceEndpointAuthType.HTTP_HEADER, ServiceEndpointAuthType.HTTP_QUERY_STRING];
/** RFC 9110 token: the characters a header name may hold. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const QUERY_NAME = /^[A-Za-z0-9._~-]+$/;

/** The header or query parameter carrying the secret: `code` for WEBHOOK_KEY, else the given or default name. @internal */
export function webhookSecretName(authType: ServiceEndpointAuthType, secretName: string | undefined): string {
  if (authType === ServiceEndpointAuthType.WEBHOOK_KEY) return 'code';
  return secretName ?? (authType === ServiceEndpointAuthType.HTTP_QUERY_STRING ? 'secret' : 'x-dataverse-webhook-secret');
}

/** The endpoint's authvalue: the bare secret for WEBHOOK_KEY, else the settings document. @internal */
export function webhookAuthValue(authType: ServiceEndpointAuthType, secretName: string, secret: string): string {
  if (authType === ServiceEndpointAuthType.WEBHOOK_KEY) return secret;
  return `<settings><setting name="${xmlAttribute(secretName)}" value="${secret}" /></settings>`;
}

/** Checks the auth type and the secret name a webhook pattern was given. @internal */
export function checkWebhookSecret(problems: Problems, authType: ServiceEndpointAuthType, secretName: string | undefined): void {
  problems.check(
    WEBHOOK_AUTH_TYPES.includes(authType),
    `authType ${ServiceEndpointAuthType[authType] ?? authType} is not a webhook auth type. Fix: use ServiceEndpointAuthType.HTTP_HEADER, HTTP_QUERY_STRING or WEBHOOK_KEY.`,
  );
  if (secretName === undefined || isUnresolved(secretName)) return;
  const name = secretName;
  if (authType === ServiceEndpointAuthType.WEBHOOK_KEY) {
    problems.add(
      `secretName ${quote(name)} cannot be used with authType WEBHOOK_KEY: Dataverse always sends that key as the query parameter 'code'. Fix: remove secretName, or use HTTP_HEADER / HTTP_QUERY_STRING.`,
    );
  } else if (authType === ServiceEndpointAuthType.HTTP_HEADER) {
    problems.check(
      HEADER_NAME.test(name) && name.length <= 100,
      `secretName ${quote(name)} is not an HTTP header name: letters, digits and !#$%&'*+.^_\`|~- only, at most 100 characters. Fix: use a name like 'x-dataverse-webhook-secret'.`,
    );
    problems.check(
      !/^(x-ms-|authorization$|host$|content-|cookie$)/i.test(name),
      `secretName ${quote(name)} is a header Dataverse, HTTP or Azure already uses. Fix: use your own name like 'x-dataverse-webhook-secret'.`,
    );
  } else {
    problems.check(
      QUERY_NAME.test(name) && name.length <= 100 && name.toLowerCase() !== 'code',
      `secretName ${quote(name)} is not a usable query parameter name: letters, digits and ._~- only, at most 100 characters, not 'code' (reserved by Azure Functions keys). Fix: use a name like 'secret'.`,
    );
  }
}

function xmlAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
