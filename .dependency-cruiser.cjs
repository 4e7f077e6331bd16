// The layer map of src/ (docs/architecture.md says what each layer does; keep both in step).
// A unit is a folder directly under src/ or a file directly in src/. Rows run top to bottom:
// a unit imports only units in rows below its own (and itself). So no two folders can import
// each other, and folder cycles are impossible by construction; file cycles are checked too.
// Type-only imports count (tsPreCompilationDeps).

/** @type {string[][][]} tiers → rows → units (`name` is a folder, `name.ts` a file) */
const TIERS = [
  // fronts: inputs, events, outputs
  [
    ['action.ts', 'cli.ts'],
    ['action', 'cli']
  ],
  // engine: the jobs (render, push, diff, plan)
  [['engine.ts'], ['engine']],
  // stages
  [
    ['github', 'shard', 'verify'],
    ['promotion', 'report', 'risk'],
    ['diff', 'images', 'provenance'],
    ['hydrate', 'policy'],
    ['render'],
    ['argocd', 'targets'],
    ['config'],
    ['admission', 'flux'],
    ['git', 'sources'],
    ['argo']
  ],
  // foundations
  [
    ['gotemplate'],
    ['manifests', 'process', 'security'],
    ['errors.ts'],
    ['logger.ts', 'plural.ts', 'version.ts']
  ]
]

const ROWS = TIERS.flat()
const UNITS = ROWS.flat()

const escapeRegExp = text => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** A module path inside a unit. */
const unitPattern = unit =>
  unit.endsWith('.ts') ? `src/${escapeRegExp(unit)}$` : `src/${escapeRegExp(unit)}/`
const anyOf = units => `^(${units.map(unitPattern).join('|')})`

const layerRules = ROWS.flatMap((row, index) => {
  const notBelow = ROWS.slice(0, index + 1).flat()
  return row.map(unit => ({
    name: `layer-${unit}`,
    comment: `src/${unit} imports only the rows below it in .dependency-cruiser.cjs (docs/architecture.md)`,
    severity: 'error',
    from: { path: anyOf([unit]) },
    to: { path: anyOf(notBelow.filter(other => other !== unit)) }
  }))
})

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'not-in-layer-map',
      comment:
        'every folder and file directly under src/ has a row in .dependency-cruiser.cjs and docs/architecture.md',
      severity: 'error',
      from: { path: '^src/', pathNot: anyOf(UNITS) },
      to: {}
    },
    {
      name: 'import-of-unmapped',
      comment:
        'every folder and file directly under src/ has a row in .dependency-cruiser.cjs and docs/architecture.md',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: anyOf(UNITS) }
    },
    {
      name: 'no-circular',
      comment: 'no import cycle between files of src/, type-only imports included',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true }
    },
    {
      name: 'actions-core-in-fronts-only',
      comment: 'below the action front, logging goes through the Logger interface (src/logger.ts)',
      severity: 'error',
      from: { path: '^src/', pathNot: anyOf(['action.ts', 'action']) },
      to: { path: '@actions/core' }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] }
  }
}
