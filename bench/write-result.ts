import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/** Write a benchmark result as JSON into bench/results/<name>.json, with machine facts. */
export function writeResult(name: string, result: unknown): string {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const path = `${dir}${name}.json`;
  const doc = {
    benchmark: name,
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memory_gb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    result,
  };
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`wrote ${path}`);
  return path;
}
