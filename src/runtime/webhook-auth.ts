// Checks the shared secret Dataverse sends with each webhook call, and tells trimmed payloads apart.
import { createHash, timingSafeEqual } from 'crypto';
import { ServiceEndpointAuthType } from '../dataverse/enums';

/** How a receiver recognises Dataverse: the secret and where Dataverse puts it. */
export interface WebhookSecretVerifierProps {
  /** WEBHOOK_KEY (query parameter `code`), HTTP_HEADER or HTTP_QUERY_STRING. */
  readonly authType: ServiceEndpointAuthType;
  /** The shared secret. */
  readonly secret: string;
  /**
   * Header name (HTTP_HEADER) or query parameter name (HTTP_QUERY_STRING).
   * @default 'code' for WEBHOOK_KEY; required otherwise
   */
  readonly name?: string;
}

const SUPPORTED = [ServiceEndpointAuthType.WEBHOOK_KEY, ServiceEndpointAuthType.HTTP_HEADER, ServiceEndpointAuthType.HTTP_QUERY_STRING];

/**
 * Verifies the shared secret of a webhook call in constant time: both values are hashed with
 * SHA-256 and the equal-length digests compared with `crypto.timingSafeEqual`, so neither the
 * content nor the length of the secret leaks through timing. Call it before reading the body.
 */
export class WebhookSecretVerifier {
  /** App setting holding the auth type name (`WEBHOOK_KEY`, `HTTP_HEADER`, `HTTP_QUERY_STRING`). */
  public static readonly ENV_AUTH_TYPE = 'DATAVERSE_WEBHOOK_AUTH_TYPE';
  /** App setting holding the header or query parameter name. */
  public static readonly ENV_SECRET_NAME = 'DATAVERSE_WEBHOOK_SECRET_NAME';
  /** App setting holding the secret (a Key Vault reference that the platform resolves). */
  public static readonly ENV_SECRET = 'DATAVERSE_WEBHOOK_SECRET';

  /**
   * A verifier configured from the app settings a WebhookFunction sets
   * (DATAVERSE_WEBHOOK_AUTH_TYPE, DATAVERSE_WEBHOOK_SECRET_NAME, DATAVERSE_WEBHOOK_SECRET).
   * Throws when a setting is missing, so that a misconfigured app fails loudly instead of accepting calls.
   * @param env the environment; defaults to `process.env`
   */
  public static fromEnvironment(env?: { [name: string]: string }): WebhookSecretVerifier {
    const source: { [name: string]: string | undefined } = env ?? process.env;
    const typeName = source[WebhookSecretVerifier.ENV_AUTH_TYPE] ?? 'HTTP_HEADER';
    const authType = (ServiceEndpointAuthType as any)[typeName];
    if (typeof authType !== 'number' || !SUPPORTED.includes(authType)) {
      throw new Error(`${WebhookSecretVerifier.ENV_AUTH_TYPE} is '${typeName}': expected WEBHOOK_KEY, HTTP_HEADER or HTTP_QUERY_STRING.`);
    }
    const secret = source[WebhookSecretVerifier.ENV_SECRET];
    if (!secret || secret.startsWith('@Microsoft.KeyVault(')) {
      throw new Error(
        `${WebhookSecretVerifier.ENV_SECRET} is ${secret ? 'an unresolved Key Vault reference (check that the app identity has Key Vault Secrets User)' : 'not set'}: the webhook cannot verify callers.`,
      );
    }
    return new WebhookSecretVerifier({ authType, secret, name: source[WebhookSecretVerifier.ENV_SECRET_NAME] });
  }

  /** Where the secret is expected. */
  public readonly authType: ServiceEndpointAuthType;
  /** Header or query parameter name (lowercase for headers). */
  public readonly name: string;
  private readonly digest: Buffer;

  constructor(props: WebhookSecretVerifierProps) {
    if (!SUPPORTED.includes(props.authType)) {
      throw new Error(`authType ${ServiceEndpointAuthType[props.authType] ?? props.authType} is not a webhook auth type: use WEBHOOK_KEY, HTTP_HEADER or HTTP_QUERY_STRING.`);
    }
    if (typeof props.secret !== 'string' || props.secret.length === 0) {
      throw new Error('secret is empty: a webhook without a secret would accept any caller.');
    }
    const name = props.authType === ServiceEndpointAuthType.WEBHOOK_KEY ? (props.name ?? 'code') : props.name;
    if (!name) {
      throw new Error(`authType ${ServiceEndpointAuthType[props.authType]} needs name: the header or query parameter that carries the secret.`);
    }
    this.authType = props.authType;
    this.name = props.authType === ServiceEndpointAuthType.HTTP_HEADER ? name.toLowerCase() : name;
    this.digest = sha256(props.secret);
  }

  /**
   * Whether the call carries the secret.
   * @param headers request headers (any case)
   * @param query query parameters
   */
  public verify(headers: { [name: string]: string }, query: { [name: string]: string }): boolean {
    let presented: string | undefined;
    if (this.authType === ServiceEndpointAuthType.HTTP_HEADER) {
      for (const [k, v] of Object.entries(headers ?? {})) {
        if (k.toLowerCase() === this.name) presented = v;
      }
    } else {
      presented = (query ?? {})[this.name];
    }
    // Always compare, even when nothing was presented, so that both paths take the same time.
    const equal = timingSafeEqual(sha256(presented ?? ''), this.digest);
    return presented !== undefined && equal;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Dataverse trims messages that are too large (webhooks above 256 KB, Service Bus above 192 KB):
 * ParentContext, InputParameters, PreEntityImages and PostEntityImages are removed. A receiver
 * that needs them should read the row with the Web API (PrimaryEntityName, PrimaryEntityId).
 */
export class TrimmedPayload {
  /** Header Dataverse adds to a webhook call whose payload was trimmed. */
  public static readonly WEBHOOK_HEADER = 'x-ms-dynamics-msg-size-exceeded';
  /** Application property Dataverse sets on a trimmed Service Bus message. */
  public static readonly SERVICE_BUS_PROPERTY = 'MessageMaxSizeExceeded';

  /** Whether a webhook call carries a trimmed payload (header present and not `false`). */
  public static fromWebhookHeaders(headers: { [name: string]: string }): boolean {
    for (const [k, v] of Object.entries(headers ?? {})) {
      if (k.toLowerCase() === TrimmedPayload.WEBHOOK_HEADER) return String(v).trim().toLowerCase() !== 'false';
    }
    return false;
  }

  /**
   * Whether a Service Bus message (its application properties) carries a trimmed payload: the
   * property is present (any case) and not `false`. Microsoft documents that Dataverse adds the
   * property, not its value, so its presence is the signal.
   */
  public static fromServiceBusProperties(properties: { [name: string]: any }): boolean {
    for (const [k, v] of Object.entries(properties ?? {})) {
      if (k.toLowerCase() === TrimmedPayload.SERVICE_BUS_PROPERTY.toLowerCase()) return v !== false && String(v).trim().toLowerCase() !== 'false';
    }
    return false;
  }

  private constructor() {}
}
