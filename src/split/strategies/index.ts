/** Split strategies by name; an unknown name fails listing the known ones. */
import { ConfigError } from '../../core/errors.js';
import { STRATEGY_NAMES } from '../split-config.js';
import type { SplitStrategy } from '../split-strategy.js';
import { columnSplit } from './column.js';
import { groupSplit } from './group.js';
import { randomSplit } from './random.js';
import { stratifiedSplit } from './stratified.js';
import { timeSplit } from './time.js';

export { STRATEGY_NAMES };

const STRATEGIES: ReadonlyMap<string, SplitStrategy> = new Map(
  [randomSplit, stratifiedSplit, timeSplit, groupSplit, columnSplit].map((s) => [s.name, s]),
);
// One implementation per declared name, in the declared order.
if ([...STRATEGIES.keys()].join() !== STRATEGY_NAMES.join()) {
  throw new Error(`split strategies ${[...STRATEGIES.keys()]} differ from STRATEGY_NAMES ${STRATEGY_NAMES}`);
}

/** The strategy of a name; an unknown name is a ConfigError listing the known ones. */
export function getSplitStrategy(name: string, path = 'split.strategy'): SplitStrategy {
  const s = STRATEGIES.get(name);
  if (!s) {
    throw new ConfigError([
      {
        path,
        code: 'unknown_strategy',
        message: `${path} = ${JSON.stringify(name)} is not a known strategy; known: ${STRATEGY_NAMES.join(', ')}`,
      },
    ]);
  }
  return s;
}
