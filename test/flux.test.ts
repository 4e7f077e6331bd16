import { afterAll, describe, expect, it } from '@jest/globals'
import { targetsJson, targetsText } from '../src/cli/targetsOutput.js'
import { configSource, renderRepository } from '../src/engine.js'
import { formatLocation } from '../src/errors.js'
import { MemoryLogger } from '../src/logger.js'
import { cleanupTempDirs, makeRepo } from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`
const kustomization = (name: string, spec: string[]) =>
  yaml(
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    `metadata: {name: ${name}, namespace: flux-system}`,
    'spec:',
    '  interval: 10m',
    '  sourceRef: {kind: GitRepository, name: flux-system}',
    '  prune: true',
    ...spec.map(line => `  ${line}`)
  )

/** A Flux bootstrap per cluster: flux-system, apps (with variables), a nested Kustomization. */
function cluster(env: string, replicas: number): Record<string, string> {
  return {
    [`clusters/${env}/flux-system/kustomization.yaml`]: 'resources: [gotk-sync.yaml]\n',
    [`clusters/${env}/flux-system/gotk-sync.yaml`]:
      yaml(
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: GitRepository',
        'metadata: {name: flux-system, namespace: flux-system}',
        'spec: {interval: 1m, ref: {branch: main}, url: "ssh://git@github.com/org/fleet"}',
        '---'
      ) + kustomization('flux-system', [`path: ./clusters/${env}`]),
    [`clusters/${env}/apps.yaml`]: kustomization('apps', [
      `path: ./apps/${env}`,
      'postBuild:',
      `  substitute: {CLUSTER_NAME: ${env}, REPLICAS: "${replicas}"}`,
      '  substituteFrom:',
      '    - {kind: ConfigMap, name: cluster-vars}',
      '    - {kind: Secret, name: cluster-secrets, optional: true}'
    ]),
    [`clusters/${env}/cluster-vars.yaml`]: yaml(
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: cluster-vars, namespace: flux-system}',
      // substitute wins over substituteFrom.
      `data: {DOMAIN: ${env}.example.com, CLUSTER_NAME: not-this-one}`
    ),
    [`apps/${env}/kustomization.yaml`]: 'resources: [../base, monitoring.yaml]\n',
    [`apps/${env}/monitoring.yaml`]: kustomization('monitoring', [
      'path: ./monitoring',
      'postBuild:',
      '  substitute: {TEAM: "${CLUSTER_NAME}-team"}'
    ])
  }
}

const FILES: Record<string, string> = {
  ...cluster('dev', 1),
  ...cluster('prod', 3),
  'clusters/dev/cluster-secrets.yaml': yaml(
    'apiVersion: v1',
    'kind: Secret',
    'metadata: {name: cluster-secrets, namespace: flux-system}',
    `data: {TOKEN: ${Buffer.from('dev-t0ken').toString('base64')}}`
  ),
  'clusters/prod/extras.yaml': kustomization('extras', [
    'path: ./apps/base',
    'postBuild:',
    '  substituteFrom: [{kind: ConfigMap, name: extra-vars}]'
  ]),
  'apps/base/kustomization.yaml': 'resources: [settings.yaml, web.yaml, release.yaml]\n',
  'apps/base/settings.yaml': yaml(
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: settings, namespace: web}',
    'data:',
    '  cluster: ${CLUSTER_NAME}',
    '  domain: app.${DOMAIN}',
    '  region: ${REGION:=eu-west-1}',
    '  tier: ${TIER:-standard}',
    '  escaped: $${NOT_A_VARIABLE}',
    '  unset: "[${UNSET}]"',
    '  shell: $HOME',
    '  token: ${TOKEN:=none}',
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: script',
    '  namespace: web',
    '  annotations: {kustomize.toolkit.fluxcd.io/substitute: disabled}',
    'data: {run: "echo ${CLUSTER_NAME}"}'
  ),
  'apps/base/web.yaml': yaml(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web, namespace: web}',
    'spec:',
    '  replicas: ${REPLICAS}',
    '  selector: {matchLabels: {app: web}}',
    '  template:',
    '    metadata: {labels: {app: web}}',
    '    spec: {containers: [{name: web, image: "nginx:1.27.0"}]}'
  ),
  'apps/base/release.yaml': yaml(
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata: {name: cache, namespace: web}',
    'spec:',
    '  chart: {spec: {chart: redis, sourceRef: {kind: HelmRepository, name: bitnami}}}',
    '  values: {cluster: "${CLUSTER_NAME}"}'
  ),
  // No kustomization file: Flux generates one of every YAML file below it.
  'monitoring/team.yaml': yaml(
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: team, namespace: monitoring}',
    'data: {team: "${TEAM}"}'
  ),
  'monitoring/rules/alerts.yaml': yaml(
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: alerts, namespace: monitoring}',
    'data: {cluster: "${CLUSTER_NAME:=unknown}"}'
  )
}

describe('zero-config Flux: targets from Kustomizations', () => {
  it('renders each cluster’s Kustomizations with their variables, nested ones followed, and names what it skips', async () => {
    const repo = makeRepo({ files: FILES })
    const result = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(result.errors.map(e => e.message)).toEqual([])
    const { config } = result
    expect(
      config.targets
        .map(t => `${t.name} ${t.env} ${t.type} ${t.source} → ${t.branch}:${t.path}`)
        .sort()
    ).toEqual([
      'apps-dev dev kustomize apps/dev → env/dev:apps',
      'apps-prod prod kustomize apps/prod → env/prod:apps',
      'flux-system-dev dev directory clusters/dev → env/dev:flux-system',
      'flux-system-prod prod directory clusters/prod → env/prod:flux-system',
      'monitoring-dev dev directory monitoring → env/dev:monitoring',
      'monitoring-prod prod directory monitoring → env/prod:monitoring'
    ])
    expect(
      config.flux?.findings.map(
        f => `${formatLocation(f.location)} ${f.subject}: ${f.kind}: ${f.message}`
      )
    ).toEqual([
      'clusters/prod/extras.yaml:1:1 Kustomization extras (prod): invalid: postBuild.substituteFrom: ConfigMap extra-vars is not in the repository (outside clusters/ or in clusters/prod/); Flux would stop here (optional: true skips it)'
    ])

    const objects = (target: string) =>
      Object.fromEntries(
        (result.rendered.find(r => r.target.name === target)?.resources ?? []).map(r => [
          `${r.kind}/${r.name}`,
          r.object
        ])
      )
    const prod = objects('apps-prod')
    expect((prod['ConfigMap/settings'] as { data: unknown }).data).toEqual({
      cluster: 'prod',
      domain: 'app.prod.example.com',
      region: 'eu-west-1',
      tier: 'standard',
      escaped: '${NOT_A_VARIABLE}',
      unset: '[]',
      shell: '$HOME',
      token: 'none' // the optional Secret is only in clusters/dev
    })
    expect(
      (objects('apps-dev')['ConfigMap/settings'] as { data: { token: unknown } }).data.token
    ).toBe('dev-t0ken')
    // The substituted text is YAML again: a number where the variable stood.
    expect((prod['Deployment/web'] as { spec: { replicas: unknown } }).spec.replicas).toBe(3)
    expect(
      (objects('apps-dev')['Deployment/web'] as { spec: { replicas: unknown } }).spec.replicas
    ).toBe(1)
    // Opted out of substitution.
    expect((prod['ConfigMap/script'] as { data: unknown }).data).toEqual({
      run: 'echo ${CLUSTER_NAME}'
    })
    // A HelmRelease stays an object (its values substituted, as Flux applies it).
    expect((prod['HelmRelease/cache'] as { spec: { values: unknown } }).spec.values).toEqual({
      cluster: 'prod'
    })
    // The nested Kustomization got its own variable from its parent's substitution.
    expect(prod['Kustomization/monitoring']).toBeDefined()
    const monitoring = objects('monitoring-prod')
    expect((monitoring['ConfigMap/team'] as { data: unknown }).data).toEqual({ team: 'prod-team' })
    // Variables do not leak from the parent: only the Kustomization's own apply.
    expect((monitoring['ConfigMap/alerts'] as { data: unknown }).data).toEqual({
      cluster: 'unknown'
    })
    // flux-system renders the cluster's Flux objects as objects.
    expect(Object.keys(objects('flux-system-dev')).sort()).toEqual([
      'ConfigMap/cluster-vars',
      'GitRepository/flux-system',
      'Kustomization/apps',
      'Kustomization/flux-system',
      'Secret/cluster-secrets'
    ])
    // hydrate targets lists the targets and every skip with its reason.
    const listed = JSON.parse(targetsJson(config, configSource(config))) as {
      config: string
      targets: Array<{ name: string; from: string; origin?: string }>
      findings: Array<{ at: string; subject: string; kind: string }>
    }
    expect(listed.config).toBe('the Flux Kustomizations of the repository (no hydrate.yaml)')
    expect(listed.targets.find(t => t.name === 'monitoring-dev')?.origin).toBe(
      'Kustomization monitoring (in the output of apps-dev)'
    )
    expect(listed.findings).toEqual([
      expect.objectContaining({
        at: 'clusters/prod/extras.yaml:1:1',
        subject: 'Kustomization extras (prod)',
        kind: 'invalid'
      })
    ])
    expect(targetsText(config, configSource(config))).toContain(
      'Flux Kustomizations not rendered (1):\n  clusters/prod/extras.yaml:1:1  Kustomization extras (prod): invalid: postBuild.substituteFrom: ConfigMap extra-vars'
    )
    // The README's commands say that variables were substituted, never their values.
    const apps = result.rendered.find(r => r.target.name === 'apps-prod')
    expect(apps?.commands).toContain(
      "# then Flux's post-build substitution (flux envsubst) of CLUSTER_NAME, DOMAIN, REPLICAS"
    )
    const dev = result.rendered.find(r => r.target.name === 'apps-dev')
    expect(JSON.stringify([dev?.commands, result.config.targets.map(t => t.origin)])).not.toContain(
      'dev-t0ken'
    )
  })
})
