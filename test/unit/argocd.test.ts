import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { envFromBranch } from '../../src/argocd/environment.js'
import {
  generatorParams,
  renderTemplate,
  UnsupportedGenerator
} from '../../src/argocd/applicationSet.js'
import {
  applyKustomizeEdits,
  KustomizeEditError,
  parseImageArgument
} from '../../src/render/kustomizeEdit.js'
import { gitPathspecMatches } from '../../src/argocd/gitPathspec.js'
import { goFloat } from '../../src/argocd/goValues.js'
import { normalizeRepoURL, remoteURLsOf } from '../../src/argocd/repoUrl.js'
import type { KustomizeEdits } from '../../src/config/types.js'
import { escapeSetValue } from '../../src/render/helm.js'
import { argoGlob } from '../../src/sources/directory.js'

const dirs: string[] = []
afterAll(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })))

function repoWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hydrate-argo-unit-'))
  dirs.push(dir)
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), text)
  }
  return dir
}

describe('repository URLs', () => {
  it.each([
    'https://github.com/Org/Repo.git',
    'https://github.com/org/repo/',
    'https://user:token@github.com/org/repo',
    'git@github.com:org/repo.git',
    'ssh://git@github.com:22/org/repo.git',
    'HTTPS://GitHub.com/org/repo'
  ])('%s names github.com/org/repo', url => {
    expect(normalizeRepoURL(url)).toBe('github.com/org/repo')
  })

  it('keeps other repositories, hosts and local paths apart', () => {
    expect(normalizeRepoURL('https://github.com/org/repo2')).not.toBe('github.com/org/repo')
    expect(normalizeRepoURL('https://gitlab.com/org/repo')).toBe('gitlab.com/org/repo')
    expect(normalizeRepoURL('file:///srv/repo.git')).toBe(normalizeRepoURL('/srv/repo'))
  })

  it('reads url and pushurl of remote sections only', () => {
    const config =
      '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:o/r.git\n\tfetch = +refs/heads/*\n[remote "up"]\n\tpushurl = https://x/y\n[branch "main"]\n\turl = nope\n'
    expect(remoteURLsOf(config)).toEqual(['git@github.com:o/r.git', 'https://x/y'])
  })
})

describe('ApplicationSet generators', () => {
  const isThisRepository = (url: string) => normalizeRepoURL(url) === 'github.com/o/r'
  const repo = repoWith({
    'apps/a/k.yaml': 'x: 1\n',
    'apps/b/k.yaml': 'x: 1\n',
    'apps/b/deep/k.yaml': 'x: 1\n',
    'clusters/dev/config.json': '{"cluster": {"name": "dev", "env": "dev"}}',
    'clusters/prod/config.json': '{"cluster": {"name": "prod", "env": "prod"}}'
  })
  const context = { repoRoot: repo, goTemplate: false, isThisRepository, clusters: [] }

  it('git directories: path.Match per segment, excludes win', () => {
    const params = generatorParams(
      {
        git: {
          repoURL: 'https://github.com/o/r',
          directories: [{ path: 'apps/*' }, { path: 'apps/b', exclude: true }]
        }
      },
      context
    )
    expect(params).toEqual([
      {
        path: 'apps/a',
        'path.basename': 'a',
        'path.basenameNormalized': 'a',
        'path[0]': 'apps',
        'path[1]': 'a'
      }
    ])
  })

  it('git files: the file flattened, with its path parameters; Go template keeps it nested', () => {
    const spec = {
      git: { repoURL: 'git@github.com:o/r.git', files: [{ path: 'clusters/**/config.json' }] }
    }
    expect(generatorParams(spec, context)[0]).toMatchObject({
      'cluster.name': 'dev',
      path: 'clusters/dev',
      'path.filename': 'config.json'
    })
    expect(generatorParams(spec, { ...context, goTemplate: true })[1]).toMatchObject({
      cluster: { name: 'prod' },
      path: { path: 'clusters/prod', basename: 'prod', segments: ['clusters', 'prod'] }
    })
  })

  it('matrix: every combination; merge: overrides by key', () => {
    const list = (elements: unknown[]) => ({ list: { elements } })
    expect(
      generatorParams(
        { matrix: { generators: [list([{ a: '1' }, { a: '2' }]), list([{ b: 'x' }])] } },
        context
      )
    ).toEqual([
      { a: '1', b: 'x' },
      { a: '2', b: 'x' }
    ])
    expect(
      generatorParams(
        {
          merge: {
            mergeKeys: ['env'],
            generators: [
              list([
                { env: 'dev', r: '1' },
                { env: 'prod', r: '1' }
              ]),
              list([{ env: 'prod', r: '3' }])
            ]
          }
        },
        context
      )
    ).toEqual([
      { env: 'dev', r: '1' },
      { env: 'prod', r: '3' }
    ])
  })

  it('reports other generators and other repositories', () => {
    expect(() => generatorParams({ scmProvider: {} }, context)).toThrow(UnsupportedGenerator)
    expect(() =>
      generatorParams({ git: { repoURL: 'https://github.com/x/y', directories: [] } }, context)
    ).toThrow(/is not this repository/)
  })

  it('templates: {{key}} in default mode, Go text/template with Sprig in Go mode, time refused', () => {
    expect(
      renderTemplate(
        { name: '{{path.basename}}-{{ env }}', n: 3 },
        { 'path.basename': 'a', env: 'dev' },
        false
      )
    ).toEqual({ name: 'a-dev', n: 3 })
    expect(renderTemplate('{{unknown}}', {}, false)).toBe('{{unknown}}')
    const go = { path: { basename: 'a', segments: ['apps', 'a'] } }
    expect(
      renderTemplate('{{.path.basename}}/{{ index .path.segments 0 }}/{{.missing}}', go, true)
    ).toBe('a/apps/<no value>')
    expect(renderTemplate('{{ .path.basename | upper }}', go, true)).toBe('A')
    expect(() => renderTemplate('{{ now }}', go, true)).toThrow(UnsupportedGenerator)
    expect(() => renderTemplate('x-{{ now }}', go, true)).toThrow(
      'template x-{{ now }}: template function now is not deterministic; hydrate refuses it (the same commit must render the same output)'
    )
  })
})

describe('kustomize edits (what kustomize edit does)', () => {
  const none: KustomizeEdits = {
    images: [],
    replicas: [],
    commonLabels: {},
    forceCommonLabels: false,
    labelWithoutSelector: false,
    labelIncludeTemplates: false,
    commonAnnotations: {},
    forceCommonAnnotations: false,
    patches: [],
    components: []
  }

  it('parses image arguments', () => {
    expect(parseImageArgument('nginx:1.27')).toEqual({
      name: 'nginx',
      newTag: '1.27',
      digest: undefined
    })
    expect(parseImageArgument('nginx=registry:5000/nginx:1.27')).toEqual({
      name: 'nginx',
      newName: 'registry:5000/nginx',
      newTag: '1.27',
      digest: undefined
    })
    expect(parseImageArgument('alpine@sha256:abc')).toEqual({
      name: 'alpine',
      newTag: undefined,
      digest: 'sha256:abc'
    })
  })

  it('replaces prefix, updates images and replicas in place, appends patches and components', () => {
    const k = {
      namePrefix: 'base-',
      images: [{ name: 'nginx', digest: 'sha256:old' }],
      patches: [{ path: 'p.yaml' }]
    }
    const edited = applyKustomizeEdits(k, {
      ...none,
      namePrefix: 'prod-',
      images: ['nginx:1.27', 'redis=mirror/redis'],
      replicas: [{ name: 'web', count: 3 }],
      patches: [{ patch: 'x' }],
      components: ['../c']
    })
    expect(edited).toEqual({
      namePrefix: 'prod-',
      images: [
        { name: 'nginx', newTag: '1.27' },
        { name: 'redis', newName: 'mirror/redis' }
      ],
      replicas: [{ name: 'web', count: 3 }],
      patches: [{ path: 'p.yaml' }, { patch: 'x' }],
      components: ['../c']
    })
    expect(k.namePrefix).toBe('base-') // the original is untouched
  })

  it('refuses to overwrite a label unless forced, as kustomize edit add label does', () => {
    const k = { commonLabels: { team: 'a' } }
    expect(() => applyKustomizeEdits(k, { ...none, commonLabels: { team: 'b' } })).toThrow(
      KustomizeEditError
    )
    expect(
      applyKustomizeEdits(k, { ...none, commonLabels: { team: 'b' }, forceCommonLabels: true })
    ).toEqual({ commonLabels: { team: 'b' } })
    expect(
      applyKustomizeEdits({}, { ...none, commonLabels: { t: 'x' }, labelWithoutSelector: true })
    ).toEqual({ labels: [{ pairs: { t: 'x' } }] })
  })
})

describe('small Argo CD rules', () => {
  it('helm --set values: unescaped commas escaped, lists kept', () => {
    expect(escapeSetValue('a,b\\,c')).toBe('a\\,b\\,c')
    expect(escapeSetValue('{a,b}')).toBe('{a,b}')
  })

  it('directory globs: * crosses /, braces are alternatives', () => {
    expect(argoGlob('*.draft.yaml').test('sub/x.draft.yaml')).toBe(true)
    expect(argoGlob('{a,b}.yaml').test('b.yaml')).toBe(true)
    expect(argoGlob('{a,b}.yaml').test('c.yaml')).toBe(false)
  })

  it('environment from a hydrator branch: the {env} of defaults.branch, else the branch', () => {
    expect(envFromBranch('env/prod', 'env/{env}')).toBe('prod')
    expect(envFromBranch('hydrated/prod', 'env/{env}')).toBe('hydrated/prod')
  })
})

describe('ApplicationSet values as the controller prints them (issue 26 item 8)', () => {
  const isThisRepository = () => true
  const repo = repoWith({
    'cfg/Foo__Bar/config.yaml':
      'size: 1000000\nratio: 0.5\ntiny: 0.00001\ntags: [a, b]\nnone: null\nempty: {}\n---\nsecond: document\n',
    'cfg/empty/config.yaml': ''
  })
  const context = { repoRoot: repo, goTemplate: false, isThisRepository, clusters: [] }
  const files = { git: { repoURL: 'x', files: [{ path: 'cfg/*/config.yaml' }] } }

  it('git files: the first document only, arrays flattened, numbers as Go %v prints float64', () => {
    // git.go: flatten.Flatten(DotStyle) then fmt.Sprintf("%v"); sigs.k8s.io/yaml reads one document.
    expect(generatorParams(files, context)).toEqual([
      {
        size: '1e+06',
        ratio: '0.5',
        tiny: '1e-05',
        'tags.0': 'a',
        'tags.1': 'b',
        none: '<nil>',
        path: 'cfg/Foo__Bar',
        'path.basename': 'Foo__Bar',
        'path.basenameNormalized': 'foo--bar',
        'path.filename': 'config.yaml',
        'path.filenameNormalized': 'config.yaml',
        'path[0]': 'cfg',
        'path[1]': 'Foo__Bar'
      },
      {
        path: 'cfg/empty',
        'path.basename': 'empty',
        'path.basenameNormalized': 'empty',
        'path.filename': 'config.yaml',
        'path.filenameNormalized': 'config.yaml',
        'path[0]': 'cfg',
        'path[1]': 'empty'
      }
    ])
  })

  it('goFloat is strconv.FormatFloat(f, g, -1, 64)', () => {
    expect([100000, 1000000, 123456789, 1.5, 0.0001, 0.00012, -2e21, 3].map(goFloat)).toEqual([
      '100000',
      '1e+06',
      '1.23456789e+08',
      '1.5',
      '0.0001',
      '0.00012',
      '-2e+21',
      '3'
    ])
  })

  it('list generator without goTemplate takes strings only, as list.go', () => {
    expect(() =>
      generatorParams({ list: { elements: [{ name: 'a', replicas: 3 }] } }, context)
    ).toThrow(
      "list element replicas is number; Argo CD's list generator takes strings only without goTemplate (error parsing value as string)"
    )
    expect(
      generatorParams(
        { list: { elements: [{ name: 'a', replicas: 3 }] } },
        { ...context, goTemplate: true }
      )
    ).toEqual([{ name: 'a', replicas: 3 }])
  })
})

describe('git files patterns as git ls-files -- <pattern> (issue 26 item 6)', () => {
  const repo = repoWith({
    'clusters/dev/config.yaml': 'env: dev\n',
    'clusters/deep/x/config.yaml': 'env: deep\n',
    'clusters/prod/config.yaml': 'env: prod\n',
    'other/config.yaml': 'env: other\n'
  })
  const context = { repoRoot: repo, goTemplate: false, isThisRepository: () => true, clusters: [] }
  const envs = (files: unknown[]) =>
    generatorParams({ git: { repoURL: 'x', files } }, context).map(p => p.env)

  it('* crosses /, classes, excludes, a directory names the files below it', () => {
    expect(envs([{ path: 'clusters/*/config.yaml' }])).toEqual(['deep', 'dev', 'prod'])
    expect(envs([{ path: 'clusters/[!d]*.yaml' }])).toEqual(['prod'])
    expect(envs([{ path: '*config.yaml' }, { path: 'clusters/d*', exclude: true }])).toEqual([
      'prod',
      'other'
    ])
    expect(envs([{ path: 'clusters/deep' }])).toEqual(['deep'])
  })

  it('takes time proportional to the lengths, whatever the pattern', () => {
    expect(gitPathspecMatches(`${'*a'.repeat(40)}b`, 'a'.repeat(4000))).toBe(false)
    expect(gitPathspecMatches('a*b?c', 'a/x/b/c')).toBe(true)
  })
})

describe('matrix as matrix.go (issue 26 items 7, 8)', () => {
  const repo = repoWith({
    'cfg/web/a.yaml': 'size: s\n',
    'cfg/web/b.yaml': 'size: m\n',
    'cfg/api/c.yaml': 'size: l\n',
    'apps/web/k.yaml': 'x: 1\n',
    'apps/api/k.yaml': 'x: 1\n'
  })
  const base = { repoRoot: repo, isThisRepository: () => true, clusters: [] }
  const dirs = { git: { repoURL: 'x', directories: [{ path: 'apps/*' }] } }

  it("the second generator is interpolated with the first's parameters", () => {
    const matrix = {
      matrix: {
        generators: [
          dirs,
          { git: { repoURL: 'x', files: [{ path: 'cfg/{{.path.basename}}/*.yaml' }] } }
        ]
      }
    }
    const sets = generatorParams(matrix, { ...base, goTemplate: true })
    expect(sets.map(p => `${(p.path as { path: string }).path} ${String(p.size)}`)).toEqual([
      // Go template mode: the first's parameters win over the second's (the file's path).
      'apps/api l',
      'apps/web s',
      'apps/web m'
    ])
  })

  it('default mode refuses a key both give different values; Go template keeps the first', () => {
    const list = (elements: unknown[]) => ({ list: { elements } })
    const matrix = {
      matrix: { generators: [list([{ env: 'dev' }]), list([{ env: 'prod', x: 'y' }])] }
    }
    expect(() => generatorParams(matrix, { ...base, goTemplate: false })).toThrow(
      'matrix: found duplicate key env with different value, a: dev ,b: prod'
    )
    expect(generatorParams(matrix, { ...base, goTemplate: true })).toEqual([{ env: 'dev', x: 'y' }])
  })
})
