// A fresh clone must install with `npm ci`, this month and the next: every dependency is pinned to
// a version or a semver range (a dist-tag such as `latest` or `ts5.9` moves, and then the lock no
// longer matches), and package-lock.json agrees with package.json the way `npm ci` checks it.
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

// semver is what npm itself uses to read ranges (a dependency of the toolchain in node_modules).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver: { validRange(r: string): string | null; satisfies(v: string, r: string): boolean; valid(v: string): string | null } = require('semver');

const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
const SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** Why a range is not a pin, or undefined when it is one. */
function notAPin(range: string): string | undefined {
  const r = range.trim();
  if (r === '') return 'an empty range (means any version)';
  if (r === '*' || /^x$/i.test(r) || semver.validRange(r) === '*') return 'any version';
  if (/^(npm|file|link|git|git\+\w+|github|http|https|workspace):/.test(r) || r.includes('/')) return 'not a registry version';
  if (semver.validRange(r) === null) return 'a dist-tag (it moves: the lock stops matching)';
  return undefined;
}

describe('package.json pins every dependency', () => {
  it('the check itself tells pins from tags', () => {
    expect(['1.2.3', '^20.19.0', '~5.9.0', '>=3.9.0 <5.0.0', '14.23.1'].map(notAPin)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(notAPin('latest')).toMatch(/dist-tag/);
    expect(notAPin('ts5.9')).toMatch(/dist-tag/);
    expect(notAPin('next')).toMatch(/dist-tag/);
    expect(notAPin('*')).toBe('any version');
    expect(notAPin('x')).toBe('any version');
    expect(notAPin('')).toMatch(/empty/);
    expect(notAPin('github:owner/repo')).toMatch(/registry/);
  });

  for (const section of SECTIONS) {
    it(`${section}: a version or semver range each, never a dist-tag, '*', 'latest' or ''`, () => {
      const bad = Object.entries<string>(pkg[section] ?? {})
        .map(([name, range]) => [name, range, notAPin(range)])
        .filter(([, , why]) => why !== undefined)
        .map(([name, range, why]) => `${name}@"${range}": ${why}`);
      expect(bad).toEqual([]);
    });
  }

  it('@types/node matches the Node the project supports (20)', () => {
    const range = pkg.devDependencies['@types/node'];
    expect(semver.satisfies('20.19.0', range)).toBe(true);
    expect(semver.satisfies('22.0.0', range)).toBe(false);
  });
});

describe('package-lock.json agrees with package.json (what npm ci checks)', () => {
  const root = lock.packages?.[''];

  it('is a lockfile v2/v3 with a root entry for this package', () => {
    expect([2, 3]).toContain(lock.lockfileVersion);
    expect(root).toBeDefined();
    expect(lock.name).toBe(pkg.name);
    expect(root.name).toBe(pkg.name);
  });

  for (const section of SECTIONS) {
    it(`the root entry's ${section} equal package.json's`, () => {
      expect(root[section] ?? {}).toEqual(pkg[section] ?? {});
    });
  }

  it('bundled dependencies are the same list', () => {
    expect(root.bundleDependencies ?? root.bundledDependencies ?? []).toEqual(pkg.bundledDependencies ?? pkg.bundleDependencies ?? []);
  });

  it('every direct dependency is locked at a version its range accepts', () => {
    const problems: string[] = [];
    for (const section of SECTIONS) {
      for (const [name, range] of Object.entries<string>(pkg[section] ?? {})) {
        const entry = lock.packages[`node_modules/${name}`];
        if (!entry) {
          // An uninstalled optional peer is fine; everything else must be in the lock.
          if (!(section === 'peerDependencies' && pkg.peerDependenciesMeta?.[name]?.optional)) problems.push(`${name}: missing from the lock`);
          continue;
        }
        if (!semver.valid(entry.version) || !semver.satisfies(entry.version, range)) {
          problems.push(`${name}: locked ${entry.version} does not satisfy ${section} "${range}"`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('a peer dependency is also a dev dependency at a version the peer range accepts (tests run against what users install)', () => {
    for (const [name, range] of Object.entries<string>(pkg.peerDependencies ?? {})) {
      const dev = pkg.devDependencies?.[name];
      expect(dev, name).toBeDefined();
      expect(semver.satisfies(lock.packages[`node_modules/${name}`].version, range), name).toBe(true);
    }
  });

  it('every locked package outside a link has a valid version', () => {
    const problems = Object.entries<any>(lock.packages)
      .filter(([where, entry]) => where !== '' && !entry.link && !semver.valid(entry.version ?? ''))
      .map(([where, entry]) => `${where}: version ${JSON.stringify(entry.version)}`);
    expect(problems).toEqual([]);
  });
});
