#!/usr/bin/env node
// Tiny launcher: the CLI is compiled to dist/ at install time (npm "prepare").
import { main } from '../dist/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
