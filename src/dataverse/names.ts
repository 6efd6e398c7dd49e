// Name rules shared by the Dataverse records (Microsoft Learn: "Customize table definitions",
// "Create and manage custom APIs", "Work with alternate keys"). Internal: not exported from src/index.ts.
import { Token } from 'cdktf';
import { Problems, quote } from '../core/problems';

/** A table or column logical name: lowercase letters, digits and underscores, starting with a letter. @internal */
export const LOGICAL_NAME = /^[a-z][a-z0-9_]*$/;

/** `<publisher prefix>_<name>`: prefix of 2 to 8 letters or digits starting with a letter. @internal */
export const PREFIXED_NAME = /^([A-Za-z][A-Za-z0-9]{1,7})_[A-Za-z0-9_]+$/;

/**
 * Checks a name that must start with the publisher's customization prefix (a Custom API's
 * `uniquename`, an alternate key's `SchemaName`): the shape, and the environment's prefix when it
 * has one. Tokens are skipped.
 * @internal
 */
export function checkPrefixedName(problems: Problems, what: string, prop: string, value: string, prefix: string | undefined, example: string): void {
  if (Token.isUnresolved(value)) return;
  const m = PREFIXED_NAME.exec(value);
  if (!m) {
    problems.add(
      `${what}: ${prop} must be '<publisher prefix>_<name>' with letters, digits and underscores only (prefix: 2 to 8 letters or digits). Fix: use e.g. '${prefix ?? 'contoso'}_${example}'.`,
    );
  } else if (prefix !== undefined && !Token.isUnresolved(prefix) && m[1].toLowerCase() !== prefix.toLowerCase()) {
    problems.add(
      `${what}: ${prop} starts with the prefix ${quote(m[1])}, but the environment's publisherPrefix is ${quote(prefix)}. Fix: rename it to '${prefix}_${value.slice(m[1].length + 1)}'.`,
    );
  }
}

/** A table or column logical name of at most `max` characters; tokens are skipped. @internal */
export function checkLogicalName(problems: Problems, what: string, value: string | undefined, max: number, example: string): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  problems.check(
    typeof value === 'string' && LOGICAL_NAME.test(value) && value.length <= max,
    `${what} ${quote(value)} is not a logical name: lowercase letters, digits and underscores, starting with a letter, at most ${max} characters. Fix: use the logical name, e.g. '${example}'.`,
  );
}
