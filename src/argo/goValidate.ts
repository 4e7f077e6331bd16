import { isIPv6 } from 'node:net'

/**
 * Go standard-library checks that Argo CD applies to `Argocd-reference-commit-*` trailers:
 * url.Parse, time.Parse(time.RFC3339) with its reformatting, json.Unmarshal into a string.
 * Each answers where Go answers; test/argo-metadata.test.ts compares them with Go.
 */

const HEX = /^[0-9A-Fa-f]$/

type Mode = 'path' | 'host' | 'zone' | 'userPassword' | 'fragment'

function hostAllows(c: string): boolean {
  return /[A-Za-z0-9]/.test(c) || `-_.~!$&'()*+,;=:[]<>"`.includes(c)
}

/** url's unescape: false where Go returns an EscapeError or InvalidHostError. */
function unescapes(text: string, mode: Mode): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (c === '%') {
      const a = text[i + 1] ?? ''
      const b = text[i + 2] ?? ''
      if (!HEX.test(a) || !HEX.test(b)) return false
      const value = parseInt(a + b, 16)
      if (mode === 'host' && parseInt(a, 16) < 8 && a + b !== '25') return false
      if (mode === 'zone') {
        const ch = String.fromCharCode(value)
        if (a + b !== '25' && ch !== ' ' && !hostAllows(ch)) return false
      }
      i += 2
    } else if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && !hostAllows(c))
      return false
  }
  return true
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port)
}

function parseHost(host: string): boolean {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']')
    if (close < 0 || !validOptionalPort(host.slice(close + 1))) return false
    const zone = host.slice(0, close).indexOf('%25')
    // Go 1.25.2 on (CVE-2025-47912): only an IPv6 address may stand in brackets.
    const literal = host.slice(1, zone >= 0 ? zone : close)
    if (!isIPv6(literal) || literal.includes('%')) return false
    if (zone >= 0)
      return (
        unescapes(host.slice(0, zone), 'host') &&
        unescapes(host.slice(zone, close), 'zone') &&
        unescapes(host.slice(close), 'host')
      )
  } else {
    const colon = host.lastIndexOf(':')
    if (colon !== -1 && !validOptionalPort(host.slice(colon))) return false
  }
  return unescapes(host, 'host')
}

function parseAuthority(authority: string): boolean {
  const at = authority.lastIndexOf('@')
  if (!parseHost(authority.slice(at + 1))) return false
  if (at < 0) return true
  const userinfo = authority.slice(0, at)
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) return false
  const colon = userinfo.indexOf(':')
  return colon < 0
    ? unescapes(userinfo, 'userPassword')
    : unescapes(userinfo.slice(0, colon), 'userPassword') &&
        unescapes(userinfo.slice(colon + 1), 'userPassword')
}

/** url.Parse(text) returns no error. */
export function goUrlParses(text: string): boolean {
  const hash = text.indexOf('#')
  const raw = hash < 0 ? text : text.slice(0, hash)
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) return false
  if (raw !== '*') {
    let scheme = ''
    let rest = raw
    const match = /^[A-Za-z][A-Za-z0-9+\-.]*:/.exec(raw)
    if (raw.startsWith(':')) return false
    if (match) {
      scheme = match[0].slice(0, -1)
      rest = raw.slice(match[0].length)
    }
    if (rest.endsWith('?') && rest.split('?').length === 2) rest = rest.slice(0, -1)
    else if (rest.includes('?')) rest = rest.slice(0, rest.indexOf('?'))
    if (!rest.startsWith('/')) {
      if (scheme !== '') return hash < 0 || unescapes(text.slice(hash + 1), 'fragment')
      if ((rest.split('/')[0] as string).includes(':')) return false
    }
    if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
      const authority = rest.slice(2)
      const slash = authority.indexOf('/')
      if (!parseAuthority(slash >= 0 ? authority.slice(0, slash) : authority)) return false
      rest = slash >= 0 ? authority.slice(slash) : ''
    }
    if (!unescapes(rest, 'path')) return false
  }
  return hash < 0 || unescapes(text.slice(hash + 1), 'fragment')
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * time.Parse(time.RFC3339, text) then Format(time.RFC3339) in a UTC process, as Argo CD
 * normalizes a reference date: fractional seconds dropped, a zero offset written `Z`.
 * Undefined where Go returns an error.
 */
export function goRfc3339(text: string): string | undefined {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,]\d+)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(
      text
    )
  if (!m) return undefined
  const [, year, month, day, hour, minute, second, zone, sign, zh, zm] = m as unknown as string[]
  const y = Number(year)
  const mo = Number(month)
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  const days = mo === 2 && leap ? 29 : (DAYS[mo - 1] ?? 0)
  if (mo < 1 || mo > 12 || Number(day) < 1 || Number(day) > days) return undefined
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined
  let offset = 'Z'
  if (zone !== 'Z') {
    if (Number(zh) > 24 || Number(zm) > 60) return undefined
    const minutes = Number(zh) * 60 + Number(zm)
    const pad = (n: number) => String(n).padStart(2, '0')
    if (minutes !== 0) offset = `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`
  }
  return `${year}-${month}-${day}T${(hour as string).padStart(2, '0')}:${minute}:${second}${offset}`
}

/** json.Unmarshal(text, &aString): the string, or undefined where Go returns an error. */
export function goJsonStringValue(text: string): string | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (value === null) return '' // null leaves a Go string as it was: empty
  if (typeof value !== 'string') return undefined
  // Go decodes a lone surrogate escape as U+FFFD.
  return value.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd'
  )
}
