import { createHash } from 'node:crypto'
import { RE2JS } from '@bufbuild/re2'
import { fixed, type GoFunc } from './funcs.js'

// Sprig's encodings, hashes, paths (Go's path package) and the regex functions hydrate can run
// in linear time (regexMatch through RE2, regexQuoteMeta).

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const B32 = /^(?:[A-Z2-7]{8})*(?:[A-Z2-7]{2}={6}|[A-Z2-7]{4}={4}|[A-Z2-7]{5}={3}|[A-Z2-7]{7}=)?$/

function firstBad(text: string, alphabet: RegExp): number {
  const clean = text.replace(/[\r\n]/g, '')
  for (let i = 0; i < clean.length; i++) if (!alphabet.test(clean[i] as string)) return i
  return clean.length - (clean.length % 4 === 0 ? 0 : clean.length % 4)
}

function b64dec(s: string): string {
  const clean = s.replace(/[\r\n]/g, '')
  if (!B64.test(clean)) return `illegal base64 data at input byte ${firstBad(s, /[A-Za-z0-9+/=]/)}`
  return Buffer.from(clean, 'base64').toString('utf8')
}

const B32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
function b32enc(s: string): string {
  const bytes = Buffer.from(s, 'utf8')
  let bits = ''
  for (const b of bytes) bits += b.toString(2).padStart(8, '0')
  let out = ''
  for (let i = 0; i < bits.length; i += 5)
    out += B32_ALPHABET[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)]
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=')
}
function b32dec(s: string): string {
  const clean = s.replace(/[\r\n]/g, '')
  if (!B32.test(clean)) return `illegal base32 data at input byte ${firstBad(s, /[A-Z2-7=]/)}`
  let bits = ''
  for (const c of clean.replace(/=+$/, ''))
    bits += B32_ALPHABET.indexOf(c).toString(2).padStart(5, '0')
  const bytes: number[] = []
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(bytes).toString('utf8')
}

function adler32(s: string): string {
  let a = 1
  let b = 0
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521
    b = (b + a) % 65521
  }
  return String(((b << 16) | a) >>> 0)
}

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.'
  const rooted = p.startsWith('/')
  const out: string[] = []
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop()
      else if (!rooted) out.push('..')
    } else out.push(part)
  }
  const joined = out.join('/')
  return rooted ? `/${joined}` : joined || '.'
}

function base(p: string): string {
  if (p === '') return '.'
  const trimmed = p.replace(/\/+$/, '')
  if (trimmed === '') return '/'
  return trimmed.slice(trimmed.lastIndexOf('/') + 1)
}

function dir(p: string): string {
  const i = p.lastIndexOf('/')
  return cleanPath(p.slice(0, i + 1))
}

function ext(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i)
  return ''
}

function regex(pattern: string): RE2JS {
  try {
    return new RE2JS(pattern)
  } catch (error) {
    throw new Error((error as Error).message)
  }
}

const hash = (algorithm: string) =>
  fixed(['string'], (s: string) => createHash(algorithm).update(s, 'utf8').digest('hex'))
const path1 = (f: (p: string) => string | boolean) => fixed(['string'], f)

export const ENCODING_FUNCS: Record<string, GoFunc> = {
  b64enc: fixed(['string'], (s: string) => Buffer.from(s, 'utf8').toString('base64')),
  b64dec: fixed(['string'], b64dec),
  b32enc: fixed(['string'], b32enc),
  b32dec: fixed(['string'], b32dec),
  sha1sum: hash('sha1'),
  sha256sum: hash('sha256'),
  sha512sum: hash('sha512'),
  adler32sum: fixed(['string'], adler32),
  base: path1(base),
  dir: path1(dir),
  clean: path1(cleanPath),
  ext: path1(ext),
  isAbs: path1(p => p.startsWith('/')),
  osBase: path1(base),
  osDir: path1(dir),
  osClean: path1(cleanPath),
  osExt: path1(ext),
  osIsAbs: path1(p => p.startsWith('/')),
  regexMatch: fixed(['string', 'string'], (re: string, s: string) => {
    try {
      return regex(re).test(s)
    } catch {
      return false
    }
  }),
  mustRegexMatch: fixed(['string', 'string'], (re: string, s: string) => regex(re).test(s)),
  regexQuoteMeta: fixed(['string'], (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'))
}
