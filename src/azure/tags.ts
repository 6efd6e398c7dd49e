// Azure's rules for resource tags, checked at synth so that a bad tag fails before `terraform apply`.
//
// Source: Microsoft Learn, "Use tags to organize your Azure resources and management hierarchy",
// section Limitations (MicrosoftDocs/azure-docs, articles/azure-resource-manager/management/tag-resources.md):
// - at most 50 tag name/value pairs per resource;
// - a tag name at most 512 characters, a value at most 256; for storage accounts a name at most 128;
// - tag names cannot contain `<`, `>`, `%`, `&`, `\`, `?`, `/`;
// - tag names are case-insensitive for operations (a name in another casing updates the same tag).
// azurerm 4.55 checks only a storage account's counts and lengths (internal/services/storage/validate/
// storage_account_tags.go); other resources fail at apply. Empty names or values: not documented, not checked.
import { Token } from 'cdktf';
import { Problems, quote } from '../core/problems';

/** Limits that differ between resource types. @internal */
export interface TagLimits {
  /** Longest tag name, in characters. */
  readonly maxNameLength: number;
  /** What the limit applies to, for messages ("a tag name", "a storage account's tag name"). */
  readonly subject: string;
}

/** @internal */
export const TAG_LIMITS: { readonly resource: TagLimits; readonly storageAccount: TagLimits } = {
  resource: { maxNameLength: 512, subject: 'a tag name' },
  storageAccount: { maxNameLength: 128, subject: "a storage account's tag name" },
};

const MAX_TAGS = 50;
const MAX_VALUE_LENGTH = 256;
const FORBIDDEN = ['<', '>', '%', '&', '\\', '?', '/'];

/** `null`, `undefined`, `an array`, `a number` … for messages. */
function kind(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** Length in characters (code points), as Azure counts them. */
function characters(text: string): number {
  return [...text].length;
}

/**
 * Checks a `tags` prop against Azure's tag rules: every problem is added, each naming the tag and
 * the fix. Unresolved tokens (the whole map, a name or a value) are skipped.
 * @internal
 */
export function checkTags(problems: Problems, prop: string, tags: unknown, limits: TagLimits = TAG_LIMITS.resource): void {
  if (tags === undefined || Token.isUnresolved(tags)) return;
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) {
    problems.add(`${prop} is ${kind(tags)}: it must be an object of tag names to string values. Fix: pass e.g. { environment: 'production' }.`);
    return;
  }
  const entries = Object.entries(tags as { [name: string]: unknown });
  if (entries.length > MAX_TAGS) {
    problems.add(
      `${prop} has ${entries.length} tags; Azure allows at most ${MAX_TAGS} per resource. Fix: remove ${entries.length - MAX_TAGS}, or combine values into one tag as a JSON string.`,
    );
  }
  const byLowerName = new Map<string, string>();
  for (const [name, value] of entries) {
    if (!Token.isUnresolved(name)) checkName(problems, prop, name, limits, byLowerName);
    if (value !== undefined && Token.isUnresolved(value)) continue;
    if (typeof value !== 'string') {
      problems.add(`${prop}: the value of ${quote(name)} is ${kind(value)}; tag values are strings. Fix: write it as a string, e.g. '${String(value ?? '')}'.`);
    } else if (characters(value) > MAX_VALUE_LENGTH) {
      problems.add(
        `${prop}: the value of ${quote(name)} is ${characters(value)} characters long; Azure allows at most ${MAX_VALUE_LENGTH} in a tag value. Fix: shorten it, or split it across several tags.`,
      );
    }
  }
}

function checkName(problems: Problems, prop: string, name: string, limits: TagLimits, byLowerName: Map<string, string>): void {
  const found = FORBIDDEN.filter((c) => name.includes(c));
  if (found.length > 0) {
    const fixed = FORBIDDEN.reduce((n, c) => n.split(c).join('-'), name);
    problems.add(
      `${prop}: the tag name ${quote(name)} contains ${found.map((c) => `'${c}'`).join(', ')}; Azure does not allow < > % & \\ ? / in tag names. Fix: replace them, e.g. ${quote(fixed)}.`,
    );
  }
  if (characters(name) > limits.maxNameLength) {
    problems.add(
      `${prop}: the tag name ${quote(name)} is ${characters(name)} characters long; Azure allows at most ${limits.maxNameLength} in ${limits.subject}. Fix: shorten it.`,
    );
  }
  const lower = name.toLowerCase();
  const earlier = byLowerName.get(lower);
  if (earlier !== undefined) {
    problems.add(
      `${prop}: the tag names ${quote(earlier)} and ${quote(name)} differ only in case; Azure treats tag names without regard to case, so one would overwrite the other. Fix: keep one of them.`,
    );
  } else {
    byLowerName.set(lower, name);
  }
}
