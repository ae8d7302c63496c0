/*
 * Present bins of one feature over a small node's rows, with their gradient / hessian / count
 * sums: the hot loop of src/models/tree/sparse-split.ts (`collect`), same arithmetic in the same
 * order (per-bin sums from 0 in row order; present bins ascending), so both paths give the same
 * bits. Compiled without FP contraction (no fused multiply-add).
 */

typedef unsigned char u8;
typedef unsigned int u32;

#define NB 257

/*
 * bins: the feature's column (bin per training row); rows[0..cnt): the node's rows; og / oh: their
 * gradients / hessians in node order (oh unused when has_h == 0: the caller scales counts). acc
 * (3 × 257 doubles) and seen (9 words) must be zero on entry and are zero again on return. Writes
 * pb / pg / ph / pn[0..m) and returns m.
 */
int collect(const u8 *bins, const u32 *rows, int cnt, const double *og, const double *oh, int has_h,
            double *acc, u32 *seen, int *pb, double *pg, double *ph, double *pn) {
  double *acc_g = acc;
  double *acc_h = acc + NB;
  double *acc_n = acc + 2 * NB;
  u32 words = 0;
  if (has_h) {
    for (int k = 0; k < cnt; k++) {
      u32 b = bins[rows[k]];
      u32 w = b >> 5;
      seen[w] |= 1u << (b & 31);
      words |= 1u << w;
      acc_g[b] += og[k];
      acc_h[b] += oh[k];
      acc_n[b] += 1.0;
    }
  } else {
    for (int k = 0; k < cnt; k++) {
      u32 b = bins[rows[k]];
      u32 w = b >> 5;
      seen[w] |= 1u << (b & 31);
      words |= 1u << w;
      acc_g[b] += og[k];
      acc_n[b] += 1.0;
    }
  }
  int m = 0;
  while (words != 0) {
    u32 w = (u32)__builtin_ctz(words);
    words &= words - 1;
    u32 word = seen[w];
    seen[w] = 0;
    while (word != 0) {
      pb[m++] = (int)((w << 5) + (u32)__builtin_ctz(word));
      word &= word - 1;
    }
  }
  for (int i = 0; i < m; i++) {
    int b = pb[i];
    pg[i] = acc_g[b];
    ph[i] = acc_h[b];
    pn[i] = acc_n[b];
    acc_g[b] = 0;
    acc_h[b] = 0;
    acc_n[b] = 0;
  }
  return m;
}

/* A child's contribution to the split gain, as splitting.ts's score(): G² / (H + λ). */
static double score(double g, double h, double l2) {
  double d = h + l2;
  return d > 0 ? (g * g) / d : 0;
}

/*
 * collect() for a numeric feature, then (no missing value in the node) sparse-split.ts's
 * presentBinsSplit: the candidates are the present bins but the last, scanned in order; a gain
 * must beat `best` strictly. When !has_h the hessian sums are counts × h_const, as the caller's.
 * c: {G, H, N, l2, min_samples_leaf, min_hessian, parent, best, h_const}. res: {m, gain, gL, hL,
 * nL}. Returns the index of the best present bin, -1 when none beats `best`, -2 when the node has
 * missing values (bin nb: the caller scans) and -3 when one bin holds every row (constant).
 */
int collect_scan(const u8 *bins, const u32 *rows, int cnt, const double *og, const double *oh, int has_h,
                 double *acc, u32 *seen, int *pb, double *pg, double *ph, double *pn, int nb,
                 const double *c, double *res) {
  int m = collect(bins, rows, cnt, og, oh, has_h, acc, seen, pb, pg, ph, pn);
  res[0] = m;
  if (m == 1) return -3;
  if (!has_h)
    for (int i = 0; i < m; i++) ph[i] = pn[i] * c[8];
  if (pb[m - 1] == nb) return -2;
  double G = c[0], H = c[1], N = c[2], l2 = c[3], msl = c[4], mh = c[5], parent = c[6], best = c[7];
  double gL = 0, hL = 0, nL = 0;
  int found = -1;
  for (int i = 0; i < m - 1; i++) {
    gL += pg[i];
    hL += ph[i];
    nL += pn[i];
    if (nL < msl) continue;
    double nR = N - nL;
    if (nR < msl) break;
    double hR = H - hL;
    if (hL < mh || hR < mh) continue;
    double gR = G - gL;
    double gain = score(gL, hL, l2) + score(gR, hR, l2) - parent;
    if (gain > best) {
      best = gain;
      found = i;
      res[1] = gain;
      res[2] = gL;
      res[3] = hL;
      res[4] = nL;
    }
  }
  return found;
}
