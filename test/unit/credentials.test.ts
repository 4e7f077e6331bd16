import { describe, expect, it } from '@jest/globals'
import { childEnvironment } from '../../src/process/environment.js'
import {
  base64Forms,
  CredentialGuard,
  CredentialLeakError,
  credentialsFromEnvironment,
  credentialsInExtraHeaders,
  credentialsInUrl
} from '../../src/security/credentials.js'
import { redactUrl, redactUrls } from '../../src/git/redact.js'
import { findInBase64Layers } from '../../src/security/base64Layers.js'

const TOKEN = 'ghs_RunnerToken0123456789abcdefABCDEF'

/** A tiny seeded PRNG, so a failure names the case that reproduces it. */
function prng(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff
    return state / 0x7fffffff
  }
}

describe('the render environment', () => {
  const runner = {
    PATH: '/usr/bin',
    HOME: '/home/runner',
    LANG: 'C.UTF-8',
    HELM_CACHE_HOME: '/cache/helm',
    KUSTOMIZE_PLUGIN_HOME: '/k',
    HTTPS_PROXY: 'http://proxy:3128',
    SSL_CERT_FILE: '/etc/ssl/cert.pem',
    INPUT_TOKEN: TOKEN,
    GITHUB_TOKEN: TOKEN,
    ACTIONS_RUNTIME_TOKEN: 'runtime-token-value',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions',
    HELM_REGISTRY_PASSWORD: 'registry-password',
    AWS_SECRET_ACCESS_KEY: 'aws-secret',
    NPM_TOKEN: 'npm-token',
    GIT_CONFIG_COUNT: '1',
    SOME_VARIABLE: 'x'
  }

  it('passes the allow-listed variables to renders and nothing that holds a credential', () => {
    expect(childEnvironment(runner, 'render')).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      LANG: 'C.UTF-8',
      HELM_CACHE_HOME: '/cache/helm',
      KUSTOMIZE_PLUGIN_HOME: '/k',
      HTTPS_PROXY: 'http://proxy:3128',
      SSL_CERT_FILE: '/etc/ssl/cert.pem'
    })
  })

  it('gives git its GIT_* settings and our own variables, still no credential', () => {
    const env = childEnvironment(runner, 'git', { GIT_CONFIG_VALUE_0: '/tmp/auth' })
    expect(env.GIT_CONFIG_COUNT).toBe('1')
    expect(env.GIT_CONFIG_VALUE_0).toBe('/tmp/auth')
    expect(env.HELM_CACHE_HOME).toBeUndefined()
    expect(Object.values(env).join('\n')).not.toMatch(/token|secret|password/i)
  })
})

describe('the credential guard', () => {
  it('collects the runner tokens and *_TOKEN / *_SECRET variables, not short flags', () => {
    const names = credentialsFromEnvironment({
      INPUT_TOKEN: TOKEN,
      ACTIONS_RUNTIME_TOKEN: 'runtime-token-value',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
      DEPLOY_SECRET: 'deploy-secret-value',
      INPUT_PUSH_TOKEN: 'true',
      PATH: '/usr/bin'
    }).map(c => c.name)
    expect(names.sort()).toEqual([
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'ACTIONS_RUNTIME_TOKEN',
      'DEPLOY_SECRET',
      'INPUT_TOKEN'
    ])
    expect(credentialsInUrl(`https://x-access-token:${TOKEN}@github.com/o/r.git`, 'url')).toEqual([
      { name: 'url', value: 'x-access-token' },
      { name: 'url', value: TOKEN }
    ])
  })

  it('finds a credential inside any base64 text, at any offset (property test)', () => {
    const random = prng(20261128)
    const guard = new CredentialGuard([{ name: 'INPUT_TOKEN', value: TOKEN }])
    for (let i = 0; i < 300; i++) {
      const pad = (n: number) =>
        Array.from({ length: n }, () => String.fromCharCode(32 + Math.floor(random() * 90))).join(
          ''
        )
      const text = `${pad(Math.floor(random() * 40))}${TOKEN}${pad(Math.floor(random() * 40))}`
      const encoded = Buffer.from(text).toString('base64')
      expect({ i, found: guard.find(encoded) }).toEqual({ i, found: 'INPUT_TOKEN' })
    }
    // Basic auth as actions/checkout persists it.
    expect(guard.find(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'))).toBe(
      'INPUT_TOKEN'
    )
    expect(guard.find(Buffer.from('nothing secret here at all').toString('base64'))).toBeUndefined()
    expect(base64Forms(TOKEN)).toHaveLength(3)
  })

  it('finds a credential base64-encoded at any depth, misaligned, wrapped or in JSON (property test)', () => {
    const random = prng(20261207)
    const config = `[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${Buffer.from(
      `x-access-token:${TOKEN}`
    ).toString('base64')}\n`
    const guard = new CredentialGuard(
      credentialsInExtraHeaders(
        `http.https://github.com/.extraheader AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`
      )
    )
    for (let i = 0; i < 60; i++) {
      let text = config
      const depth = 1 + Math.floor(random() * 5)
      for (let d = 0; d < depth; d++) {
        // Text before the encoding may shift its alignment; the encoding may be URL-safe.
        text = 'ABC'.slice(0, Math.floor(random() * 4)) + Buffer.from(text).toString('base64')
        if (random() < 0.3) text = text.replace(/\+/g, '-').replace(/\//g, '_')
      }
      const wrapped = random() < 0.5 ? text.replace(/(.{76})/g, '$1\n') : text
      const shown = random() < 0.5 ? JSON.stringify({ stolen: wrapped }) : `stolen: "${wrapped}"`
      expect({ i, depth, found: guard.find(shown) }).toEqual({
        i,
        depth,
        found: 'the token in git config (http.extraheader)'
      })
    }
    const clean = Buffer.from(Buffer.from('nothing secret at all, twice over').toString('base64'))
    expect(guard.find(clean.toString('base64'))).toBeUndefined()
    expect(guard.find('The quick brown fox jumps over the lazy dog '.repeat(200))).toBeUndefined()
  })

  it('redacts a base64 run that decodes to a credential, and fails closed past its budget', () => {
    const guard = new CredentialGuard([{ name: 'GITHUB_TOKEN', value: TOKEN }])
    const twice = Buffer.from(Buffer.from(TOKEN).toString('base64')).toString('base64')
    expect(guard.redact(`value: ${twice} end`, 'a log line')).toBe(
      'value: <redacted GITHUB_TOKEN> end'
    )
    expect(guard.leak).toBe('a log line: GITHUB_TOKEN')
    let deep = `padding ${'A'.repeat(4096)} ${TOKEN}`
    for (let d = 0; d < 12; d++) deep = Buffer.from(deep).toString('base64')
    expect(guard.find(deep)).toBe('GITHUB_TOKEN')
    // Past its budget the search stops and says so (the guard then fails closed).
    const never = () => undefined
    expect(findInBase64Layers(deep, never, 0)).toBe('budget')
    expect(findInBase64Layers(deep, never)).toBeUndefined()
  })

  it('fails closed with an error that names the credential and never holds it', () => {
    const guard = new CredentialGuard([{ name: 'ACTIONS_RUNTIME_TOKEN', value: TOKEN }])
    let caught: unknown
    try {
      guard.check(`data:\n  env: ${TOKEN}\n`, 'the comment')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(CredentialLeakError)
    expect((caught as Error).message).toContain('the comment contains the run')
    expect((caught as Error).message).toContain('ACTIONS_RUNTIME_TOKEN')
    expect((caught as Error).message).not.toContain(TOKEN)
    expect(guard.leak).toBe('the comment: ACTIONS_RUNTIME_TOKEN')
  })

  it('redacts log lines and remembers that it did', () => {
    const guard = new CredentialGuard([{ name: 'GITHUB_TOKEN', value: TOKEN }])
    expect(guard.redact('clean line', 'log')).toBe('clean line')
    expect(guard.leak).toBeUndefined()
    expect(guard.redact(`token=${TOKEN}`, 'a log line')).toBe('token=<redacted GITHUB_TOKEN>')
    expect(guard.leak).toBe('a log line: GITHUB_TOKEN')
  })

  it('strips user info from URLs, in a URL and inside any text', () => {
    expect(redactUrl(`http://x-access-token:${TOKEN}@host/repo.git`)).toBe('http://host/repo.git')
    expect(
      redactUrls(`fatal: unable to access 'https://user:${TOKEN}@host/repo.git/': refused`)
    ).toBe("fatal: unable to access 'https://***@host/repo.git/': refused")
  })
})
