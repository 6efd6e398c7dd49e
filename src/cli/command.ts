import { CliIo } from './io';
import { RunSettings } from './session';

/** One command of the command line (run.ts dispatches on its name). */
export interface CliCommand {
  /** One line for the help text. */
  readonly summary: string;
  /** Runs with the arguments after the command name; returns the exit code. */
  run(argv: string[], io: CliIo, settings: RunSettings): Promise<number>;
}
