#!/usr/bin/env node
// The release workflow's tagging: tag HEAD vX.Y.Z (package.json's version, once) and move
// vX to it (not for a pre-release), push both, and write the CHANGELOG section as the notes.
// Usage: node scripts/release-tags.mjs [--remote NAME] [--notes FILE] [--if-new] [--dry-run]
// --if-new: a version already tagged on another commit is not an error (package.json changed
// without a version bump): nothing is tagged and no notes are written.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    remote: { type: 'string', default: 'origin' },
    notes: { type: 'string' },
    'if-new': { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false }
  }
})
const cwd = process.cwd()
const git = (...args) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim()
const fail = message => {
  process.stderr.write(`release: ${message}\n`)
  process.exit(1)
}

const { version } = JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf8'))
const semver = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$/.exec(version ?? '')
if (!semver) fail(`package.json's version ${JSON.stringify(version)} is not X.Y.Z`)
const tag = `v${version}`
const major = `v${semver[1]}`
const prerelease = semver[4] !== undefined

// The notes: the CHANGELOG's "## [X.Y.Z]" section, which must exist before a release.
const changelog = fs.readFileSync(path.join(cwd, 'CHANGELOG.md'), 'utf8').split('\n')
const start = changelog.findIndex(line => line.startsWith(`## [${version}]`))
if (start < 0) fail(`CHANGELOG.md has no "## [${version}]" section: write it first`)
const next = changelog.findIndex((line, i) => i > start && line.startsWith('## '))
const notes = changelog
  .slice(start + 1, next < 0 ? undefined : next)
  .join('\n')
  .trim()
if (!notes) fail(`CHANGELOG.md's section for ${version} is empty`)

const head = git('rev-parse', 'HEAD')
git('fetch', '--quiet', '--force', values.remote, 'refs/tags/*:refs/tags/*')
const tagged = ref => {
  try {
    return git('rev-parse', '-q', '--verify', `refs/tags/${ref}^{commit}`)
  } catch {
    return undefined
  }
}
const existing = tagged(tag)
if (existing && existing !== head) {
  const where = `${tag} already tags ${existing.slice(0, 7)}, not ${head.slice(0, 7)}`
  if (!values['if-new']) fail(`${where}: bump package.json's version`)
  process.stdout.write(`${where}: nothing to release\n`)
  process.exit(0)
}

const steps = []
if (!existing) steps.push(['tag', tag, head])
if (!prerelease) steps.push(['tag', '--force', major, head])
const push = [`refs/tags/${tag}`, ...(prerelease ? [] : [`+refs/tags/${major}`])]
if (values['dry-run']) {
  process.stdout.write(`would tag ${tag}${prerelease ? '' : ` and move ${major}`} at ${head}\n`)
} else {
  for (const step of steps) git(...step)
  git('push', '--quiet', values.remote, ...push)
  process.stdout.write(`${tag}${prerelease ? '' : ` and ${major}`} at ${head}\n`)
}
if (values.notes) fs.writeFileSync(values.notes, `${notes}\n`)
