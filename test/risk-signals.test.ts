import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { diffRepository, diffVerdict, type RepositoryDiff } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import type { Finding } from '../src/policy/types.js'
import { renderMarkdown } from '../src/report/markdown.js'
import { cleanupTempDirs, commitAll, git, makeRepo, writeFiles } from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

/** A database chart: a StatefulSet whose claim template's size and image come from values. */
const DB_CHART: Record<string, string> = {
  'charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 1.0.0\n',
  'charts/db/values.yaml': 'image: ghcr.io/example/db:2.1.0\nstorage: 10Gi\nreplicas: 1\n',
  'charts/db/templates/statefulset.yaml': [
    'apiVersion: apps/v1',
    'kind: StatefulSet',
    'metadata:',
    '  name: db',
    'spec:',
    '  serviceName: db',
    '  replicas: {{ .Values.replicas }}',
    '  selector: { matchLabels: { app: db } }',
    '  template:',
    '    metadata: { labels: { app: db } }',
    '    spec:',
    '      containers:',
    '        - name: db',
    '          image: {{ .Values.image }}',
    '          volumeMounts: [{ name: data, mountPath: /var/lib/db }]',
    '  volumeClaimTemplates:',
    '    - metadata: { name: data }',
    '      spec:',
    '        accessModes: [ReadWriteOnce]',
    '        resources: { requests: { storage: {{ .Values.storage }} } }',
    ''
  ].join('\n')
}

// A PreSync hook Job with the same image: Argo CD re-creates hooks, so its template may change.
DB_CHART['charts/db/templates/migrate.yaml'] = [
  'apiVersion: batch/v1',
  'kind: Job',
  'metadata:',
  '  name: db-migrate',
  '  annotations: { argocd.argoproj.io/hook: PreSync }',
  'spec:',
  '  template:',
  '    spec:',
  '      restartPolicy: Never',
  '      containers: [{ name: migrate, image: "{{ .Values.image }}" }]',
  ''
].join('\n')

/** An old chart: its Ingress still uses extensions/v1beta1 once ingress.enabled is set. */
const WEB_CHART: Record<string, string> = {
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
  'charts/web/values.yaml': 'ingress: { enabled: false }\n',
  'charts/web/templates/service.yaml':
    'apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: { ports: [{ port: 80 }], selector: { app: web } }\n',
  'charts/web/templates/ingress.yaml': [
    '{{- if .Values.ingress.enabled }}',
    'apiVersion: extensions/v1beta1',
    'kind: Ingress',
    'metadata: { name: web }',
    'spec:',
    '  rules:',
    '    - host: web.example.com',
    '      http: { paths: [{ path: /, backend: { serviceName: web, servicePort: 80 } }] }',
    '{{- end }}',
    ''
  ].join('\n')
}

const deployment = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name} }\nspec:\n  selector: { matchLabels: { app: ${name} } }\n  template:\n    metadata: { labels: { app: ${name} } }\n    spec: { containers: [{ name: ${name}, image: "ghcr.io/example/${name}:1.0.0" }] }\n`

const BASE: Record<string, string> = {
  'hydrate.yaml': [
    'version: 1',
    'targets:',
    '  - { name: db-staging, env: staging, source: charts/db, path: db, helm: { valueFiles: [values/db-staging.yaml] } }',
    '  - { name: db-prod, env: prod, source: charts/db, path: db }',
    "  - { name: web-old, env: prod, source: charts/web, path: web-old, helm: { kubeVersion: '1.21', valueFiles: [values/web.yaml] } }",
    "  - { name: web-new, env: prod, source: charts/web, path: web-new, helm: { kubeVersion: '1.29', valueFiles: [values/web.yaml] } }",
    '  - name: data-prod',
    '    env: prod',
    '    source: apps/data',
    '    path: data',
    '    policy: { rules: { destructive-deletion: error } }',
    '  - { name: access-prod, env: prod, source: apps/access, path: access }',
    ''
  ].join('\n'),
  ...DB_CHART,
  ...WEB_CHART,
  'values/db-staging.yaml': 'storage: 5Gi\n',
  'values/web.yaml': 'ingress: { enabled: false }\n',
  // kustomize: a Deployment and the PVC it uses
  'apps/data/kustomization.yaml': 'resources: [deployment.yaml, pvc.yaml]\n',
  'apps/data/deployment.yaml': deployment('reports'),
  'apps/data/pvc.yaml':
    'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: reports }\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: { requests: { storage: 1Gi } }\n',
  'apps/access/kustomization.yaml': 'resources: [role.yaml]\n',
  'apps/access/role.yaml':
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: ops, labels: { rev: "1" } }\nrules: [{ apiGroups: ["*"], resources: [pods], verbs: [get] }]\n'
}

describe('risk signals on real helm and kustomize output', () => {
  let result: RepositoryDiff
  const logger = new MemoryLogger()
  const findings = (rule: string): Finding[] => result.report.findings.filter(f => f.rule === rule)

  beforeAll(async () => {
    const repo = makeRepo({ files: BASE })
    git(repo, 'checkout', '-q', '-b', 'feature')
    writeFiles(repo, {
      // The chart's claims grow, and its image moves: staging overrides the size too.
      'charts/db/values.yaml': 'image: ghcr.io/example/db:2.2.0\nstorage: 20Gi\nreplicas: 1\n',
      'values/db-staging.yaml': 'storage: 8Gi\n',
      'values/web.yaml': 'ingress: { enabled: true }\n',
      // The PVC goes, and a label joins every selector (kustomize labels with includeSelectors).
      'apps/data/kustomization.yaml':
        'resources: [deployment.yaml]\nlabels: [{ pairs: { team: reports }, includeSelectors: true }]\n',
      'apps/access/kustomization.yaml': 'resources: [role.yaml, binding.yaml]\n',
      'apps/access/role.yaml': BASE['apps/access/role.yaml']!.replace('rev: "1"', 'rev: "2"'),
      'apps/access/binding.yaml':
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: ops-admin }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }\nsubjects: [{ kind: ServiceAccount, name: ops, namespace: ops }]\n'
    })
    commitAll(repo, 'Bigger disks, db 2.2.0, an ingress, no reports PVC, ops is admin')
    result = await diffRepository({ repoRoot: repo, base: 'main', logger, env: toolEnv() })
  })

  it('finds a volumeClaimTemplates storage change in every environment the chart renders', () => {
    expect(findings('storage-resize')).toEqual([
      expect.objectContaining({
        target: 'db-staging',
        resource: 'StatefulSet db',
        severity: 'error',
        field: 'spec.volumeClaimTemplates[data].spec.resources.requests.storage',
        message: expect.stringContaining('from 5Gi to 8Gi'),
        fix: expect.stringContaining('--cascade=orphan')
      }),
      expect.objectContaining({
        target: 'db-prod',
        message: expect.stringContaining('from 10Gi to 20Gi')
      })
    ])
    // Only the storage moved in the claim template: that is not an immutable-field finding too,
    // nor is the hook Job's new image (a hook is created anew on each sync).
    expect(findings('immutable-field').map(f => f.target)).toEqual(['data-prod'])
  })

  it('finds the deleted PVC, at the severity the target sets', () => {
    expect(findings('destructive-deletion')).toEqual([
      expect.objectContaining({
        target: 'data-prod',
        resource: 'PersistentVolumeClaim reports',
        severity: 'error',
        message: expect.stringContaining("Argo CD's prune deletes it")
      })
    ])
  })

  it('finds a selector that kustomize labels change', () => {
    expect(findings('immutable-field')).toEqual([
      expect.objectContaining({
        target: 'data-prod',
        resource: 'Deployment reports',
        field: 'spec.selector',
        severity: 'error'
      })
    ])
  })

  it('finds a binding to cluster-admin as new, and a wildcard the base already had as pre-existing', () => {
    expect(findings('rbac-escalation')).toEqual([
      expect.objectContaining({
        resource: 'ClusterRole ops',
        field: 'rules[0]',
        message: expect.stringContaining('* in apiGroups'),
        preExisting: true
      }),
      expect.objectContaining({
        resource: 'ClusterRoleBinding ops-admin',
        severity: 'warning',
        message: 'ClusterRoleBinding grants cluster-admin on the whole cluster'
      })
    ])
    expect(findings('rbac-escalation')[1]?.preExisting).toBeUndefined()
  })

  it('finds an extensions/v1beta1 Ingress on a 1.29 cluster, not on a 1.21 one', () => {
    expect(findings('removed-api')).toEqual([
      expect.objectContaining({
        target: 'web-new',
        resource: 'Ingress web',
        severity: 'error',
        message:
          'extensions/v1beta1 Ingress was removed in Kubernetes 1.22 (this target: 1.29): the apply fails',
        fix: 'use networking.k8s.io/v1'
      })
    ])
  })

  it('reads the image and claim changes for "What changes", and the verdict blocks', () => {
    const db = result.report.targets.find(t => t.name === 'db-prod')
    expect(db?.highlights).toEqual([
      {
        type: 'image',
        resource: 'StatefulSet db',
        container: 'db',
        before: 'ghcr.io/example/db:2.1.0',
        after: 'ghcr.io/example/db:2.2.0'
      },
      {
        type: 'image',
        resource: 'Job db-migrate',
        container: 'migrate',
        before: 'ghcr.io/example/db:2.1.0',
        after: 'ghcr.io/example/db:2.2.0'
      },
      {
        type: 'field',
        resource: 'StatefulSet db',
        field: 'volume claims',
        before: 'data 10Gi',
        after: 'data 20Gi'
      }
    ])
    const blocking = diffVerdict(result.report, 'error').blocking.map(f => f.rule)
    expect(blocking.sort()).toEqual([
      'destructive-deletion',
      'immutable-field',
      'removed-api',
      'storage-resize',
      'storage-resize'
    ])
    const text = renderMarkdown(result.report)
    expect(text).toMatch(
      /^### ❌ 5 blocking findings in 2 environments · 6 targets change in staging, prod · 1 finding that does not block\n/
    )
    expect(text).toContain(
      '- <b>StatefulSet db</b>: <code>ghcr.io/example/db</code> 2.1.0 → 2.2.0 in staging, prod'
    )
    expect(text).toContain('#### StatefulSet db · modified · ❌ storage-resize')
    expect(text).toContain('@@ spec.volumeClaimTemplates[data].spec.resources.requests @@')
    expect(text).toContain('#### PersistentVolumeClaim reports · removed · ❌ destructive-deletion')
    expect(text).toContain(
      '> - <b>removed-api</b> · prod / web-new · <code>Ingress web</code> <code>apiVersion</code>: extensions/v1beta1 Ingress was removed in Kubernetes 1.22 (this target: 1.29): the apply fails. <b>Fix:</b> use networking.k8s.io/v1.'
    )
    // The pre-existing wildcard is collapsed at the end, not in the alerts.
    const [top] = text.split('pre-existing finding')
    expect(top).not.toContain('ClusterRole ops</code>')
  })
})
