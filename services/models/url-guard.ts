/**
 * Keeps model installs from reaching into the platform's own network (SSRF): a URL whose host
 * resolves, at any of its addresses, to a private, loopback, link-local, unique-local or otherwise
 * special address is refused unless an admin allows private URLs. The same check runs as the
 * connection's DNS lookup, so a name cannot resolve to a public address for the check and a
 * private one for the download.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { PinkseaError } from '../../engine/errors';

export class UrlNotAllowedError extends PinkseaError {
  override readonly name = 'UrlNotAllowedError';
  constructor(message: string) {
    super('url_not_allowed', message, 'user', [{ code: 'url_not_allowed', field: 'source', message }]);
  }
}

const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) BLOCKED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) BLOCKED.addSubnet(network, prefix, 'ipv6');

/** Whether an address is private, loopback, link-local, unique-local or reserved (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export type Lookup = (hostname: string) => Promise<readonly LookupAddress[]>;

export const systemLookup: Lookup = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

/** Checks a URL before an install is accepted: http(s) only, and no private addresses unless allowed. */
export async function checkModelUrl(raw: string, options: { allowPrivate: boolean; lookup?: Lookup }): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlNotAllowedError(`"${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UrlNotAllowedError(`Only http and https URLs can be installed, not ${url.protocol}`);
  if (url.username || url.password) throw new UrlNotAllowedError('Put no credentials in a model URL');
  if (!options.allowPrivate) await resolvePublic(url.hostname, options.lookup ?? systemLookup);
  return url;
}

/** Every address of the host, refused when any is private. */
export async function resolvePublic(hostname: string, lookup: Lookup): Promise<readonly LookupAddress[]> {
  const host = hostname.replace(/^\[|\]$/g, '');
  let addresses: readonly LookupAddress[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host);
  } catch {
    throw new UrlNotAllowedError(`The host "${host}" could not be resolved`);
  }
  const blocked = addresses.find((entry) => isPrivateAddress(entry.address));
  if (addresses.length === 0 || blocked) {
    throw new UrlNotAllowedError(`The host "${host}" resolves to a private or loopback address (${blocked?.address ?? 'none'}); an admin can allow such URLs with PINKSEA_ALLOW_PRIVATE_MODEL_URLS`);
  }
  return addresses;
}

/** A `lookup` for http.request that resolves with the same check, pinning the connection to checked addresses. */
export function guardedLookup(lookup: Lookup = systemLookup) {
  return (hostname: string, options: { all?: boolean }, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void): void => {
    resolvePublic(hostname, lookup).then(
      (addresses) => (options.all ? callback(null, [...addresses]) : callback(null, addresses[0]!.address, addresses[0]!.family)),
      (error: Error) => callback(error, ''),
    );
  };
}
