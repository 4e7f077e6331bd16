import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { hydrateForTest } from './helpers/engine.js'
import { MemoryLogger } from '../src/logger.js'
import {
  cleanupTempDirs,
  commitAll,
  git,
  makeDryWithRemote,
  tempDir,
  writeFiles
} from './helpers/repo.js'

afterAll(cleanupTempDirs)

const FILES = {
  'hydrate.yaml':
    'version: 1\ntargets:\n  - {name: app-dev, env: dev, source: app, path: app}\n  - {name: app-prod, env: prod, source: app, path: app}\n',
  'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {version: "1"}\n'
}

/** An ed25519 key made for the test, and an allowed-signers file naming the committer. */
function sshKey(): { key: string; allowedSigners: string } {
  const dir = tempDir('hydrate-ssh-')
  const file = path.join(dir, 'id')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hydrate-test', '-f', file])
  const allowedSigners = path.join(dir, 'allowed_signers')
  fs.writeFileSync(allowedSigners, `bot@example.com ${fs.readFileSync(`${file}.pub`, 'utf8')}`)
  return { key: fs.readFileSync(file, 'utf8'), allowedSigners }
}

/** A PGP key made for the test in its own keyring (the verifier's), exported armored. */
function pgpKey(): { key: string; gnupgHome: string } {
  const gnupgHome = tempDir('hydrate-gpg-')
  fs.chmodSync(gnupgHome, 0o700)
  const gpg = (...args: string[]) =>
    execFileSync('gpg', ['--batch', '--no-tty', ...args], {
      env: { ...process.env, GNUPGHOME: gnupgHome },
      encoding: 'utf8'
    })
  gpg(
    '--passphrase',
    '',
    '--quick-gen-key',
    'hydrate-bot <bot@example.com>',
    'ed25519',
    'sign',
    'never'
  )
  return { key: gpg('--armor', '--export-secret-keys', 'bot@example.com'), gnupgHome }
}

function branchCommits(remote: string, branch: string): string[] {
  return git(remote, 'rev-list', `refs/heads/${branch}`).split('\n').filter(Boolean)
}

/** Every file of every ref and every log line: none may hold the key or a line of it. */
function expectNoKey(remote: string, logger: MemoryLogger, key: string): void {
  const lines = key.split('\n').filter(l => l.length >= 16 && !l.startsWith('-----'))
  const everything = [
    git(remote, 'log', '--all', '-p', '--format=%B'),
    logger.lines.join('\n')
  ].join('\n')
  for (const line of lines) expect(everything).not.toContain(line)
}

describe('signed hydrated commits', () => {
  it('signs every commit it makes with an SSH key, verified by git with an allowed-signers file, in one atomic push', async () => {
    const { key, allowedSigners } = sshKey()
    const { dry, remote } = makeDryWithRemote({ files: FILES })
    const logger = new MemoryLogger()
    const first = await hydrateForTest(dry, { logger, signingKey: { text: key } })
    expect(first.write.pushed).toBe(true)
    expect(first.write.attempts).toBe(1)
    const verify = (sha: string) =>
      execFileSync(
        'git',
        ['-c', `gpg.ssh.allowedSignersFile=${allowedSigners}`, 'verify-commit', '--raw', sha],
        {
          cwd: remote,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe']
        }
      )
    for (const branch of ['env/dev', 'env/prod']) {
      const commits = branchCommits(remote, branch)
      // The initial commit of the new branch and the hydrated one: both signed.
      expect(commits).toHaveLength(2)
      for (const sha of commits) expect(() => verify(sha)).not.toThrow()
    }
    // Signed and unsigned hydrations of the same dry commit differ only by the signature:
    // same trees, messages, author and committer (the dates are the run's).
    const unsignedRemote = tempDir('hydrate-unsigned-')
    git(unsignedRemote, 'init', '-q', '--bare')
    await hydrateForTest(dry, { remote: unsignedRemote })
    const shape = (repo: string, branch: string) =>
      git(repo, 'log', '--format=%T%n%an <%ae>%n%cn <%ce>%n%B', branch)
    for (const branch of ['env/dev', 'env/prod']) {
      expect(shape(remote, branch)).toBe(shape(unsignedRemote, branch))
      expect(git(remote, 'cat-file', 'commit', branch)).toContain('gpgsig ')
      expect(git(unsignedRemote, 'cat-file', 'commit', branch)).not.toContain('gpgsig ')
      const [authored, committed] = git(remote, 'log', '-1', '--format=%at %ct', branch)
        .trim()
        .split(' ')
      expect(authored).toBe(committed)
    }
    // The notes point at the signed commits.
    const tip = branchCommits(remote, 'env/prod')[0] as string
    expect(git(remote, 'notes', '--ref=hydrator.metadata', 'show', tip)).toContain(
      git(dry, 'rev-parse', 'HEAD').trim()
    )
    // A second hydration on top of a signed tip: signed too, its parent the old tip.
    writeFiles(dry, { 'app/cm.yaml': FILES['app/cm.yaml'].replace('"1"', '"2"') })
    commitAll(dry, 'v2')
    await hydrateForTest(dry, { logger, signingKey: { text: key } })
    const [next, previous] = branchCommits(remote, 'env/prod')
    expect(previous).toBe(tip)
    expect(() => verify(next as string)).not.toThrow()
    // A wrong allowed-signers file fails: the check above could fail.
    const other = sshKey()
    expect(() =>
      execFileSync(
        'git',
        [
          '-c',
          `gpg.ssh.allowedSignersFile=${other.allowedSigners}`,
          'verify-commit',
          next as string
        ],
        {
          cwd: remote,
          stdio: 'pipe'
        }
      )
    ).toThrow()
    expectNoKey(remote, logger, key)
    // The key's temporary folder is gone.
    expect(fs.readdirSync(os.tmpdir()).filter(n => n.startsWith('hydrate-signing-'))).toEqual([])
  })

  it('signs with a PGP key, verified with the keyring', async () => {
    const { key, gnupgHome } = pgpKey()
    const { dry, remote } = makeDryWithRemote({ files: FILES })
    const logger = new MemoryLogger()
    await hydrateForTest(dry, { logger, signingKey: { text: key } })
    for (const sha of branchCommits(remote, 'env/dev')) {
      const out = execFileSync('git', ['verify-commit', '--raw', sha], {
        cwd: remote,
        env: { ...process.env, GNUPGHOME: gnupgHome },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe']
      })
      expect(out).toBe('')
    }
    expectNoKey(remote, logger, key)
  })

  it('refuses a key that is neither SSH nor PGP, and pushes nothing', async () => {
    const { dry, remote } = makeDryWithRemote({ files: FILES })
    await expect(hydrateForTest(dry, { signingKey: { text: 'not a key at all' } })).rejects.toThrow(
      /neither an SSH private key/
    )
    expect(git(remote, 'for-each-ref', 'refs/heads/env')).toBe('')
  })
})
