#!/usr/bin/env node
// Fails when the committed dist/ differs from a fresh build of src/.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'hydrate-dist-'))
const ncc = path.join(root, 'node_modules', '.bin', 'ncc')
const build = (entry, out) =>
  execFileSync(
    ncc,
    [
      'build',
      entry,
      '-o',
      out,
      '--license',
      '[name].licenses.txt',
      '--stats-out',
      path.join(out, 'stats.json'),
      '--target',
      'es2022',
      '--quiet'
    ],
    { cwd: root, stdio: 'inherit' }
  )
try {
  build('src/action.ts', fresh)
  build('src/cli.ts', path.join(fresh, 'cli'))
  execFileSync(process.execPath, [path.join(root, 'scripts', 'finish-bundle.mjs'), fresh], {
    stdio: 'inherit'
  })
  const list = dir =>
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter(e => e.isFile())
      .map(e => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)))
      .sort()
  const committed = path.join(root, 'dist')
  const a = list(committed)
  const b = list(fresh)
  const differing = [...new Set([...a, ...b])].filter(file => {
    const x = path.join(committed, file)
    const y = path.join(fresh, file)
    return !fs.existsSync(x) || !fs.existsSync(y) || !fs.readFileSync(x).equals(fs.readFileSync(y))
  })
  if (differing.length > 0) {
    console.error(
      `dist/ is out of date; run \`npm run bundle\` and commit dist/. Differing files:\n  ${differing.join('\n  ')}`
    )
    process.exit(1)
  }
  console.log('dist/ matches a fresh build')
} finally {
  fs.rmSync(fresh, { recursive: true, force: true })
}
