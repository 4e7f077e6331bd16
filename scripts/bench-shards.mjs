#!/usr/bin/env node
// The sharded push (docs/adr/0018): the wall time of the slowest shard of a cold full
// hydration against the unsharded run, for N = 1, 2, 4. Each shard runs alone on this
// machine, one after another, as each matrix job has a runner of its own; the slowest one
// is the matrix's critical path (a real runner adds its start, checkout and tool setup).
// Its own synthetic repo (many branches, kustomize overlays), separate from bench.mjs's.
//   BENCH_SHARD_APPS=25 BENCH_SHARD_ENVS=8 node scripts/bench-shards.mjs
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const cli = path.join(root, 'dist', 'cli', 'index.js')
const tools = path.join(root, '.tools')
const CORES = os.availableParallelism?.() ?? os.cpus().length

const env = {
  ...process.env,
  HELM_BIN: path.join(tools, 'helm4', 'helm'),
  KUBECTL_BIN: path.join(tools, 'kubectl', 'kubectl')
}
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, encoding: 'utf8' })
const hydrate = (cwd, ...args) =>
  execFileSync(process.execPath, [cli, ...args], {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024
  })
const seconds = ms => `${(ms / 1000).toFixed(2)} s`

function write(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, content)
}

function timed(fn) {
  const started = performance.now()
  const result = fn()
  return { ms: performance.now() - started, result }
}

/** apps × envs kustomize overlays, one branch per environment (zero-config layout). */
export function generateShardRepo(dir, apps, envs) {
  for (let a = 0; a < apps; a++) {
    const app = `svc-${String(a).padStart(3, '0')}`
    write(
      path.join(dir, 'bases', app, 'kustomization.yaml'),
      'resources: [deployment.yaml, service.yaml]\n'
    )
    write(
      path.join(dir, 'bases', app, 'deployment.yaml'),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: { app: ${app} }\n  template:\n    metadata:\n      labels: { app: ${app} }\n    spec:\n      containers:\n        - name: ${app}\n          image: ghcr.io/example/${app}:1.0.0\n          resources: { requests: { cpu: 50m } }\n`
    )
    write(
      path.join(dir, 'bases', app, 'service.yaml'),
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\nspec:\n  selector: { app: ${app} }\n  ports: [{ port: 80 }]\n`
    )
  }
  for (let e = 0; e < envs; e++) {
    const envName = `env${String(e).padStart(2, '0')}`
    for (let a = 0; a < apps; a++) {
      const app = `svc-${String(a).padStart(3, '0')}`
      write(
        path.join(dir, 'apps', app, envName, 'kustomization.yaml'),
        `resources: [../../../bases/${app}]\nnamespace: ${envName}\ncommonLabels: { env: ${envName} }\n`
      )
    }
  }
  write(
    path.join(dir, 'hydrate.yaml'),
    'version: 1\ntargets:\n  - discover: apps/{app}/{env}\n    name: "{app}-{env}"\n    path: "{app}"\n'
  )
  return apps * envs
}

export async function benchShards() {
  const apps = Number(process.env.BENCH_SHARD_APPS ?? 25)
  const envs = Number(process.env.BENCH_SHARD_ENVS ?? 8)
  const work = path.join(root, '.work', 'bench-shards')
  fs.rmSync(work, { recursive: true, force: true })
  const dry = path.join(work, 'dry')
  fs.mkdirSync(dry, { recursive: true })
  const targets = generateShardRepo(dry, apps, envs)
  git(dry, 'init', '-q', '-b', 'main')
  git(dry, 'add', '-A')
  git(dry, '-c', 'user.name=b', '-c', 'user.email=b@x', 'commit', '-q', '-m', 'synthetic')
  git(dry, 'config', 'user.name', 'bench')
  git(dry, 'config', 'user.email', 'bench@example.com')
  let remotes = 0
  const bare = () => {
    const dir = path.join(work, `remote-${++remotes}.git`)
    git(work, 'init', '-q', '--bare', '-b', 'main', dir)
    git(dry, 'push', '-q', dir, 'main')
    return dir
  }
  git(dry, 'remote', 'add', 'origin', bare())
  process.stdout.write(
    `\nsharded cold hydration: ${apps} apps × ${envs} environments = ${targets} kustomize targets on ${envs} branches; each shard alone on ${CORES} cores (one runner each)\n`
  )
  // The unsharded run; it also notes each target's render time on the branches.
  const single = timed(() => hydrate(dry, 'push', '--full'))
  const rows = [['unsharded hydrate push --full', seconds(single.ms), '']]
  for (const n of [1, 2, 4]) {
    const planned = timed(() => hydrate(dry, 'plan', '--shards', String(n)))
    const planFile = path.join(work, `plan-${n}.json`)
    fs.writeFileSync(planFile, planned.result)
    const matrix = JSON.parse(planned.result)
    const remote = bare()
    const shardMs = matrix.include.map(
      entry =>
        timed(() =>
          hydrate(
            dry,
            'push',
            '--full',
            '--remote',
            remote,
            '--shard',
            entry.shard,
            '--plan',
            planFile
          )
        ).ms
    )
    const slowest = Math.max(...shardMs)
    rows.push([
      `N=${n}: slowest of ${matrix.include.length} shard${matrix.include.length === 1 ? '' : 's'}`,
      seconds(slowest),
      `speed-up ${(single.ms / slowest).toFixed(2)}×; shards ${shardMs.map(ms => (ms / 1000).toFixed(1)).join(' / ')} s (targets ${matrix.include.map(e => e.targets).join(' / ')}); plan ${seconds(planned.ms)}`
    ])
  }
  const width = Math.max(...rows.map(r => r[0].length))
  for (const [label, value, note] of rows)
    process.stdout.write(`  ${label.padEnd(width)}  ${value.padStart(8)}  ${note}\n`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchShards()
