import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { toolWarnings } from '../../src/render/toolOutput.js'
import { ChartCache } from '../../src/render/chartCache.js'
import type { RenderContext } from '../../src/render/types.js'

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hydrate-warnings-'))
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }))

function context(): RenderContext {
  const repoRoot = path.join(scratch, 'repo')
  const tempDir = path.join(scratch, 'render')
  fs.mkdirSync(repoRoot, { recursive: true })
  fs.mkdirSync(tempDir, { recursive: true })
  return {
    repoRoot,
    tempDir,
    timeoutMs: 1000,
    env: {},
    extraEnv: {},
    kustomizations: new Map(),
    chartCache: new ChartCache(path.join(scratch, 'charts'))
  }
}

describe('toolWarnings: what a successful render printed on stderr', () => {
  it('keeps each distinct non-blank line once, in the order printed', () => {
    const stderr = 'b warning\n\n  \na warning\r\nb warning\nc warning   \n'
    expect(toolWarnings(stderr, context(), [])).toEqual(['b warning', 'a warning', 'c warning'])
    expect(toolWarnings('', context(), [])).toEqual([])
  })

  it('makes workspace and scratch paths relative, and only at path boundaries', () => {
    const c = context()
    const stderr = [
      `walk.go:75: found symbolic link in path: ${c.repoRoot}/charts/web/templates/cm.yaml resolves to ${c.repoRoot}/shared/cm.yaml`,
      `building ${c.repoRoot}`,
      `chart ${c.tempDir}/chart-a1B2c3/charts/web/Chart.yaml`,
      `cache ${c.tempDir}/no-helm-plugins-x1`,
      `elsewhere ${c.repoRoot}-other/file and ${c.repoRoot}x`
    ].join('\n')
    expect(toolWarnings(stderr, c, [])).toEqual([
      'walk.go:75: found symbolic link in path: charts/web/templates/cm.yaml resolves to shared/cm.yaml',
      'building .',
      'chart charts/web/Chart.yaml',
      'cache <scratch>/no-helm-plugins-x1',
      `elsewhere ${c.repoRoot}-other/file and ${c.repoRoot}x`
    ])
  })

  it('resolves the workspace through a symlink too (tools print resolved paths)', () => {
    const c = context()
    const link = path.join(scratch, 'repo-link')
    if (!fs.existsSync(link)) fs.symlinkSync(c.repoRoot, link)
    const viaLink = { ...c, repoRoot: link }
    expect(
      toolWarnings(`resolves to ${c.repoRoot}/a.yaml and ${link}/b.yaml`, viaLink, [])
    ).toEqual(['resolves to a.yaml and b.yaml'])
  })

  it('redacts secret values and printed byte arrays as error output is redacted', () => {
    const secret = 'hunter2-Never-Shown'
    const bytes = `[${[...Buffer.from(secret)].join(' ')}]`
    const lines = toolWarnings(
      `# Warning: literal PASSWORD=${secret} looks odd\nline ${bytes}\nraw [80 65 83 83 87]\n`,
      context(),
      [`PASSWORD=${secret}`, secret]
    )
    expect(lines).toEqual([
      '# Warning: literal <redacted> looks odd',
      'line <redacted>',
      'raw [<redacted bytes>]'
    ])
    expect(lines.join('\n')).not.toContain(secret)
  })
})
