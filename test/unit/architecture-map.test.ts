import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

// docs/architecture.md's map and the rows .dependency-cruiser.cjs enforces are one map.

const ROOT = path.resolve(import.meta.dirname, '../..')

interface Rule {
  name: string
  from: { path?: string }
  to: { path?: string }
}

/** The rows the layer rules enforce: units with the same units above them share a row. */
function enforcedRows(): string[][] {
  const config = createRequire(import.meta.url)(path.join(ROOT, '.dependency-cruiser.cjs')) as {
    forbidden: Rule[]
  }
  const unitsIn = (pattern: string) =>
    [...pattern.matchAll(/src\/([\w-]+)(\\\.ts\$|\/)/g)].map(m =>
      m[2] === '/' ? (m[1] ?? '') : `${m[1] ?? ''}.ts`
    )
  const notBelow = new Map<string, string[]>()
  for (const rule of config.forbidden.filter(r => r.name.startsWith('layer-'))) {
    const [unit] = unitsIn(rule.from.path ?? '')
    notBelow.set(unit as string, [...unitsIn(rule.to.path ?? ''), unit as string].sort())
  }
  const rows = new Map<string, string[]>()
  for (const [unit, above] of notBelow) {
    const key = above.join(' ')
    rows.set(key, [...(rows.get(key) ?? []), unit])
  }
  return [...rows]
    .sort(([a], [b]) => a.split(' ').length - b.split(' ').length)
    .map(([, units]) => units.sort())
}

/** The rows of the map's table in docs/architecture.md. */
function documentedRows(): string[][] {
  const text = fs.readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8')
  return [...text.matchAll(/^\| (\d+) +\| \w+ +\| ([^|]+)\|/gm)].map(m =>
    [...(m[2] as string).matchAll(/`([^`]+)`/g)].map(u => u[1] as string).sort()
  )
}

test('docs/architecture.md shows the rows the dependency rules enforce, in order', () => {
  const rows = enforcedRows()
  expect(rows.length).toBeGreaterThan(10)
  expect(documentedRows()).toEqual(rows)
})

test('every folder and file directly under src/ has a row', () => {
  const units = fs
    .readdirSync(path.join(ROOT, 'src'), { withFileTypes: true })
    .map(entry => entry.name)
    .sort()
  expect(enforcedRows().flat().sort()).toEqual(units)
})
