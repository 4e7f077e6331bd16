import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { checkTools, formatDoctor } from '../src/cli/doctor.js'
import { findOnPath } from '../src/render/tools.js'
import { runCli } from '../src/cli/run.js'
import { outputSink } from './helpers/cli.js'
import { cleanupTempDirs, tempDir } from './helpers/repo.js'
import { HELM3, HELM4, KUBECTL, KUBECTL_KUSTOMIZE_57, TOOLS } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const INSTALLED = path.join(TOOLS, 'bin')

/** A PATH of one directory holding links to the given tools, and nothing of the system's. */
function pathOf(tools: Record<string, string>): string {
  const dir = tempDir('hydrate-doctor-path-')
  for (const [name, file] of Object.entries(tools)) fs.symlinkSync(file, path.join(dir, name))
  return dir
}

describe('hydrate doctor', () => {
  it('shows which helm and kustomize a render would run, their versions and where they came from', async () => {
    const report = await checkTools(tempDir(), {
      PATH: pathOf({}),
      HELM_BIN: HELM4,
      KUBECTL_BIN: KUBECTL
    })
    expect(report.ok).toBe(true)
    expect(report.tools.map(t => [t.name, t.tool?.version, t.tool?.path, t.source])).toEqual([
      ['helm', '4.2.3', HELM4, 'HELM_BIN'],
      ['kustomize', '5.8.1', KUBECTL, 'KUBECTL_BIN']
    ])
    const text = formatDoctor(report)
    expect(text).toContain(`kustomize  5.8.1    ${KUBECTL} (kubectl kustomize)  from KUBECTL_BIN`)
    expect(text).toMatch(/ok: a render here can run\n$/)
  })

  it('says what is wrong: no helm, and how to use the tools npm run tools installed', async () => {
    const report = await checkTools(tempDir(), { PATH: pathOf({ kubectl: KUBECTL }) })
    expect(report.ok).toBe(false)
    const text = formatDoctor(report)
    expect(text).toContain('helm       missing\n  problem: helm was not found on PATH.')
    expect(text).toContain(
      `note: \`npm run tools\` installed helm and kubectl in ${INSTALLED}; to use them: export PATH="${INSTALLED}:$PATH"`
    )
    expect(text).toMatch(/not ok: fix the problems above\n$/)
  })

  it('flags a kustomize too old to drive helm 4 for helmCharts; helm 3 with it is fine', async () => {
    const PATH = pathOf({ helm: HELM4, kubectl: KUBECTL_KUSTOMIZE_57 })
    const report = await checkTools(tempDir(), { PATH })
    expect(report.ok).toBe(false)
    expect(report.tools[0]?.tool?.path).toBe(path.join(PATH, 'helm'))
    expect(report.tools[0]?.source).toBe('PATH')
    expect(report.tools[1]?.problems).toEqual([
      'kustomize 5.7.1 cannot drive helm 4 for helmCharts (enableHelm): use kustomize 5.8 or later (kubectl 1.36), or helm 3 through HELM_BIN'
    ])
    expect((await checkTools(tempDir(), { PATH, HELM_BIN: HELM3 })).ok).toBe(true)
  })

  it('a named tool that does not exist is a problem, not a crash', async () => {
    const report = await checkTools(tempDir(), {
      PATH: pathOf({ kubectl: KUBECTL }),
      HELM_BIN: '/nonexistent/helm'
    })
    expect(report.tools[0]?.problems).toEqual([
      'HELM_BIN=/nonexistent/helm was not found on PATH. The path it names does not exist.'
    ])
  })

  it('exits 0 when the tools are usable and 1 when not', async () => {
    const saved = {
      PATH: process.env.PATH,
      HELM_BIN: process.env.HELM_BIN,
      KUBECTL_BIN: process.env.KUBECTL_BIN
    }
    try {
      // git stays reachable: the CLI reads the repository's git config for credentials.
      const PATH = pathOf({ git: findOnPath('git') ?? 'git' })
      Object.assign(process.env, { PATH, HELM_BIN: HELM3, KUBECTL_BIN: KUBECTL })
      const good = outputSink()
      expect(await runCli(['doctor'], good.stream)).toBe(0)
      expect(good.text()).toContain(`helm       3.18.0   ${HELM3}  from HELM_BIN`)
      delete process.env.HELM_BIN
      const bad = outputSink()
      expect(await runCli(['doctor'], bad.stream)).toBe(1)
      expect(bad.text()).toContain('helm       missing')
    } finally {
      for (const [key, value] of Object.entries(saved))
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
    }
  })
})
