// Part of `npm run compile` (after jsii): bundles the change-tracking function
// (lib/runtime/change-tracking/function.js) with its SDKs into one file and writes the folder the
// ChangeTrackingExport pattern deploys as is: lib/runtime/change-tracking/function-app/
// (host.json, package.json, index.js, THIRD_PARTY_NOTICES.txt). No build step for the user.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
// Arguments (tests): [entry] [out folder]; defaults: the compiled function and its folder in lib/.
const entry = process.argv[2] ?? join(root, 'lib/runtime/change-tracking/function.js');
const out = process.argv[3] ?? join(root, 'lib/runtime/change-tracking/function-app');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: [entry],
  outfile: join(out, 'index.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Provided by the Functions host's Node.js worker at run time; @azure/functions falls back to
  // its test mode when it is absent (outside the host).
  external: ['@azure/functions-core'],
  // Some bundled ESM packages call createRequire(import.meta.url); in a CommonJS bundle
  // import.meta is empty, so give it this file's URL.
  define: { 'import.meta.url': '__bundleFileUrl' },
  banner: { js: "var __bundleFileUrl = require('node:url').pathToFileURL(__filename).href;" },
  minify: true,
  keepNames: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

// The functions host reads package.json's main; everything is inside index.js (no dependencies).
writeFileSync(
  join(out, 'package.json'),
  `${JSON.stringify({ name: 'cdktf-dataverse-change-tracking-function', version: pkg.version, private: true, description: 'Dataverse change-tracking export (built by cdktf-dataverse).', main: 'index.js', engines: { node: '>=20' } }, null, 2)}\n`,
);
// The timer trigger is built into the host: no extension bundle needed.
writeFileSync(
  join(out, 'host.json'),
  `${JSON.stringify({ version: '2.0', functionTimeout: '00:30:00', logging: { logLevel: { default: 'Information' } } }, null, 2)}\n`,
);

// Licences of the bundled packages (name, version, licence), sorted, one per line.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (!m) continue;
  const dir = input.slice(0, input.lastIndexOf(m[0]) + m[0].length);
  if (packages.has(dir)) continue;
  try {
    const p = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    packages.set(dir, `${p.name}@${p.version} ${typeof p.license === 'string' ? p.license : JSON.stringify(p.license ?? 'UNKNOWN')}`);
  } catch {
    packages.set(dir, `${m[1]} (package.json not found)`);
  }
}
writeFileSync(
  join(out, 'THIRD_PARTY_NOTICES.txt'),
  `index.js bundles these packages (name@version licence):\n${[...new Set(packages.values())].sort().join('\n')}\n`,
);

