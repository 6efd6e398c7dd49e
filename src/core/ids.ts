import { createHash } from 'crypto';

/** A fixed namespace for the library's name-based UUIDs (RFC 4122 version 5). */
const RECORD_NAMESPACE = '5d0a3c8e-7f2b-4c61-9a4e-2b6f0d7c1e93';

/**
 * Name-based UUID (version 5, SHA-1) of `name` within the library's namespace: the same input
 * gives the same GUID on every machine and every run.
 * @internal
 */
export function nameBasedUuid(name: string, namespace: string = RECORD_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(Buffer.from(name, 'utf8')).digest();
  const bytes = Buffer.from(hash.subarray(0, 16));
  // eslint-disable-next-line no-bitwise -- RFC 4122 version and variant bits
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  // eslint-disable-next-line no-bitwise
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Short lowercase hex digest, for deterministic name suffixes. @internal */
export function shortHash(input: string, length = 8): string {
  return createHash('sha256').update(input, 'utf8').digest('hex').slice(0, length);
}

/**
 * The id of a registered row: a name-based UUID of the environment URL, the app identity and the
 * construct path. Two apps whose stacks and constructs are named alike therefore never address
 * the same rows. Without an app identity (Power Platform provider mode without `appId`, where
 * Terraform state owns the rows) the URL and the path alone.
 * @internal
 */
export function recordIdFor(environmentUrl: string, appId: string | undefined, path: string): string {
  return nameBasedUuid(appId === undefined ? `${environmentUrl}|${path}` : `${environmentUrl}|app:${appId}|${path}`);
}
