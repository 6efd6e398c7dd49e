// Tests of the compiled package (lib/, .jsii) need `npm run compile` first. CI compiles before it
// tests (.ci/run), so there a missing lib/ is a failure; on a developer's machine the tests skip
// with a message that says how to run them.
import * as fs from 'fs';
import * as path from 'path';
import { it } from 'vitest';

export const ROOT = path.join(__dirname, '..', '..');
export const LIB = path.join(ROOT, 'lib');

/** CI sets CI=true (GitHub Actions, Azure Pipelines, GitLab …); `CI=false` / `0` / empty is not CI. */
export const IN_CI = !['', '0', 'false'].includes((process.env.CI ?? '').trim().toLowerCase());

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
 * Registers the tests of a compiled package, or, without lib/, one test that says why they do not
 * run: skipped on a developer's machine, failed in CI.
 */
export function whenCompiled(what: string, register: () => void): void {
  if (COMPILED) {
    register();
  } else if (IN_CI) {
    it(`${what}: lib/ must exist in CI`, () => {
      throw new Error('lib/ (or .jsii) is missing: CI must run `npm run compile` before `npm test` (.ci/run does).');
    });
  } else {
    it.skip(`${what}: skipped, lib/ is absent — run \`npm run compile\` first`, () => {});
  }
}
