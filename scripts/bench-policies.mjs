#!/usr/bin/env node
// The team's own policies (docs/policies.md): 20 ValidatingAdmissionPolicies and Kyverno
// ValidatingPolicies evaluated over every object the bench repository renders, against the
// render's own time. Part of npm run bench; also runs alone on a hydrate repository:
//   node scripts/bench-policies.mjs DIR
import { register } from 'node:module'
import { pathToFileURL } from 'node:url'

const RULE = `{ apiGroups: ["*"], apiVersions: ["*"], operations: ["CREATE", "UPDATE"], resources: ["*"] }`
const EXPRESSIONS = [
  "has(object.metadata.labels) && 'app' in object.metadata.labels",
  '!has(object.spec) || !has(object.spec.replicas) || object.spec.replicas <= 50',
  "!has(object.spec) || !has(object.spec.template) || object.spec.template.spec.containers.all(c, !c.image.endsWith(':latest'))",
  '!has(object.spec) || !has(object.spec.template) || !object.spec.template.spec.containers.exists(c, c.?securityContext.?privileged.orValue(false))',
  "object.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')"
]

/** 20 policies: 5 expressions × (VAP Deny, VAP Warn, VAP Audit, Kyverno ValidatingPolicy). */
export function policies(readObjects) {
  const docs = []
  EXPRESSIONS.forEach((expression, i) => {
    for (const action of ['Deny', 'Warn', 'Audit']) {
      const name = `bench-${i}-${action.toLowerCase()}`
      docs.push(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: { name: ${name} }
spec:
  matchConstraints: { resourceRules: [${RULE}] }
  validations: [{ expression: ${JSON.stringify(expression)}, message: "bench ${i}" }]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: { name: ${name} }
spec: { policyName: ${name}, validationActions: [${action}] }`)
    }
    docs.push(`apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: { name: bench-${i}-kyverno }
spec:
  validationActions: [Audit]
  matchConstraints: { resourceRules: [${RULE}] }
  validations: [{ expression: ${JSON.stringify(expression)}, message: "bench ${i}" }]`)
  })
  return readObjects('bench-policies.yaml', docs.join('\n---\n'))
}

export async function benchPolicies(dir, env = process.env) {
  register('./ts-hooks.mjs', import.meta.url)
  const { renderRepository } = await import('../src/engine.ts')
  const { checkAdmission } = await import('../src/admission/check.ts')
  const { readObjects } = await import('../src/admission/load.ts')
  const { MemoryLogger } = await import('../src/logger.ts')
  const started = performance.now()
  const render = await renderRepository({ repoRoot: dir, logger: new MemoryLogger(), env })
  const renderMs = performance.now() - started
  const files = policies(readObjects)
  const environments = new Map()
  for (const r of render.rendered) {
    const targets = environments.get(r.target.env) ?? []
    targets.push({ name: r.target.name, resources: r.resources })
    environments.set(r.target.env, targets)
  }
  const envs = [...environments].map(([name, targets]) => ({ env: name, targets }))
  const objects = envs.reduce(
    (n, e) => n + e.targets.reduce((m, t) => m + t.resources.length, 0),
    0
  )
  checkAdmission(envs, files, { fromOutput: false }) // compiles the expressions once
  const times = []
  const cpus = []
  let findings = 0
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    const cpu = process.cpuUsage()
    findings = checkAdmission(envs, files, { fromOutput: false }).length
    const used = process.cpuUsage(cpu)
    times.push(performance.now() - t)
    cpus.push((used.user + used.system) / 1000)
  }
  const ms = times.sort((a, b) => a - b)[1]
  const cpuMs = cpus.sort((a, b) => a - b)[1]
  process.stdout.write(
    `\npolicy evaluation: 20 policies (15 VAP + 5 Kyverno) × ${objects} objects: ${(ms / 1000).toFixed(2)} s (median of 3; CPU ${(cpuMs / 1000).toFixed(2)} s; ${findings} findings) = ${((100 * ms) / renderMs).toFixed(1)}% of the render (${(renderMs / 1000).toFixed(2)} s)  (goal < 10%)\n`
  )
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  await benchPolicies(process.argv[2] ?? '.')
