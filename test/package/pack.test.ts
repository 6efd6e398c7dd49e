// The npm package works where it is installed, not only in this repository: `npm pack` of the
// compiled library, installed into an empty folder with the README's Install line (its peers at the
// versions it names, from the registry), and there, with nothing of this repository on the module
// path: the README's quick start type-checks against the packed .d.ts and synthesizes; its manifest
// validates against `ManifestFormat.schema()`; the webhook wrapper (lib/runtime/azure-functions)
// and the Service Bus entry point decode a documented body; `cdktf-dataverse --help` runs.
// Reuses lib/ as `npm run compile` left it (CI compiles first); see compiled.ts for the skip rule.
// About 25 s: npm pack ~6 s, npm install ~18 s (extracting @cdktf/provider-azurerm), the rest ~5 s.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIB, ROOT, staleHint, whenCompiled } from './compiled';
import { codeBlocks, readme } from '../readme/readme';

// semver is what npm itself uses to read ranges (a dependency of the toolchain in node_modules).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver: { satisfies(v: string, r: string): boolean; valid(v: string): string | null } = require('semver');

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const PROJECT_ID = '5e0f6c1a-7b2d-4c3e-9f40-8a1b2c3d4e5f';

/** The README's Install line, as words: `npm install cdktf-dataverse <peer>@<version> …`. */
function installLine(): string[] {
  const lines = codeBlocks(readme())
    .filter((b) => b.section === 'Install' && b.lang === 'sh')
    .flatMap((b) => b.code.split('\n'))
    .filter((l) => /^npm (install|i) /.test(l.trim()));
  if (lines.length !== 1) throw new Error(`README "## Install" must hold exactly one \`npm install\` line in a sh block; found ${lines.length}`);
  return lines[0].trim().split(/\s+/);
}

/** name → version of each `name@version` word of the install line. */
function namedVersions(words: string[]): Map<string, string> {
  return new Map(words.filter((w) => /.@/.test(w)).map((w) => [w.slice(0, w.lastIndexOf('@')), w.slice(w.lastIndexOf('@') + 1)]));
}

function run(file: string, args: string[], cwd: string, timeout = 120_000): string {
  const r = spawnSync(file, args, { cwd, encoding: 'utf8', timeout, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' } });
  if (r.status !== 0) {
    throw new Error(`${path.basename(file)} ${args.join(' ')} (in ${cwd}) failed with ${r.error?.message ?? `exit ${r.status}`}${staleHint()}:\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** Runs a CommonJS script in the install folder (its require() sees only that folder's node_modules). */
function node(dir: string, name: string, script: string): any {
  fs.writeFileSync(path.join(dir, name), script);
  return JSON.parse(run(process.execPath, [name], dir));
}

function filesUnder(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))]));
}

describe('README Install line', () => {
  const words = installLine();
  const versions = namedVersions(words);

  it('installs the library and names every peer dependency with a version inside its peer range', () => {
    expect(words.slice(0, 3)).toEqual(['npm', 'install', 'cdktf-dataverse']);
    for (const [peer, range] of Object.entries<string>(pkg.peerDependencies)) {
      const version = versions.get(peer);
      expect(version, `${peer} is a peer dependency: the Install line must name it`).toBeDefined();
      expect(semver.valid(version!), `${peer}@${version}: an exact version (what the pack test installs)`).not.toBeNull();
      expect(semver.satisfies(version!, range), `${peer}@${version} must satisfy the peer range ${range}`).toBe(true);
    }
  });

  it('the peers are the versions this repository builds and tests with (devDependencies)', () => {
    for (const peer of Object.keys(pkg.peerDependencies)) expect(`${peer}@${versions.get(peer)}`).toBe(`${peer}@${pkg.devDependencies[peer]}`);
  });
});

whenCompiled('npm pack, installed in an empty folder', () => {
  describe('npm pack, installed in an empty folder with the README Install line', () => {
    let dir: string;
    let packed: string[];

    beforeAll(() => {
      // Under the OS temp folder: no node_modules of this repository above it on the module path.
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-dataverse-pack-'));
      const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], ROOT));
      packed = info.files.map((f: { path: string }) => f.path);
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'pack-test', version: '1.0.0', private: true }));
      // A cdktf app as `cdktf init --template=typescript --local` leaves it: cdktf.json with the app
      // command and a projectId (hashicorp/terraform-cdk website/docs/cdktf/create-and-deploy/
      // configuration-file.mdx); the manifest takes its app identity from that projectId.
      fs.writeFileSync(
        path.join(dir, 'cdktf.json'),
        JSON.stringify({
          language: 'typescript',
          app: 'node out/main.js',
          projectId: PROJECT_ID,
          sendCrashReports: 'false',
          terraformProviders: [],
          terraformModules: [],
          context: {},
        }),
      );
      const args = installLine()
        .slice(1)
        .map((w) => (w === 'cdktf-dataverse' ? `./${info.filename}` : w));
      run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], dir, 300_000);
    }, 360_000);

    afterAll(() => {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('the tarball holds every file npm run compile wrote to lib/, and no sources or tests', () => {
      const missing = filesUnder(LIB)
        .map((f) => `lib/${f.split(path.sep).join('/')}`)
        .filter((f) => !packed.includes(f));
      expect(missing).toEqual([]);
      expect(packed).toContain('lib/dataverse/manifest.schema.json');
      expect(packed).toContain('lib/runtime/change-tracking/function-app/index.js');
      // Our own files only: the bundled dependencies (node_modules/) ship as their authors publish them.
      const own = packed.filter((f) => !f.startsWith('node_modules/'));
      expect(own.filter((f) => /^(src|test|examples|bench)\//.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) || f === 'tsconfig.tsbuildinfo')).toEqual([]);
      expect(fs.existsSync(path.join(dir, 'node_modules', 'cdktf-dataverse', 'lib', 'dataverse', 'manifest.schema.json'))).toBe(true);
    });

    it("the README's quick start type-checks against the packed .d.ts and synthesizes", () => {
      const [quickStart] = codeBlocks(readme()).filter((b) => b.section === 'Quick start' && b.lang === 'ts');
      fs.writeFileSync(path.join(dir, 'main.ts'), quickStart.code);
      // A user's tsconfig (commonjs, strict) with library checking on: the packed declarations must compile.
      const compilerOptions = {
        target: 'ES2022',
        module: 'commonjs',
        strict: true,
        esModuleInterop: true,
        skipLibCheck: false,
        outDir: 'out',
        types: ['node'],
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      };
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['main.ts'] }));
      run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], dir);
      run(process.execPath, [path.join('out', 'main.js')], dir);

      const stackDir = path.join(dir, 'cdktf.out', 'stacks', 'orders');
      const tf = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
      expect(Object.keys(tf.resource.azurerm_servicebus_queue ?? {})).toHaveLength(1);
      const assignments = Object.values<any>(tf.resource.azurerm_role_assignment ?? {});
      expect(assignments.map((a) => [a.role_definition_name, a.principal_id])).toContainEqual(['Azure Service Bus Data Receiver', '00000000-0000-0000-0000-000000000001']);
      const manifest = JSON.parse(fs.readFileSync(path.join(stackDir, 'dataverse-registrations.json'), 'utf8'));
      expect(manifest.appId).toBe(PROJECT_ID);
      const steps = manifest.records.filter((r: any) => r.table === 'sdkmessageprocessingstep');
      const message = (s: any) => s.lookups.find((l: any) => l.column === 'sdkmessageid').key.message;
      expect(steps.map((s: any) => [message(s), s.columns.filteringattributes ?? null])).toEqual([
        ['Create', null],
        ['Update', 'statuscode'],
      ]);
    });

    it('ManifestFormat.schema() loads in the installed copy and the quick start manifest validates against it', () => {
      const out = node(
        dir,
        'schema.js',
        "const { ManifestFormat } = require('cdktf-dataverse');\nconsole.log(JSON.stringify({ schema: ManifestFormat.schema(), path: ManifestFormat.schemaFilePath() }));\n",
      );
      expect(out.path).toBe(path.join(fs.realpathSync(dir), 'node_modules', 'cdktf-dataverse', 'lib', 'dataverse', 'manifest.schema.json'));
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', 'orders', 'dataverse-registrations.json'), 'utf8'));
      const ajv = new Ajv({ allErrors: true, strict: false });
      const validate = ajv.compile(out.schema);
      expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);
      expect(validate({ ...manifest, records: 'not a list' })).toBe(false);
    });

    it('the runtime: the webhook wrapper answers a documented body (untyped images) and the Service Bus entry point decodes one', () => {
      const body = path.join(ROOT, 'test', 'runtime', 'fixtures', 'update-with-images.json');
      const message = path.join(ROOT, 'test', 'runtime', 'message-fixtures', 'account-update-trimmed.json');
      const out = node(
        dir,
        'runtime.js',
        `const fs = require('fs');
const { RemoteExecutionContext, ServiceEndpointAuthType, WebhookSecretVerifier } = require('cdktf-dataverse');
const { dataverseWebhook } = require('cdktf-dataverse/lib/runtime/azure-functions');
const verifier = new WebhookSecretVerifier({ authType: ServiceEndpointAuthType.HTTP_HEADER, name: 'x-secret', secret: 'pack-test-secret' });
const seen = [];
const handler = dataverseWebhook(({ context }) => { seen.push([context.messageName, Object.keys(context.postEntityImages)]); }, { verifier });
const invocation = { log() {}, warn() {}, error() {} };
const request = (secret) => ({ method: 'POST', headers: new Headers({ 'x-secret': secret }), query: new URLSearchParams(), text: async () => fs.readFileSync(${JSON.stringify(body)}, 'utf8') });
(async () => {
  const ok = await handler(request('pack-test-secret'), invocation);
  const wrong = await handler(request('not-the-secret'), invocation);
  const m = RemoteExecutionContext.fromServiceBusMessage({
    body: fs.readFileSync(${JSON.stringify(message)}),
    contentType: 'application/json',
    applicationProperties: { MessageMaxSizeExceeded: true, 'http://schemas.microsoft.com/xrm/2011/Claims/RequestName': 'Update' },
  });
  console.log(JSON.stringify({ ok: ok.status, wrong: wrong.status, seen, sb: [m.context.messageName, m.trimmed, m.requestName, /^dv1-/.test(m.key)] }));
})();
`,
      );
      expect(out).toEqual({ ok: 200, wrong: 401, seen: [['Update', ['AsynchronousStepPrimaryName']]], sb: ['Update', true, 'Update', true] });
    });

    it('ChangeTrackingExport deploys the function bundled in the installed package (no functionCode, no build step)', () => {
      const out = node(
        dir,
        'change-tracking.js',
        `const fs = require('fs');
const path = require('path');
const { Testing, TerraformStack } = require('cdktf');
const { AzurermProvider } = require('@cdktf/provider-azurerm/lib/provider');
const { ChangeTrackingExport, DataverseEnvironment, ServiceBusNamespace, ServiceBusQueue } = require('cdktf-dataverse');
const app = Testing.app();
const stack = new TerraformStack(app, 'changes');
new AzurermProvider(stack, 'azurerm', { features: [{}] });
const rg = { name: 'rg-changes', location: 'westeurope' };
const dataverse = new DataverseEnvironment(stack, 'dataverse', { url: 'https://contoso.crm4.dynamics.com', appId: 'pack-test' });
const ns = new ServiceBusNamespace(stack, 'bus', { resourceGroup: rg });
new ChangeTrackingExport(stack, 'export', { dataverse, resourceGroup: rg, tables: [{ logicalName: 'account' }], securityRoleName: 'Export', serviceBusQueue: new ServiceBusQueue(stack, 'q', { serviceBusNamespace: ns }) });
const tf = JSON.parse(Testing.synth(stack, true));
const folder = path.join(path.dirname(require.resolve('cdktf-dataverse')), 'runtime', 'change-tracking', 'function-app');
console.log(JSON.stringify({ blobs: Object.values(tf.resource.azurerm_storage_blob).map((b) => b.name), bundled: fs.readdirSync(folder).sort() }));
`,
      );
      expect(out).toEqual({ blobs: ['released-package.zip'], bundled: ['THIRD_PARTY_NOTICES.txt', 'host.json', 'index.js', 'package.json'] });
    });

    it('the command line runs from node_modules/.bin: --help, and an unknown command fails', () => {
      const bin = path.join(dir, 'node_modules', '.bin', 'cdktf-dataverse');
      const help = run(bin, ['--help'], dir);
      expect(help).toMatch(/^Usage: cdktf-dataverse /);
      expect(help).toMatch(/^ {2}plan /m);
      expect(help).toMatch(/^ {2}apply /m);
      expect(help).toMatch(/^ {2}prune /m);
      const bad = spawnSync(bin, ['frobnicate'], { cwd: dir, encoding: 'utf8' });
      expect(bad.status).not.toBe(0);
      expect(bad.stderr + bad.stdout).toMatch(/frobnicate/);
    });

    it('the installed copy resolves the library from its own node_modules, not from this repository', () => {
      const resolved = execFileSync(process.execPath, ['-p', "require.resolve('cdktf-dataverse') + '\\n' + require.resolve('@cdktf/provider-azurerm/lib/provider')"], {
        cwd: dir,
        encoding: 'utf8',
      });
      for (const p of resolved.trim().split('\n')) expect(p.startsWith(fs.realpathSync(dir))).toBe(true);
    });
  });
});
