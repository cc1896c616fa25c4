/**
 * IP addresses and ranges as plain numbers (IPv4) or bigints (IPv6), parsed once at compile time so a
 * membership test is two comparisons. IPv4-mapped IPv6 addresses are treated as the IPv4 address.
 */
import ipaddr from "ipaddr.js";

export interface IpAddress {
  readonly v6: boolean;
  readonly n: bigint;
}

export interface IpRange {
  readonly v6: boolean;
  readonly first: bigint;
  readonly last: bigint;
  /** As written in the configuration. */
  readonly text: string;
}

function toBigInt(bytes: readonly number[]): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const a = ipaddr.parse(text.trim());
  return a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress()
    ? (a as ipaddr.IPv6).toIPv4Address()
    : a;
}

const parsed = new Map<string, IpAddress>();
const PARSED_LIMIT = 65_536;

/** Parses one address (memoised: contexts repeat addresses); throws on malformed input. */
export function parseIp(text: string): IpAddress {
  const hit = parsed.get(text);
  if (hit) return hit;
  const a = parseAddress(text);
  const ip: IpAddress = { v6: a.kind() === "ipv6", n: toBigInt(a.toByteArray()) };
  if (parsed.size >= PARSED_LIMIT) parsed.clear();
  parsed.set(text, ip);
  return ip;
}

/**
 * Okta gateway/proxy entries: a CIDR (`203.0.113.0/24`), a range (`203.0.113.1-203.0.113.9`) or a
 * single address. Source: https://help.okta.com/oie/en-us/content/topics/security/network/about-ip-zones.htm
 */
export function parseIpRange(text: string): IpRange {
  const t = text.trim();
  if (t.includes("/")) {
    const [addr, bits] = ipaddr.parseCIDR(t);
    const a =
      addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()
        ? (addr as ipaddr.IPv6).toIPv4Address()
        : addr;
    const v6 = a.kind() === "ipv6";
    const width = v6 ? 128 : 32;
    const prefix = v6 || addr.kind() === "ipv4" ? bits : bits - 96;
    const host = BigInt(width - prefix);
    const base = (toBigInt(a.toByteArray()) >> host) << host;
    return { v6, first: base, last: base + (1n << host) - 1n, text };
  }
  const dash = t.indexOf("-");
  if (dash > 0) {
    const from = parseIp(t.slice(0, dash));
    const to = parseIp(t.slice(dash + 1));
    if (from.v6 !== to.v6 || from.n > to.n) throw new Error(`"${text}" is not a valid address range`);
    return { v6: from.v6, first: from.n, last: to.n, text };
  }
  const one = parseIp(t);
  return { v6: one.v6, first: one.n, last: one.n, text };
}

export function inRanges(ip: IpAddress, ranges: readonly IpRange[]): boolean {
  for (const r of ranges) if (r.v6 === ip.v6 && ip.n >= r.first && ip.n <= r.last) return true;
  return false;
}
