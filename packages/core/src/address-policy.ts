/**
 * Which network addresses an HTTP target may reach. Pure: it parses and compares addresses; resolving names is the
 * dispatcher's job, which asks `addressAllowed` about every address a name resolves to before it connects.
 */

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = readonly number[];

interface Cidr {
  bytes: IpBytes;
  prefix: number;
}

/**
 * Ranges no target may reach unless allowed: the router's own host, private networks, link-local and cloud metadata
 * addresses (169.254.169.254, fd00:ec2::254, 100.100.100.200 in CGNAT), and addresses that are not one host.
 */
export const FORBIDDEN_RANGES = [
  '0.0.0.0/8', // "this network", unspecified
  '10.0.0.0/8',
  '100.64.0.0/10', // CGNAT, also Alibaba's metadata service 100.100.100.200
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local, AWS/GCP/Azure metadata 169.254.169.254
  '172.16.0.0/12',
  '192.0.0.0/24', // IETF protocol assignments, incl. Oracle's 192.0.0.192
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, incl. broadcast 255.255.255.255
  '::/128',
  '::1/128',
  '100::/64', // discard
  '2001:db8::/32',
  'fc00::/7', // unique local, incl. AWS's IPv6 metadata fd00:ec2::254
  'fe80::/10',
  'ff00::/8',
] as const;

/** Host names that always mean this machine or a metadata service, refused before any lookup. */
const FORBIDDEN_NAMES = /^(localhost|.*\.localhost|metadata\.google\.internal|metadata)$/;

function parseIpv4(text: string): IpBytes | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

function parseIpv6(text: string): IpBytes | undefined {
  let body = text.replace(/%.*$/, '');
  // A dotted IPv4 tail (::ffff:127.0.0.1) stands for the last two groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (dotted) {
    const v4 = parseIpv4(dotted[2]!);
    if (!v4) return undefined;
    body = `${dotted[1]}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  return all.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/**
 * The address a host names, when it is an IP literal: dotted IPv4 (the WHATWG URL parser has already turned
 * `0x7f.1`, `2130706433` and `127.1` into `127.0.0.1`), or IPv6 with or without brackets. IPv4-mapped and
 * NAT64 IPv6 addresses count as the IPv4 address inside them.
 */
export function parseIpAddress(host: string): IpBytes | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (!bare.includes(':')) return parseIpv4(bare);
  const bytes = parseIpv6(bare);
  if (!bytes) return undefined;
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  const nat64 = bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && bytes.slice(4, 12).every((b) => b === 0);
  return mapped || nat64 ? bytes.slice(12) : bytes;
}

function parseCidr(text: string): Cidr | undefined {
  const [address, prefixText, extra] = text.split('/');
  if (extra !== undefined || address === undefined) return undefined;
  const bytes = parseIpAddress(address);
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  return prefix >= 0 && prefix <= max ? { bytes, prefix } : undefined;
}

function inCidr(address: IpBytes, cidr: Cidr): boolean {
  if (address.length !== cidr.bytes.length) return false;
  for (let bit = 0; bit < cidr.prefix; bit += 8) {
    const bits = Math.min(8, cidr.prefix - bit);
    const mask = (0xff << (8 - bits)) & 0xff;
    if ((address[bit / 8]! & mask) !== (cidr.bytes[bit / 8]! & mask)) return false;
  }
  return true;
}

const FORBIDDEN = FORBIDDEN_RANGES.map((range) => parseCidr(range)!);
/** Where a target would reach the router itself, given the router's port. */
const SELF = ['0.0.0.0/8', '127.0.0.0/8', '::/128', '::1/128'].map((range) => parseCidr(range)!);

/** Why a target may not be reached; the dispatcher and the registration check word their refusals from it. */
export type AddressRefusal = 'forbidden-address' | 'forbidden-name' | 'plain-http' | 'router-port' | 'unparsable';

/**
 * The HTTP target rules: `https` only, never to a forbidden range, unless an entry of the allow list (CIDRs or
 * host names, VROUTER_HTTP_TARGET_ALLOW) covers the host; plain `http` only to allowed hosts. `routerPorts` are
 * the router's own ports (or a function that says them once it listens): a target there on a loopback or
 * unspecified address would call the router itself.
 */
export class AddressPolicy {
  private readonly cidrs: Cidr[];
  private readonly names: Set<string>;

  /** Throws RangeError naming an entry that is neither a CIDR, an IP address nor a host name. */
  constructor(
    allow: readonly string[] = [],
    private readonly routerPorts: readonly number[] | (() => readonly number[]) = [],
  ) {
    this.cidrs = [];
    this.names = new Set();
    for (const raw of allow) {
      const entry = raw.trim().toLowerCase();
      if (entry === '') continue;
      const cidr = parseCidr(entry);
      if (cidr) this.cidrs.push(cidr);
      else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) this.names.add(entry);
      else throw new RangeError(`${JSON.stringify(raw)} is neither a CIDR, an IP address nor a host name.`);
    }
  }

  /** Whether the allow list names this host (a name, or a literal address inside an allowed range). */
  hostAllowed(host: string): boolean {
    const name = host.toLowerCase();
    if (this.names.has(name)) return true;
    const address = parseIpAddress(name);
    return address !== undefined && this.cidrs.some((cidr) => inCidr(address, cidr));
  }

  /** An address a target's host resolved to (or is): refused inside a forbidden range unless allowed. */
  addressAllowed(address: string, host: string): AddressRefusal | undefined {
    const bytes = parseIpAddress(address);
    if (!bytes) return 'unparsable';
    if (this.names.has(host.toLowerCase()) || this.cidrs.some((cidr) => inCidr(bytes, cidr))) return undefined;
    return FORBIDDEN.some((cidr) => inCidr(bytes, cidr)) ? 'forbidden-address' : undefined;
  }

  /** The checks that need no lookup: scheme, literal addresses, reserved names, the router's own port. */
  urlAllowed(url: URL): AddressRefusal | undefined {
    const host = url.hostname;
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    const address = parseIpAddress(host);
    const self = address ? SELF.some((cidr) => inCidr(address, cidr)) : FORBIDDEN_NAMES.test(host.toLowerCase());
    if (self && (typeof this.routerPorts === 'function' ? this.routerPorts() : this.routerPorts).includes(port)) return 'router-port';
    const allowed = this.hostAllowed(host);
    if (url.protocol === 'http:' && !allowed) return 'plain-http';
    if (allowed) return undefined;
    if (address) return this.addressAllowed(host, host);
    return FORBIDDEN_NAMES.test(host.toLowerCase()) ? 'forbidden-name' : undefined;
  }
}

/** The words of a refusal, for the registration problem and the dispatch error. */
export function describeRefusal(refusal: AddressRefusal): string {
  switch (refusal) {
    case 'forbidden-address':
      return 'it points at a loopback, private, link-local, metadata or reserved address; allow it with VROUTER_HTTP_TARGET_ALLOW';
    case 'forbidden-name':
      return 'its host names this machine or a metadata service; allow it with VROUTER_HTTP_TARGET_ALLOW';
    case 'plain-http':
      return 'it must use https (plain http only to hosts that VROUTER_HTTP_TARGET_ALLOW allows)';
    case 'router-port':
      return "it points at the router's own port";
    case 'unparsable':
      return 'its host resolved to something that is not an IP address';
  }
}
