#!/usr/bin/env node
// The `cdktf-dataverse` command (package.json "bin"). The logic lives in ./run so that tests call
// it in-process; this file only binds it to the process.
import { nodeIo } from './io';
import { run } from './run';

void run(process.argv.slice(2), nodeIo()).then((code) => {
  process.exitCode = code;
});
