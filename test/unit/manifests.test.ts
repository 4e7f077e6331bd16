import { describe, expect, it } from '@jest/globals'
import { ManifestError } from '../../src/errors.js'
import { parseManifests, serializeManifests } from '../../src/manifests/parse.js'
import { describeResource } from '../../src/manifests/resource.js'

describe('parseManifests', () => {
  it('splits documents, drops empty and null ones, and strips comments', () => {
    const text = [
      '---',
      '# Source: chart/templates/cm.yaml',
      'apiVersion: v1',
      'kind: ConfigMap # trailing',
      'metadata:',
      '  name: a',
      '  namespace: ns',
      '---',
      '---',
      'null',
      '---',
      '# only a comment',
      '---',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRole',
      'metadata:',
      '  name: reader',
      '  namespace: ignored-for-cluster-scoped',
      ''
    ].join('\n')
    const { resources } = parseManifests(text, 't')
    expect(resources.map(r => r.id)).toEqual([
      '/ConfigMap/ns/a',
      'rbac.authorization.k8s.io/ClusterRole//reader'
    ])
    expect(resources.map(r => describeResource(r))).toEqual([
      'ConfigMap ns/a',
      'ClusterRole reader'
    ])
    expect(serializeManifests(resources)).not.toContain('#')
    expect(resources[0]?.yaml).toBe(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: ns\n'
    )
  })

  it('excludes the version from identity', () => {
    const [a] = parseManifests(
      'apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h, namespace: n}\n',
      't'
    ).resources
    const [b] = parseManifests(
      'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h, namespace: n}\n',
      't'
    ).resources
    expect(a?.id).toBe(b?.id)
  })

  it('writes what Kubernetes reads, as Argo CD does: octal modes, quoted strings, big ints, block scalars, long lines', () => {
    const long = 'x'.repeat(300)
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: a}',
      'data:',
      '  yes: "yes"',
      '  mode: "0644"',
      `  long: ${long} tail`,
      '  script: |',
      '    #!/bin/sh',
      '    echo "# not a comment"',
      'spec:',
      '  defaultMode: 0644',
      '  big: 12345678901234567890',
      '  exact: 9007199254740993',
      ''
    ].join('\n')
    const [resource] = parseManifests(text, 't').resources
    const out = resource?.yaml ?? ''
    expect(out).toContain('\n  defaultMode: 420\n') // YAML 1.1 octal
    expect(out).toContain('\n  mode: "0644"\n') // a string stays one
    expect(out).toContain('\n  "true": "yes"\n') // the key `yes` is a YAML 1.1 boolean
    expect(out).toContain('\n  big: 1.2345678901234567e+19\n') // past int64: a float64 in Go
    expect(out).toContain('\n  exact: 9007199254740993\n') // int64: exact
    expect(out).toContain(`\n  long: ${long} tail\n`) // never folded
    expect(out).toContain('\n  script: |\n    #!/bin/sh\n    echo "# not a comment"\n')
    expect((resource?.object.spec as { defaultMode: number }).defaultMode).toBe(0o644)
  })

  it('serializes deterministically: same input, same bytes', () => {
    const text =
      'kind: Service\napiVersion: v1\nmetadata:\n    name: s\nspec:\n    ports:\n    -   port: 80\n'
    const first = serializeManifests(parseManifests(text, 't').resources)
    expect(serializeManifests(parseManifests(text, 't').resources)).toBe(first)
    expect(first).toBe(
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n    - port: 80\n'
    ) // keys sorted, as yaml.v3 writes maps
    expect(serializeManifests(parseManifests(first, 't').resources)).toBe(first) // a fixed point
  })

  it.each([
    [
      'a list',
      '- a\n- b\n',
      'invalid-resource',
      'document 1',
      /document 1 is not a Kubernetes object \(expected a mapping\)/
    ],
    [
      'a scalar',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\njust text\n',
      'invalid-resource',
      'document 2',
      /document 2 is not a Kubernetes object/
    ],
    [
      'no kind',
      'apiVersion: v1\nmetadata: {name: a}\n',
      'invalid-resource',
      'document 1 a',
      /document 1 \(kind \?\) is missing kind/
    ],
    [
      'no name',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n',
      'invalid-resource',
      'ConfigMap',
      /is missing metadata\.name/
    ],
    [
      'no apiVersion',
      'kind: ConfigMap\nmetadata: {name: a}\n',
      'invalid-resource',
      'ConfigMap a',
      /is missing apiVersion/
    ],
    [
      'a name that is not a DNS name',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: My_Config}\n',
      'invalid-resource',
      'ConfigMap My_Config',
      /metadata\.name "My_Config" is not a valid DNS subdomain name/
    ],
    [
      'a duplicate',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: ns}\n---\napiVersion: apps/v1beta2\nkind: Deployment\nmetadata: {name: d, namespace: ns}\n',
      'duplicate-resource',
      'Deployment ns/d',
      /duplicate resource apps\/Deployment\/ns\/d \(document 1 and document 2\)/
    ]
  ])('reports %s as a problem and leaves it out', (_title, text, rule, resource, message) => {
    const { resources, problems } = parseManifests(text, 'web-prod')
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({ rule, resource })
    expect(problems[0]?.message).toMatch(message)
    expect(resources.length).toBeLessThanOrEqual(1)
  })

  describe('objects with only metadata.generateName (hook Jobs)', () => {
    const hook = (prefix: string, image: string, namespace = 'db') =>
      `apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: ${prefix}\n  namespace: ${namespace}\n  annotations: {argocd.argoproj.io/hook: PreSync}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: "${image}"}]\n`
    const named = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: db}\n'

    it('keeps them in place, numbered per kind, namespace and generateName, with no problem', () => {
      const text = [
        hook('migrate-', 'migrate:1'),
        named,
        hook('migrate-', 'migrate:2'),
        hook('migrate-', 'migrate:3', 'other'),
        hook('seed-', 'seed:1')
      ].join('---\n')
      const { resources, problems } = parseManifests(text, 't')
      expect(problems).toEqual([])
      expect(resources.map(r => [r.id, r.generateName])).toEqual([
        ['batch/Job/db/migrate-*', 'migrate-'],
        ['/ConfigMap/db/settings', undefined],
        ['batch/Job/db/migrate-*#2', 'migrate-'],
        ['batch/Job/other/migrate-*', 'migrate-'],
        ['batch/Job/db/seed-*', 'seed-']
      ])
      expect(resources.map(r => describeResource(r))).toContain('Job db/migrate-*#2')
      // Written as they came, generateName and all, never with a made-up name.
      expect(resources[2]?.yaml).toContain('  generateName: migrate-\n')
      expect(resources[2]?.yaml).not.toMatch(/^ {2}name:/m)
      expect(resources[2]?.yaml).toContain('migrate:2')
    })

    it('prefers metadata.name when both are set, as Kubernetes does', () => {
      const { resources } = parseManifests(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fixed, generateName: gen-}\n',
        't'
      )
      expect(resources.map(r => [r.name, r.generateName])).toEqual([['fixed', undefined]])
    })

    it('reports a generateName that is no valid name prefix, and an object with neither', () => {
      const { resources, problems } = parseManifests(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: Bad_Prefix-}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: ""}\n',
        't'
      )
      expect(resources).toEqual([])
      expect(problems).toEqual([
        {
          rule: 'invalid-resource',
          resource: 'ConfigMap Bad_Prefix-*',
          message: expect.stringMatching(
            /^metadata\.generateName "Bad_Prefix-" is not a valid DNS subdomain name/
          )
        },
        {
          rule: 'invalid-resource',
          resource: 'ConfigMap',
          message: 'document 2 (kind ConfigMap) is missing metadata.name'
        }
      ])
    })
  })

  it('names the source of each document in problems and errors', () => {
    const { resources, problems } = parseManifests(
      [
        { text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n', origin: 'dir/a.yaml' },
        {
          text: '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: 1, k: 2}\n',
          origin: 'dir/floaty.yaml'
        }
      ],
      't'
    )
    expect(resources.map(r => r.name)).toEqual(['a', 'b'])
    expect(problems.map(p => p.message)).toEqual([
      'dir/floaty.yaml: document 3: duplicate key "k" in data (line 13) (only the last is kept; Kubernetes\' strict decoding rejects it)',
      'dir/floaty.yaml: document 2 (kind ConfigMap) is missing metadata.name',
      'duplicate resource /ConfigMap//a (dir/a.yaml: document 1 and dir/floaty.yaml: document 3); the second is left out'
    ])
    expect(() =>
      parseManifests(
        [
          {
            text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
            origin: 'dir/a.yaml'
          },
          { text: 'apiVersion: v1\n\nkind: [\n', origin: 'dir/bad.yaml' }
        ],
        'web-prod'
      )
    ).toThrow(
      /^target web-prod: dir\/bad\.yaml: document 1 is not valid YAML: .* at line 4, column 1/
    )
  })

  it('accepts RBAC names with colons', () => {
    const { resources, problems } = parseManifests(
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: "system:aggregate-to-view"}\n',
      't'
    )
    expect(problems).toEqual([])
    expect(resources).toHaveLength(1)
  })

  it('rejects YAML that does not parse, naming the target', () => {
    expect(() => parseManifests('apiVersion: v1\nkind: [\n', 'web-prod')).toThrow(ManifestError)
    expect(() => parseManifests('apiVersion: v1\nkind: [\n', 'web-prod')).toThrow(
      /^target web-prod: document 1 is not valid YAML/
    )
  })
})
