/*
 * Histogram building for the tree grower (src/models/tree/histogram.ts), compiled to WebAssembly
 * by tools/build-wasm.mjs over one shared memory that the grower's main thread and its helper
 * thread both use (src/models/tree/histogram-kernel.ts). Every bin receives the same additions in
 * the same order as in the TypeScript path — rows in node order, the two partial histograms of the
 * dense loops combined the same way — so the sums, and the trees, are bit for bit the same.
 *
 * A histogram is `[g, h, n]` triples of doubles; feature j's bins start at triple offsets[j]. Bins
 * are column-major bytes (bins[j * n + row]). `oh == 0` means a constant hessian `hconst`. No libc,
 * no allocation, no stack: `scratch` (2 × 3 × 257 doubles) is the calling thread's own.
 */
typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;

#define PAIR_WIDTH (3 * 257)

static void zero(double* a, u32 from, u32 to) {
  for (u32 i = from; i < to; i++) a[i] = 0.0;
}

static int is_identity(const u32* rows, u32 n) {
  if (rows[0] != 0 || rows[n - 1] != n - 1) return 0;
  for (u32 i = 0; i < n; i++)
    if (rows[i] != i) return 0;
  return 1;
}

/* Gradients and counts of one feature over all rows in order, alternating two partial histograms
   (histogram.ts accumulateDenseConst); `hist` already zero. */
static void dense_const(double* hist, const u8* col, u32 size, const double* og, u32 cnt,
                        double* a) {
  zero(a, 0, size);
  zero(a, PAIR_WIDTH, PAIR_WIDTH + size);
  u32 k = 0;
  for (; k + 1 < cnt; k += 2) {
    u32 b0 = 3 * col[k];
    u32 b1 = PAIR_WIDTH + 3 * col[k + 1];
    a[b0] += og[k];
    a[b0 + 2] += 1.0;
    a[b1] += og[k + 1];
    a[b1 + 2] += 1.0;
  }
  if (k < cnt) {
    u32 b0 = 3 * col[k];
    a[b0] += og[k];
    a[b0 + 2] += 1.0;
  }
  for (u32 b = 0; b < size; b += 3) {
    hist[b] += a[b] + a[PAIR_WIDTH + b];
    hist[b + 2] += a[b + 2] + a[PAIR_WIDTH + b + 2];
  }
}

/* Four features per pass over the node's rows: the row id and gradient are loaded once. */
static void quad_const(double* hist, const u8* bins, u32 n, const i32* offsets, const i32* f,
                       const u32* rows, const double* og, u32 cnt) {
  const u8* c1 = bins + (u32)f[0] * n;
  const u8* c2 = bins + (u32)f[1] * n;
  const u8* c3 = bins + (u32)f[2] * n;
  const u8* c4 = bins + (u32)f[3] * n;
  double* h1 = hist + 3 * offsets[f[0]];
  double* h2 = hist + 3 * offsets[f[1]];
  double* h3 = hist + 3 * offsets[f[2]];
  double* h4 = hist + 3 * offsets[f[3]];
  for (u32 k = 0; k < cnt; k++) {
    u32 r = rows[k];
    double g = og[k];
    double* b1 = h1 + 3 * c1[r];
    double* b2 = h2 + 3 * c2[r];
    double* b3 = h3 + 3 * c3[r];
    double* b4 = h4 + 3 * c4[r];
    b1[0] += g;
    b1[2] += 1.0;
    b2[0] += g;
    b2[2] += 1.0;
    b3[0] += g;
    b3[2] += 1.0;
    b4[0] += g;
    b4[2] += 1.0;
  }
}

static void one_const(double* hist, const u8* col, const u32* rows, const double* og, u32 cnt) {
  for (u32 k = 0; k < cnt; k++) {
    double* b = hist + 3 * col[rows[k]];
    b[0] += og[k];
    b[2] += 1.0;
  }
}

static void one_hess(double* hist, const u8* col, const u32* rows, const double* og,
                     const double* oh, u32 cnt) {
  for (u32 k = 0; k < cnt; k++) {
    double* b = hist + 3 * col[rows[k]];
    b[0] += og[k];
    b[1] += oh[k];
    b[2] += 1.0;
  }
}

static void dense_hess(double* hist, const u8* col, const double* og, const double* oh, u32 cnt) {
  for (u32 k = 0; k < cnt; k++) {
    double* b = hist + 3 * col[k];
    b[0] += og[k];
    b[1] += oh[k];
    b[2] += 1.0;
  }
}

/* histogram.ts buildHistogram: rows[start..end) of the listed features into `hist` (zeroed here);
   og/oh gathered in node order. */
void hist_node(double* hist, const u8* bins, u32 n, const i32* offsets, const i32* feats, u32 nf,
               const u32* rows, u32 start, u32 end, const double* og, const double* oh,
               double hconst, double* scratch) {
  u32 cnt = end - start;
  int identity = start == 0 && cnt == n && is_identity(rows, n);
  for (u32 f = 0; f < nf; f++) zero(hist, 3 * offsets[feats[f]], 3 * offsets[feats[f] + 1]);
  const u32* node_rows = rows + start;
  u32 f = 0;
  if (!identity && !oh)
    for (; f + 3 < nf; f += 4) quad_const(hist, bins, n, offsets, feats + f, node_rows, og, cnt);
  for (; f < nf; f++) {
    i32 j = feats[f];
    u32 lo = 3 * offsets[j];
    const u8* col = bins + (u32)j * n;
    if (identity) {
      if (!oh) dense_const(hist + lo, col, 3 * offsets[j + 1] - lo, og, cnt, scratch);
      else dense_hess(hist + lo, col, og, oh, cnt);
    } else if (!oh) {
      one_const(hist + lo, col, node_rows, og, cnt);
    } else {
      one_hess(hist + lo, col, node_rows, og, oh, cnt);
    }
  }
  if (!oh) {
    for (u32 q = 0; q < nf; q++) {
      i32 j = feats[q];
      u32 hi = 3 * offsets[j + 1];
      for (u32 b = 3 * offsets[j]; b < hi; b += 3) hist[b + 1] = hist[b + 2] * hconst;
    }
  }
}

/* quad_const reading each row's gradient from `grad` (not yet gathered): the same additions. */
static void quad_const_direct(double* hist, const u8* bins, u32 n, const i32* offsets,
                              const i32* f, const u32* rows, const double* grad, u32 cnt) {
  const u8* c1 = bins + (u32)f[0] * n;
  const u8* c2 = bins + (u32)f[1] * n;
  const u8* c3 = bins + (u32)f[2] * n;
  const u8* c4 = bins + (u32)f[3] * n;
  double* h1 = hist + 3 * offsets[f[0]];
  double* h2 = hist + 3 * offsets[f[1]];
  double* h3 = hist + 3 * offsets[f[2]];
  double* h4 = hist + 3 * offsets[f[3]];
  for (u32 k = 0; k < cnt; k++) {
    u32 r = rows[k];
    double g = grad[r];
    double* b1 = h1 + 3 * c1[r];
    double* b2 = h2 + 3 * c2[r];
    double* b3 = h3 + 3 * c3[r];
    double* b4 = h4 + 3 * c4[r];
    b1[0] += g;
    b1[2] += 1.0;
    b2[0] += g;
    b2[2] += 1.0;
    b3[0] += g;
    b3[2] += 1.0;
    b4[0] += g;
    b4[2] += 1.0;
  }
}

/* hist_node for a thread that starts before the node's gradients are gathered (the other thread
   gathers them meanwhile): each row's gradient and hessian are read through `rows` from the
   ungathered `grad` / `hess`. The same values are added in the same order, so the same bits. */
void hist_node_direct(double* hist, const u8* bins, u32 n, const i32* offsets, const i32* feats,
                      u32 nf, const u32* rows, u32 start, u32 end, const double* grad,
                      const double* hess, double hconst, double* scratch) {
  u32 cnt = end - start;
  if (start == 0 && cnt == n && is_identity(rows, n)) {
    /* All rows in order: the gathered arrays would equal grad / hess. */
    hist_node(hist, bins, n, offsets, feats, nf, rows, start, end, grad, hess, hconst, scratch);
    return;
  }
  for (u32 f = 0; f < nf; f++) zero(hist, 3 * offsets[feats[f]], 3 * offsets[feats[f] + 1]);
  const u32* node_rows = rows + start;
  u32 f = 0;
  if (!hess)
    for (; f + 3 < nf; f += 4)
      quad_const_direct(hist, bins, n, offsets, feats + f, node_rows, grad, cnt);
  for (; f < nf; f++) {
    i32 j = feats[f];
    double* h = hist + 3 * offsets[j];
    const u8* col = bins + (u32)j * n;
    for (u32 k = 0; k < cnt; k++) {
      u32 r = node_rows[k];
      double* b = h + 3 * col[r];
      b[0] += grad[r];
      if (hess) b[1] += hess[r];
      b[2] += 1.0;
    }
  }
  if (!hess) {
    for (u32 q = 0; q < nf; q++) {
      i32 j = feats[q];
      u32 hi = 3 * offsets[j + 1];
      for (u32 b = 3 * offsets[j]; b < hi; b += 3) hist[b + 1] = hist[b + 2] * hconst;
    }
  }
}

/* histogram.ts buildRootHistogram: all rows in natural order, counts from `counts`. */
void hist_root(double* hist, const u8* bins, u32 n, const i32* offsets, const i32* feats, u32 nf,
               const double* g, const double* h, double hconst, const double* counts,
               double* scratch) {
  for (u32 f = 0; f < nf; f++) {
    i32 j = feats[f];
    u32 lo = 3 * offsets[j];
    u32 hi = 3 * offsets[j + 1];
    zero(hist, lo, hi);
    const u8* col = bins + (u32)j * n;
    if (!h) {
      double* a = scratch;
      u32 size = hi - lo;
      zero(a, 0, size);
      zero(a, PAIR_WIDTH, PAIR_WIDTH + size);
      u32 i = 0;
      for (; i + 1 < n; i += 2) {
        a[3 * col[i]] += g[i];
        a[PAIR_WIDTH + 3 * col[i + 1]] += g[i + 1];
      }
      if (i < n) a[3 * col[i]] += g[i];
      for (u32 b = 0; b < size; b += 3) hist[lo + b] += a[b] + a[PAIR_WIDTH + b];
    } else {
      for (u32 i = 0; i < n; i++) {
        double* b = hist + lo + 3 * col[i];
        b[0] += g[i];
        b[1] += h[i];
      }
    }
    for (u32 b = lo; b < hi; b += 3) {
      hist[b + 2] = counts[b + 2];
      if (!h) hist[b + 1] = counts[b + 2] * hconst;
    }
  }
}

/* histogram.ts gatherOrdered: out[k] = src[rows[start + k]]. */
void gather(double* out, const double* src, const u32* rows, u32 start, u32 end) {
  for (u32 i = start, k = 0; i < end; i++, k++) out[k] = src[rows[i]];
}

/* One part of the grower's stable partition (row-jobs.ts partitionPart): the left rows
   (lut[bin] == 1) of rows[start..end) compacted in place from `start`, the right rows written to
   tmp[start..] in order; returns the count of left rows. Two threads may run it on disjoint
   ranges of one node; the grower then joins the parts. */
u32 partition_part(u32* rows, u32 start, u32 end, const u8* col, const u8* lut, u32* tmp) {
  u32 nl = start;
  u32 nr = start;
  for (u32 i = start; i < end; i++) {
    u32 r = rows[i];
    u32 l = lut[col[r]];
    rows[nl] = r;
    tmp[nr] = r;
    nl += l;
    nr += 1 - l;
  }
  return nl - start;
}

/* grower.ts partition: stable, left rows (lut[bin] == 1) first; returns the boundary. */
u32 partition(u32* rows, u32 start, u32 end, const u8* col, const u8* lut, u32* tmp) {
  u32 nl = start;
  u32 nr = 0;
  for (u32 i = start; i < end; i++) {
    u32 r = rows[i];
    u32 l = lut[col[r]];
    rows[nl] = r;
    tmp[nr] = r;
    nl += l;
    nr += 1 - l;
  }
  for (u32 k = 0; k < nr; k++) rows[nl + k] = tmp[k];
  return nl;
}

/* row-jobs.ts addLeafValues: raw[rows[q]] += value[k] for the positions q in [from, to) of every
   leaf k (leaf k holds rows[span[2k] .. span[2k + 1])). Each row is in one leaf, so each raw value
   gets one addition whichever thread makes it. With `y`, also the squared loss's next gradient
   grad[row] = raw[row] - y[row] while the row is at hand, and rows[q] = q again (the next tree's
   rows: all, in order; each position is read by the one thread that resets it). */
void add_leaves(double* raw, u32* rows, const i32* span, const double* value, u32 nleaves,
                u32 from, u32 to, double* grad, const double* y) {
  for (u32 k = 0; k < nleaves; k++) {
    u32 lo = (u32)span[2 * k];
    u32 hi = (u32)span[2 * k + 1];
    if (lo < from) lo = from;
    if (hi > to) hi = to;
    double v = value[k];
    if (y) {
      for (u32 q = lo; q < hi; q++) {
        u32 r = rows[q];
        rows[q] = q;
        double x = raw[r] + v;
        raw[r] = x;
        grad[r] = x - y[r];
      }
    } else {
      for (u32 q = lo; q < hi; q++) raw[rows[q]] += v;
    }
  }
}

/* histogram.ts subtractHistogram: out = parent - child over the listed features (the sibling). */
void hist_subtract(double* out, const double* parent, const double* child, const i32* offsets,
                   const i32* feats, u32 nf) {
  for (u32 f = 0; f < nf; f++) {
    i32 j = feats[f];
    u32 hi = 3 * offsets[j + 1];
    for (u32 b = 3 * offsets[j]; b < hi; b++) out[b] = parent[b] - child[b];
  }
}
