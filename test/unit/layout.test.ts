import { describe, expect, it } from '@jest/globals'
import type { Target } from '../../src/config/types.js'
import { ManifestError } from '../../src/errors.js'
import type { DryCommit } from '../../src/git/dryCommit.js'
import { redactUrl } from '../../src/git/redact.js'
import {
  GITATTRIBUTES,
  buildBranchLayouts,
  filesByDirectory,
  pathMetadata,
  pathReadme,
  resourceFileName,
  rootMetadata
} from '../../src/hydrate/layout.js'
import { parseManifests } from '../../src/manifests/parse.js'
import type { RenderedTarget } from '../../src/render/index.js'

const DRY: DryCommit = {
  sha: 'a'.repeat(40),
  author: 'Jane Doe <jane@example.com>',
  date: '2026-01-02T03:04:05Z',
  subject: 'Bump web to 1.2',
  body: '',
  references: [],
  repoURL: 'https://github.com/org/dry'
}

function rendered(
  name: string,
  branch: string,
  path: string,
  yaml: string,
  layout: Target['layout'] = 'manifest'
): RenderedTarget {
  const target: Target = {
    name,
    env: 'dev',
    type: 'kustomize',
    source: `apps/${name}`,
    path,
    branch,
    layout,
    prune: true,
    allowSecrets: false,
    location: { file: 'hydrate.yaml' }
  }
  return {
    target,
    resources: parseManifests(yaml, name).resources,
    problems: [],
    commands: [`kubectl kustomize apps/${name}`],
    tools: { kustomize: '5.7.1' },
    warnings: [],
    durationMs: 1
  }
}

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: web\n'
const NS = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n'

describe('buildBranchLayouts', () => {
  it('writes the Argo CD hydrator layout per branch', () => {
    const layouts = buildBranchLayouts(DRY, [
      rendered('web', 'env/dev', 'web', `${NS}---\n${CM}`),
      rendered('api', 'env/dev', 'api', CM.replace(/web/g, 'api')),
      rendered('web-prod', 'env/prod', 'web', CM)
    ])
    expect(layouts.map(l => l.branch)).toEqual(['env/dev', 'env/prod'])
    const dev = layouts[0]?.files as Map<string, string>
    expect([...dev.keys()]).toEqual([
      '.gitattributes',
      'api/README.md',
      'api/hydrator.metadata',
      'api/manifest.yaml',
      'hydrate.state.json',
      'hydrator.metadata',
      'web/README.md',
      'web/hydrator.metadata',
      'web/manifest.yaml'
    ])
    // Our state file: keys sorted, two-space JSON, final newline (README: the state file).
    expect(layouts[1]?.files.get('hydrate.state.json')).toBe(
      [
        '{',
        `  "drySha": "${DRY.sha}",`,
        '  "paths": {',
        '    "web": {',
        '      "commands": [',
        '        "kubectl kustomize apps/web-prod"',
        '      ],',
        `      "drySha": "${DRY.sha}",`,
        '      "files": [',
        '        "README.md",',
        '        "hydrator.metadata",',
        '        "manifest.yaml"',
        '      ],',
        '      "target": "web-prod",',
        '      "tools": {',
        '        "kustomize": "5.7.1"',
        '      }',
        '    }',
        '  },',
        '  "version": 1',
        '}',
        ''
      ].join('\n')
    )
    expect(Object.keys(layouts[0]?.state.paths ?? {})).toEqual(['api', 'web'])
    // Argo CD's files, byte for byte (their rules: test/argo-metadata.test.ts, below).
    expect(dev.get('.gitattributes')).toBe(GITATTRIBUTES)
    expect(dev.get('hydrator.metadata')).toBe(rootMetadata(DRY))
    expect(dev.get('web/hydrator.metadata')).toBe(pathMetadata(DRY, ['kubectl kustomize apps/web']))
    expect(dev.get('web/README.md')).toBe(pathReadme(DRY, ['kubectl kustomize apps/web']))
    expect(dev.get('web/manifest.yaml')).toBe(`${NS}---\n${CM}`)
  })

  it('is deterministic and independent of input order', () => {
    const inputs = [rendered('web', 'env/dev', 'web', CM), rendered('api', 'env/dev', 'api', NS)]
    const a = buildBranchLayouts(DRY, inputs)
    const b = buildBranchLayouts(DRY, [...inputs].reverse())
    expect([...(a[0]?.files ?? [])]).toEqual([...(b[0]?.files ?? [])])
  })

  it('layout: resources writes one lower-case file per resource', () => {
    const layouts = buildBranchLayouts(DRY, [
      rendered(
        'web',
        'env/dev',
        'web',
        `${NS}---\n${CM.replace('name: cm', 'name: app.config')}`,
        'resources'
      )
    ])
    const files = layouts[0]?.files as Map<string, string>
    expect([...files.keys()].filter(f => f.startsWith('web/'))).toEqual([
      'web/README.md',
      'web/hydrator.metadata',
      'web/namespace-web.yaml',
      'web/web-configmap-app.config.yaml'
    ])
    expect(layouts[0]?.state.paths.web?.files).toEqual([
      'README.md',
      'hydrator.metadata',
      'namespace-web.yaml',
      'web-configmap-app.config.yaml'
    ])
    expect(files.get('web/namespace-web.yaml')).toBe(NS)
  })

  it('layout: resources refuses two resources that map to one file name', () => {
    const clash = `${CM}---\n${CM.replace('apiVersion: v1', 'apiVersion: example.com/v1')}`
    expect(() =>
      buildBranchLayouts(DRY, [rendered('web', 'env/dev', 'web', clash, 'resources')])
    ).toThrow(ManifestError)
    expect(resourceFileName(parseManifests(CM, 't').resources[0] as never)).toBe(
      'web-configmap-cm.yaml'
    )
  })
})

describe('redactUrl', () => {
  it('removes credentials from remote URLs', () => {
    expect(redactUrl('https://x-access-token:ghs_secret@github.com/org/repo.git')).toBe(
      'https://github.com/org/repo.git'
    )
    expect(redactUrl('git@github.com:org/repo.git')).toBe('git@github.com:org/repo.git')
  })
})

describe('filesByDirectory', () => {
  it('lists, per directory, the files below it at any depth, in their order', () => {
    const files = ['a/x', 'ab/y', 'a/b/z', 'top', 'a/b/w', '/rooted']
    const byDirectory = filesByDirectory(files)
    for (const directory of ['a', 'a/b', 'ab', '', 'b'])
      expect(byDirectory.get(directory) ?? []).toEqual(
        files.filter(file => file.startsWith(`${directory}/`))
      )
  })
})
