// Tests of the compiled package (lib/, .jsii) need `npm run compile` first. The README's test
// command and .ci/run compile before they test, so a missing lib/ is a failure that says so,
// never a skip that would hide the package tests.
import * as fs from 'fs';
import * as path from 'path';
import { it } from 'vitest';

export const ROOT = path.join(__dirname, '..', '..');
export const LIB = path.join(ROOT, 'lib');

/** lib/ exists, as `npm run compile` writes it (lib/index.js and the .jsii assembly). */
export const COMPILED = fs.existsSync(path.join(LIB, 'index.js')) && fs.existsSync(path.join(ROOT, '.jsii'));

function newest(dir: string): number {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return latest;
}

/** Appended to failure messages when lib/ is older than src/ (a stale compile explains odd failures). */
export function staleHint(): string {
  if (!COMPILED) return '';
  const compiledAt = fs.statSync(path.join(LIB, 'index.js')).mtimeMs;
  return newest(path.join(ROOT, 'src')) > compiledAt ? ' (note: lib/ is older than src/: run `npm run compile` and test again)' : '';
}

/**
 * Registers the tests of a compiled package, or, without lib/, one failing test that says why
 * (`npm run compile` first).
 */
export function whenCompiled(what: string, register: () => void): void {
  if (COMPILED) {
    register();
  } else {
    it(`${what}: lib/ must exist`, () => {
      throw new Error("lib/ (or .jsii) is missing: run `npm run compile` before `npm test` (the README's test command and .ci/run do).");
    });
  }
}
