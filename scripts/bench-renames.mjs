#!/usr/bin/env node
// The semantic diff of 1,000 renamed vs 1,000 modified ConfigMaps, run in process on the
// TypeScript sources (no tools needed). Part of npm run bench; also runs alone:
//   BENCH_RENAMES=1000 node scripts/bench-renames.mjs
import { register } from 'node:module'
import { pathToFileURL } from 'node:url'

const ROUNDS = 3

/** A deterministic 10-character kustomize-like hash suffix. */
const hashSuffix = (i, salt) =>
  ((i * 2654435761 + salt * 40503) >>> 0).toString(36).padStart(10, 'k').slice(-10)

const configMap = (name, i, level) =>
  [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${name}`,
    '  namespace: bench',
    `  labels: {app: app-${i}, tier: backend}`,
    'data:',
    `  APP: app-${i}`,
    `  LOG_LEVEL: ${level}`,
    `  DATABASE_URL: postgres://db-${i}.bench.svc:5432/app`,
    `  CACHE_TTL: "${300 + i}"`,
    `  FEATURE_FLAGS: "search,checkout,profile-${i % 7}"`,
    `  REGION: eu-west-${(i % 3) + 1}`,
    `  WORKERS: "${(i % 8) + 1}"`,
    ''
  ].join('\n')

export async function benchRenames(count = Number(process.env.BENCH_RENAMES ?? 1000)) {
  register('./ts-hooks.mjs', import.meta.url)
  const { diffResources } = await import('../src/diff/resources.ts')
  const { parseManifests } = await import('../src/manifests/parse.ts')
  const { DEFAULT_DIFF } = await import('../src/config/types.ts')
  const indexes = Array.from({ length: count }, (_, i) => i)
  const configMaps = (name, level, offset = 0) =>
    parseManifests(
      indexes.map(i => configMap(name(i + offset), i + offset, level)).join('---\n'),
      'bench'
    ).resources
  const hashed = i => `app-${i}-config-${hashSuffix(i, 1)}`
  const scenarios = [
    // [label, base, head, the counts the diff must report]
    ['modified (same names)', configMaps(hashed, 'info'), configMaps(hashed, 'debug'), 'modified'],
    [
      'renamed (hash suffix changes)',
      configMaps(hashed, 'info'),
      configMaps(i => `app-${i}-config-${hashSuffix(i, 2)}`, 'debug'),
      'renamed'
    ],
    [
      'renamed (-v1 → -v2, paired by content)',
      configMaps(i => `app-${i}-config-v1`, 'info'),
      configMaps(i => `app-${i}-config-v2`, 'debug'),
      'renamed'
    ],
    [
      'unrelated (all removed, others added)',
      configMaps(i => `old-${i}`, 'info'),
      configMaps(i => `new-${i}`, 'info', count),
      'added'
    ]
  ]
  const [, warmBase, warmHead] = scenarios[0]
  diffResources(warmBase.slice(0, 50), warmHead.slice(0, 50), DEFAULT_DIFF) // warm the JIT
  // CPU time, best of ROUNDS, the scenarios taking turns: a busy machine skews none of them.
  const rows = scenarios.map(([label]) => ({ label, ms: Infinity }))
  for (let round = 0; round < ROUNDS; round++)
    scenarios.forEach(([label, base, head, expected], i) => {
      const started = process.cpuUsage()
      const { counts } = diffResources(base, head, DEFAULT_DIFF)
      const { user, system } = process.cpuUsage(started)
      rows[i].ms = Math.min(rows[i].ms, (user + system) / 1000)
      if (counts[expected] !== count)
        throw new Error(`bench: ${label} diffed as ${JSON.stringify(counts)}`)
    })
  const modifiedMs = rows[0].ms
  const number = count.toLocaleString('en')
  process.stdout.write(
    `\nsemantic diff, ${number} renamed vs ${number} modified ConfigMaps (CPU time, best of ${ROUNDS}; target: renamed ≤ 2× modified)\n`
  )
  const width = Math.max(...rows.map(r => r.label.length))
  for (const { label, ms } of rows)
    process.stdout.write(
      `  ${label.padEnd(width)}  ${`${(ms / 1000).toFixed(2)} s`.padStart(9)}  ${(ms / modifiedMs).toFixed(2)}×\n`
    )
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchRenames()
