/**
 * The UI's front end: `web/` bundled by `npm run build` (tools/build-web.mjs) into `dist/web/`.
 * Read once and served from memory; a missing bundle is a clear error that says how to build it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ArtifactError } from '../core/errors.js';

/** One file of the bundle with its media type. */
export interface WebAsset {
  body: Buffer;
  type: string;
}

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** `dist/web/` from both `src/ui/` (run through tsx) and `dist/ui/` (built). */
export const WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** The bundle's files by name; throws naming the folder and the build command when one is missing. */
export function loadWebAssets(dir = WEB_DIR): Map<string, WebAsset> {
  const out = new Map<string, WebAsset>();
  for (const [file, type] of Object.entries(FILES)) {
    const path = `${dir}${file}`;
    if (!existsSync(path)) {
      throw new ArtifactError(
        'ui_not_built',
        `The web UI is not built: ${path} is missing. Run \`npm run build\` (npm ci runs it too).`,
      );
    }
    out.set(file, { body: readFileSync(path), type });
  }
  return out;
}
