import { isIPv4, isIPv6 } from 'node:net'
import { celMap, celList, type CelFunc, type CelValue } from '@bufbuild/cel'
import { BOOL, func, INT, kindMethod, MAP, STRING } from './kinds.js'
import { kinded, payload } from './values.js'

/** 16 bytes (IPv4 as its IPv4-mapped IPv6 form) plus the family. */
interface Address {
  family: 4 | 6
  bytes: number[]
}

function parseIp(text: string): Address | undefined {
  if (isIPv4(text)) {
    // Kubernetes refuses leading zeros (ambiguous octal).
    if (text.split('.').some(part => part.length > 1 && part.startsWith('0'))) return undefined
    return {
      family: 4,
      bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, ...text.split('.').map(Number)]
    }
  }
  if (!isIPv6(text) || text.includes('%') || text.includes('.')) return undefined
  const [head, tail = ''] = text.split('::')
  const groups = (part: string) => (part ? part.split(':').map(g => parseInt(g, 16)) : [])
  const h = groups(head!)
  const t = text.includes('::') ? groups(tail) : []
  const words = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t]
  return { family: 6, bytes: words.flatMap(w => [w >> 8, w & 255]) }
}

function formatIp(a: Address): string {
  if (a.family === 4) return a.bytes.slice(12).join('.')
  const host = new URL(
    `http://[${words(a)
      .map(w => w.toString(16))
      .join(':')}]`
  ).hostname
  return host.slice(1, -1)
}

const words = (a: Address) =>
  Array.from({ length: 8 }, (_, i) => (a.bytes[2 * i]! << 8) | a.bytes[2 * i + 1]!)

function parseCidr(text: string): { ip: Address; prefix: number } | undefined {
  const slash = text.indexOf('/')
  if (slash < 0) return undefined
  const ip = parseIp(text.slice(0, slash))
  const bits = text.slice(slash + 1)
  if (!ip || !/^(0|[1-9]\d*)$/.test(bits)) return undefined
  const prefix = Number(bits)
  return prefix <= (ip.family === 4 ? 32 : 128) ? { ip, prefix } : undefined
}

function mask(ip: Address, prefix: number): Address {
  const bits = ip.family === 4 ? prefix + 96 : prefix
  return {
    ...ip,
    bytes: ip.bytes.map((b, i) =>
      i * 8 >= bits ? 0 : i * 8 + 8 <= bits ? b : b & (0xff << (8 - (bits - i * 8))) & 255
    )
  }
}

const ipOf = (value: CelValue) => parseIp(payload(value, 'ip') as string)!
const cidrOf = (value: CelValue) => parseCidr(payload(value, 'cidr') as string)!
const same = (a: Address, b: Address) =>
  a.family === b.family && a.bytes.every((x, i) => x === b.bytes[i])

function contains(outer: { ip: Address; prefix: number }, ip: Address, prefix: number): boolean {
  if (outer.ip.family !== ip.family || prefix < outer.prefix) return false
  return same(mask(outer.ip, outer.prefix), mask(ip, outer.prefix))
}

function ipTest(test: (a: Address) => boolean) {
  return function (this: CelValue) {
    return test(ipOf(this))
  }
}
const v4 = (a: Address) => a.bytes.slice(12)

/** Kubernetes' ip and cidr libraries. */
export const ipFuncs: CelFunc[] = [
  func('ip', [STRING], MAP, (text: string) => {
    const ip = parseIp(text)
    if (!ip) throw new Error(`IP Address '${text}' parse error during conversion from string`)
    // Canonical, so that equal addresses are equal values.
    return kinded('ip', formatIp(ip))
  }),
  func('isIP', [STRING], BOOL, (text: string) => parseIp(text) !== undefined),
  func('ip.isCanonical', [STRING], BOOL, (text: string) => {
    const ip = parseIp(text)
    if (!ip) throw new Error(`IP Address '${text}' parse error during conversion from string`)
    return formatIp(ip) === text
  }),
  kindMethod('ip', 'family', [], INT, function (this: CelValue) {
    return BigInt(ipOf(this).family)
  }),
  kindMethod(
    'ip',
    'isUnspecified',
    [],
    BOOL,
    ipTest(a => (a.family === 4 ? v4(a) : a.bytes).every(b => b === 0))
  ),
  kindMethod(
    'ip',
    'isLoopback',
    [],
    BOOL,
    ipTest(a =>
      a.family === 4 ? v4(a)[0] === 127 : a.bytes.every((b, i) => b === (i === 15 ? 1 : 0))
    )
  ),
  kindMethod(
    'ip',
    'isLinkLocalMulticast',
    [],
    BOOL,
    ipTest(a =>
      a.family === 4
        ? v4(a).slice(0, 3).join('.') === '224.0.0'
        : a.bytes[0] === 0xff && (a.bytes[1]! & 0x0f) === 2
    )
  ),
  kindMethod(
    'ip',
    'isLinkLocalUnicast',
    [],
    BOOL,
    ipTest(a =>
      a.family === 4
        ? v4(a)[0] === 169 && v4(a)[1] === 254
        : a.bytes[0] === 0xfe && (a.bytes[1]! & 0xc0) === 0x80
    )
  ),
  kindMethod(
    'ip',
    'isGlobalUnicast',
    [],
    BOOL,
    ipTest(a => {
      const b = a.family === 4 ? v4(a) : a.bytes
      if (
        a.family === 4 &&
        (b.every(x => x === 255) ||
          b[0] === 0 ||
          b[0] === 127 ||
          b[0]! >= 224 ||
          (b[0] === 169 && b[1] === 254))
      )
        return false
      if (
        a.family === 6 &&
        (b.every(x => x === 0) ||
          b[0] === 0xff ||
          (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) ||
          b.every((x, i) => x === (i === 15 ? 1 : 0)))
      )
        return false
      return true
    })
  ),
  kindMethod('ip', 'string', [], STRING, function (this: CelValue) {
    return formatIp(ipOf(this))
  }),
  func('cidr', [STRING], MAP, (text: string) => {
    const c = parseCidr(text)
    if (!c) throw new Error(`network address parse error during conversion from string: ${text}`)
    return kinded('cidr', `${formatIp(c.ip)}/${c.prefix}`)
  }),
  func('isCIDR', [STRING], BOOL, (text: string) => parseCidr(text) !== undefined),
  kindMethod('cidr', 'containsIP', [STRING], BOOL, function (this: CelValue, text: string) {
    const ip = parseIp(text)
    if (!ip) throw new Error(`IP Address '${text}' parse error during conversion from string`)
    return contains(cidrOf(this), ip, ip.family === 4 ? 32 : 128)
  }),
  kindMethod('cidr', 'containsIP', [MAP], BOOL, function (this: CelValue, other: CelValue) {
    const ip = ipOf(other)
    return contains(cidrOf(this), ip, ip.family === 4 ? 32 : 128)
  }),
  kindMethod('cidr', 'containsCIDR', [STRING], BOOL, function (this: CelValue, text: string) {
    const inner = parseCidr(text)
    if (!inner)
      throw new Error(`network address parse error during conversion from string: ${text}`)
    return contains(cidrOf(this), inner.ip, inner.prefix)
  }),
  kindMethod('cidr', 'containsCIDR', [MAP], BOOL, function (this: CelValue, other: CelValue) {
    const inner = cidrOf(other)
    return contains(cidrOf(this), inner.ip, inner.prefix)
  }),
  kindMethod('cidr', 'ip', [], MAP, function (this: CelValue) {
    return kinded('ip', formatIp(cidrOf(this).ip))
  }),
  kindMethod('cidr', 'masked', [], MAP, function (this: CelValue) {
    const c = cidrOf(this)
    return kinded('cidr', `${formatIp(mask(c.ip, c.prefix))}/${c.prefix}`)
  }),
  kindMethod('cidr', 'prefixLength', [], INT, function (this: CelValue) {
    return BigInt(cidrOf(this).prefix)
  })
]

const GO_URL = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#.*)?$/

function parseUrl(text: string) {
  const m = GO_URL.exec(text)
  if (!m || (!m[1] && !text.startsWith('/'))) return undefined
  const host = m[2] ?? ''
  const bracket = /^\[([^\]]*)\](?::(\d*))?$/.exec(host)
  const [hostname, port] = bracket
    ? [bracket[1]!, bracket[2] ?? '']
    : [host.replace(/:\d*$/, ''), /:(\d*)$/.exec(host)?.[1] ?? '']
  return { scheme: m[1] ?? '', host, hostname, port, path: m[3] ?? '', query: m[4] ?? '' }
}

const urlOf = (value: CelValue) => parseUrl(payload(value, 'url') as string)!
const urlPart = (key: 'scheme' | 'host' | 'hostname' | 'port' | 'path') =>
  function (this: CelValue) {
    return urlOf(this)[key]
  }

/** Kubernetes' URL library (absolute URIs and absolute paths, as `url()` accepts). */
export const urlFuncs: CelFunc[] = [
  func('url', [STRING], MAP, (text: string) => {
    if (!parseUrl(text)) throw new Error(`URL parse error during conversion from string: ${text}`)
    return kinded('url', text)
  }),
  func('isURL', [STRING], BOOL, (text: string) => parseUrl(text) !== undefined),
  kindMethod('url', 'getScheme', [], STRING, urlPart('scheme')),
  kindMethod('url', 'getHost', [], STRING, urlPart('host')),
  kindMethod('url', 'getHostname', [], STRING, urlPart('hostname')),
  kindMethod('url', 'getPort', [], STRING, urlPart('port')),
  kindMethod('url', 'getEscapedPath', [], STRING, function (this: CelValue) {
    const { path } = urlOf(this)
    return path.includes('%') ? path : encodeURI(path)
  }),
  kindMethod('url', 'getQuery', [], MAP, function (this: CelValue) {
    const query = new Map<string, string[]>()
    for (const [key, value] of new URLSearchParams(urlOf(this).query))
      query.set(key, [...(query.get(key) ?? []), value])
    return celMap(new Map([...query].map(([key, values]) => [key, celList(values)])))
  })
]
