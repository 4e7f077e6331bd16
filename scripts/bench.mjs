#!/usr/bin/env node
// npm run bench: a synthetic monorepo (APPS apps × ENVS envs), the naive baseline loop and
// this tool side by side, the render floor, a one-app change, branch writes and the semantic
// diff on renamed resources. Prints figures only.
//   BENCH_APPS=40 BENCH_ENVS=3 BENCH_HELM_EVERY=10 npm run bench
// npm run bench -- --targets 1000: the scale section instead (kustomize overlays, 4 envs):
// cold hydration against the floor at that size, then a verify of every branch, and a
// one-target PR at 1000, 600 and 60 targets (the repository shrunk and hydrated between them).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchPolicies } from './bench-policies.mjs'
import { benchRenames } from './bench-renames.mjs'
import { benchShards } from './bench-shards.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const APPS = Number(process.env.BENCH_APPS ?? 40)
const ENVS = ['dev', 'staging', 'prod', 'qa', 'perf', 'dr'].slice(
  0,
  Number(process.env.BENCH_ENVS ?? 3)
)
const HELM_EVERY = Number(process.env.BENCH_HELM_EVERY ?? 10)
const CORES = os.availableParallelism?.() ?? os.cpus().length
const work = path.join(root, '.work', 'bench')
const dry = path.join(work, 'dry')
// BENCH_CLI: another build of the CLI (default: the bundle in dist/)
const cli = process.env.BENCH_CLI ?? path.join(root, 'dist', 'cli', 'index.js')
const tools = path.join(root, '.tools')
const counter = path.join(work, 'renders.log')
const wrappers = path.join(work, 'bin')
const env = {
  ...process.env,
  PATH: `${path.join(tools, 'bin')}${path.delimiter}${process.env.PATH}`,
  HELM_BIN: path.join(wrappers, 'helm'),
  KUBECTL_BIN: path.join(wrappers, 'kubectl')
}
const sh = (cmd, cwd = work, extraEnv = {}) =>
  execFileSync('bash', ['-c', cmd], {
    cwd,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024
  })
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, encoding: 'utf8' })
const seconds = ms => `${(ms / 1000).toFixed(2)} s`

function write(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, content)
}

function time(fn) {
  const started = performance.now()
  const result = fn()
  return { ms: performance.now() - started, result }
}

/** helm/kubectl wrappers that log each render process (helm template, kubectl kustomize). */
function installWrappers() {
  for (const [name, real] of [
    ['helm', path.join(tools, 'helm4', 'helm')],
    ['kubectl', path.join(tools, 'kubectl', 'kubectl')]
  ]) {
    write(
      path.join(wrappers, name),
      `#!/bin/sh\ncase "$1" in template|kustomize) echo "${name} $1" >> "${counter}" ;; esac\nexec "${real}" "$@"\n`
    )
    fs.chmodSync(path.join(wrappers, name), 0o755)
  }
}
const renders = () =>
  fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8').split('\n').filter(Boolean).length : 0
const resetRenders = () => fs.rmSync(counter, { force: true })

function generate(dry, APPS, ENVS, HELM_EVERY) {
  const targets = []
  for (let i = 0; i < APPS; i++) {
    const app = `app-${String(i).padStart(3, '0')}`
    if (HELM_EVERY > 0 && i % HELM_EVERY === HELM_EVERY - 1) {
      write(
        path.join(dry, 'charts', app, 'Chart.yaml'),
        `apiVersion: v2\nname: ${app}\nversion: 0.1.0\nappVersion: "1.0.${i}"\n`
      )
      write(
        path.join(dry, 'charts', app, 'values.yaml'),
        'replicas: 1\nimage: ghcr.io/example/app:1.0.0\n'
      )
      write(
        path.join(dry, 'charts', app, 'templates', 'all.yaml'),
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels: {app: {{ .Release.Name }}}\nspec:\n  replicas: {{ .Values.replicas }}\n  selector: {matchLabels: {app: {{ .Release.Name }}}}\n  template:\n    metadata: {labels: {app: {{ .Release.Name }}}}\n    spec:\n      containers:\n        - name: main\n          image: {{ .Values.image }}\n          resources: {requests: {cpu: 50m, memory: 64Mi}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  selector: {app: {{ .Release.Name }}}\n  ports: [{port: 80, targetPort: 8080}]\n`
      )
      for (const e of ENVS) {
        write(path.join(dry, 'values', e, `${app}.yaml`), `replicas: ${ENVS.indexOf(e) + 1}\n`)
        targets.push(
          `  - name: ${app}-${e}\n    env: ${e}\n    source: charts/${app}\n    path: ${app}\n    helm: { releaseName: ${app}, namespace: ${app}, valueFiles: [values/${e}/${app}.yaml] }`
        )
      }
      continue
    }
    write(
      path.join(dry, 'apps', app, 'base', 'kustomization.yaml'),
      `resources: [deployment.yaml, service.yaml]\nconfigMapGenerator:\n  - name: ${app}-config\n    literals: [APP=${app}, LOG_LEVEL=info]\nlabels:\n  - pairs: {app: ${app}}\n    includeSelectors: true\n`
    )
    write(
      path.join(dry, 'apps', app, 'base', 'deployment.yaml'),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: main\n          image: ghcr.io/example/${app}:1.0.0\n          envFrom: [{configMapRef: {name: ${app}-config}}]\n          resources: {requests: {cpu: 50m, memory: 64Mi}}\n`
    )
    write(
      path.join(dry, 'apps', app, 'base', 'service.yaml'),
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\nspec:\n  ports: [{port: 80, targetPort: 8080}]\n`
    )
    for (const e of ENVS) {
      write(
        path.join(dry, 'apps', app, 'overlays', e, 'kustomization.yaml'),
        `resources: [../../base]\nnamespace: ${app}-${e}\npatches:\n  - path: patch.yaml\n`
      )
      write(
        path.join(dry, 'apps', app, 'overlays', e, 'patch.yaml'),
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: ${ENVS.indexOf(e) + 1}\n`
      )
    }
  }
  write(
    path.join(dry, 'hydrate.yaml'),
    `version: 1\ntargets:\n  - discover: apps/{app}/overlays/{env}\n    name: "{app}-{env}"\n    path: "{app}"\n${targets.join('\n')}\n`
  )
  git(path.dirname(dry), 'init', '-q', '-b', 'main', dry)
  git(dry, 'config', 'user.name', 'Bench')
  git(dry, 'config', 'user.email', 'bench@example.com')
  git(dry, 'add', '-A')
  git(dry, 'commit', '-q', '-m', 'Synthetic monorepo')
  return APPS * ENVS.length
}

/** The naive baseline: per environment, build every app, check out its branch, copy, commit, push. */
function naiveScript(remote) {
  const helmApps = []
  const kustomizeApps = []
  for (let i = 0; i < APPS; i++)
    (HELM_EVERY > 0 && i % HELM_EVERY === HELM_EVERY - 1 ? helmApps : kustomizeApps).push(
      `app-${String(i).padStart(3, '0')}`
    )
  return `set -euo pipefail
rm -rf naive && git clone -q "${remote}" naive && cd naive
git config user.name Bench && git config user.email bench@example.com
for env in ${ENVS.join(' ')}; do
  out=$(mktemp -d)
  for app in ${kustomizeApps.join(' ')}; do mkdir -p "$out/$app"; "$KUBECTL_BIN" kustomize "${dry}/apps/$app/overlays/$env" > "$out/$app/manifest.yaml"; done
  for app in ${helmApps.join(' ')}; do mkdir -p "$out/$app"; "$HELM_BIN" template "$app" "${dry}/charts/$app" --namespace "$app" -f "${dry}/values/$env/$app.yaml" > "$out/$app/manifest.yaml"; done
  git checkout -q "env/$env" 2>/dev/null || git checkout -q --orphan "env/$env"
  git rm -rfq --ignore-unmatch . ; cp -r "$out"/. . ; rm -rf "$out"
  git add -A && git commit -qm "hydrate $env" && git push -q origin "env/$env"
done`
}

/** Total CPU (user+sys) of running every render process once, sequentially, in seconds. */
function renderCpuSeconds() {
  const lines = []
  for (const e of ENVS) {
    for (let i = 0; i < APPS; i++) {
      const app = `app-${String(i).padStart(3, '0')}`
      lines.push(
        HELM_EVERY > 0 && i % HELM_EVERY === HELM_EVERY - 1
          ? `"${tools}/helm4/helm" template ${app} charts/${app} --namespace ${app} --values values/${e}/${app}.yaml --skip-tests >/dev/null`
          : `"${tools}/kubectl/kubectl" kustomize apps/${app}/overlays/${e} >/dev/null`
      )
    }
  }
  const out = sh(`${lines.join('\n')}\ntimes`, dry)
  const children = out.trim().split('\n').pop()
  const toSeconds = t => {
    const m = /(\d+)m([\d.]+)s/.exec(t)
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0
  }
  const [user, system] = children.split(/\s+/)
  return toSeconds(user) + toSeconds(system)
}

fs.rmSync(work, { recursive: true, force: true })
fs.mkdirSync(work, { recursive: true })
installWrappers()
const scaleFlag = process.argv.indexOf('--targets')
if (scaleFlag !== -1) {
  scaleBench(Number(process.argv[scaleFlag + 1]))
  process.exit(0)
}
const targets = generate(dry, APPS, ENVS, HELM_EVERY)
const bare = name => {
  const dir = path.join(work, `${name}.git`)
  git(work, 'init', '-q', '--bare', '-b', 'main', dir)
  git(dry, 'push', '-q', dir, 'main')
  return dir
}
git(dry, 'remote', 'add', 'origin', bare('origin'))
const naiveRemote = bare('naive')
process.stdout.write(
  `Synthetic monorepo: ${APPS} apps × ${ENVS.length} envs = ${targets} targets (${Math.ceil(APPS / HELM_EVERY) > 0 && HELM_EVERY > 0 ? Math.floor(APPS / HELM_EVERY) : 0} helm charts, the rest kustomize overlays with strategic-merge patches); ${CORES} cores\n\n`
)

// Warm the page cache and the binaries once, so no side pays for a cold start.
sh(
  `"${tools}/kubectl/kubectl" kustomize apps/app-000/overlays/${ENVS[0]} >/dev/null; "${tools}/helm4/helm" version >/dev/null`,
  dry
)

const floorCpu = renderCpuSeconds()
const floorMs = (floorCpu / CORES) * 1000
const naive = time(() => sh(naiveScript(naiveRemote)))
resetRenders()
const cold = time(() =>
  execFileSync(process.execPath, [cli, 'push', '-C', dry, '--full'], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  })
)
const coldRenders = renders()
const coldProcesses = /; (\d+) git processes/.exec(cold.result)?.[1]

// A one-app change (its base: every environment of that app).
const changedApp = 'app-000'
git(dry, 'checkout', '-q', '-b', 'one-app')
const deployment = path.join(dry, 'apps', changedApp, 'base', 'deployment.yaml')
fs.writeFileSync(deployment, fs.readFileSync(deployment, 'utf8').replace('cpu: 50m', 'cpu: 100m'))
git(dry, 'commit', '-q', '-am', 'More CPU for one app')
resetRenders()
const diff = time(() =>
  execFileSync(process.execPath, [cli, 'diff', '-C', dry, '--base', 'main', '--format', 'json'], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024
  })
)
const diffRenders = renders()
const diffChanged = JSON.parse(diff.result).targets.filter(t => t.status !== 'unchanged').length
git(dry, 'checkout', '-q', 'main')
git(dry, 'merge', '-q', '--ff-only', 'one-app')
resetRenders()
const incremental = time(() =>
  execFileSync(process.execPath, [cli, 'push', '-C', dry], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  })
)
const incrementalRenders = renders()

const rows = [
  ['naive loop (build, checkout, copy, commit, push per env)', seconds(naive.ms), ''],
  [
    'hydrate push --full (cold, all targets)',
    seconds(cold.ms),
    `${coldRenders} render processes, ${coldProcesses} git processes`
  ],
  [`floor (render CPU ${floorCpu.toFixed(2)} s / ${CORES} cores)`, seconds(floorMs), ''],
  [
    `hydrate diff, one-app change (${diffChanged} targets change)`,
    seconds(diff.ms),
    `${diffRenders} render processes`
  ],
  [
    'hydrate push after that change (incremental)',
    seconds(incremental.ms),
    `${incrementalRenders} render processes`
  ]
]
const width = Math.max(...rows.map(r => r[0].length))
for (const [label, value, note] of rows)
  process.stdout.write(`${label.padEnd(width)}  ${value.padStart(8)}  ${note}\n`)
process.stdout.write(
  `\nnaive / cold hydration:        ${(naive.ms / cold.ms).toFixed(2)}×  (target ≥ 1.4×)\n`
)
process.stdout.write(
  `cold hydration / floor:        ${(cold.ms / floorMs).toFixed(2)}×  (target ≤ 1.2×)\n`
)
process.stdout.write(
  `naive / incremental push:      ${(naive.ms / incremental.ms).toFixed(2)}×  (target ≥ 5×)\n`
)
process.stdout.write(
  `render processes per affected target: diff ${(diffRenders / Math.max(1, diffChanged)).toFixed(1)}, push ${(incrementalRenders / Math.max(1, diffChanged)).toFixed(1)}  (target 1: the base comes from the branches)\n`
)

// Branch writes: the same trees written with git plumbing (hash-object, a temporary index,
// write-tree, commit-tree per branch) and with one git fast-import (what hydrate uses).
const layouts = path.join(work, 'layouts')
execFileSync(process.execPath, [cli, 'render', '-C', dry, '--out', layouts], {
  env,
  stdio: 'ignore'
})
const scratch = path.join(work, 'writes.git')
git(work, 'init', '-q', '--bare', scratch)
const branches = ENVS.map(e => `env/${e}`)
const filesOf = branch => {
  const base = path.join(layouts, ...branch.split('/'))
  return fs
    .readdirSync(base, { recursive: true })
    .filter(f => fs.statSync(path.join(base, f)).isFile())
    .sort()
    .map(f => ({ rel: f.split(path.sep).join('/'), abs: path.join(base, f) }))
}
let plumbingProcesses = 0
const plumbing = time(() => {
  const g = (args, input, extraEnv = {}) => {
    plumbingProcesses++
    return execFileSync('git', args, {
      cwd: scratch,
      input,
      encoding: 'utf8',
      env: { ...env, ...extraEnv }
    })
  }
  for (const branch of branches) {
    const files = filesOf(branch)
    const ids = g(['hash-object', '-w', '--stdin-paths'], files.map(f => f.abs).join('\n') + '\n')
      .trim()
      .split('\n')
    const index = { GIT_INDEX_FILE: path.join(work, `index-${branch.replace('/', '-')}`) }
    g(
      ['update-index', '--index-info'],
      files.map((f, i) => `100644 ${ids[i]}\t${f.rel}`).join('\n') + '\n',
      index
    )
    const tree = g(['write-tree'], '', index).trim()
    g(['commit-tree', tree, '-m', 'bench'], '', {
      GIT_AUTHOR_NAME: 'b',
      GIT_AUTHOR_EMAIL: 'b@x',
      GIT_COMMITTER_NAME: 'b',
      GIT_COMMITTER_EMAIL: 'b@x'
    })
  }
})
const fastImport = time(() => {
  const chunks = []
  for (const branch of branches) {
    chunks.push(`commit refs/heads/${branch}\ncommitter b <b@x> 0 +0000\ndata 5\nbench\n`)
    for (const f of filesOf(branch)) {
      const content = fs.readFileSync(f.abs)
      chunks.push(`M 100644 inline ${f.rel}\ndata ${content.length}\n`, content, '\n')
    }
  }
  chunks.push('done\n')
  execFileSync('git', ['fast-import', '--quiet', '--done', '--force'], {
    cwd: scratch,
    input: Buffer.concat(chunks.map(c => (typeof c === 'string' ? Buffer.from(c) : c))),
    env
  })
})
process.stdout.write(
  `\nbranch writes (${branches.length} branches, ${branches.reduce((n, b) => n + filesOf(b).length, 0)} files): plumbing ${seconds(plumbing.ms)} in ${plumbingProcesses} git processes; fast-import ${seconds(fastImport.ms)} in 1\n`
)

await benchPolicies(dry, env)
await benchRenames()
await benchShards()

/** The hydrate CLI on a repo: its stdout, wall time, and CPU (user+sys, with its children). */
function hydrate(args, dir) {
  const out = path.join(work, 'hydrate.out')
  const quoted = [process.execPath, cli, ...args, '-C', dir].map(a => `'${a}'`).join(' ')
  const run = time(() => sh(`${quoted} > '${out}' 2>/dev/null\ntimes`, dir))
  return { ms: run.ms, cpu: cpuOfTimes(run.result), stdout: fs.readFileSync(out, 'utf8') }
}

/** The children's user+sys seconds from the last line of bash's `times`. */
function cpuOfTimes(output) {
  const toSeconds = t => {
    const m = /(\d+)m([\d.]+)s/.exec(t)
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0
  }
  const [user, system] = output.trim().split('\n').pop().split(/\s+/)
  return toSeconds(user) + toSeconds(system)
}

/** Total CPU (user+sys) of `kubectl kustomize` of every overlay once, CORES at a time. */
function overlayCpuSeconds(dir) {
  return cpuOfTimes(
    sh(
      `ls -d apps/*/overlays/* | xargs -P ${CORES} -I{} sh -c '"$0" kustomize "$1" >/dev/null' "${tools}/kubectl/kubectl" {}\ntimes`,
      dir
    )
  )
}

function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
}

/**
 * A pull request that changes one overlay of a hydrated repository (one affected target):
 * `hydrate diff` RUNS times; its wall times, render processes and the report's counts.
 */
function onePullRequest(dir, runs = 3) {
  git(dir, 'checkout', '-q', '-b', 'one-target')
  const patch = path.join(dir, 'apps', 'app-000', 'overlays', 'dev', 'patch.yaml')
  fs.writeFileSync(patch, fs.readFileSync(patch, 'utf8').replace('replicas: 1', 'replicas: 5'))
  git(dir, 'commit', '-q', '-am', 'app-000 dev: 5 replicas')
  const times = []
  const cpus = []
  let processes = 0
  let report
  for (let i = 0; i < runs; i++) {
    resetRenders()
    const run = hydrate(['diff', '--base', 'main', '--format', 'json'], dir)
    times.push(run.ms)
    cpus.push(run.cpu)
    processes = renders()
    report = JSON.parse(run.stdout)
  }
  git(dir, 'checkout', '-q', 'main')
  git(dir, 'branch', '-q', '-D', 'one-target')
  const affected = report.targets.filter(t => t.status !== 'unchanged').length
  return {
    times,
    ms: median(times),
    cpu: median(cpus),
    processes,
    affected,
    rendering: report.rendering
  }
}

/** Removes the apps from `keep` on, commits, and hydrates (incremental: it only prunes). */
function shrink(dir, keep) {
  for (const app of fs.readdirSync(path.join(dir, 'apps')).sort().slice(keep))
    fs.rmSync(path.join(dir, 'apps', app), { recursive: true })
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', `Keep ${keep} apps`)
  resetRenders()
  const push = hydrate(['push'], dir)
  return { ms: push.ms, processes: renders() }
}

function scaleBench(requested) {
  const envs = ['dev', 'staging', 'prod', 'qa']
  const apps = Math.ceil(requested / envs.length)
  const scaleDry = path.join(work, 'scale')
  const total = generate(scaleDry, apps, envs, 0)
  const origin = path.join(work, 'scale.git')
  git(work, 'init', '-q', '--bare', '-b', 'main', origin)
  git(scaleDry, 'remote', 'add', 'origin', origin)
  git(scaleDry, 'push', '-q', 'origin', 'main')
  process.stdout.write(
    `Scale: ${apps} apps × ${envs.length} envs = ${total} targets (kustomize overlays with strategic-merge patches); ${CORES} cores\n\n`
  )
  sh(`"${tools}/kubectl/kubectl" kustomize apps/app-000/overlays/dev >/dev/null`, scaleDry)
  const floorCpu = overlayCpuSeconds(scaleDry)
  const floorMs = (floorCpu / CORES) * 1000
  resetRenders()
  const cold = hydrate(['push', '--full'], scaleDry)
  const coldRenders = renders()
  resetRenders()
  const verify = hydrate(['verify'], scaleDry)
  const verifyRenders = renders()
  const rows = [
    [`floor (render CPU ${floorCpu.toFixed(2)} s / ${CORES} cores)`, seconds(floorMs), ''],
    [
      `hydrate push --full (cold, ${total} targets)`,
      seconds(cold.ms),
      `${coldRenders} render processes; CPU ${cold.cpu.toFixed(2)} s (renders and hydrate)`
    ],
    [
      `hydrate verify (${total} targets, every branch)`,
      seconds(verify.ms),
      `${verifyRenders} render processes; CPU ${verify.cpu.toFixed(2)} s`
    ]
  ]
  const prs = []
  for (const keep of [apps, 150, 15].filter((k, i) => i === 0 || k < apps)) {
    if (keep < apps) {
      const push = shrink(scaleDry, keep)
      rows.push([
        `  hydrate push after removing apps (${keep * envs.length} targets left)`,
        seconds(push.ms),
        `${push.processes} render processes`
      ])
    }
    const pr = onePullRequest(scaleDry)
    prs.push({ targets: keep * envs.length, ...pr })
    rows.push([
      `hydrate diff, one-target PR at ${keep * envs.length} targets (median of ${pr.times.length})`,
      seconds(pr.ms),
      `${pr.processes} render processes, ${pr.affected} target changes, ${pr.rendering?.fromBranches ?? '?'} base from its branch; runs ${pr.times.map(t => seconds(t)).join(', ')}; CPU ${pr.cpu.toFixed(2)} s`
    ])
  }
  const width = Math.max(...rows.map(r => r[0].length))
  for (const [label, value, note] of rows)
    process.stdout.write(`${label.padEnd(width)}  ${value.padStart(8)}  ${note}\n`)
  const at = n => prs.find(p => p.targets === n)
  const big = prs[0]
  const perTarget = big.processes / Math.max(1, big.affected)
  process.stdout.write(
    `\nrender processes per affected target (diff):  ${perTarget.toFixed(1)}  (goal 1)\n`
  )
  if (at(600) && at(60))
    process.stdout.write(
      `one-target PR, 600 vs 60 targets:            ${(at(600).ms / at(60).ms).toFixed(2)}×  (goal ≤ 1.5×; in CPU ${(at(600).cpu / at(60).cpu).toFixed(2)}×)\n`
    )
  process.stdout.write(
    `one-target PR at ${big.targets} targets:             ${seconds(big.ms)}  (goal < 1 s)\n`
  )
  process.stdout.write(
    `cold hydration / floor at ${total} targets:    ${(cold.ms / floorMs).toFixed(2)}×  (goal ≤ 1.1×; in CPU ${(cold.cpu / floorCpu).toFixed(2)}×)\n`
  )
  const load = os.loadavg()[0]
  if (load > CORES)
    process.stdout.write(
      `\nnote: load average ${load.toFixed(1)} on ${CORES} cores: other processes share the CPUs, so wall times run long (the CPU figures do not)\n`
    )
}
