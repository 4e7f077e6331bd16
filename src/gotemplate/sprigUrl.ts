import { fixed, type GoFunc } from './funcs.js'
import { type GoValue, goKind, isMap, typed } from './values.js'

// Sprig's urlParse and urlJoin (url.go) over the parts of Go's net/url they use: Parse
// (scheme, opaque, authority with user info, path, query, fragment), Hostname, and URL.String
// with net/url's escaping per component.

type Mode = 'path' | 'host' | 'userPassword' | 'fragment'

function shouldEscape(c: string, mode: Mode): boolean {
  if (/[A-Za-z0-9]/.test(c)) return false
  if (mode === 'host' && `!$&'()*+,;=:[]<>"`.includes(c)) return false
  if ('-_.~'.includes(c)) return false
  if ('$&+,/:;=?@'.includes(c)) {
    if (mode === 'path') return c === '?'
    if (mode === 'userPassword') return '@/?:'.includes(c)
    if (mode === 'fragment') return false
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false
  return true
}

function escape(s: string, mode: Mode): string {
  let out = ''
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte)
    out +=
      byte < 0x80 && !shouldEscape(c, mode)
        ? c
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function unescape(s: string): string {
  const bytes: number[] = []
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      const hex = s.slice(i + 1, i + 3)
      if (!/^[0-9a-fA-F]{2}$/.test(hex))
        throw new Error(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`)
      bytes.push(parseInt(hex, 16))
      i += 2
    } else bytes.push(...Buffer.from(s[i] as string, 'utf8'))
  }
  return Buffer.from(bytes).toString('utf8')
}

interface Url {
  scheme: string
  opaque: string
  user?: { name: string; password?: string }
  host: string
  path: string
  rawQuery: string
  fragment: string
}

function parseAuthority(authority: string, raw: string): Pick<Url, 'user' | 'host'> {
  const at = authority.lastIndexOf('@')
  const hostText = at < 0 ? authority : authority.slice(at + 1)
  const colon = hostText.startsWith('[')
    ? hostText.indexOf(':', hostText.indexOf(']'))
    : hostText.lastIndexOf(':')
  if (colon >= 0 && !/^:[0-9]*$/.test(hostText.slice(colon)))
    throw new Error(
      `parse ${JSON.stringify(raw)}: invalid port ${JSON.stringify(hostText.slice(colon))} after host`
    )
  const host = unescape(hostText)
  if (at < 0) return { host }
  const info = authority.slice(0, at)
  const sep = info.indexOf(':')
  const user =
    sep < 0
      ? { name: unescape(info) }
      : { name: unescape(info.slice(0, sep)), password: unescape(info.slice(sep + 1)) }
  return { user, host }
}

/** url.Parse. */
function parseUrl(raw: string): Url {
  const hash = raw.indexOf('#')
  const text = hash < 0 ? raw : raw.slice(0, hash)
  const fragment = hash < 0 ? '' : unescape(raw.slice(hash + 1))
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(text))
    throw new Error(`parse ${JSON.stringify(text)}: net/url: invalid control character in URL`)
  const url: Url = { scheme: '', opaque: '', host: '', path: '', rawQuery: '', fragment }
  let rest = text
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)
  if (text.startsWith(':'))
    throw new Error(`parse ${JSON.stringify(text)}: missing protocol scheme`)
  if (scheme) {
    url.scheme = (scheme[1] as string).toLowerCase()
    rest = text.slice((scheme[0] as string).length)
  }
  const q = rest.indexOf('?')
  if (q >= 0) {
    url.rawQuery = rest.slice(q + 1)
    rest = rest.slice(0, q)
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      url.opaque = rest
      return url
    }
    const slash = rest.indexOf('/')
    if ((slash < 0 ? rest : rest.slice(0, slash)).includes(':'))
      throw new Error(
        `parse ${JSON.stringify(text)}: first path segment in URL cannot contain colon`
      )
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2)
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash)
    Object.assign(url, parseAuthority(authority, text))
    rest = slash < 0 ? '' : rest.slice(slash)
  }
  url.path = unescape(rest)
  return url
}

const userString = (user: NonNullable<Url['user']>) =>
  escape(user.name, 'userPassword') +
  (user.password === undefined ? '' : `:${escape(user.password, 'userPassword')}`)

/** URL.String. */
function urlString(u: Url): string {
  let out = u.scheme ? `${u.scheme}:` : ''
  if (u.opaque) out += u.opaque
  else {
    if (u.scheme || u.host || u.user) {
      if (u.host || u.path || u.user) out += '//'
      if (u.user) out += `${userString(u.user)}@`
      if (u.host) out += escape(u.host, 'host')
    }
    const path = escape(u.path, 'path')
    if (path !== '' && !path.startsWith('/') && u.host !== '') out += '/'
    if (out === '') {
      const slash = path.indexOf('/')
      if ((slash < 0 ? path : path.slice(0, slash)).includes(':')) out += './'
    }
    out += path
  }
  if (u.rawQuery) out += `?${u.rawQuery}`
  if (u.fragment) out += `#${escape(u.fragment, 'fragment')}`
  return out
}

function urlParse(v: string): GoValue {
  let u: Url
  try {
    u = parseUrl(v)
  } catch (error) {
    throw new Error(`unable to parse url: ${(error as Error).message}`)
  }
  const host = u.host.startsWith('[')
    ? u.host.slice(1, u.host.indexOf(']'))
    : u.host.replace(/:[0-9]*$/, '')
  return typed(
    {
      scheme: u.scheme,
      host: u.host,
      hostname: host,
      path: u.path,
      query: u.rawQuery,
      opaque: u.opaque,
      fragment: u.fragment,
      userinfo: u.user ? userString(u.user) : ''
    },
    'map[string]interface {}'
  )
}

function urlJoin(d: Record<string, GoValue> | null): string {
  const get = (key: string): string => {
    if (!d || !Object.hasOwn(d, key)) return ''
    const value = d[key]
    if (typeof value !== 'string')
      throw new Error(
        `unable to parse ${key} key, must be of type string, but ${value === null || value === undefined ? 'invalid' : goKind(value)} found`
      )
    return value
  }
  const info = get('userinfo')
  const user = info ? parseUrl(`proto://${info}@host`).user : undefined
  return urlString({
    scheme: get('scheme'),
    host: get('host'),
    path: get('path'),
    rawQuery: get('query'),
    opaque: get('opaque'),
    fragment: get('fragment'),
    user
  })
}

export const URL_FUNCS: Record<string, GoFunc> = {
  urlParse: fixed(['string'], urlParse),
  urlJoin: fixed(['map'], (d: GoValue) => urlJoin(isMap(d) ? d : null))
}
