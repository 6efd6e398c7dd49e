import * as fs from 'fs';
import * as path from 'path';
import { applyCommand } from './apply';
import { CliCommand } from './command';
import { DIAGRAM_HELP, diagramCommand } from './diagram';
import { CliError } from './errors';
import { CliIo } from './io';
import { OPTIONS_HELP } from './options';
import { planCommand } from './plan';
import { pruneCommand } from './prune';
import { RunSettings } from './session';
import { statusCommand } from './status';
import { STATUS_HELP } from './status-options';

export type { RunSettings } from './session';

/** The commands, by name: a command is a module; adding one is one line here. */
const COMMANDS: { readonly [name: string]: CliCommand } = {
  plan: planCommand,
  apply: applyCommand,
  prune: pruneCommand,
  status: statusCommand,
  diagram: diagramCommand,
};

export const USAGE = `Usage: cdktf-dataverse <command> [options]

Applies the Dataverse registrations of a synthesized stack (dataverse-registrations.json) to the
environment, after 'cdktf deploy' has created the Azure side.

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`)
  .join('\n')}

${OPTIONS_HELP}

${STATUS_HELP}

${DIAGRAM_HELP}

  -h, --help                show this text
  --version                 print the version

Sign-in: DefaultAzureCredential (service principal from AZURE_* variables, workload identity,
managed identity, Azure CLI), token scope <environment url>/.default.`;

/** The package's version (package.json two folders up, from src/cli and from lib/cli). */
export function version(): string {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
}

/**
 * Runs the command line with `argv` (without `node` and the script) and returns the exit code.
 * Every line goes through `io`.
 */
export async function run(argv: string[], io: CliIo, settings: RunSettings = {}): Promise<number> {
  const json = argv.includes('--json');
  try {
    if (argv.length === 0) {
      // No command: the help, on standard error, and a failure (a pipeline must not pass on it).
      io.err(USAGE);
      return 1;
    }
    if (argv[0] === '--version') {
      io.out(version());
      return 0;
    }
    if (argv.includes('-h') || argv.includes('--help') || argv[0] === 'help') {
      io.out(USAGE);
      return 0;
    }
    const command = Object.prototype.hasOwnProperty.call(COMMANDS, argv[0]) ? COMMANDS[argv[0]] : undefined;
    if (!command) throw new CliError(`unknown command '${argv[0]}'. Fix: use ${Object.keys(COMMANDS).join(', ')} (cdktf-dataverse --help).`);
    return await command.run(argv.slice(1), io, settings);
  } catch (e) {
    if (e instanceof CliError) {
      if (json && !e.reportedAsJson) io.out(JSON.stringify({ error: e.message }, null, 2));
      io.err(`Error: ${e.message}`);
      return 1;
    }
    io.err(`Error (unexpected, please report): ${(e as Error)?.stack ?? String(e)}`);
    return 1;
  }
}
