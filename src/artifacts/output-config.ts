/** The `output` section of the config: where runs are written and when one is published. */
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';

/** The `output` section's parameters. */
export const OUTPUT_PARAMS = {
  dir: {
    type: 'string',
    default: 'models',
    doc: 'artifact root: runs go to <dir>/runs/<run-id>, the promoted one to <dir>/production',
  },
  promote: {
    type: 'enum',
    default: 'if_none',
    values: ['if_none', 'always', 'never'],
    doc: 'when to publish to <dir>/production: only if none exists yet, always (--promote), or never',
  },
} as const satisfies ParamTable;

/** The resolved `output` section. */
export type OutputConfig = ParamsOf<typeof OUTPUT_PARAMS>;

/** Resolve the `output` section: defaults filled, every problem reported as one ConfigError. */
export function resolveOutputConfig(raw: unknown, path = 'output'): OutputConfig {
  return resolveParams(OUTPUT_PARAMS, raw, path);
}
