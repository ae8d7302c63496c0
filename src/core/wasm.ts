/**
 * WebAssembly kernels: modules compiled once per thread from their embedded bytes, and the switch
 * that chooses between a kernel and its TypeScript twin. Both paths give the same bits (the
 * kernels do the same arithmetic in the same order), so the switch only changes speed:
 *
 *   TABFLOW_KERNELS=auto (default)  each call site picks by size (small work stays in TypeScript)
 *   TABFLOW_KERNELS=js              TypeScript only
 *   TABFLOW_KERNELS=wasm            a kernel wherever one exists, whatever the size (tests)
 */

/** Which implementation the hot loops use. */
export type KernelMode = 'auto' | 'js' | 'wasm';

const MODES: readonly KernelMode[] = ['auto', 'js', 'wasm'];

/** The mode set by TABFLOW_KERNELS (read on every call: tests switch it); unknown values → auto. */
export function kernelMode(): KernelMode {
  const v = process.env.TABFLOW_KERNELS;
  return v !== undefined && (MODES as readonly string[]).includes(v) ? (v as KernelMode) : 'auto';
}

/** Whether a kernel should run on `work` units when small work (< `minWork`) stays in TypeScript. */
export function useKernel(work: number, minWork: number): boolean {
  const mode = kernelMode();
  return mode === 'wasm' || (mode === 'auto' && work >= minWork);
}

const compiled = new Map<string, WebAssembly.Module | null>();

/**
 * The compiled module of an embedded kernel (base64), compiled on first use in this thread; null
 * when this runtime cannot compile it (the caller then keeps its TypeScript path).
 */
export function wasmModule(name: string, base64: string): WebAssembly.Module | null {
  let m = compiled.get(name);
  if (m === undefined) {
    try {
      m = new WebAssembly.Module(Buffer.from(base64, 'base64'));
    } catch {
      m = null;
    }
    compiled.set(name, m);
  }
  return m;
}

/** Bytes per WebAssembly memory page. */
export const WASM_PAGE = 65_536;

/** Round `n` up to a multiple of `align` (exact for any byte count a double holds, unlike 32-bit `&`). */
export function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}
