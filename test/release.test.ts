import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { cleanupTempDirs, commitAll, git, makeDryWithRemote, tempDir } from './helpers/repo.js'
import { ROOT } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const SCRIPT = path.join(ROOT, 'scripts', 'release-tags.mjs')

function release(repo: string, version: string, changelog: string) {
  fs.writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ version }))
  fs.writeFileSync(path.join(repo, 'CHANGELOG.md'), changelog)
  return commitAll(repo, `Release ${version}`)
}

function run(repo: string, notes?: string, ...flags: string[]) {
  const result = spawnSync(
    process.execPath,
    [SCRIPT, ...(notes ? ['--notes', notes] : []), ...flags],
    {
      cwd: repo,
      encoding: 'utf8'
    }
  )
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

const tagOf = (remote: string, tag: string) =>
  git(remote, 'rev-parse', `refs/tags/${tag}^{commit}`).trim()

const CHANGELOG =
  '# Changelog\n\n## [1.1.0] - 2026-12-07\n\n- Faster.\n\n## [1.0.0] - 2026-11-01\n\n- First.\n'

describe('the release workflow tags vX.Y.Z and moves vX', () => {
  it('tags once, moves the major tag, writes the notes, and refuses a version that tags another commit', () => {
    const { dry, remote } = makeDryWithRemote()
    const first = release(dry, '1.0.0', '# Changelog\n\n## [1.0.0] - 2026-11-01\n\n- First.\n')
    expect(run(dry).status).toBe(0)
    expect(tagOf(remote, 'v1.0.0')).toBe(first)
    expect(tagOf(remote, 'v1')).toBe(first)

    const second = release(dry, '1.1.0', CHANGELOG)
    const notes = path.join(tempDir(), 'notes.md')
    const ok = run(dry, notes)
    expect(ok).toMatchObject({ status: 0, stdout: `v1.1.0 and v1 at ${second}\n` })
    expect(tagOf(remote, 'v1')).toBe(second)
    expect(tagOf(remote, 'v1.0.0')).toBe(first)
    expect(fs.readFileSync(notes, 'utf8')).toBe('- Faster.\n')
    // Run again (a re-run of the workflow): nothing changes.
    expect(run(dry).status).toBe(0)

    fs.writeFileSync(path.join(dry, 'README.md'), 'later\n')
    const third = commitAll(dry, 'A change without a version bump')
    const refused = run(dry)
    expect(refused.status).toBe(1)
    expect(refused.stderr).toBe(
      `release: v1.1.0 already tags ${second.slice(0, 7)}, not ${third.slice(0, 7)}: bump package.json's version\n`
    )
    expect(tagOf(remote, 'v1')).toBe(second)
    // From the push trigger (package.json changed, version not): nothing to release.
    const later = path.join(tempDir(), 'later.md')
    expect(run(dry, later, '--if-new')).toMatchObject({
      status: 0,
      stdout: `v1.1.0 already tags ${second.slice(0, 7)}, not ${third.slice(0, 7)}: nothing to release\n`
    })
    expect(fs.existsSync(later)).toBe(false)
  })

  it('a pre-release leaves vX alone; a version without a CHANGELOG section is refused', () => {
    const { dry, remote } = makeDryWithRemote()
    const stable = release(dry, '2.0.0', '# Changelog\n\n## [2.0.0]\n\n- Two.\n')
    expect(run(dry).status).toBe(0)
    const rc = release(
      dry,
      '2.1.0-rc.1',
      '# Changelog\n\n## [2.1.0-rc.1]\n\n- Soon.\n\n## [2.0.0]\n\n- Two.\n'
    )
    expect(run(dry).status).toBe(0)
    expect(tagOf(remote, 'v2.1.0-rc.1')).toBe(rc)
    expect(tagOf(remote, 'v2')).toBe(stable)

    release(dry, '2.1.0', '# Changelog\n\n## [2.0.0]\n\n- Two.\n')
    const missing = run(dry)
    expect(missing.status).toBe(1)
    expect(missing.stderr).toBe(
      'release: CHANGELOG.md has no "## [2.1.0]" section: write it first\n'
    )
  })
})

describe("this project's CHANGELOG", () => {
  it("has the section the release of package.json's version publishes", () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
    const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8')
    expect(changelog).toMatch(
      new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]\\n\\n\\S`, 'm')
    )
  })
})
