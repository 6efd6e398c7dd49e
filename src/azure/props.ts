import { Problems, isUnresolved, quote } from '../core/problems';

/**
 * `existingX` or `xProps`, never both: every pair given together is listed in one error.
 * Each entry: [existing prop name, its value, new-resource prop name, its value].
 * @internal
 */
export function checkExistingOrNew(problems: Problems, pairs: Array<[string, unknown, string, unknown]>): void {
  const conflicts = pairs.filter(([, existing, , created]) => existing !== undefined && created !== undefined);
  if (conflicts.length === 0) return;
  const list = conflicts.map(([e, , c]) => `${e} with ${c}`).join('; ');
  problems.add(
    `conflicting props: ${list}. An existing resource is used as it is, so options for creating one would be ignored. Fix: pass either the existing resource or the options, not both.`,
  );
}

const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

/** Seconds in an ISO 8601 duration (years as 365 days, months as 30), or undefined if malformed. @internal */
export function durationSeconds(value: string): number | undefined {
  const m = ISO_DURATION.exec(value);
  if (!m) return undefined;
  const n = (i: number) => (m[i] ? parseFloat(m[i]) : 0);
  return n(1) * 365 * 86400 + n(2) * 30 * 86400 + n(3) * 7 * 86400 + n(4) * 86400 + n(6) * 3600 + n(7) * 60 + n(8);
}

/**
 * An ISO 8601 duration within [minSeconds, maxSeconds]; tokens are skipped.
 * @internal
 */
export function checkDuration(problems: Problems, prop: string, value: string | undefined, minSeconds: number, maxSeconds: number, range: string): void {
  if (value === undefined || isUnresolved(value)) return;
  const seconds = durationSeconds(value);
  if (seconds === undefined) {
    problems.add(`${prop} ${quote(value)} is not an ISO 8601 duration. Fix: write it like 'PT5M', 'PT1H' or 'P14D'.`);
  } else if (seconds < minSeconds || seconds > maxSeconds) {
    problems.add(`${prop} ${quote(value)} is out of range: it must be ${range}. Fix: choose a duration in that range.`);
  }
}

/**
 * A whole number within [min, max] (or one of `allowed`); tokens are skipped.
 * @internal
 */
export function checkInteger(problems: Problems, prop: string, value: number | undefined, min: number, max: number, allowed?: number[]): void {
  if (value === undefined || isUnresolved(value)) return;
  if (allowed) {
    problems.check(allowed.includes(value), `${prop} ${value} is not allowed: use one of ${allowed.join(', ')}. Fix: pick one of those values.`);
  } else {
    problems.check(
      Number.isInteger(value) && value >= min && value <= max,
      `${prop} ${value} is out of range: it must be a whole number from ${min} to ${max}. Fix: choose a value in that range.`,
    );
  }
}
