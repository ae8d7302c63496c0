/**
 * Prometheus text exposition without a client library: counters and one latency histogram,
 * kept in Maps keyed by the label string so the hot path does one lookup per update.
 */

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Histogram {
  counts: Float64Array;
  sum: number;
  count: number;
}

export class ServerMetrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly rows = new Map<string, number>();
  private readonly rejected = new Map<string, number>();
  private readonly warned = new Map<string, number>();
  /** Label strings by their parts, built once: the hot path allocates nothing. */
  private readonly keys = new Map<string, Map<string, Map<number, string>>>();
  private readonly codeKeys = new Map<string, Map<string, string>>();
  private readonly started = Date.now();

  constructor(private info: Record<string, string>) {}

  /** The served model changed (hot reload): `tabflow_model_info` names the new one. */
  setInfo(info: Record<string, string>): void {
    this.info = info;
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    inc(this.requests, this.requestKey(method, route, status));
    let h = this.latency.get(route);
    if (!h) {
      h = { counts: new Float64Array(BUCKETS.length), sum: 0, count: 0 };
      this.latency.set(route, h);
    }
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) h.counts[i]++;
    h.sum += seconds;
    h.count++;
  }

  /** Count one predicted row and its issue codes (each code once per row). */
  observeRow(
    status: string,
    errors: readonly { code: string }[],
    warnings: readonly { code: string }[],
  ): void {
    inc(this.rows, this.codeKey('status', status));
    this.countCodes(this.rejected, errors);
    this.countCodes(this.warned, warnings);
  }

  private countCodes(m: Map<string, number>, issues: readonly { code: string }[]): void {
    for (let i = 0; i < issues.length; i++) {
      const code = issues[i].code;
      let seen = false;
      for (let j = 0; j < i && !seen; j++) seen = issues[j].code === code;
      if (!seen) inc(m, this.codeKey('code', code));
    }
  }

  private requestKey(method: string, route: string, status: number): string {
    const byRoute = getOrAdd(this.keys, method, () => new Map<string, Map<number, string>>());
    const byStatus = getOrAdd(byRoute, route, () => new Map<number, string>());
    return getOrAdd(byStatus, status, () => labels({ method, route, status: String(status) }));
  }

  private codeKey(name: string, value: string): string {
    const byValue = getOrAdd(this.codeKeys, name, () => new Map<string, string>());
    return getOrAdd(byValue, value, () => labels({ [name]: value }));
  }

  /** `extra` are gauges, `counters` counters, each `name` or `name{labels}` → value. */
  render(extra: Record<string, number> = {}, counters: Record<string, number> = {}): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string, m: Map<string, number>) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [k, v] of m) out.push(`${name}${k} ${v}`);
    };
    family(
      'tabflow_http_requests_total',
      'counter',
      'HTTP requests by method, route and status.',
      this.requests,
    );
    out.push(
      '# HELP tabflow_http_request_duration_seconds HTTP request latency by route.',
      '# TYPE tabflow_http_request_duration_seconds histogram',
    );
    for (const [route, h] of this.latency) {
      const k = labels({ route });
      const inner = k.slice(1, -1);
      BUCKETS.forEach((b, i) => {
        out.push(`tabflow_http_request_duration_seconds_bucket{${inner},le="${b}"} ${h.counts[i]}`);
      });
      out.push(`tabflow_http_request_duration_seconds_bucket{${inner},le="+Inf"} ${h.count}`);
      out.push(`tabflow_http_request_duration_seconds_sum${k} ${h.sum}`);
      out.push(`tabflow_http_request_duration_seconds_count${k} ${h.count}`);
    }
    family('tabflow_prediction_rows_total', 'counter', 'Rows scored, by status (ok, rejected).', this.rows);
    family('tabflow_rejected_rows_total', 'counter', 'Rejected rows by validation code.', this.rejected);
    family('tabflow_warned_rows_total', 'counter', 'Rows predicted with a warning, by code.', this.warned);
    out.push(
      '# HELP tabflow_model_info The model being served (value is always 1).',
      '# TYPE tabflow_model_info gauge',
      `tabflow_model_info${labels(this.info)} 1`,
      '# HELP tabflow_uptime_seconds Seconds since the server started.',
      '# TYPE tabflow_uptime_seconds gauge',
      `tabflow_uptime_seconds ${(Date.now() - this.started) / 1000}`,
    );
    const typed = (m: Record<string, number>, type: string) => {
      const seen = new Set<string>();
      for (const [name, v] of Object.entries(m)) {
        const base = name.split('{')[0];
        if (!seen.has(base)) out.push(`# TYPE ${base} ${type}`);
        seen.add(base);
        out.push(`${name} ${v}`);
      }
    };
    typed(extra, 'gauge');
    typed(counters, 'counter');
    return `${out.join('\n')}\n`;
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

function inc(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

function labels(l: Record<string, string>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return `{${parts.join(',')}}`;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
