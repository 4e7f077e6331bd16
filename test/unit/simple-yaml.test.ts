import { describe, expect, it } from '@jest/globals'
import { parseAllDocuments } from 'yaml'
import { parseManifests } from '../../src/manifests/parse.js'
import { parseSimpleDocuments } from '../../src/manifests/simpleYaml.js'
import { KUBERNETES_YAML } from '../../src/manifests/yaml11.js'

/** What the yaml package reads, document by document (the path the fast one stands in for). */
const viaYamlPackage = (text: string) =>
  parseAllDocuments(text, KUBERNETES_YAML).map(d => d.toJS({ maxAliasCount: 1000, mapAsMap: true }))

const kustomizeOutput = `apiVersion: v1
data:
  APP: app-000
  LOG_LEVEL: info
kind: ConfigMap
metadata:
  labels:
    app: app-000
  name: app-000-config-f7m8mcmcct
  namespace: app-000-dev
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    app.kubernetes.io/name: "8080"
    quoted: 'it''s'
    empty: ""
  name: app-000
spec:
  replicas: 1
  template:
    spec:
      containers:
      - args:
        - --port=8080
        - -v
        - - nested
          - 2
        envFrom:
        - configMapRef:
            name: app-000-config-f7m8mcmcct
        image: ghcr.io/example/app-000:1.0.0
        resources: {}
        volumeMounts: []
      -
        name: second
      dnsPolicy:
      tolerations:
        - key: indented
          value: seq
`

/** Plain scalars whose type depends on go-yaml's resolver. */
const SCALARS = [
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'n',
  'true',
  'False',
  'null',
  '~',
  'NULL',
  '0',
  '007',
  '0x1F',
  '0o17',
  '1_000',
  '-1',
  '+1',
  '1e3',
  '.5',
  '.nan',
  '-.inf',
  '1:20',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '3.14',
  '123456789012345678901234',
  '9223372036854775808',
  '18446744073709551616',
  'a:b',
  'http://x/y?z=1',
  'a b c',
  'x,y',
  'x]',
  'v1.2.3',
  '=',
  '<<',
  '-',
  '--',
  '?x',
  ':x',
  '@x',
  '%x',
  '!x',
  '&x',
  '*x',
  '"q"',
  "'q'",
  '"a\\"b"',
  "'a''b'",
  "'a'b'",
  '"a',
  '{a: 1}',
  '[1, 2]',
  '{}',
  '[]',
  'a #c',
  'a: b',
  'a:',
  '|',
  '>-',
  '#c'
]

describe('the fast path for simple YAML', () => {
  it('reads kustomize-style output as the yaml package does', () => {
    expect(parseSimpleDocuments(kustomizeOutput)).toEqual(viaYamlPackage(kustomizeOutput))
  })

  it('reads every scalar as the yaml package does, or leaves it to the yaml package', () => {
    let read = 0
    for (const scalar of SCALARS) {
      for (const text of [`key: ${scalar}\n`, `key:\n- ${scalar}\n`, `${scalar}: 1\n`]) {
        const simple = parseSimpleDocuments(text)
        if (simple === undefined) continue
        read++
        expect({ text, value: simple }).toEqual({ text, value: viaYamlPackage(text) })
      }
    }
    expect(read).toBeGreaterThan(SCALARS.length)
  })

  it('reads helm-style output (a leading ---, comment and blank lines) as the yaml package does', () => {
    for (const text of [
      `---\n# Source: c/templates/all.yaml\n${kustomizeOutput}\n---\n# Source: c/templates/b.yaml\nkind: B\n`,
      '# before\n---\na: 1\n',
      '# before\n\na: 1\n---\nb:\n# between\n  c: 2\n\n  # indented\n  d:\n  - 1\n',
      'a: 1\n\nb: 2\n'
    ]) {
      expect(parseSimpleDocuments(text)).toBeDefined()
      expect({ text, value: parseSimpleDocuments(text) }).toEqual({
        text,
        value: viaYamlPackage(text)
      })
    }
  })

  it('leaves everything outside its subset to the yaml package', () => {
    for (const text of [
      '',
      '---\n---\na: 1\n',
      'a: 1\n---\n',
      'a: 1\n---\n---\nb: 2\n',
      'a: 1 \n',
      'a: 1 # comment\n',
      'a: |\n  # text\n',
      '# only a comment\n',
      'a: 1\n---\n# only a comment\n',
      'a: |\n  text\n',
      'a: b\n  c\n',
      'a: 1\na: 2\n',
      'a:\n\tb: 1\n',
      'a: 1\r\n',
      ' a: 1\n',
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      '"a": 1\n',
      'kind: List\nitems:\n- kind: ConfigMap\n',
      'a:\n- 1\n  b: 2\n',
      'a\n',
      '- a\nb: 1\n',
      '...\n'
    ])
      expect({ text, simple: parseSimpleDocuments(text) }).toEqual({ text, simple: undefined })
  })

  it('gives parseManifests the same resources and problems as the yaml package', () => {
    const text = `${kustomizeOutput}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: Bad_Name\n---\n- a\n`
    // A trailing empty document sends the same text down the yaml package's path.
    expect(parseManifests(text, 't')).toEqual(parseManifests(`${text}---\n`, 't'))
    expect(parseSimpleDocuments(`${text}---\n`)).toBeUndefined()
    expect(parseSimpleDocuments(text)).toBeDefined()
  })
})
