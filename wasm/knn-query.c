/*
 * Exact k-nearest-neighbour queries (src/models/knn), compiled to WebAssembly by
 * tools/build-wasm.mjs. The arithmetic is the TypeScript path's, in the same order, so both give
 * the same neighbours and the same bits: distances summed in feature order (distance.ts rdist,
 * abandoned once strictly above the worst kept), the bounded max-heap ordered by (distance,
 * training index) of heap.ts, the KD-tree walk of kd-tree.ts (nearer child first, a node skipped
 * only when its box is strictly farther than the worst kept). No libc, no allocation: the caller
 * lays every array out in memory and passes byte offsets.
 */
typedef int i32;

#define INF (__builtin_inf())

/* Reduced Minkowski distance between a and b (p features), abandoned once above `limit`. */
static double rdist(const double* a, const double* b, i32 p, i32 pw, double limit) {
  double s = 0.0;
  if (pw == 2) {
    for (i32 f = 0; f < p; f++) {
      double d = a[f] - b[f];
      s += d * d;
      if (s > limit) return s;
    }
  } else {
    for (i32 f = 0; f < p; f++) {
      s += __builtin_fabs(a[f] - b[f]);
      if (s > limit) return s;
    }
  }
  return s;
}

typedef struct {
  double* d;
  i32* i;
  i32 k;
} Heap;

static void heap_reset(Heap* h) {
  for (i32 t = 0; t < h->k; t++) {
    h->d[t] = INF;
    h->i[t] = 0x7fffffff;
  }
}

/* heap.ts push: replace the worst when (dist, idx) is smaller, then sift down. */
static void heap_push(Heap* h, double dist, i32 idx) {
  double* d = h->d;
  i32* ix = h->i;
  i32 k = h->k;
  if (dist > d[0] || (dist == d[0] && idx >= ix[0])) return;
  i32 pos = 0;
  for (;;) {
    i32 l = 2 * pos + 1;
    if (l >= k) break;
    i32 r = l + 1;
    i32 c = l;
    if (r < k && (d[r] > d[l] || (d[r] == d[l] && ix[r] > ix[l]))) c = r;
    if (d[c] < dist || (d[c] == dist && ix[c] < idx)) break;
    d[pos] = d[c];
    ix[pos] = ix[c];
    pos = c;
  }
  d[pos] = dist;
  ix[pos] = idx;
}

/* heap.ts drain: the k candidates in (distance, index) order (indices are distinct: a total order). */
static void heap_drain(Heap* h, double* out_d, i32* out_i) {
  i32 k = h->k;
  for (i32 t = 0; t < k; t++) {
    double dv = h->d[t];
    i32 iv = h->i[t];
    i32 s = t;
    while (s > 0 && (out_d[s - 1] > dv || (out_d[s - 1] == dv && out_i[s - 1] > iv))) {
      out_d[s] = out_d[s - 1];
      out_i[s] = out_i[s - 1];
      s--;
    }
    out_d[s] = dv;
    out_i[s] = iv;
  }
}

/* The arrays of a KD-tree built by kd-tree.ts: rows in tree order, per-node ranges, children, boxes. */
typedef struct {
  const double* xs;
  const i32* perm;
  const i32* start;
  const i32* end;
  const i32* left;
  const i32* right;
  const double* lo;
  const double* hi;
  i32 p;
  i32 pw;
} Tree;

static double box_dist(const Tree* t, i32 id, const double* x) {
  i32 p = t->p;
  const double* lo = t->lo + (long)id * p;
  const double* hi = t->hi + (long)id * p;
  double s = 0.0;
  for (i32 f = 0; f < p; f++) {
    double v = x[f];
    double a = lo[f] - v;
    double b = v - hi[f];
    /* kd-tree.ts: a > 0 ? a : Math.max(b, 0); b is never NaN here (finite inputs) */
    double d = a > 0 ? a : (b > 0 ? b : 0.0);
    s += t->pw == 2 ? d * d : d;
  }
  return s;
}

static void visit(const Tree* t, i32 id, double dist, const double* x, Heap* h) {
  if (dist > h->d[0]) return;
  i32 l = t->left[id];
  if (l < 0) {
    i32 p = t->p;
    for (i32 s = t->start[id]; s < t->end[id]; s++) {
      double worst = h->d[0];
      double r = rdist(x, t->xs + (long)s * p, p, t->pw, worst);
      if (r <= worst) heap_push(h, r, t->perm[s]);
    }
    return;
  }
  i32 r = t->right[id];
  double dl = box_dist(t, l, x);
  double dr = box_dist(t, r, x);
  if (dl <= dr) {
    visit(t, l, dl, x, h);
    visit(t, r, dr, x, h);
  } else {
    visit(t, r, dr, x, h);
    visit(t, l, dl, x, h);
  }
}

/*
 * For each of `nq` query rows (p features each, at `q`): its k neighbours in (distance, index)
 * order into out_d / out_i (k per query), reduced distances. `tree` holds 8 offsets (xs, perm,
 * start, end, left, right, lo, hi); `heap` is scratch for k doubles then k ints.
 */
void kd_query(const i32* tree, i32 p, i32 pw, const double* q, i32 nq, i32 k, double* heap_d,
              i32* heap_i, double* out_d, i32* out_i) {
  Tree t = {(const double*)tree[0], (const i32*)tree[1], (const i32*)tree[2], (const i32*)tree[3],
            (const i32*)tree[4],    (const i32*)tree[5], (const double*)tree[6], (const double*)tree[7],
            p, pw};
  Heap h = {heap_d, heap_i, k};
  for (i32 j = 0; j < nq; j++) {
    const double* x = q + (long)j * p;
    heap_reset(&h);
    visit(&t, 0, box_dist(&t, 0, x), x, &h);
    heap_drain(&h, out_d + (long)j * k, out_i + (long)j * k);
  }
}

/* brute.ts for each query: every training row (n rows at `xs`) in index order. */
void brute_query(const double* xs, i32 n, i32 p, i32 pw, const double* q, i32 nq, i32 k,
                 double* heap_d, i32* heap_i, double* out_d, i32* out_i) {
  Heap h = {heap_d, heap_i, k};
  for (i32 j = 0; j < nq; j++) {
    const double* x = q + (long)j * p;
    heap_reset(&h);
    for (i32 s = 0; s < n; s++) {
      double worst = h.d[0];
      double r = rdist(x, xs + (long)s * p, p, pw, worst);
      if (r <= worst) heap_push(&h, r, s);
    }
    heap_drain(&h, out_d + (long)j * k, out_i + (long)j * k);
  }
}
