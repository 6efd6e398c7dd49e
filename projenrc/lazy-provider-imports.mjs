// Part of `npm run compile` (after jsii, issue 14): in the compiled lib/, each module-level import of
// a provider module (`const x_1 = require("@cdktf/provider-azurerm/lib/…");`, as TypeScript emits
// `import { X } from '@cdktf/provider-azurerm/lib/…'`) becomes a namespace that requires the provider
// module when a member is first read (`x_1.X`), the way aws-cdk-lib's "lazify" defers its imports.
// A block that creates a function app only in `addFunctionConsumer` then loads the function app,
// service plan and storage provider modules (~50 ms of CPU) only when a consumer is added.
//
// Mechanical and narrow: only that exact line form, only provider modules (leaf modules with no
// side effects the library relies on), one line for one line (the inline source maps stay
// aligned). The compiled code reads these namespaces only as `x_1.Member`; any other use of the
// name would fail the build here. The runtime bundle (function-app/) is left alone.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const lib = process.argv[2] ?? join(root, 'lib');
const LINE = /^const (\w+) = require\("(@cdktf\/provider-(?:azurerm|random)\/lib\/[^"]+)"\);$/gm;
let files = 0;
let imports = 0;

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'function-app' && entry.name !== 'node_modules') walk(p);
    } else if (entry.name.endsWith('.js')) {
      rewrite(p);
    }
  }
}

function rewrite(file) {
  const source = readFileSync(file, 'utf8');
  const names = [];
  const out = source.replace(LINE, (_, name, module) => {
    names.push(name);
    // `let` first: the trap runs later, never before this line.
    return `let ${name}$; const ${name} = new Proxy({}, { get: (_, k) => (${name}$ || (${name}$ = require(${JSON.stringify(module)})))[k] });`;
  });
  if (names.length === 0) return;
  const code = out.replace(/^\/\/# sourceMappingURL=.*$/m, '');
  for (const name of names) {
    const uses = [...code.matchAll(new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b(?!\\$)(.)`, 'g'))];
    const bad = uses.filter((m) => m[1] !== '.' && !code.slice(Math.max(0, m.index - 6), m.index).endsWith('const ') && !code.slice(Math.max(0, m.index - 4), m.index).endsWith('let '));
    if (bad.length > 0) {
      throw new Error(`${file}: ${name} is used other than as ${name}.Member (${bad.length} time(s)); a lazy namespace would change it. Leave this import eager or change the code.`);
    }
  }
  writeFileSync(file, out);
  files++;
  imports += names.length;
}

walk(lib);
console.log(`lazy-provider-imports: ${imports} provider imports in ${files} files of ${lib} load on first use`);
