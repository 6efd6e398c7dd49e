// `diagram`: renders the diagram of synthesized stacks (diagram.svg or diagram.dot) from their
// cdk.tf.json and dataverse-registrations.json, off the synth path. Reads no token, calls nothing.
import * as fs from 'fs';
import * as path from 'path';
import { CliCommand } from './command';
import { CliError } from './errors';
import { ManifestFormat, RegistrationManifest } from '../dataverse/manifest';
import { buildDiagram } from '../diagram/diagram-graph';
import { renderSvg } from '../diagram/render-svg';

export const DIAGRAM_HELP = `Options (diagram [stack ...]):
  [stack ...]               stacks to draw (default: every stack in cdktf.out/stacks with a
                            ${ManifestFormat.FILE_NAME})
  --cdktf-out <dir>         the synth output folder (default cdktf.out)
  --out <dir>               write <dir>/<stack>/diagram.<format> (default: into each stack folder)
  --format <svg|dot>        svg (rendered with the WebAssembly Graphviz, default) or dot`;

const FORMATS = ['svg', 'dot'];

interface DiagramOptions {
  readonly stacks: string[];
  readonly cdktfOut: string;
  readonly out?: string;
  readonly format: string;
}

function parseDiagramOptions(argv: string[]): DiagramOptions {
  const stacks: string[] = [];
  const values: { [name: string]: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      stacks.push(arg);
      continue;
    }
    const [, name, inline] = m;
    if (!['cdktf-out', 'out', 'format'].includes(name)) throw new CliError(`unknown option '${arg}' for diagram. Fix: see cdktf-dataverse --help.`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new CliError(`--${name} needs a value. Fix: see cdktf-dataverse --help.`);
    values[name] = value;
  }
  const format = values.format ?? 'svg';
  if (!FORMATS.includes(format)) {
    throw new CliError(
      `--format '${format}' is not one of ${FORMATS.join(', ')}${format === 'png' ? ' (the WebAssembly Graphviz renders no bitmaps)' : ''}. Fix: use --format svg, or --format dot and render it with Graphviz (dot -Tpng diagram.dot -o diagram.png).`,
    );
  }
  return { stacks, cdktfOut: values['cdktf-out'] ?? 'cdktf.out', out: values.out, format };
}

function readJson(file: string, what: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`${file} could not be read as JSON (${(e as Error).message}). Fix: run 'cdktf synth' again; ${what} is written by it.`);
  }
}

/** The manifest's shape the diagram relies on (any registration mode: provider-mode stacks are drawn too). */
function readManifest(file: string): RegistrationManifest {
  const data = readJson(file, 'the manifest');
  if (data?.manifestVersion !== ManifestFormat.VERSION || typeof data.environment?.url !== 'string' || !Array.isArray(data.records)) {
    throw new CliError(
      `${file} is not a registration manifest of version ${ManifestFormat.VERSION}. Fix: synthesize again with this version of cdktf-dataverse (npx cdktf-dataverse from the app's own node_modules).`,
    );
  }
  return {
    ...data,
    records: data.records.map((r: any) => ({ references: [], lookups: [], fromOutputs: [], writeOnly: [], associations: [], columns: {}, ...r })),
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export const diagramCommand: CliCommand = {
  summary: 'render diagram.svg (or .dot) of synthesized stacks from cdk.tf.json and the manifest',
  async run(argv, io) {
    const options = parseDiagramOptions(argv);
    const stacksDir = path.resolve(io.cwd, options.cdktfOut, 'stacks');
    if (!fs.existsSync(stacksDir)) {
      throw new CliError(`${stacksDir} does not exist. Fix: run 'cdktf synth' first, or pass the synth output folder with --cdktf-out.`);
    }
    const hasManifest = (name: string) => fs.existsSync(path.join(stacksDir, name, ManifestFormat.FILE_NAME));
    const stacks = options.stacks.length > 0 ? options.stacks : fs.readdirSync(stacksDir).filter(hasManifest).sort();
    if (stacks.length === 0) throw new CliError(`no stack in ${stacksDir} has a ${ManifestFormat.FILE_NAME}. Fix: add a DataverseEnvironment to the stack and run 'cdktf synth'.`);
    const missing = stacks.filter((s) => !hasManifest(s) || !fs.existsSync(path.join(stacksDir, s, 'cdk.tf.json')));
    if (missing.length > 0) {
      const known = fs.readdirSync(stacksDir).filter(hasManifest).sort();
      throw new CliError(
        `stack '${missing[0]}' has no cdk.tf.json and ${ManifestFormat.FILE_NAME} in ${stacksDir}. Fix: name a synthesized stack with a DataverseEnvironment (${known.length > 0 ? known.join(', ') : 'none found'}), after 'cdktf synth'.`,
      );
    }
    // The Graphviz worker (and its WebAssembly, ~200 ms) starts on the first SVG only.
    const render = options.format === 'svg' ? renderSvg : undefined;
    for (const stack of stacks) {
      const dir = path.join(stacksDir, stack);
      const manifest = readManifest(path.join(dir, ManifestFormat.FILE_NAME));
      const tf = readJson(path.join(dir, 'cdk.tf.json'), 'cdk.tf.json');
      const dot = buildDiagram(manifest, tf, hostOf(manifest.environment.url)).toDot(stack);
      const target = options.out === undefined ? dir : path.resolve(io.cwd, options.out, stack);
      fs.mkdirSync(target, { recursive: true });
      const file = path.join(target, `diagram.${options.format}`);
      fs.writeFileSync(file, render ? render(dot) : dot);
      io.out(`Wrote ${path.relative(io.cwd, file) || file}`);
    }
    return 0;
  },
};
