// Runs the CLI from source (tests spawn this under tsx, as users run bin/tabflow.js on dist/).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv);
