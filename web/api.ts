/** The pages' access to the server's /api routes (src/ui/ui-plugin.ts); the JSON types are src/ui/api-types.ts. */
export type {
  AbTestJson,
  ArmJson,
  Comparison,
  ConcludeJson,
  ExperimentJson,
  ExperimentsJson,
  FeatureDriftRow,
  GateNumbers,
  LeaderboardRow,
  LiveMetricsRow,
  ModelsOverview,
  PredictForm,
  Prediction,
  Preview,
  ProductionJson,
  RunDetail,
  RunPage,
  RunSummary,
  Scores,
  StageMove,
} from '../src/ui/api-types.js';

/** An error answer of the API, shown to the user as it is. */
export class ApiError extends Error {}

/** GET a JSON route; an error answer throws its message. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as { message?: string } | null;
  if (!res.ok) throw new ApiError(body?.message ?? `${res.status} ${res.statusText}`);
  return body as T;
}

/** POST JSON to a route; an error answer throws its message. */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const out = (await res.json().catch(() => null)) as { message?: string } | null;
  if (!res.ok) throw new ApiError(out?.message ?? `${res.status} ${res.statusText}`);
  return out as T;
}

/** A write of the UI: the admin token in the Authorization header, plus the UI's CSRF header. */

export async function postAdmin<T>(path: string, token: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: `Bearer ${token}`,
      'x-tabflow-ui': '1',
    },
    body: JSON.stringify(body),
  });
  const out = (await res.json().catch(() => null)) as { message?: string } | null;
  if (!res.ok) throw new ApiError(out?.message ?? `${res.status} ${res.statusText}`);
  return out as T;
}
