// Digests of write-only values (keys Dataverse never returns), kept in the ownership note so that a
// rotated key is noticed. The values are high-entropy keys (Azure SAS keys, generated webhook
// keys), so a slow key-derivation function buys nothing: a keyed hash (HMAC-SHA-256) with a random
// key per ownership note, over the row id, the column and the value, costs microseconds and is
// computed with WebCrypto (asynchronous, off the event loop's critical path). The note never holds a
// value or an unkeyed digest; the key makes digests of the same value differ between notes.
import { randomBytes, scrypt, webcrypto } from 'crypto';

const PREFIX = 'hmac-sha256:';

/** A new random digest key (32 bytes, base64url). */
export function newDigestKey(): string {
  return randomBytes(32).toString('base64url');
}

/** HMAC-SHA-256 digests under one key. */
export class SecretDigester {
  private key?: Promise<webcrypto.CryptoKey>;

  constructor(private readonly keyText: string) {}

  public async digest(id: string, column: string, value: unknown): Promise<string> {
    this.key ??= webcrypto.subtle.importKey('raw', Buffer.from(this.keyText, 'base64url'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const data = Buffer.from(`${id.toLowerCase()}|${column}|${valueText(value)}`, 'utf8');
    const mac = await webcrypto.subtle.sign('HMAC', await this.key, data);
    return PREFIX + Buffer.from(mac).toString('base64url');
  }
}

/** Whether a digest of the version 1 ownership note (scrypt, salted with row id and column) is of `value`. */
export function legacyDigestMatches(legacy: string, id: string, column: string, value: unknown): Promise<boolean> {
  return new Promise((resolve, reject) => {
    scrypt(valueText(value), `cdktf-dataverse|${id.toLowerCase()}|${column}`, 24, (error, derived) => {
      if (error) reject(error);
      else resolve(derived.toString('base64url') === legacy);
    });
  });
}

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
