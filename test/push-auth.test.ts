import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { hydrateRepository } from '../src/engine.js'
import { getErrorMessage } from '../src/errors.js'
import { MemoryLogger } from '../src/logger.js'
import { serveGitHttp } from './helpers/gitHttp.js'
import {
  cleanupTempDirs,
  EXAMPLE_REPO,
  git,
  makeRepo,
  remoteRefs,
  tempDir
} from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const TOKEN = 'ghs_TestToken0123456789abcdefABCDEF'
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64')

/** The processes this test started: this worker's descendants (git and its helpers). */
function ownProcesses(): string[] {
  const parents = new Map<string, string>()
  for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      parents.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '')
    } catch {
      // the process ended
    }
  }
  const own = new Set([String(process.pid)])
  for (let grew = true; grew;) {
    grew = false
    for (const [pid, parent] of parents)
      if (!own.has(pid) && own.has(parent)) {
        own.add(pid)
        grew = true
      }
  }
  own.delete(String(process.pid))
  return [...own]
}

/**
 * Samples the argument lists of every process (a leak anywhere counts) and the environment
 * of this test's own processes while `work` runs: the secrets seen, and the auth config
 * files under `authRoot` that our git processes were given (GIT_CONFIG_VALUE_0).
 */
async function watchArgumentLists<T>(
  authRoot: string,
  work: () => Promise<T>
): Promise<{ result: T; leaks: string[]; samples: number; authFiles: Set<string> }> {
  const leaks: string[] = []
  const authFiles = new Set<string>()
  let samples = 0
  const sample = () => {
    samples++
    for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
      try {
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
        if (cmdline.includes(TOKEN) || cmdline.includes(BASIC)) leaks.push(cmdline)
      } catch {
        // the process ended
      }
    }
    for (const pid of ownProcesses()) {
      try {
        const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8')
        const auth = /(?:^|\0)GIT_CONFIG_VALUE_0=([^\0]*)/.exec(environ)
        if (auth?.[1]?.startsWith(authRoot + path.sep)) authFiles.add(auth[1])
      } catch {
        // the process ended
      }
    }
  }
  const timer = setInterval(sample, 2)
  try {
    const result = await work()
    return { result, leaks, samples, authFiles }
  } finally {
    clearInterval(timer)
  }
}

describe('push over smart HTTP with a token', () => {
  it('pushes with the token in a temporary extraheader only, never in a log, an error or an argument list', async () => {
    const root = tempDir('hydrate-http-')
    git(root, 'init', '-q', '--bare', 'deploy.git')
    const server = await serveGitHttp(root, TOKEN)
    try {
      const dry = makeRepo({ from: EXAMPLE_REPO })
      const remoteUrl = `${server.url}/deploy.git`
      git(dry, 'remote', 'add', 'origin', remoteUrl)
      // What actions/checkout persists: a header of its own for the same origin.
      git(
        dry,
        'config',
        `http.${server.url}/.extraheader`,
        'AUTHORIZATION: basic c3RhbGU6Y3JlZGVudGlhbA=='
      )
      const logger = new MemoryLogger()
      // The auth config goes under a root of this test's own, as under RUNNER_TEMP in a run.
      const authRoot = tempDir('hydrate-runner-temp-')
      const { result, leaks, samples, authFiles } = await watchArgumentLists(authRoot, () =>
        hydrateRepository({
          repoRoot: dry,
          logger,
          env: toolEnv(),
          auth: { token: TOKEN, serverUrl: server.url, tempDir: authRoot },
          committer: { name: 'bot', email: 'bot@example.com' }
        })
      )
      expect(result.write.pushed).toBe(true)
      expect(Object.keys(remoteRefs(path.join(root, 'deploy.git'))).sort()).toEqual([
        'refs/heads/env/dev',
        'refs/heads/env/prod',
        'refs/heads/env/staging',
        'refs/notes/hydrate.inputs',
        'refs/notes/hydrate.timings',
        'refs/notes/hydrator.metadata'
      ])
      expect(samples).toBeGreaterThan(5)
      expect(leaks).toEqual([])
      const log = logger.lines.join('\n')
      expect(log).not.toContain(TOKEN)
      expect(log).not.toContain(BASIC)
      // Exactly one Authorization header on every request, and it was ours.
      expect(server.requests.length).toBeGreaterThan(2)
      expect(server.requests.every(r => r.authorizationHeaders === 1 && r.authorized)).toBe(true)
      expect(server.requests.some(r => r.path.endsWith('/git-receive-pack'))).toBe(true)
      // Our git processes were given a config under the injected root; it is gone, and
      // nothing was written to the repo's own config.
      expect(authFiles.size).toBeGreaterThan(0)
      for (const file of authFiles)
        expect({ file, exists: fs.existsSync(file) }).toEqual({ file, exists: false })
      expect(fs.readdirSync(authRoot)).toEqual([])
      expect(fs.readFileSync(path.join(dry, '.git', 'config'), 'utf8')).not.toContain(BASIC)
      expect(
        JSON.parse(
          git(path.join(root, 'deploy.git'), 'show', 'refs/heads/env/dev:hydrator.metadata')
        ).repoURL
      ).toBe(remoteUrl)
    } finally {
      await server.close()
    }
  })

  it('fails clearly with a wrong token, and the error holds neither token', async () => {
    const root = tempDir('hydrate-http-')
    git(root, 'init', '-q', '--bare', 'deploy.git')
    const server = await serveGitHttp(root, TOKEN)
    try {
      const dry = makeRepo({ from: EXAMPLE_REPO })
      git(dry, 'remote', 'add', 'origin', `${server.url}/deploy.git`)
      const wrong = 'ghs_WrongToken9876543210'
      const error = await hydrateRepository({
        repoRoot: dry,
        logger: new MemoryLogger(),
        env: toolEnv(),
        auth: { token: wrong, serverUrl: server.url }
      }).then(
        () => undefined,
        (e: unknown) => e
      )
      const message = getErrorMessage(error)
      expect(message).toMatch(/git ls-remote failed/)
      expect(message).not.toContain(wrong)
      expect(message).not.toContain(Buffer.from(`x-access-token:${wrong}`).toString('base64'))
      expect(Object.keys(remoteRefs(path.join(root, 'deploy.git')))).toEqual([])
    } finally {
      await server.close()
    }
  })
})
