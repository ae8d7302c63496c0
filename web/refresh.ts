/**
 * Pages that refresh themselves by polling (README: why polling, not server-sent events): one
 * loop for the page shown — navigating elsewhere ends it — waiting while the tab is hidden and
 * refreshing at once when it shows again, a pause button per page, and what the user was doing
 * (keyboard focus, values typed into fields) kept across a redraw. A refresh that fails is tried
 * again at the next period.
 */
import { type Child, h } from './dom.js';

/** The period of the self-refreshing pages. */
export const REFRESH_MS = 5000;

/** The loop of the page shown: its route (`#/production`) and what one refresh does. */
interface Loop {
  route: string;
  tick: () => Promise<void>;
}

let loop: Loop | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
/** The routes whose refreshing the user paused (while the tab lives). */
const paused = new Set<string>();

/**
 * Refreshes the page of `route` with `tick` every REFRESH_MS from now on, replacing any loop of
 * the page before (only one page shows at a time). The loop ends when the address leaves `route`.
 */
export function autoRefresh(route: string, tick: () => Promise<void>): void {
  loop = { route, tick };
  schedule();
}

/** Refreshes now (a Refresh button) and starts the period again. */
export async function refreshNow(): Promise<void> {
  const l = loop;
  if (!l) return;
  clearTimeout(timer);
  try {
    await l.tick();
  } finally {
    if (loop === l) schedule();
  }
}

function schedule(): void {
  clearTimeout(timer);
  const l = loop;
  if (!l || paused.has(l.route) || document.hidden) return;
  timer = setTimeout(() => {
    if (loop !== l) return;
    if (!showing(l.route)) {
      loop = undefined;
      return;
    }
    void refreshNow().catch(() => undefined);
  }, REFRESH_MS);
}

// A hidden tab costs the server nothing; shown again, it is brought up to date at once.
document.addEventListener('visibilitychange', () => {
  if (document.hidden) clearTimeout(timer);
  else if (loop && !paused.has(loop.route) && showing(loop.route)) {
    void refreshNow().catch(() => undefined);
  }
});

/** Whether the address is still on `route`'s page (a refresh that comes late draws nothing). */
export function showing(route: string): boolean {
  const hash = location.hash || '#/runs';
  return hash === route || hash.startsWith(`${route}?`) || hash.startsWith(`${route}/`);
}

/**
 * The page's refresh state (`refreshing every 5 s` / `paused`) and its pause button
 * (`#refresh-toggle`, aria-pressed when paused); the button updates both in place.
 */
export function refreshControls(route: string): Child[] {
  const state = h('span', { id: 'refresh-state' });
  const toggle = h('button', { type: 'button', id: 'refresh-toggle' });
  const show = () => {
    const p = paused.has(route);
    state.textContent = p ? 'paused' : `refreshing every ${REFRESH_MS / 1000} s`;
    toggle.textContent = p ? 'Resume refreshing' : 'Pause refreshing';
    toggle.setAttribute('aria-pressed', String(p));
  };
  toggle.addEventListener('click', () => {
    if (paused.has(route)) paused.delete(route);
    else paused.add(route);
    show();
    if (loop?.route === route) {
      if (paused.has(route)) clearTimeout(timer);
      else void refreshNow().catch(() => undefined);
    }
  });
  show();
  return [state, ' ', toggle];
}

/**
 * Runs `render` (which replaces elements under `root`) and keeps what the user was doing: the
 * values typed into fields with ids (the form drawn again gets them back) and the keyboard focus
 * (given back to the element with the id that had it).
 */
export function preservingInput(root: HTMLElement, render: () => void): void {
  const focused = root.contains(document.activeElement) ? document.activeElement?.id : undefined;
  const typed = [...root.querySelectorAll<Field>('input[id], select[id], textarea[id]')].map(
    (f) => [f.id, typedValue(f)] as const,
  );
  render();
  for (const [id, value] of typed) {
    const f = document.getElementById(id);
    if (root.contains(f)) restore(f as Field, value);
  }
  if (focused && document.activeElement?.id !== focused) document.getElementById(focused)?.focus();
}

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function typedValue(f: Field): string | boolean {
  return f instanceof HTMLInputElement && f.type === 'checkbox' ? f.checked : f.value;
}

function restore(f: Field, value: string | boolean): void {
  if (typeof value === 'boolean') {
    if (f instanceof HTMLInputElement && f.type === 'checkbox') f.checked = value;
    return;
  }
  // Only where it differs (setting a value moves the caret); a select only to an option it has.
  if (f.value === value || (f instanceof HTMLSelectElement && ![...f.options].some((o) => o.value === value)))
    return;
  f.value = value;
}
