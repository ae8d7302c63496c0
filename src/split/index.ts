export { DataSplitter, type SplitReport, type SplitResult } from './data-splitter.js';
export { resolveSplitConfig, SPLIT_PARAMS, type SplitConfig } from './split-config.js';
export { hashIndices } from './split-hash.js';
export { type PartSizes, partSizes, type SplitContext, type SplitStrategy } from './split-strategy.js';
export { getSplitStrategy, STRATEGY_NAMES } from './strategies/index.js';
