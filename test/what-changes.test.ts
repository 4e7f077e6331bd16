import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { DEFAULT_DIFF } from '../src/config/types.js'
import { highlightChanges } from '../src/diff/highlights.js'
import { diffResources } from '../src/diff/resources.js'
import type { DiffReport, TargetDiff } from '../src/diff/types.js'
import { parseManifests } from '../src/manifests/parse.js'
import { renderMarkdown } from '../src/report/markdown.js'
import { hydrateForTest } from './helpers/engine.js'
import { promotionRepo } from './helpers/promotion.js'
import { cleanupTempDirs, commitAll, git, tempDir } from './helpers/repo.js'

afterAll(cleanupTempDirs)

interface Shape {
  selector: string
  podLabels: string
  replicas: number
  memory: string
  claim: string
  pvc: string
  verbs: string
  port: string
}

const OLD: Shape = {
  selector: 'app: db',
  podLabels: 'app: db',
  replicas: 1,
  memory: '256Mi',
  claim: '1Gi',
  pvc: '5Gi',
  verbs: 'get',
  port: '{port: 80, targetPort: 8080}'
}
const NEW: Shape = {
  selector: 'app: db, tier: data',
  podLabels: 'app: db, tier: data',
  replicas: 3,
  memory: '512Mi',
  claim: '2Gi',
  pvc: '10Gi',
  verbs: 'get, list, watch',
  port: '{port: 443, targetPort: 8443}'
}

/** Every kind of change a reviewer must not miss, in one environment's output. */
function manifests(env: string, s: Shape): string {
  return `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ${env}}
spec:
  replicas: ${s.replicas}
  selector: {matchLabels: {${s.selector}}}
  template:
    metadata: {labels: {${s.podLabels}, app.kubernetes.io/version: "${s.replicas}"}}
    spec:
      containers:
        - name: db
          image: postgres:16
          resources: {limits: {memory: ${s.memory}}}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {resources: {requests: {storage: ${s.claim}}}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: backups, namespace: ${env}}
spec: {resources: {requests: {storage: ${s.pvc}}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: ${env}}
rules:
  - apiGroups: ['']
    resources: [pods, configmaps]
    verbs: [${s.verbs}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: ${env}}
spec:
  selector: {${s.selector}}
  ports: [${s.port}]
`
}

const EXPECTED = [
  '- <b>StatefulSet db</b>: replicas 1 → 3 in ENVS',
  '- <b>StatefulSet db</b>: memory limit 256Mi → 512Mi in ENVS',
  '- <b>StatefulSet db</b>: selector <code>app=db</code> → <code>app=db, tier=data</code> in ENVS',
  '- <b>StatefulSet db</b>: pod labels <code>app=db</code> → <code>app=db, tier=data</code> in ENVS',
  '- <b>StatefulSet db</b>: volume claim sizes <code>data 1Gi</code> → <code>data 2Gi</code> in ENVS',
  '- <b>PersistentVolumeClaim backups</b>: storage request <code>5Gi</code> → <code>10Gi</code> in ENVS',
  '- <b>Role reader</b>: rules <code>get on pods, configmaps</code> → <code>get, list, watch on pods, configmaps</code> in ENVS',
  '- <b>Service db</b>: selector <code>app=db</code> → <code>app=db, tier=data</code> in ENVS',
  '- <b>Service db</b>: ports <code>80→8080/TCP</code> → <code>443→8443/TCP</code> in ENVS'
]

function whatChangesBlock(text: string): string[] {
  const lines = text.split('\n')
  const start = lines.indexOf('<b>What changes</b>')
  const end = lines.indexOf('', start + 2)
  return start === -1 ? [] : lines.slice(start + 2, end)
}

describe('"What changes" beyond images', () => {
  it('says selector, pod labels, sizes, replicas, resources, RBAC rules and ports before → after, once for all environments', () => {
    const parse = (text: string) => parseManifests(text, 't').resources
    const target = (env: string): TargetDiff => {
      const [base, head] = [
        parse(manifests(`shop-${env}`, OLD)),
        parse(manifests(`shop-${env}`, NEW))
      ]
      const { resources, counts } = diffResources(base, head, DEFAULT_DIFF)
      return {
        name: `db-${env}`,
        env,
        branch: `env/${env}`,
        path: 'db',
        status: 'changed',
        counts,
        resources,
        highlights: highlightChanges(base, head, DEFAULT_DIFF)
      }
    }
    const report: DiffReport = {
      base: 'a'.repeat(40),
      head: 'b'.repeat(40),
      targets: ['dev', 'prod'].map(target),
      findings: []
    }
    expect(whatChangesBlock(renderMarkdown(report))).toEqual(
      EXPECTED.map(line => line.replace('ENVS', 'dev, prod'))
    )
  })

  it('in the promotion PR body too', async () => {
    const { dry, remote } = promotionRepo()
    const write = (s: Shape, message: string) => {
      fs.writeFileSync(path.join(dry, 'envs/staging/db.yaml'), manifests('staging', s))
      commitAll(dry, message)
      git(dry, 'push', '-q', 'origin', 'main')
    }
    write(OLD, 'Add the database')
    await hydrateForTest(dry)
    // The first promotion PR merged: env/staging holds the old database.
    const clone = path.join(tempDir(), 'clone')
    git(path.dirname(clone), 'clone', '-q', remote, clone)
    git(clone, 'checkout', '-q', 'env/staging')
    git(clone, 'merge', '--ff-only', '-q', 'origin/env/staging-next')
    git(clone, 'push', '-q', 'origin', 'env/staging')
    write(NEW, 'Grow the database')
    const result = await hydrateForTest(dry)
    const staging = result.promotion?.environments.find(e => e.env === 'staging')?.outcome
    expect(staging?.kind).toBe('proposed')
    // The promotion PR body is this rendering of the branch report.
    const body = staging?.kind === 'proposed' ? renderMarkdown(staging.report) : ''
    expect(whatChangesBlock(body)).toEqual(EXPECTED.map(line => line.replace('ENVS', 'staging')))
  })
})
