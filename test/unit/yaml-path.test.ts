import { describe, expect, it } from '@jest/globals'
import { DEFAULT_DIFF } from '../../src/config/types.js'
import { diffResources } from '../../src/diff/resources.js'
import { labelHunks, linePaths } from '../../src/diff/yamlPath.js'
import { parseManifests } from '../../src/manifests/parse.js'

const deployment = (image: string, memory: string, label = 'a') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {team: ${label}}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: sidecar\n          image: envoy:1.30.0\n        - name: web\n          image: ${image}\n          ports: [{containerPort: 80}]\n          resources: {limits: {memory: ${memory}}}\n`

const parse = (text: string) => parseManifests(text, 't').resources

describe('hunk headers name the YAML path they change', () => {
  it('names a container by its name and nested fields by key', () => {
    const { resources } = diffResources(
      parse(deployment('web:1.0.0', '128Mi')),
      parse(deployment('web:1.1.0', '256Mi', 'b')),
      { ...DEFAULT_DIFF, context: 1 }
    )
    const headers = (resources[0]?.diff ?? '').split('\n').filter(l => l.startsWith('@@'))
    expect(headers).toEqual([
      expect.stringMatching(/^@@ -\d+,\d+ \+\d+,\d+ @@ metadata\.labels$/),
      expect.stringMatching(/^@@ -\d+,\d+ \+\d+,\d+ @@ spec\.template\.spec\.containers\[web\]$/),
      expect.stringMatching(
        /^@@ -\d+,\d+ \+\d+,\d+ @@ spec\.template\.spec\.containers\[web\]\.resources\.limits$/
      )
    ])
  })

  it('takes the common parent of every changed line, and leaves top-level hunks unlabelled', () => {
    const before = 'a: 1\nb:\n  c: 2\n  d: 3\n'
    const after = 'a: 2\nb:\n  c: 4\n  d: 3\n'
    const diff = '@@ -1,3 +1,3 @@\n-a: 1\n+a: 2\n b:\n-  c: 2\n+  c: 4'
    expect(labelHunks(diff, before, after)).toBe(diff)
    const inner = '@@ -3,1 +3,1 @@\n-  c: 2\n+  c: 4'
    expect(labelHunks(inner, before, after)).toBe(`@@ -3,1 +3,1 @@ b\n-  c: 2\n+  c: 4`)
  })

  it('gives an unnamed list item its index and a block scalar body its key', () => {
    const paths = linePaths('args:\n  - one\n  - two\nscript: |\n  echo 1\n  echo 2\n')
    expect(paths.map(p => p.join('.'))).toEqual(['', 'args', 'args', '', '', '', ''])
    const items = linePaths('list:\n  - a: 1\n    b: 2\n  - a: 3\n')
    expect(items.map(p => p.join('.'))).toEqual(['', 'list', 'list[0]', 'list', 'list'])
  })
})
