/**
 * LRU cache of full kernel rows k(X[r], X[·]) as Float32Array (libsvm stores Qfloat = float:
 * half the memory of doubles, twice the rows). Capacity comes from a size limit in MB; at least
 * two rows are kept because the solver holds two rows at once.
 */
import { type Kernel, KernelRows } from './kernel.js';

export class KernelCache {
  readonly capacity: number;
  hits = 0;
  misses = 0;
  private readonly rows: Float32Array[] = [];
  private readonly owner: Int32Array; // slot -> data row
  private readonly slotOf: Int32Array; // data row -> slot or -1
  private readonly prev: Int32Array; // LRU list over slots; head = most recent
  private readonly next: Int32Array;
  private head = -1;
  private tail = -1;
  private readonly rowsOf: KernelRows;

  private readonly n: number;

  constructor(kernel: Kernel, X: Float64Array, sq: Float64Array, n: number, p: number, cacheMb: number) {
    this.n = n;
    const fit = Math.floor((cacheMb * 1024 * 1024) / (4 * Math.max(n, 1)));
    this.capacity = Math.max(2, Math.min(n, fit));
    this.owner = new Int32Array(this.capacity).fill(-1);
    this.slotOf = new Int32Array(n).fill(-1);
    this.prev = new Int32Array(this.capacity).fill(-1);
    this.next = new Int32Array(this.capacity).fill(-1);
    this.rowsOf = new KernelRows(kernel, X, sq, n, p);
  }

  /** Kernel row of data row r; valid until `capacity - 1` other rows have been fetched. */
  get(r: number): Float32Array {
    let s = this.slotOf[r];
    if (s >= 0) {
      this.hits++;
      this.touch(s);
      return this.rows[s];
    }
    this.misses++;
    if (this.rows.length < this.capacity) {
      s = this.rows.length;
      this.rows.push(new Float32Array(this.n));
    } else {
      s = this.tail;
      this.unlink(s);
      this.slotOf[this.owner[s]] = -1;
    }
    this.owner[s] = r;
    this.slotOf[r] = s;
    this.pushFront(s);
    this.rowsOf.row(r, this.rows[s]);
    return this.rows[s];
  }

  private touch(s: number): void {
    if (this.head === s) return;
    this.unlink(s);
    this.pushFront(s);
  }

  private unlink(s: number): void {
    const a = this.prev[s];
    const b = this.next[s];
    if (a >= 0) this.next[a] = b;
    else this.head = b;
    if (b >= 0) this.prev[b] = a;
    else this.tail = a;
    this.prev[s] = -1;
    this.next[s] = -1;
  }

  private pushFront(s: number): void {
    this.prev[s] = -1;
    this.next[s] = this.head;
    if (this.head >= 0) this.prev[this.head] = s;
    this.head = s;
    if (this.tail < 0) this.tail = s;
  }
}
