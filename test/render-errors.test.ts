import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runCli } from '../src/cli/run.js'
import { renderRepository, renderVerdict } from '../src/engine.js'
import { AggregateRenderError } from '../src/errors.js'
import { MemoryLogger } from '../src/logger.js'
import { captureStderr, outputSink } from './helpers/cli.js'
import { cleanupTempDirs, makeRepo, tempDir } from './helpers/repo.js'
import { KUBECTL, toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n'
const FILES = {
  'hydrate.yaml':
    'version: 1\ntargets:\n  - discover: apps/{app}/{env}\n    name: "{app}-{env}"\n    path: "{app}"\n  - { name: chart-dev, env: dev, source: chart, path: chart }\n',
  'apps/good/dev/kustomization.yaml': 'resources: [cm.yaml]\n',
  'apps/good/dev/cm.yaml': CM,
  'apps/broken/dev/kustomization.yaml': 'resources: [missing.yaml]\n',
  'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.1.0\n',
  'chart/templates/cm.yaml': CM
}

describe('render failures', () => {
  it('keeps a failure per target, with the tool stderr, while the others render', async () => {
    const repo = makeRepo({ files: FILES })
    const result = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(result.rendered.map(r => r.target.name).sort()).toEqual(['chart-dev', 'good-dev'])
    expect(result.errors).toHaveLength(1)
    const message = result.errors[0]?.message ?? ''
    expect(message).toMatch(
      /^target broken-dev: kubectl kustomize apps\/broken\/dev exited with code 1\n/
    )
    expect(message).toMatch(/missing\.yaml/) // kustomize's own stderr
    const { failure } = renderVerdict(result, 'never')
    expect(failure).toBeInstanceOf(AggregateRenderError)
    expect(failure?.message).toMatch(/^1 target failed to render:\n- target broken-dev/)
  })

  it('names the missing tool and how to install it', async () => {
    const repo = makeRepo({ files: FILES })
    const env = { PATH: '/usr/bin:/bin', KUBECTL_BIN: KUBECTL }
    const result = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env,
      targetFilter: ['good-*', 'chart-*']
    })
    expect(result.rendered.map(r => r.target.name)).toEqual(['good-dev'])
    expect(result.errors.map(e => e.message)).toEqual([
      'helm was not found on PATH. Install Helm 3 or 4 (in a workflow: azure/setup-helm), or set HELM_BIN to its path.'
    ])
    const bad = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env: { PATH: '/usr/bin:/bin', KUBECTL_BIN: '/nonexistent/kubectl' }
    })
    expect(bad.errors[0]?.message).toMatch(
      /KUBECTL_BIN=\/nonexistent\/kubectl was not found on PATH\. The path it names does not exist\./
    )
  })

  it('kills a render that runs past the timeout and says so', async () => {
    const repo = makeRepo({ files: FILES })
    const result = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env: toolEnv(),
      timeoutMs: 1,
      targetFilter: ['chart-*']
    })
    expect(result.errors[0]?.message).toBe(
      'target chart-dev: helm template failed: helm template timed out after 1 ms'
    )
  })
})

describe('what a newcomer hit (issue 13, small things)', () => {
  it('exits 2 on a --base that names nothing, without a stack trace under -v', async () => {
    const repo = makeRepo({ files: FILES })
    const stderr = await captureStderr(async () => {
      expect(
        await runCli(['diff', '-C', repo, '--base', 'no-such-ref', '-v'], outputSink().stream)
      ).toBe(2)
    })
    expect(stderr).toMatch(/^error: cannot find no-such-ref here or on origin/)
    expect(stderr).not.toMatch(/\n\s+at /)
  })

  it('warns when a target renders no resources, and counts in the singular', async () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml':
          'version: 1\ntargets:\n  - { name: empty-dev, env: dev, source: empty, path: empty }\n',
        'empty/only-a-comment.yaml': '# nothing yet\n'
      }
    })
    const logger = new MemoryLogger()
    await renderRepository({ repoRoot: repo, logger, env: toolEnv() })
    expect(logger.lines).toContain('1 target from hydrate.yaml')
    expect(logger.lines).toContain(
      'warning: target empty-dev rendered no resources: its manifest.yaml on env/dev would be empty'
    )
  })
})

describe('hydrate render with a failing target', () => {
  it('writes every target that rendered, names the failure and exits 1', async () => {
    const repo = makeRepo({ files: FILES })
    const out = tempDir()
    const env = toolEnv()
    process.env.PATH = env.PATH
    process.env.KUBECTL_BIN = env.KUBECTL_BIN
    process.env.HELM_BIN = env.HELM_BIN
    const stdout = outputSink()
    const stderr = await captureStderr(async () => {
      expect(await runCli(['render', '-C', repo, '--out', out], stdout.stream)).toBe(1)
    })
    expect(stderr).toMatch(/error: 1 target failed to render:\n- target broken-dev/)
    expect(fs.existsSync(path.join(out, 'env/dev/good/manifest.yaml'))).toBe(true)
    expect(fs.existsSync(path.join(out, 'env/dev/chart/manifest.yaml'))).toBe(true)
    expect(stdout.text()).toContain('Rendered 2 targets')
  })
})

describe('helm dependency build failures', () => {
  // A range: `dependency build` resolves it (a pinned version comes from the chart cache).
  it("show helm's cause (printed on stdout), not only its consequence", async () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml':
          'version: 1\nremote: { allow: [https://charts.unreachable.invalid] }\ntargets:\n  - { name: app-dev, env: dev, source: app, path: app }\n',
        'app/Chart.yaml':
          'apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: redis\n    version: ~1.0.0\n    repository: https://charts.unreachable.invalid\n'
      }
    })
    const result = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    const message = result.errors[0]?.message ?? ''
    expect(message).toMatch(/helm dependency build exited with code 1/)
    expect(message).toMatch(
      /Unable to get an update from the "https:\/\/charts\.unreachable\.invalid"/
    )
  })
})

describe('vendored subcharts', () => {
  it('are matched by their own Chart.yaml name, as helm does: no dependency build', async () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml':
          'version: 1\ntargets:\n  - { name: app-dev, env: dev, source: app, path: app }\n',
        'app/Chart.yaml':
          'apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: subcharta\n    version: 0.1.0\n    repository: https://charts.unreachable.invalid\n',
        'app/charts/subchartA/Chart.yaml': 'apiVersion: v2\nname: subcharta\nversion: 0.1.0\n',
        'app/charts/subchartA/templates/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-subchart\n'
      }
    })
    const result = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(result.errors).toEqual([])
    expect(result.rendered[0]?.commands.some(c => c.includes('dependency build'))).toBe(false)
    expect(result.rendered[0]?.resources.map(r => r.name)).toEqual(['from-subchart'])
  })
})
