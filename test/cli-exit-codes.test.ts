import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runCli } from '../src/cli/run.js'
import { captureStderr, outputSink } from './helpers/cli.js'
import { cleanupTempDirs, makeRepo, tempDir } from './helpers/repo.js'

// The CLI front in process: it resolves the repository and its persisted credentials with git.

afterAll(cleanupTempDirs)

/** Runs the CLI in process: exit code and standard error. */
async function cliRun(...argv: string[]): Promise<{ code: number; stderr: string }> {
  const out = outputSink()
  let code = -1
  const stderr = await captureStderr(async () => {
    code = await runCli(argv, out.stream)
  })
  return { code, stderr }
}

describe('CLI exit codes', () => {
  const sink = outputSink

  it('exits 2 on a configuration error, naming line and column on stderr', async () => {
    const repo = makeRepo({
      files: {
        'plain/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n',
        'hydrate.yaml': 'version: 1\ntargets:\n  - name: a\n    env: dev\n    sourc: plain\n'
      }
    })
    const stderr = await captureStderr(async () => {
      expect(await runCli(['render', '-C', repo, '--out', tempDir()], sink().stream)).toBe(2)
    })
    expect(stderr).toContain('hydrate.yaml:5:5: unknown key "sourc"')
  })

  it('exits 2 on unknown commands and flags, 0 on --help', async () => {
    const out = sink()
    expect(await runCli(['render', '--help'], out.stream)).toBe(0)
    expect(out.text()).toContain(
      'Usage: hydrate render [-C DIR] [--config F] [--out DIR] [--target GLOB]'
    )
    const quiet = process.stderr.write
    process.stderr.write = (() => true) as typeof process.stderr.write
    try {
      expect(await runCli(['frobnicate'], sink().stream)).toBe(2)
      expect(await runCli(['render', '--bogus'], sink().stream)).toBe(2)
      expect(await runCli(['render', '--concurrency', 'zero'], sink().stream)).toBe(2)
    } finally {
      process.stderr.write = quiet
    }
  })

  it('a directory that is not a git repository is a usage error: 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hydrate-not-a-repo-'))
    try {
      const { code, stderr } = await cliRun('targets', '-C', dir)
      expect(code).toBe(2)
      expect(stderr).toContain(
        `error: ${fs.realpathSync(dir)} is not inside a git repository (the dry commit is read from git)\n`
      )
      expect((await cliRun('targets', '-C', path.join(dir, 'missing'))).code).toBe(2)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
