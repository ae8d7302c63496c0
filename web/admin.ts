/**
 * The admin token of the UI's writes (promote, roll back, experiments) and the confirmation
 * dialog they ask first. The token is typed into a password field and kept in this module's
 * memory only — never in the URL, a cookie or storage — so it is gone when the tab closes, and
 * shared by the pages that write while the tab lives.
 */
import { h } from './dom.js';

let token = '';

/** The token typed so far ('' when none). */
export function adminToken(): string {
  return token;
}

/** The password field of the admin token. */
export function tokenForm(): HTMLElement {
  const input = h('input', {
    id: 'admin-token',
    type: 'password',
    autocomplete: 'off',
    value: token,
    'aria-describedby': 'admin-token-hint',
  });
  input.addEventListener('input', () => {
    token = input.value;
  });
  return h(
    'div',
    { class: 'token' },
    h('label', { for: 'admin-token' }, 'Admin token '),
    input,
    h('span', { id: 'admin-token-hint', class: 'sub' }, ' kept in this page’s memory only'),
  );
}

/** A modal dialog with the body, a confirm and a cancel button; resolves with the choice. */
export function confirmDialog(title: string, body: HTMLElement, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(ok);
    };
    const dialog = h(
      'dialog',
      { 'aria-labelledby': 'dialog-title' },
      h('h2', { id: 'dialog-title' }, title),
      body,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', id: 'dialog-confirm', onclick: () => done(true) }, confirmLabel),
        h('button', { type: 'button', onclick: () => done(false) }, 'Cancel'),
      ),
    );
    dialog.addEventListener('cancel', () => resolve(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}
