/*
 * Batch prediction of flat-array trees (src/models/tree/predictor.ts), compiled to WebAssembly by
 * tools/build-wasm.mjs. The arithmetic is the TypeScript path's, in the same order, so both give
 * the same bits: for each tree in order, for each row, out[i] += scale * value[leaf].
 *
 * Each tree is described by 8 byte offsets into linear memory (see TREE_WORDS): feature (i32),
 * threshold (f64), left (i32), right (i32), value (f64), missingLeft (u8), catStart (i32),
 * catBits (u32). No libc, no allocation: the caller lays everything out.
 */
typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;

#define TREE_WORDS 8

/* Leaf reached by row x: numeric x <= threshold goes left, a categorical code goes left when its
   bit is set, NaN follows missingLeft (predictor.ts leafOf). */
static inline i32 leaf_of(const u32* t, const double* x) {
  const i32* feature = (const i32*)t[0];
  const double* threshold = (const double*)t[1];
  const i32* left = (const i32*)t[2];
  const i32* right = (const i32*)t[3];
  const u8* missing_left = (const u8*)t[5];
  const i32* cat_start = (const i32*)t[6];
  const u32* cat_bits = (const u32*)t[7];
  i32 node = 0;
  i32 f = feature[0];
  while (f >= 0) {
    double v = x[f];
    int go_left;
    if (v != v) {
      go_left = missing_left[node] == 1;
    } else {
      i32 cs = cat_start[node];
      if (cs < 0) {
        go_left = v <= threshold[node];
      } else {
        /* JS: c = v | 0; c === v && 0 <= c < nWords*32. Range first: an out-of-range cast traps. */
        u32 n_bits = cat_bits[cs] * 32u;
        go_left = 0;
        if (v >= 0.0 && v < (double)n_bits) {
          i32 c = (i32)v;
          if ((double)c == v) go_left = (cat_bits[cs + 1 + ((u32)c >> 5)] >> (c & 31)) & 1;
        }
      }
    }
    node = go_left ? left[node] : right[node];
    f = feature[node];
  }
  return node;
}

/* out[i] += scale * tree_t(X[i]) for trees t = 0..n_trees-1 in order, rows i = 0..rows-1 of the
   row-major matrix X (cols values per row). */
void predict_trees(const u32* table, u32 n_trees, const double* X, u32 rows, u32 cols, double* out,
                   double scale) {
  for (u32 t = 0; t < n_trees; t++) {
    const u32* tree = table + TREE_WORDS * t;
    const double* value = (const double*)tree[4];
    if (((const i32*)tree[0])[0] < 0) {
      double v = scale * value[0];
      for (u32 i = 0; i < rows; i++) out[i] += v;
      continue;
    }
    const double* x = X;
    for (u32 i = 0; i < rows; i++, x += cols) out[i] += scale * value[leaf_of(tree, x)];
  }
}
