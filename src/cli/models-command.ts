import { describeParams } from '../core/params.js';
import '../models/index.js';
import { getFamily, modelKinds } from '../models/registry.js';

export function modelsCommand(): number {
  for (const k of modelKinds()) {
    const f = getFamily(k);
    process.stdout.write(`${k} — ${f.description} (categoricals: ${f.input})\n`);
    for (const line of describeParams(f.params)) process.stdout.write(`    ${line}\n`);
  }
  return 0;
}
