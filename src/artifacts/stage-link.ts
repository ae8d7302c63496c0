/**
 * A stage folder (`<root>/production`, `<root>/dev`, ...) is a symbolic link to a complete
 * release folder under `<root>/.releases/`. It is moved by creating a new link under a temporary
 * name and renaming it over the old one: rename is atomic, so a reader resolves the old release
 * or the new one, never a mix and never a half-written folder.
 */
import { existsSync, lstatSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The folder under a models root that holds release folders. */
export const RELEASES = '.releases';

/** Hooks into a link swap (fault-injection tests). */
export interface SwapHooks {
  /** Runs once the new link exists under its temporary name, before the rename. */
  beforeRename?: () => void;
}

/** Point `<root>/<name>` at `<root>/.releases/<release>` atomically. */
export function swapStageLink(root: string, name: string, release: string, hooks: SwapHooks = {}): void {
  const link = join(root, name);
  const tmpLink = join(root, `.tmp-${name}-${process.pid}`);
  rmSync(tmpLink, { force: true });
  symlinkSync(join(RELEASES, release), tmpLink, 'dir');
  hooks.beforeRename?.();
  if (existsSync(link) && !lstatSync(link).isSymbolicLink()) {
    // A plain folder from elsewhere cannot be replaced atomically: move it aside first.
    renameSync(link, join(root, RELEASES, `legacy-${name}-${Date.now().toString(36)}`));
  }
  renameSync(tmpLink, link);
}

/**
 * The release `<root>/<name>` points to: its folder name under .releases; `null` when there is no
 * such entry; the entry's own name for a plain folder or a link elsewhere.
 */
export function stageLinkTarget(root: string, name: string): string | null {
  const link = join(root, name);
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(link);
  } catch {
    return null;
  }
  if (!st.isSymbolicLink()) return name;
  const target = readlinkSync(link);
  const inReleases = target.startsWith(`${RELEASES}/`) && !target.slice(RELEASES.length + 1).includes('/');
  return inReleases ? basename(target) : target;
}

/** Remove the stage link (not what it points to). */
export function removeStageLink(root: string, name: string): void {
  const link = join(root, name);
  if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) rmSync(link);
}
