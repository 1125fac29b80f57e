/**
 * SSRF guard for webhook endpoints: a URL is refused when it names, or its host resolves to, an address on
 * this machine or a private network (loopback, link-local with the cloud metadata service, RFC 1918,
 * carrier-grade NAT, unique-local IPv6, multicast, reserved), unless WEBHOOKS_ALLOW_PRIVATE_URLS allows
 * it. Checked when staff save the URL and again before every attempt (DNS can change its answer); the
 * attempt then connects to an address that check saw (`pinnedRequest`), and redirects are never followed.
 */

const V4_BLOCKED: [number, number][] = [
  [0x00000000, 8], // "this" network
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10, carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local, 169.254.169.254 metadata
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // IETF protocol assignments
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // benchmarking
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved and broadcast
];

function v4ToInt(ip: string): number | null {
  const parts = ip.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

const inV4Range = (n: number, [base, bits]: [number, number]) =>
  Math.floor(n / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits));

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail included), or null. */
function v6Groups(ip: string): number[] | null {
  let text = ip.toLowerCase().split("%")[0]!;
  const v4 = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const n = v4ToInt(v4[1]!);
    if (n === null) return null;
    text = `${text.slice(0, -v4[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array.from({ length: fill }, () => "0"), ...tail];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => Number.parseInt(g, 16));
}

/** Whether an IP address (v4 or v6, as text) is one a webhook may not reach; a malformed one counts as such. */
export function isPrivateAddress(ip: string): boolean {
  const n = v4ToInt(ip);
  if (n !== null) return V4_BLOCKED.some((range) => inV4Range(n, range));
  const g = v6Groups(ip);
  if (!g) return true;
  const [a] = g as [number];
  if (g.every((x, i) => x === 0 || (i === 7 && x === 1))) return true; // :: and ::1
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d): the IPv4 address decides.
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  const nat64 = a === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (mapped || nat64) return isPrivateAddress(`${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`);
  return (a & 0xfe00) === 0xfc00 || (a & 0xffc0) === 0xfe80 || (a & 0xff00) === 0xff00;
}

const isIpLiteral = (host: string) => v4ToInt(host) !== null || host.includes(":");

/** Host names that always mean this machine or its local network, whatever DNS says. */
const LOCAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

export type UrlCheck = {
  allowPrivate: boolean;
  resolve?: (host: string) => Promise<string[]>;
  /** How long the resolver may take (default RESOLVE_TIMEOUT_MS): a hung lookup must not hold a sender. */
  resolveTimeoutMs?: number;
};

export const RESOLVE_TIMEOUT_MS = 5_000;

/** The resolver's answer, or a rejection once `ms` have passed. */
async function resolveWithin(resolve: (host: string) => Promise<string[]>, host: string, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  try {
    return await Promise.race([resolve(host), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The verdict on a URL: why it may not be a webhook endpoint, or the addresses its host was checked at
 * (empty when nothing was resolved: a literal address, private URLs allowed, or no resolver on this runtime).
 */
export type UrlVerdict = { refused: string } | { refused: null; addresses: string[] };

/** Why the URL may not be a webhook endpoint, or null when it may. */
export async function refuseWebhookUrl(raw: string, check: UrlCheck): Promise<string | null> {
  return (await checkWebhookUrl(raw, check)).refused;
}

export async function checkWebhookUrl(raw: string, check: UrlCheck): Promise<UrlVerdict> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { refused: "is not a valid URL" };
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && check.allowPrivate)) {
    return { refused: "must be an https:// URL" };
  }
  if (url.username || url.password) return { refused: "must not carry a user name or password" };
  if (check.allowPrivate) return { refused: null, addresses: [] };
  // A fully qualified name ("localhost.") is the same host as without its final dot.
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  const privateNetwork = { refused: "must not point at this machine or a private network" };
  if (LOCAL_NAMES.test(host)) return privateNetwork;
  if (isIpLiteral(host)) return isPrivateAddress(host) ? privateNetwork : { refused: null, addresses: [] };
  if (!check.resolve) return { refused: null, addresses: [] };
  let addresses: string[];
  try {
    addresses = await resolveWithin(check.resolve, host, check.resolveTimeoutMs ?? RESOLVE_TIMEOUT_MS);
  } catch {
    return { refused: "names a host that does not resolve" };
  }
  if (!addresses.length || addresses.some(isPrivateAddress)) return privateNetwork;
  return { refused: null, addresses };
}

/**
 * The request that reaches `url` at `address`, one of the addresses its host was checked at: the URL names
 * the address, the Host header and the TLS server name (SNI, and the name the certificate must carry) the
 * host. Why: fetching the URL by name would resolve it again, and a DNS answer that changed in between
 * (DNS rebinding: public when checked, 127.0.0.1 when connected) would reach a private address after all.
 * `tls` is Bun's fetch option; runtimes without a resolver (Workers) never pin.
 */
export function pinnedRequest(
  raw: string,
  address: string,
): { url: string; host: string; tls: { serverName: string } } {
  const url = new URL(raw);
  const host = url.host;
  const serverName = url.hostname;
  url.hostname = address.includes(":") ? `[${address}]` : address;
  return { url: url.toString(), host, tls: { serverName } };
}
