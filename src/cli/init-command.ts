import { existsSync, writeFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import '../models/index.js';
import { configTemplate } from '../config/template.js';

export function initCommand(opts: { out: string; force?: boolean }): number {
  if (existsSync(opts.out) && !opts.force) {
    throw new UsageError(
      'exists',
      `${opts.out} already exists; use --force to overwrite it or --out to pick another file`,
    );
  }
  writeFileSync(opts.out, configTemplate());
  process.stdout.write(`wrote ${opts.out}: edit it, then run tabflow train --config ${opts.out}\n`);
  return 0;
}
