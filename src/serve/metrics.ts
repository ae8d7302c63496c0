/**
 * Prometheus metrics on prom-client: the default process and Node.js runtime metrics
 * (`process_cpu_user_seconds_total`, `nodejs_eventloop_lag_seconds`, heap, GC, handles, ...)
 * beside tabflow's own, under the names dashboards already use. Each server has its own
 * registry (several servers in one process, as in tests, never share counts).
 *
 * Request and row counts are plain numbers on the hot path, handed to prom-client counters when
 * scraped (the latency histogram is prom-client's own); values that live elsewhere (reload counters, experiment and log state) are read when the
 * registry is scraped. With `tabflow serve --workers N` the answer sums every worker's registry
 * (cluster-primary.ts); the `aggregator` of each gauge says how a worker's value combines.
 */
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  Registry as PromRegistry,
  type Registry,
} from 'prom-client';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** What the server knows at scrape time about its model source, experiments and log. */
export interface ServerSample {
  generation: number;
  /** ms since the epoch. */
  loadedAt: number;
  reloads: { ok: number; failed: number };
  /** Absent when the server runs no experiments. */
  experiment?: {
    active: boolean;
    loads: { ok: number; failed: number };
    shadowFailures: number;
    rows: ReadonlyMap<string, number>;
  };
  /** Absent without a prediction log. */
  log?: { pending: number; written: number; dropped: number };
}

type Labels = Record<string, string>;

/**
 * Counts per label set in plain numbers, handed to a prom-client counter when it is scraped: an
 * update is a Map lookup and an increment (a prom-client `inc` hashes its labels, ~0.7 µs).
 */
class Counts {
  private readonly entries: { labels: Labels; n: number }[] = [];
  private readonly byValue = new Map<string, { labels: Labels; n: number }>();

  constructor(registry: Registry, name: string, help: string, labelNames: string[]) {
    const entries = this.entries;
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const { labels, n } of entries) this.inc(labels, n);
      },
    });
  }

  /** The count of one label set, to increment (`n++`); keep it to skip the lookup next time. */
  entry(labels: Labels): { labels: Labels; n: number } {
    const e = { labels, n: 0 };
    this.entries.push(e);
    return e;
  }

  /** One count more for a family with a single label. */
  inc(label: string, value: string): void {
    let e = this.byValue.get(value);
    if (!e) {
      e = this.entry({ [label]: value });
      this.byValue.set(value, e);
    }
    e.n++;
  }
}

/** One server's Prometheus registry: request, row and model families beside prom-client's runtime metrics. */
export class ServerMetrics {
  readonly registry: Registry;
  private readonly requests: Counts;
  private readonly latency: Histogram<'route'>;
  private readonly rows: Counts;
  private readonly rejected: Counts;
  private readonly warned: Counts;
  /** Per method, route and status: the request count and the route's histogram child, made once. */
  private readonly requestEntries = new Map<string, Map<string, Map<number, { n: number }>>>();
  private readonly latencyChildren = new Map<string, { observe(v: number): void }>();
  private readonly started = Date.now();

  /**
   * `info` labels `tabflow_model_info`; `sample` is read on every scrape; `experiments` and `log`
   * say whether those families exist at all (absent rather than zero when the server has none).
   */
  constructor(
    private info: Labels,
    sample: () => ServerSample,
    opts: { experiments?: boolean; log?: boolean; registry?: Registry } = {},
  ) {
    const registry = opts.registry ?? new PromRegistry();
    this.registry = registry;
    collectDefaultMetrics({ register: registry });
    this.requests = new Counts(
      registry,
      'tabflow_http_requests_total',
      'HTTP requests by method, route and status.',
      ['method', 'route', 'status'],
    );
    this.latency = new Histogram({
      name: 'tabflow_http_request_duration_seconds',
      help: 'HTTP request latency by route.',
      labelNames: ['route'],
      buckets: BUCKETS,
      registers: [registry],
    });
    this.rows = new Counts(
      registry,
      'tabflow_prediction_rows_total',
      'Rows scored, by status (ok, rejected).',
      ['status'],
    );
    this.rejected = new Counts(registry, 'tabflow_rejected_rows_total', 'Rejected rows by validation code.', [
      'code',
    ]);
    this.warned = new Counts(
      registry,
      'tabflow_warned_rows_total',
      'Rows predicted with a warning, by code.',
      ['code'],
    );
    const self = this;
    new Gauge({
      name: 'tabflow_model_info',
      help: 'The model being served (value is always 1).',
      labelNames: ['model', 'run_id', 'version', 'stage', 'tabflow_version'],
      aggregator: 'max',
      registers: [registry],
      collect() {
        this.reset();
        this.set(self.info, 1);
      },
    });
    gauge(registry, 'tabflow_uptime_seconds', 'Seconds since the server started.', 'max', () => {
      return (Date.now() - this.started) / 1000;
    });
    sampled(registry, sample, opts);
  }

  /** The served model changed (hot reload): `tabflow_model_info` names the new one. */
  setInfo(info: Labels): void {
    this.info = info;
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const byRoute = getOrAdd(this.requestEntries, method, () => new Map());
    const byStatus = getOrAdd(byRoute, route, () => new Map());
    const e = getOrAdd(byStatus, status, () =>
      this.requests.entry({ method, route, status: String(status) }),
    );
    e.n++;
    let h = this.latencyChildren.get(route);
    if (!h) {
      h = this.latency.labels(route);
      this.latencyChildren.set(route, h);
    }
    h.observe(seconds);
  }

  /** Count one predicted row and its issue codes (each code once per row). */
  observeRow(
    status: string,
    errors: readonly { code: string }[],
    warnings: readonly { code: string }[],
  ): void {
    this.rows.inc('status', status);
    countCodes(this.rejected, errors);
    countCodes(this.warned, warnings);
  }

  /** The Prometheus text exposition of this server's registry. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

function getOrAdd<K, V>(m: Map<K, V>, key: K, make: () => V): V {
  let v = m.get(key);
  if (v === undefined) {
    v = make();
    m.set(key, v);
  }
  return v;
}

function countCodes(counts: Counts, issues: readonly { code: string }[]): void {
  for (let i = 0; i < issues.length; i++) {
    const code = issues[i].code;
    let seen = false;
    for (let j = 0; j < i && !seen; j++) seen = issues[j].code === code;
    if (!seen) counts.inc('code', code);
  }
}

type Aggregator = 'sum' | 'max' | 'min';

/** A gauge whose value is read at scrape time. */
function gauge(registry: Registry, name: string, help: string, aggregator: Aggregator, read: () => number) {
  new Gauge({
    name,
    help,
    aggregator,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/** A counter whose values (per label set) are kept elsewhere and read at scrape time. */
function counter(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  read: () => Iterable<[string, number]>,
) {
  new Counter({
    name,
    help,
    labelNames: label ? [label] : [],
    registers: [registry],
    collect() {
      this.reset();
      for (const [value, n] of read()) this.inc(label ? { [label]: value } : {}, n);
    },
  });
}

/** The families read from `sample()`: model source, experiments, prediction log. */
function sampled(
  registry: Registry,
  sample: () => ServerSample,
  opts: { experiments?: boolean; log?: boolean },
) {
  // A sample is a few field reads: each family takes its own.
  const s = sample;
  gauge(
    registry,
    'tabflow_model_generation',
    'Models loaded so far (1 = the first).',
    'max',
    () => s().generation,
  );
  gauge(
    registry,
    'tabflow_model_loaded_timestamp_seconds',
    'When the served model was loaded (the oldest worker with --workers).',
    'min',
    () => s().loadedAt / 1000,
  );
  counter(registry, 'tabflow_model_reloads_total', 'Model reloads by result.', 'result', () => [
    ['ok', s().reloads.ok],
    ['failed', s().reloads.failed],
  ]);
  if (opts.experiments) {
    const ex = () => s().experiment;
    gauge(
      registry,
      'tabflow_experiment_active',
      'Whether an A/B experiment runs (1) or not (0).',
      'max',
      () => (ex()?.active ? 1 : 0),
    );
    counter(registry, 'tabflow_experiment_loads_total', 'Experiment loads by result.', 'result', () => [
      ['ok', ex()?.loads.ok ?? 0],
      ['failed', ex()?.loads.failed ?? 0],
    ]);
    counter(
      registry,
      'tabflow_experiment_shadow_failures_total',
      'Shadow predictions that failed.',
      '',
      () => [['', ex()?.shadowFailures ?? 0]],
    );
    counter(registry, 'tabflow_experiment_rows_total', 'Rows scored per experiment arm.', 'arm', () => [
      ...(ex()?.rows ?? []),
    ]);
  }
  if (opts.log) {
    const log = () => s().log ?? { pending: 0, written: 0, dropped: 0 };
    gauge(
      registry,
      'tabflow_prediction_log_pending_rows',
      'Rows waiting to be written.',
      'sum',
      () => log().pending,
    );
    gauge(
      registry,
      'tabflow_prediction_log_written_rows',
      'Rows written by this server.',
      'sum',
      () => log().written,
    );
    gauge(registry, 'tabflow_prediction_log_dropped_rows', 'Rows given up.', 'sum', () => log().dropped);
  }
}

/** How a worker of `tabflow serve --workers N` answers /metrics for all of them (cluster-primary.ts). */
export interface ClusterMetrics {
  /** The registry this worker reports when the primary gathers every worker's metrics. */
  share(registry: Registry): void;
  /** Every worker's metrics, aggregated by the primary (sums; gauges by their `aggregator`). */
  collect(): Promise<string>;
}
