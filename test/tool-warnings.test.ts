import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runCli } from '../src/cli/run.js'
import { diffRepository, renderRepository, type RepositoryDiff } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { renderJson } from '../src/report/json.js'
import { renderMarkdown } from '../src/report/markdown.js'
import { cleanupTempDirs, commitAll, git, makeRepo, tempDir, writeFiles } from './helpers/repo.js'
import { HELM_VERSIONS, toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const BASES = /^# Warning: 'bases' is deprecated\. Please use 'resources' instead\./
const COMMON_LABELS = /^# Warning: 'commonLabels' is deprecated\. Please use 'labels' instead\./

const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  level: info\n'

/** The seed layout (zero config): environments/{dev,prod} over one base. */
const overlay = (fields: string) => `${fields}\nnamePrefix: ""\n`
const CURRENT = overlay('resources: [../../base]\nlabels: [{pairs: {team: web}}]')
const DEPRECATED = overlay('bases: [../../base]\ncommonLabels: {team: web}')

function seedRepo(kustomization: string): string {
  return makeRepo({
    files: {
      'base/kustomization.yaml': 'resources: [cm.yaml]\n',
      'base/cm.yaml': CONFIG_MAP,
      'environments/dev/kustomization.yaml': kustomization,
      'environments/prod/kustomization.yaml': kustomization
    }
  })
}

describe("kustomize's deprecation warnings", () => {
  it('are kept per target, in the order printed, with no other stderr noise', async () => {
    const repo = seedRepo(DEPRECATED)
    const result = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(result.failures).toEqual([])
    for (const rendered of result.rendered)
      expect(rendered.warnings).toEqual([
        expect.stringMatching(BASES),
        expect.stringMatching(COMMON_LABELS)
      ])
    const current = await renderRepository({
      repoRoot: seedRepo(CURRENT),
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(current.rendered.map(r => r.warnings)).toEqual([[], []])
  })

  it('hydrate render and push print one line per target with a count', async () => {
    const repo = seedRepo(DEPRECATED)
    const out: string[] = []
    const stdout = { write: (text: string) => out.push(text) > 0 } as NodeJS.WritableStream
    const saved = { PATH: process.env.PATH, KUBECTL_BIN: process.env.KUBECTL_BIN }
    Object.assign(process.env, { PATH: toolEnv().PATH, KUBECTL_BIN: toolEnv().KUBECTL_BIN })
    try {
      const outDir = tempDir('hydrate-out-')
      expect(await runCli(['render', '-C', repo, '--out', outDir], stdout)).toBe(0)
      expect(out.join('')).toContain(
        'Tool warnings (-v prints them):\n  environments-dev: 2 tool warnings\n  environments-prod: 2 tool warnings\n'
      )
      // The warnings are a report, not output: the branch files do not hold them.
      expect(
        fs.readFileSync(path.join(outDir, 'env/dev/environments/dev/manifest.yaml'), 'utf8')
      ).not.toMatch(/Warning/)
      out.length = 0
      const remote = path.join(tempDir('hydrate-remote-'), 'remote.git')
      git(repo, 'init', '-q', '--bare', remote)
      expect(await runCli(['push', '-C', repo, '--remote', remote, '--dry-run'], stdout)).toBe(0)
      expect(out.join('')).toMatch(
        /\nTool warnings \(-v prints them\):\n {2}environments-dev: 2 tool warnings\n/
      )
    } finally {
      Object.assign(process.env, saved)
      for (const [key, value] of Object.entries(saved))
        if (value === undefined) delete process.env[key]
    }
  })
})

describe('tool warnings in the rendered diff', () => {
  let result: RepositoryDiff
  let repo: string

  beforeAll(async () => {
    repo = seedRepo(CURRENT)
    git(repo, 'checkout', '-q', '-b', 'feature')
    writeFiles(repo, {
      'environments/dev/kustomization.yaml': DEPRECATED,
      'environments/prod/kustomization.yaml': DEPRECATED,
      'base/cm.yaml': CONFIG_MAP.replace('info', 'debug')
    })
    commitAll(repo, 'Back to bases')
    result = await diffRepository({
      repoRoot: repo,
      base: 'main',
      logger: new MemoryLogger(),
      env: toolEnv()
    })
  })

  it('carries the head’s warnings per target in the JSON report', () => {
    const targets = JSON.parse(renderJson(result.report)).targets as Array<Record<string, unknown>>
    expect(targets.map(t => [t.name, t.status, (t.warnings as string[]).length])).toEqual([
      ['environments-dev', 'changed', 2],
      ['environments-prod', 'changed', 2]
    ])
    expect((targets[0]?.warnings as string[])[0]).toMatch(BASES)
  })

  it('shows them once, collapsed, below every diff, naming the targets that printed them', () => {
    const markdown = renderMarkdown(result.report)
    const block =
      '<details><summary>⚠️ 2 tool warnings: <b>dev / environments-dev</b>, <b>prod / environments-prod</b></summary>'
    expect(markdown.split(block)).toHaveLength(2)
    expect(markdown.split("'bases' is deprecated")).toHaveLength(2)
    expect(markdown.indexOf(block)).toBeGreaterThan(markdown.lastIndexOf('```diff'))
    expect(markdown.indexOf(block)).toBeLessThan(markdown.indexOf('<sub>'))
    expect(markdown).not.toContain(repo)
  })
})

describe.each(HELM_VERSIONS)("$label's warnings", ({ bin }) => {
  it('name repository files by their relative path, never the absolute workspace path', async () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml':
          'version: 1\ntargets:\n  - { name: web-dev, env: dev, source: charts/web, path: web }\n',
        'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
        'shared/cm.yaml': CONFIG_MAP
      }
    })
    fs.mkdirSync(path.join(repo, 'charts/web/templates'))
    fs.symlinkSync('../../../shared/cm.yaml', path.join(repo, 'charts/web/templates/cm.yaml'))
    commitAll(repo, 'A template shared by symlink')
    const result = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env: toolEnv(bin)
    })
    const warnings = result.rendered[0]?.warnings ?? []
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/found symbolic link in path/)
    expect(warnings[0]).toContain('charts/web/templates/cm.yaml')
    expect(warnings[0]).toContain('shared/cm.yaml')
    expect(warnings[0]).not.toContain(repo)
    expect(warnings[0]).not.toContain(fs.realpathSync(repo))
    expect(warnings[0]).not.toMatch(/(^|[\s=])\/\S*(charts|shared)\//)
  })
})

describe('a credential in a tool warning', () => {
  it('fails the report closed: the warning leaves the run only through the guard', async () => {
    const token = 'ghp_WarningLeak0123456789abcdefABCDEF'
    const repo = makeRepo({
      files: {
        'hydrate.yaml':
          'version: 1\ntargets:\n  - { name: web-dev, env: dev, source: charts/web, path: web }\n',
        'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
        'charts/web/templates/cm.yaml': CONFIG_MAP,
        'shared/other.yaml': CONFIG_MAP.replace('name: web', 'name: other')
      }
    })
    git(repo, 'checkout', '-q', '-b', 'feature')
    // helm names a symlinked template in its warning: here the name is the run's token.
    fs.symlinkSync(
      '../../../shared/other.yaml',
      path.join(repo, `charts/web/templates/${token}.yaml`)
    )
    commitAll(repo, 'A symlinked template')
    const out: string[] = []
    const stdout = { write: (text: string) => out.push(text) > 0 } as NodeJS.WritableStream
    const stderr: string[] = []
    const write = process.stderr.write
    process.stderr.write = ((chunk: string) =>
      stderr.push(chunk) > 0) as typeof process.stderr.write
    const saved = { PATH: process.env.PATH, GITHUB_TOKEN: process.env.GITHUB_TOKEN }
    Object.assign(process.env, { PATH: toolEnv().PATH, GITHUB_TOKEN: token })
    try {
      const code = await runCli(['diff', '-C', repo, '--base', 'main', '--format', 'json'], stdout)
      expect(code).toBe(1)
    } finally {
      process.stderr.write = write
      Object.assign(process.env, saved)
      for (const [key, value] of Object.entries(saved))
        if (value === undefined) delete process.env[key]
    }
    expect(out.join('')).toBe('')
    expect(stderr.join('')).not.toContain(token)
    expect(stderr.join('')).toMatch(/the json report/)
  })
})
