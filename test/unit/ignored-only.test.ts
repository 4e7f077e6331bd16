import { describe, expect, it } from '@jest/globals'
import { DEFAULT_DIFF, type DiffSettings, type Target } from '../../src/config/types.js'
import { diffTargets, type DiffSide } from '../../src/diff/targets.js'
import type { TargetDiff } from '../../src/diff/types.js'
import { parseManifests } from '../../src/manifests/parse.js'

/** diffTargets on parsed manifests: what a push would write decides ignored-only vs unchanged. */
function target(layout: Target['layout'] = 'manifest'): Target {
  return {
    name: 'web-dev',
    env: 'dev',
    branch: 'env/dev',
    path: 'web',
    layout,
    allowSecrets: true
  } as Target
}

function side(text: string, t: Target = target()): DiffSide {
  const { resources, problems } = parseManifests(text, t.name)
  return {
    targets: [t],
    rendered: [
      { target: t, resources, problems, commands: [], tools: {}, warnings: [], durationMs: 0 }
    ],
    failures: [],
    selected: new Set([t.name])
  }
}

function diff(base: string, head: string, settings: DiffSettings = DEFAULT_DIFF): TargetDiff {
  return diffTargets(side(base), side(head), settings)[0] as TargetDiff
}

const cm = (name: string, extra = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}data:\n  a: "1"\n`
const deployment = (checksum: string, chart: string, replicas = 1) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    `  labels: {helm.sh/chart: ${chart}}`,
    'spec:',
    `  replicas: ${replicas}`,
    '  template:',
    '    metadata:',
    `      annotations: {checksum/config: ${checksum}, checksum/secret: same}`,
    '    spec: {containers: [{name: c, image: "nginx:1.27.0"}]}',
    ''
  ].join('\n')
const secret = (value: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: ${value}\n`

describe('a target whose resources the diff shows as the same', () => {
  it('is unchanged when the push would write the same bytes', () => {
    const text = `${cm('a')}---\n${deployment('abc', 'web-1.0.0')}`
    expect(diff(text, text)).toEqual({
      name: 'web-dev',
      env: 'dev',
      branch: 'env/dev',
      path: 'web',
      status: 'unchanged',
      counts: { added: 0, modified: 0, removed: 0, renamed: 0 },
      resources: []
    })
  })

  it('is ignored-only when noise differs, naming each field (pod template included) once', () => {
    const result = diff(deployment('abc', 'web-1.0.0'), deployment('def', 'web-1.0.1'))
    expect(result).toMatchObject({
      status: 'ignored-only',
      resources: [],
      ignoredFields: ['checksum/config annotation', 'helm.sh/chart label']
    })
  })

  it('is ignored-only when only the resource order of manifest.yaml changes', () => {
    const ab = `${cm('a')}---\n${cm('b')}`
    const ba = `${cm('b')}---\n${cm('a')}`
    expect(diff(ab, ba)).toMatchObject({
      status: 'ignored-only',
      ignoredFields: ['resource order']
    })
    // With one file per resource, the order writes nothing new.
    const files = (text: string) => side(text, target('resources'))
    expect(diffTargets(files(ab), files(ba), DEFAULT_DIFF)[0]?.status).toBe('unchanged')
  })

  it('names an ignore rule by its pointer, never by the values it hides', () => {
    const settings: DiffSettings = {
      ...DEFAULT_DIFF,
      ignore: [
        { kind: 'Secret', jsonPointers: ['/stringData/password'] },
        { kind: 'Deployment', jsonPointers: ['/spec/replicas'] }
      ]
    }
    const result = diff(
      `${secret('old-Value-1')}---\n${deployment('abc', 'c', 1)}`,
      `${secret('new-Value-2')}---\n${deployment('abc', 'c', 3)}`,
      settings
    )
    expect(result).toMatchObject({
      status: 'ignored-only',
      ignoredFields: ['/spec/replicas (diff.ignore)', '/stringData/password (diff.ignore)']
    })
    expect(JSON.stringify(result)).not.toMatch(/Value-/)
  })

  it('is changed, not ignored-only, when noise is switched off', () => {
    const result = diff(deployment('abc', 'web-1.0.0'), deployment('abc', 'web-1.0.1'), {
      ...DEFAULT_DIFF,
      noise: false
    })
    expect(result.status).toBe('changed')
    expect(result.ignoredFields).toBeUndefined()
  })
})
