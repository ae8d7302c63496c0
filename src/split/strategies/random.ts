/** random: one seeded permutation cut at the part sizes. */
import { assignInOrder, type SplitContext, type SplitStrategy } from '../split-strategy.js';

export const randomSplit: SplitStrategy = {
  name: 'random',
  assign({ frame, sizes, rng }: SplitContext): Uint8Array {
    const part = new Uint8Array(frame.nRows);
    assignInOrder(rng.permutation(frame.nRows), sizes, part);
    return part;
  },
};
