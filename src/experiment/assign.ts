/**
 * Which arm answers a request. With a key field (an entity id such as a customer id) the choice is
 * a hash of the experiment id and the key, so one entity always sees the same arm and a new
 * experiment reshuffles entities; without one, each request is drawn at random.
 */
import { createHash } from 'node:crypto';
import type { Experiment } from './experiment.js';

/** The two sides of an A/B test. */
export type Arm = 'champion' | 'challenger';

/** Uniform in [0, 1) from the first 48 bits of sha256(experiment id, key). */
export function keyFraction(experimentId: string, key: string): number {
  const h = createHash('sha256').update(experimentId).update('\0').update(key).digest();
  return h.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * The arm that answers a record: the challenger with the experiment's weight, by a hash of
 * `key_field` when set (so a key always gets the same arm), else at random; always the champion in
 * shadow mode.
 */
export function assignArm(
  e: Pick<Experiment, 'id' | 'weight' | 'shadow' | 'key_field'>,
  record: Readonly<Record<string, unknown>>,
  random: () => number = Math.random,
): Arm {
  if (e.shadow) return 'champion';
  const key = e.key_field ? record[e.key_field] : undefined;
  const u = key === undefined || key === null || key === '' ? random() : keyFraction(e.id, String(key));
  return u < e.weight ? 'challenger' : 'champion';
}
