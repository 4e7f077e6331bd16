import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

// npm run lint's two tools, run on the real tree and on a scratch copy of src/ with one breach
// of each rule: each breach must be reported, and the real tree must pass.

const run = promisify(execFile)
const ROOT = path.resolve(import.meta.dirname, '..')
const ESLINT = path.join(ROOT, 'node_modules/eslint/bin/eslint.js')
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')

interface Violation {
  rule: { name: string }
  from: string
  to: string
}

async function depcruise(cwd: string): Promise<Violation[]> {
  const { stdout } = await run(
    process.execPath,
    [DEPCRUISE, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
    { cwd, maxBuffer: 64 * 1024 * 1024 }
  )
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations
}

interface LintResult {
  filePath: string
  messages: { ruleId: string | null }[]
}

async function eslint(cwd: string): Promise<LintResult[]> {
  const result = await run(process.execPath, [ESLINT, 'src', '--format', 'json'], {
    cwd,
    maxBuffer: 64 * 1024 * 1024
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '[]' }))
  return JSON.parse(result.stdout) as LintResult[]
}

const lines = (count: number) =>
  Array.from({ length: count }, (_, i) => `export const line${i} = ${i}`).join('\n') + '\n'

let scratch: string

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hydrate-layers-'))
  for (const file of [
    '.dependency-cruiser.cjs',
    'eslint.config.js',
    'tsconfig.json',
    'package.json'
  ])
    fs.copyFileSync(path.join(ROOT, file), path.join(scratch, file))
  fs.cpSync(path.join(ROOT, 'src'), path.join(scratch, 'src'), { recursive: true })
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(scratch, 'node_modules'))
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true })
    fs.writeFileSync(path.join(scratch, file), text)
  }
  // A folder cycle: two folders of one row importing each other.
  write('src/argocd/cycleA.ts', "export { listAffected } from '../targets/affected.js'\n")
  write('src/targets/cycleB.ts', "export { normalizeRepoUrl } from '../argocd/repoUrl.js'\n")
  // An upward import: a foundation importing the engine.
  write('src/manifests/upward.ts', "export type { HydrateOptions } from '../engine.js'\n")
  // A file cycle inside one folder, by type-only imports.
  write('src/diff/loopA.ts', "import type { B } from './loopB.js'\nexport type A = B | 1\n")
  write('src/diff/loopB.ts', "import type { A } from './loopA.js'\nexport type B = A | 2\n")
  // A folder the layer map does not name.
  write('src/unmapped/discover.ts', "export { HydrateError } from '../errors.js'\n")
  // @actions/core below the action front.
  write('src/engine/coreLog.ts', "export { info } from '@actions/core'\n")
  // 351 lines fail, 350 pass (counted as wc -l counts them).
  write('src/plural351.ts', lines(351))
  write('src/diff/lines350.ts', lines(350))
  // A citation of the design document.
  write('src/diff/cites.ts', '// as DESIGN ' + '§8 says\nexport const cited = true\n')
})

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }))

test('the real tree passes both tools', async () => {
  expect(await depcruise(ROOT)).toEqual([])
  const failing = (await eslint(ROOT)).filter(r => r.messages.length > 0)
  expect(failing.map(r => r.filePath)).toEqual([])
})

test('depcruise reports a folder cycle, an upward import, a file cycle and an unmapped folder', async () => {
  // A package is named as imported (node_modules may be a symlink elsewhere).
  const found = (await depcruise(scratch))
    .map(
      v =>
        `${v.rule.name}: ${v.from} -> ${v.to.replace(/^.*node_modules\/(@actions\/core)\/.*$/, '$1')}`
    )
    .sort()
  expect(found).toEqual([
    'actions-core-in-fronts-only: src/engine/coreLog.ts -> @actions/core',
    'layer-argocd: src/argocd/cycleA.ts -> src/targets/affected.ts',
    'layer-manifests: src/manifests/upward.ts -> src/engine.ts',
    'layer-targets: src/targets/cycleB.ts -> src/argocd/repoUrl.ts',
    'no-circular: src/diff/loopA.ts -> src/diff/loopB.ts',
    'not-in-layer-map: src/unmapped/discover.ts -> src/errors.ts'
  ])
}, 180000)

test('eslint reports a 351-line file and a design-document citation, not a 350-line file', async () => {
  const rules = new Map(
    (await eslint(scratch)).map(r => [
      path.relative(scratch, r.filePath),
      r.messages.map(m => m.ruleId)
    ])
  )
  expect(rules.get('src/plural351.ts')).toEqual(['max-lines'])
  expect(rules.get('src/diff/lines350.ts')).toEqual([])
  expect(rules.get('src/diff/cites.ts')).toEqual(['no-warning-comments'])
}, 180000)
