#!/usr/bin/env node
// Thin launcher: the CLI lives in the library (src/cli/main.ts, built to dist/).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
