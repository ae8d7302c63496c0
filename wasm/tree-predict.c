/*
 * Batch prediction of flat-array trees (src/models/tree/predictor.ts), compiled to WebAssembly by
 * tools/build-wasm.mjs. The arithmetic is the TypeScript path's, in the same order, so both give
 * the same bits: for each tree in order, for each row, out[i] += scale * value[leaf].
 *
 * A tree is packed to 16 bytes per node (src/models/tree/wasm-tree-bank.ts): `node` (i32: -1 for
 * a leaf, else the split feature with bit 30 = missing values go left), `tv` (f64: the threshold
 * of a split, the value of a leaf) and `left` (i32); `right` only when some right child is not
 * left + 1, `cat_start` / `cat_bits` only when the tree has categorical splits. Each tree is 6
 * byte offsets in the table (TREE_WORDS); 0 = the array is absent. No libc, no allocation.
 */
typedef unsigned int u32;
typedef int i32;

#define TREE_WORDS 6
#define FEATURE_MASK 0x3fffffff
#define MISSING_LEFT 0x40000000

/* Leaf reached by row x: numeric x <= threshold goes left, a categorical code goes left when its
   bit is set, NaN follows missingLeft (predictor.ts leafOf). */
static inline i32 leaf_of(const u32* t, const double* x) {
  const i32* node_word = (const i32*)t[0];
  const double* tv = (const double*)t[1];
  const i32* left = (const i32*)t[2];
  const i32* right = (const i32*)t[3];
  const i32* cat_start = (const i32*)t[4];
  const u32* cat_bits = (const u32*)t[5];
  i32 node = 0;
  i32 w = node_word[0];
  while (w >= 0) {
    double v = x[w & FEATURE_MASK];
    int go_left;
    if (v != v) {
      go_left = (w & MISSING_LEFT) != 0;
    } else {
      i32 cs = cat_start ? cat_start[node] : -1;
      if (cs < 0) {
        go_left = v <= tv[node];
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
    node = go_left ? left[node] : (right ? right[node] : left[node] + 1);
    w = node_word[node];
  }
  return node;
}

/* out[i] += scale * tree_t(X[i]) for trees t = 0..n_trees-1 in order, rows i = 0..rows-1 of the
   row-major matrix X (cols values per row). */
void predict_trees(const u32* table, u32 n_trees, const double* X, u32 rows, u32 cols, double* out,
                   double scale) {
  for (u32 t = 0; t < n_trees; t++) {
    const u32* tree = table + TREE_WORDS * t;
    const double* tv = (const double*)tree[1];
    if (((const i32*)tree[0])[0] < 0) {
      double v = scale * tv[0];
      for (u32 i = 0; i < rows; i++) out[i] += v;
      continue;
    }
    const double* x = X;
    for (u32 i = 0; i < rows; i++, x += cols) out[i] += scale * tv[leaf_of(tree, x)];
  }
}
