/** One input of a run's data contract as the UI shows it: name, type, nullability, training range. */
import type { FeatureSchemaEntry } from '../artifacts/run-folder.js';

/** The fields of `f` every page shows. */
export function contractField(f: FeatureSchemaEntry): {
  name: string;
  type: string;
  nullable: boolean;
  min: number | null;
  max: number | null;
} {
  return {
    name: f.name,
    type: f.type,
    nullable: f.nullable,
    min: typeof f.min === 'number' ? f.min : null,
    max: typeof f.max === 'number' ? f.max : null,
  };
}
