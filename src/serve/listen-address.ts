/**
 * Where a listening server can be reached, from the addresses it really bound (`app.addresses()`:
 * the port chosen for `--port 0`, both loopbacks for `localhost`). A wildcard bind (0.0.0.0, ::)
 * is spelled out as the URLs of this machine's interfaces, since `http://0.0.0.0:8080` is not an
 * address a client can use everywhere. `exposed` says whether anything but loopback is bound:
 * admin routes over plain HTTP there send the token across the network in clear text.
 */
import type { AddressInfo } from 'node:net';
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';

/** Where a listening server can be reached. */
export interface ListenInfo {
  /** The URL to print first and to build links from (loopback when bound). */
  url: string;
  /** The bound addresses as `host:port` (wildcards as bound). */
  bound: string[];
  /** Every URL a client can use: wildcards expanded to the interfaces' addresses. */
  urls: string[];
  /** Something other than loopback is bound. */
  exposed: boolean;
  /** A wildcard address (0.0.0.0, ::) is bound. */
  wildcard: boolean;
}

/** `addresses` as `app.addresses()` gives them (a string is a unix socket path). */
export function listenInfo(
  addresses: readonly (AddressInfo | string)[],
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): ListenInfo {
  const urls: string[] = [];
  const bound: string[] = [];
  let exposed = false;
  let wildcard = false;
  for (const a of addresses) {
    if (typeof a === 'string') {
      bound.push(a);
      urls.push(`unix:${a}`);
      continue;
    }
    bound.push(`${hostPart(a.address)}:${a.port}`);
    wildcard ||= isWildcard(a.address);
    const hosts = isWildcard(a.address) ? interfaceHosts(a.family, interfaces) : [a.address];
    if (isWildcard(a.address) || !isLoopback(a.address)) exposed = true;
    for (const h of hosts) {
      const u = `http://${hostPart(h)}:${a.port}`;
      if (!urls.includes(u)) urls.push(u);
    }
  }
  const url = urls.find((u) => isLoopback(hostOf(u))) ?? urls[0] ?? 'unknown';
  return { url, bound, urls, exposed, wildcard };
}

/** The start-up line's address: `http://127.0.0.1:8080`, or a wildcard with where it reaches. */
export function describeListen(info: ListenInfo): string {
  if (!info.wildcard) return info.urls.join(', ');
  return `${info.bound.join(', ')} (every interface: ${info.urls.join(', ')})`;
}

/** The warning for admin routes reachable from other machines over plain HTTP, or null. */
export function adminExposureWarning(info: ListenInfo, adminOn: boolean): string | null {
  if (!adminOn || !info.exposed) return null;
  return (
    `admin routes are on and the server listens on ${info.bound.join(', ')} over plain HTTP: ` +
    'the admin token crosses the network in clear text. Bind 127.0.0.1 (--host) behind a ' +
    'TLS-terminating proxy, or unset TABFLOW_ADMIN_TOKEN'
  );
}

function interfaceHosts(family: string, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  const v6 = family === 'IPv6';
  const out: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const i of list ?? []) {
      // `::` usually accepts IPv4 too (dual stack); link-local IPv6 needs a zone id to be usable.
      if (i.family === 'IPv6' && (!v6 || i.address.startsWith('fe80:'))) continue;
      out.push(i.address);
    }
  }
  // Loopback first: the URL to try on this machine.
  return out.sort((a, b) => Number(isLoopback(b)) - Number(isLoopback(a)));
}

function isWildcard(a: string): boolean {
  return a === '0.0.0.0' || a === '::' || a === '::ffff:0.0.0.0';
}

function isLoopback(a: string): boolean {
  return /^127\./.test(a) || a === '::1' || /^::ffff:127\./.test(a) || a === 'localhost';
}

function hostPart(a: string): string {
  return a.includes(':') ? `[${a}]` : a;
}

function hostOf(url: string): string {
  if (!url.startsWith('http://')) return url;
  const h = url.slice('http://'.length, url.lastIndexOf(':'));
  return h.startsWith('[') ? h.slice(1, -1) : h;
}
