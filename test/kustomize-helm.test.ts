import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { renderRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { cleanupTempDirs, makeRepo } from './helpers/repo.js'
import { HELM_VERSIONS, KUSTOMIZE_VERSIONS, toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

// A kustomize overlay inflating a chart vendored beside it (kustomize `helmCharts`).
const FILES = {
  'hydrate.yaml':
    'version: 1\ntargets:\n  - { name: web-dev, env: dev, source: apps/web, path: web, kustomize: { enableHelm: true } }\n',
  'apps/web/kustomization.yaml': [
    'namespace: web',
    'helmGlobals:',
    '  chartHome: charts',
    'helmCharts:',
    '  - name: web',
    '    releaseName: web',
    '    valuesInline:',
    '      greeting: hello',
    ''
  ].join('\n'),
  'apps/web/charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'apps/web/charts/web/values.yaml': 'greeting: default\n',
  'apps/web/charts/web/templates/cm.yaml': [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{ .Release.Name }}-cm',
    'data:',
    '  greeting: {{ .Values.greeting | quote }}',
    '  helm: {{ .Capabilities.HelmVersion.Version | quote }}',
    ''
  ].join('\n')
}

const combinations = KUSTOMIZE_VERSIONS.flatMap(kustomize =>
  HELM_VERSIONS.map(helm => ({
    label: `${kustomize.label} with ${helm.label}`,
    kustomize,
    helm,
    works: !(kustomize.version.startsWith('5.7') && helm.version.startsWith('4'))
  }))
)

describe.each(combinations)('kustomize helmCharts: $label', ({ kustomize, helm, works }) => {
  const env = { ...toolEnv(helm.bin), KUBECTL_BIN: kustomize.bin }
  const repo = makeRepo({ files: FILES })

  it(
    works
      ? 'renders what kubectl kustomize --enable-helm gives'
      : 'says in one line which tool to change',
    async () => {
      const result = await renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env })
      if (!works) {
        expect(result.rendered).toEqual([])
        expect(result.errors.map(e => e.message)).toEqual([
          `target web-dev: kustomize ${kustomize.version} cannot run helm ${helm.version} for helmCharts: ` +
            'use kustomize >= 5.8 (kubectl >= 1.36), or set HELM_BIN to a helm 3 binary'
        ])
        return
      }
      expect(result.errors).toEqual([])
      // The expected command, as a person would type it.
      const expected = execFileSync(
        kustomize.bin,
        ['kustomize', 'apps/web', '--enable-helm', '--helm-command', helm.bin],
        { cwd: repo, encoding: 'utf8' }
      )
      const layout = result.layouts.find(l => l.branch === 'env/dev')
      const file = (name: string) => String(layout?.files.get(name) ?? '')
      const manifest = file('web/manifest.yaml')
      expect(manifest).toContain('greeting: hello')
      expect(manifest).toContain(`helm: v${helm.version}`)
      expect(normalize(manifest)).toEqual(normalize(expected))
      // The branch README tells whoever reproduces it what helm 4 needs.
      const readme = file('web/README.md')
      expect(readme).toContain('kubectl kustomize apps/web --enable-helm')
      expect(readme).toContain('helmCharts with helm 4 need kustomize >= 5.8')
      expect(fs.existsSync(path.join(repo, 'apps/web/charts/web/charts'))).toBe(false)
    }
  )
})

/** The resources of a YAML stream, without document markers (Argo CD's layout adds them). */
function normalize(stream: string): string[] {
  return stream
    .split(/^---\n/m)
    .map(doc => doc.trim())
    .filter(Boolean)
    .sort()
}
