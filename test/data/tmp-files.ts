/** A temp folder per test file, with helpers to write data files into it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class TmpDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'tabflow-data-test-'));

  /** Write `content` to `name` inside the folder; returns the path. */
  write(name: string, content: string | Uint8Array): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
