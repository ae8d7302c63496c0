/** Every item of an async iterable, in order (Array.fromAsync is Node 22+). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}
