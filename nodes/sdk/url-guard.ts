/**
 * Keeps URLs that users give the platform (model installs, HTTP nodes) from reaching into the
 * platform's own network (SSRF). A URL is judged by
 * the addresses its host resolves to, never by how the host is spelled: every address must be
 * global unicast, after unwrapping the IPv6 forms that carry an IPv4 address (mapped, compatible,
 * translated, NAT64, 6to4, Teredo), so `[::7f00:1]` is judged as the 127.0.0.1 it reaches.
 * Loopback, private, link-local, unique-local, carrier-grade NAT, multicast, reserved and
 * unspecified addresses are refused unless an admin allows private URLs.
 *
 * A connection goes to the addresses that were checked (`pinnedLookup`), not to a second
 * resolution of the name, so a name cannot answer a public address to the check and a private
 * one to the connection (DNS rebinding). Each redirect is checked the same way (the model
 * installer's services/models/model-download.ts, the http pack's nodes/http/guarded-request.ts).
 * Here, in the SDK, because node packs may not import services and both need the one guard.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { PinkseaError } from '../../engine/errors';

export class UrlNotAllowedError extends PinkseaError {
  override readonly name = 'UrlNotAllowedError';
  constructor(
    message: string,
    /** The input or parameter that carried the URL. */
    readonly field = 'url',
  ) {
    super('url_not_allowed', message, 'user', [{ code: 'url_not_allowed', field, message }]);
  }
}

export type Lookup = (hostname: string) => Promise<readonly LookupAddress[]>;

export const systemLookup: Lookup = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

export interface UrlPolicy {
  /** Private, loopback and other non-public addresses allowed (PINKSEA_ALLOW_PRIVATE_MODEL_URLS). */
  readonly allowPrivate: boolean;
  /** Exact addresses allowed although not public: a model mirror inside the network, a spec's own server. */
  readonly allowedAddresses?: readonly string[];
  readonly lookup?: Lookup;
  /** What a refusal names as the field at fault (`url` unless given). */
  readonly field?: string;
}

/** A URL that passed the guard, with the addresses a connection to it must use. */
export interface GuardedUrl {
  readonly url: URL;
  /** The checked addresses of its host; undefined when private URLs are allowed (nothing to pin). */
  readonly addresses: readonly LookupAddress[] | undefined;
}

/** Why an address is not public (its range, of the embedded IPv4 address where there is one); undefined when it is. */
export function nonPublicReason(address: string): string | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return 'not an IP address';
  }
  if (parsed.kind() === 'ipv4') return judgeIpv4(parsed as ipaddr.IPv4);
  const ipv6 = parsed as ipaddr.IPv6;
  const embedded = embeddedIpv4(ipv6);
  if (embedded) {
    for (const ipv4 of embedded.addresses) {
      const reason = judgeIpv4(ipv4);
      if (reason) return `${reason}: ${ipv4.toString()} in ${embedded.form} form`;
    }
    // A public IPv4 reached through a translator is still the public host: judged by it.
    return undefined;
  }
  const range = ipv6.range();
  return range === 'unicast' ? undefined : range;
}

/** Whether an address is anything but global unicast, the embedded IPv4 of an IPv6 form included. */
export function isPrivateAddress(address: string): boolean {
  return nonPublicReason(address) !== undefined;
}

/** Checks a URL before it is accepted: http(s) only, and no private addresses unless allowed. */
export async function checkUrl(raw: string, policy: UrlPolicy): Promise<URL> {
  return (await guardUrl(raw, policy)).url;
}

/** Checks a URL and resolves its host once; the connection goes to exactly these addresses. */
export async function guardUrl(raw: string, policy: UrlPolicy): Promise<GuardedUrl> {
  const field = policy.field;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlNotAllowedError(`"${raw.length > 200 ? `${raw.slice(0, 200)}…` : raw}" is not a URL`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UrlNotAllowedError(`Only http and https URLs are allowed, not ${url.protocol}`, field);
  if (url.username || url.password) throw new UrlNotAllowedError('Put no user name or password in the URL', field);
  if (policy.allowPrivate) return { url, addresses: undefined };
  return { url, addresses: await resolvePublic(url.hostname, policy) };
}

/** Every address of the host, refused when any is not public (and not explicitly allowed). */
export async function resolvePublic(hostname: string, policy: Pick<UrlPolicy, 'allowedAddresses' | 'lookup' | 'field'>): Promise<readonly LookupAddress[]> {
  const field = policy.field;
  const host = hostname.replace(/^\[|\]$/g, '');
  let addresses: readonly LookupAddress[];
  try {
    addresses = ipaddr.isValid(host) ? [{ address: host, family: ipaddr.parse(host).kind() === 'ipv4' ? 4 : 6 }] : await (policy.lookup ?? systemLookup)(host);
  } catch {
    throw new UrlNotAllowedError(`The host "${host}" could not be resolved`, field);
  }
  if (addresses.length === 0) throw new UrlNotAllowedError(`The host "${host}" has no address`, field);
  const allowed = new Set((policy.allowedAddresses ?? []).map(normalized));
  for (const { address } of addresses) {
    const reason = allowed.has(normalized(address)) ? undefined : nonPublicReason(address);
    if (reason) {
      throw new UrlNotAllowedError(
        `The host "${host}" resolves to a private or loopback address (${address}), ${reason}; an admin can allow such URLs with PINKSEA_ALLOW_PRIVATE_MODEL_URLS`,
        field,
      );
    }
  }
  return addresses;
}

/**
 * A `lookup` for http.request that answers the checked addresses and never resolves again. The
 * hostname stays the request's host, so TLS still verifies the certificate against the name.
 */
export function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    const first = addresses[0]!;
    if (all) (callback as (error: null, addresses: LookupAddress[]) => void)(null, [...addresses]);
    else callback(null, first.address, first.family);
  };
}

function judgeIpv4(address: ipaddr.IPv4): string | undefined {
  const range = address.range();
  return range === 'unicast' ? undefined : range;
}

/** Bits 96–127 of an IPv6 address (an IPv4 address in its last 32 bits). */
function lastIpv4(bytes: readonly number[], from = 12): ipaddr.IPv4 {
  return new ipaddr.IPv4(bytes.slice(from, from + 4));
}

/**
 * The IPv4 addresses an IPv6 address carries and would deliver to: IPv4-mapped, -translated
 * (RFC 6145) and -compatible forms, NAT64 (RFC 6052 well-known prefix; the local-use prefix of
 * RFC 8215 at every prefix length RFC 6052 allows), 6to4 and Teredo (server and client).
 */
function embeddedIpv4(address: ipaddr.IPv6): { form: string; addresses: ipaddr.IPv4[] } | undefined {
  const bytes = address.toByteArray();
  const words = address.parts;
  const range = address.range();
  if (range === 'ipv4Mapped') return { form: 'IPv4-mapped', addresses: [lastIpv4(bytes)] };
  if (range === 'rfc6145') return { form: 'IPv4-translated', addresses: [lastIpv4(bytes)] };
  // IPv4-compatible (::a.b.c.d, deprecated by RFC 4291): the first 96 bits are zero (:: and ::1 too).
  if (words.slice(0, 6).every((word) => word === 0)) return { form: 'IPv4-compatible', addresses: [lastIpv4(bytes)] };
  if (range === 'rfc6052') {
    const wellKnown = words[0] === 0x64 && words[1] === 0xff9b && words[2] === 0;
    return { form: 'NAT64', addresses: wellKnown ? [lastIpv4(bytes)] : localUseNat64Candidates(bytes) };
  }
  if (range === '6to4') return { form: '6to4', addresses: [new ipaddr.IPv4(bytes.slice(2, 6))] };
  if (range === 'teredo') {
    const client = bytes.slice(12, 16).map((byte) => byte ^ 0xff);
    return { form: 'Teredo', addresses: [new ipaddr.IPv4(bytes.slice(4, 8)), new ipaddr.IPv4(client)] };
  }
  return undefined;
}

/**
 * RFC 8215's local-use prefix 64:ff9b:1::/48 holds NAT64 prefixes of /48 to /96; RFC 6052 §2.2
 * places the IPv4 address after the prefix, skipping bits 64–71 (the `u` octet). Every placement
 * is judged, as the operator's prefix length is unknown here.
 */
function localUseNat64Candidates(bytes: readonly number[]): ipaddr.IPv4[] {
  const withoutU = [...bytes.slice(0, 8), ...bytes.slice(9)];
  return [6, 7, 8, 11].map((start) => new ipaddr.IPv4(withoutU.slice(start, start + 4)));
}

function normalized(address: string): string {
  try {
    return ipaddr.parse(address).toNormalizedString();
  } catch {
    return address;
  }
}
