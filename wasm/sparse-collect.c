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
