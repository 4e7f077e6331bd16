import net from 'node:net'

/**
 * Where a render may fetch from: chart repositories, OCI registries. A pull request names
 * URLs in its charts, kustomizations and Applications; only those under an entry of the
 * base's `remote.allow` are fetched. Cloud metadata and link-local addresses never are, and
 * loopback only when an entry names that very host.
 */

/** Host names of cloud metadata services (a DNS name that resolves to one is not listed unless the base lists it). */
const METADATA_NAMES = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.com',
  'metadata.tencentyun.com'
])

/** IPv4 metadata endpoints outside 169.254.0.0/16 (Alibaba, Azure's wire server). */
const METADATA_V4 = new Set(['100.100.100.200', '168.63.129.16'])

interface RemoteUrl {
  scheme: 'http' | 'https' | 'oci' | 'ssh'
  host: string
  port: string
  path: string
}

function ipv4Octets(host: string): number[] | undefined {
  return net.isIPv4(host) ? host.split('.').map(Number) : undefined
}

/** The IPv4 address an IPv6 one embeds (`::ffff:a9fe:a9fe`, `::a9fe:a9fe`), if any. */
function embeddedIpv4(host: string): string | undefined {
  const match = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host)
  if (!match) return /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1]
  const [hi, lo] = [parseInt(match[1] as string, 16), parseInt(match[2] as string, 16)]
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.')
}

/** Why a host is never fetched from, whatever the allow-list says. */
function forbiddenHost(host: string): string | undefined {
  if (METADATA_NAMES.has(host)) return 'a cloud metadata service'
  const v4 = ipv4Octets(host) ?? ipv4Octets(embeddedIpv4(host) ?? '')
  if (v4) {
    if (v4[0] === 169 && v4[1] === 254) return 'a link-local address (cloud metadata)'
    if (METADATA_V4.has(v4.join('.'))) return 'a cloud metadata address'
    if (v4[0] === 0) return 'an unspecified address'
    return undefined
  }
  if (net.isIPv6(host)) {
    if (/^fe[89ab][0-9a-f]:/.test(host)) return 'a link-local address'
    if (host === 'fd00:ec2::254') return 'a cloud metadata address'
    if (host === '::') return 'an unspecified address'
  }
  return undefined
}

function isLoopback(host: string): boolean {
  const v4 = ipv4Octets(host) ?? ipv4Octets(embeddedIpv4(host) ?? '')
  return v4?.[0] === 127 || host === '::1' || host === 'localhost' || host.endsWith('.localhost')
}

/**
 * A URL as the fetch will see it: WHATWG parsing normalizes `2130706433`, `0x7f.1` and the
 * like to dotted IPv4 (an `oci://` or `ssh://` URL is parsed as https to get the same, as the
 * resolver ssh uses reads them so too). Undefined when it is not an http(s), oci or ssh URL
 * with a host. Only ssh may name a user (`git@`), which says nothing of where it goes.
 */
function parseRemote(text: string): RemoteUrl | undefined {
  const special = /^(oci|ssh):\/\//i.exec(text)?.[1]?.toLowerCase() as 'oci' | 'ssh' | undefined
  let url: URL
  try {
    url = new URL(special ? `https://${text.slice(special.length + 3)}` : text)
  } catch {
    return undefined
  }
  const scheme = special ?? url.protocol.slice(0, -1)
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'oci' && scheme !== 'ssh')
    return undefined
  if (!url.hostname || url.password || (url.username && scheme !== 'ssh')) return undefined
  const host = url.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
  const port = url.port || (scheme === 'http' ? '80' : scheme === 'ssh' ? '22' : '443')
  return { scheme, host, port, path: url.pathname.replace(/\/+$/, '') }
}

/** Why `entry` cannot be a `remote.allow` entry, or undefined. */
export function allowEntryProblem(entry: string): string | undefined {
  const url = parseRemote(entry)
  if (!url)
    return 'must be an http://, https://, oci:// or ssh:// URL with a host and no user info (e.g. https://charts.example.com, oci://ghcr.io/acme, ssh://github.com/acme)'
  if (/^ssh:\/\/[^/]*@/i.test(entry)) return 'must not name a user (ssh://github.com/acme)'
  if (/[?#]/.test(entry)) return 'must not hold a query or fragment'
  const forbidden = forbiddenHost(url.host)
  return forbidden && `names ${forbidden}, which is never fetched from`
}

/** The base's `remote.allow`, asked before every fetch a render would make. */
export class RemoteAllowList {
  private readonly allowed: RemoteUrl[]

  constructor(readonly entries: readonly string[]) {
    this.allowed = entries.flatMap(e => {
      const url = allowEntryProblem(e) === undefined ? parseRemote(e) : undefined
      return url ? [url] : []
    })
  }

  /** Why `location` (a chart repository, `oci://` reference, git URL) may not be fetched, or undefined. */
  refusal(location: string): string | undefined {
    const url = parseRemote(location)
    if (!url) return 'is not an http://, https://, oci:// or ssh:// URL hydrate can check'
    const forbidden = forbiddenHost(url.host)
    if (forbidden) return `is ${forbidden}, never fetched from`
    const match = this.allowed.some(
      a =>
        a.scheme === url.scheme &&
        a.host === url.host &&
        a.port === url.port &&
        (a.path === '' || url.path === a.path || url.path.startsWith(`${a.path}/`))
    )
    if (match) return undefined
    const loopback = isLoopback(url.host)
      ? ' (loopback is fetched only from an entry that names it)'
      : ''
    return `is not under an entry of remote.allow in the base's config${loopback}; a change cannot widen the list for itself`
  }
}
