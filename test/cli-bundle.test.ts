import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import {
  cleanupTempDirs,
  EXAMPLE_REPO,
  EXAMPLE_TARGETS,
  makeRepo,
  tempDir
} from './helpers/repo.js'
import { ROOT, toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const CLI = path.join(ROOT, 'dist', 'cli', 'index.js')

function hydrate(args: string[], env = toolEnv()) {
  return spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' })
}

describe('the bundled CLI (dist/cli/index.js)', () => {
  it('renders the example repo into OUT/<branch>/ and exits 0', () => {
    const repo = makeRepo({ from: EXAMPLE_REPO })
    const out = tempDir()
    const result = hydrate(['render', '-C', repo, '--out', out])
    expect(result.stderr).not.toMatch(/error/)
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(
      new RegExp(`Rendered ${EXAMPLE_TARGETS.length} targets from [0-9a-f]{7} into `)
    )
    expect(result.stdout).toMatch(
      /env\/prod: 6 targets, \d+ resources \(cluster, flux\/apps, flux\/cluster, guestbook, metrics, webapp\)/
    )
    for (const file of [
      'env/dev/guestbook/manifest.yaml',
      'env/prod/webapp/README.md',
      'env/staging/hydrator.metadata',
      'env/prod/.gitattributes'
    ]) {
      expect(fs.existsSync(path.join(out, file))).toBe(true)
    }
  })

  it('--target limits the targets; a configuration error exits 2; --help exits 0', () => {
    const repo = makeRepo({ from: EXAMPLE_REPO })
    const out = tempDir()
    const filtered = hydrate(['render', '-C', repo, '--out', out, '--target', 'guestbook-*'])
    expect(filtered.status).toBe(0)
    expect(fs.readdirSync(path.join(out, 'env', 'prod')).sort()).toEqual([
      '.gitattributes',
      'guestbook',
      'hydrate.state.json',
      'hydrator.metadata'
    ])
    fs.appendFileSync(path.join(repo, 'hydrate.yaml'), 'extra: true\n')
    const bad = hydrate(['render', '-C', repo, '--out', tempDir()])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/^error: hydrate\.yaml:\d+:1: unknown key "extra"/)
    expect(hydrate(['--help']).status).toBe(0)
  })

  it('--version is the bundled package.json version; doctor runs the tools it finds', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
    expect(hydrate(['--version'])).toMatchObject({ status: 0, stdout: `hydrate ${version}\n` })
    const doctor = hydrate(['doctor'])
    expect(doctor.status).toBe(0)
    expect(doctor.stdout).toMatch(/^helm {7}4\.2\.3 .*from HELM_BIN\nkustomize {2}5\.8\.1 /)
  })
})
