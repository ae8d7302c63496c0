/**
 * The input columns a model expects, read from its data contract when it lists them and from
 * metadata.json otherwise. Used for the OpenAPI schema, positional MLflow inputs and CSV typing.
 */
import type { ContractFeature, ModelPipeline } from './pipeline-port.js';

/** The model's input columns: the data contract's, else metadata.json's. */
export function modelFeatures(pipeline: ModelPipeline): ContractFeature[] {
  const fromContract = featureList((pipeline.contract as { features?: unknown } | null)?.features);
  if (fromContract.length) return fromContract;
  return featureList((pipeline.metadata as { features?: unknown } | null)?.features);
}

function featureList(raw: unknown): ContractFeature[] {
  // A contract may list features as an array or as a map keyed by name.
  const items = Array.isArray(raw)
    ? raw
    : raw && typeof raw === 'object'
      ? Object.entries(raw).map(([name, f]) => ({ name, ...(f as object) }))
      : [];
  return items.filter(
    (f): f is ContractFeature =>
      !!f && typeof f === 'object' && typeof (f as ContractFeature).name === 'string',
  );
}
