import { describe, expect, it } from '@jest/globals'
import { minimatch } from 'minimatch'
import { compileArgoGlob, compileGlob, GlobError } from '../../src/security/glob.js'

// One matcher without backtracking for every glob a user or a pull request writes; where
// minimatch was used its answers are kept, checked here pattern by pattern.

const PATTERNS = [
  '*',
  '**',
  '*.yaml',
  '**/*.yaml',
  'a/*',
  'a/**',
  'a/**/b',
  '**/b',
  'a/*/c',
  '?',
  'a?c',
  '[abc]*',
  '[!a]*',
  '[^a]*',
  '[a-c]/*',
  '[]]x',
  '[x',
  'x]',
  '{a,b}/*',
  'apps/{web,api}-*',
  'a/{b,c/d}',
  '{1..3}',
  '.*',
  '.a/*',
  'a/.b',
  '*/.git',
  '**/.git/**',
  'a\\*b',
  'a\\?',
  '[[:digit:]]*',
  'web-*',
  '*-prod',
  '!web-*',
  '#comment',
  '',
  'a/',
  'a//b',
  '*a*a*b',
  'apps/**/overlays/prod',
  'x/**/*',
  '**/x/**',
  '***',
  'a/***/b',
  '+(a|b)',
  'a.b',
  'a+b',
  '(a)'
]
const PATHS = [
  '',
  'a',
  'b',
  'c',
  'ab',
  'abc',
  'a.yaml',
  'a/b',
  'a/b/c',
  'a/c',
  'a/x/c',
  'a/b/b',
  'b/b',
  '.a',
  '.a/b',
  'a/.b',
  'a/.b/c',
  '.git',
  'x/.git',
  'x/.git/config',
  '1',
  '2',
  '4',
  'a*b',
  'axb',
  'a?',
  'ax',
  ']x',
  '[x',
  'x]',
  'web-prod',
  'api-prod',
  'apps/web-1',
  'apps/api-2',
  'apps/db-1',
  'a/c/d',
  'a/b/c/d',
  'apps/x/y/overlays/prod',
  'apps/overlays/prod',
  'x/y',
  'x/y/z',
  'x',
  'a/',
  'a//b',
  'aab',
  'a.b',
  'a+b',
  '(a)',
  '.',
  '..',
  'a/..',
  './a',
  'k.yaml/'
]

describe('compileGlob against minimatch', () => {
  it.each([
    ['default', {}],
    ['dot', { dot: true }],
    [
      "Go's path.Match",
      { dot: true, noglobstar: true, nobrace: true, nonegate: true, nocomment: true }
    ]
  ])('answers as minimatch does (%s)', (_name, options) => {
    const differ: string[] = []
    for (const pattern of PATTERNS) {
      if (/[+@!?*]\(/.test(pattern)) continue // extglobs: checked below
      const match = compileGlob(pattern, options)
      for (const path of PATHS) {
        const expected = minimatch(path, pattern, { ...options, noext: true })
        if (match(path) !== expected) differ.push(`${pattern} ~ ${path}: minimatch ${expected}`)
      }
    }
    expect(differ).toEqual([])
  })
})

/** The translation to JavaScript's RegExp this project used before (a backtracking engine). */
function previousArgoGlob(pattern: string): RegExp {
  let source = ''
  let depth = 0
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '*') source += '.*'
    else if (c === '?') source += '.'
    else if (c === '{') {
      source += '(?:'
      depth++
    } else if (c === '}' && depth > 0) {
      source += ')'
      depth--
    } else if (c === ',' && depth > 0) source += '|'
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end === -1) source += '\\['
      else {
        const body = pattern.slice(i + 1, end)
        source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`
        i = end
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      source += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 's')
}

describe("compileArgoGlob (Argo CD's directory include/exclude)", () => {
  it('answers as the previous translation did', () => {
    const patterns = [
      '*',
      '*.yaml',
      '**/*.yaml',
      '{a,b}.yaml',
      'a/*',
      '?',
      '[abc]*',
      '[!a]*',
      '[a-c]/*',
      'a\\*b',
      '*.draft.yaml',
      '{x/*,y}',
      'x[',
      'a.b',
      'a+b',
      '(a)',
      '*a*a*b'
    ]
    const differ: string[] = []
    for (const pattern of patterns) {
      const match = compileArgoGlob(pattern)
      const previous = previousArgoGlob(pattern)
      for (const path of [...PATHS, 'sub/x.draft.yaml', 'x/y.yaml', 'a.yaml', 'c.yaml'])
        if (match(path) !== previous.test(path)) differ.push(`${pattern} ~ ${path}`)
    }
    expect(differ).toEqual([])
  })
})

describe('globs a pull request writes cost their length, never more', () => {
  const pattern = `${'*a'.repeat(18)}*b`
  const name = 'a'.repeat(120)
  it('answers *a*a*…*a*b (18 × *a) against a 120-character name', () => {
    // A backtracking engine takes longer than the process timeout for this; RE2 does not.
    expect(compileArgoGlob(pattern)(name)).toBe(false)
    expect(compileArgoGlob(pattern)(`${name}b`)).toBe(true)
    expect(compileGlob(pattern, { dot: true })(name)).toBe(false)
    expect(compileGlob(pattern)(`${name}b`)).toBe(true)
    expect(compileGlob(`**/${pattern}`, { dot: true })(`x/y/${name}`)).toBe(false)
  })

  it('refuses more brace alternatives than a person writes, and extglobs', () => {
    expect(() => compileGlob('{a,b}'.repeat(11))).toThrow(GlobError)
    expect(() => compileGlob('{a,b}'.repeat(11))).toThrow('expands to more than 1024 alternatives')
    expect(() => compileGlob('{1..5000}')).toThrow(GlobError)
    expect(() => compileGlob('+(a|b)')).toThrow('extended glob')
    expect(compileGlob('+(a|b)', { noext: true })('+(a|b)')).toBe(true)
  })
})
