import { afterAll, describe, expect, it } from '@jest/globals'
import { diffRepository } from '../src/engine.js'
import { INPUTS_REF } from '../src/hydrate/recordedInputs.js'
import { NOTES_REF } from '../src/hydrate/remoteState.js'
import { MemoryLogger } from '../src/logger.js'
import { hydrateForTest } from './helpers/engine.js'
import { DEPLOYMENT } from './helpers/manifests.js'
import {
  checkoutWorkspace,
  cleanupTempDirs,
  commitAll,
  git,
  makeDryWithRemote,
  writeFiles
} from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const IMAGE_PATCH = (image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: main, image: "${image}"}]\n`

/** kustomize targets for dev and prod, hydrated once (state file, notes). */
async function hydrated() {
  const overlay = (env: string) => ({
    [`apps/web/${env}/kustomization.yaml`]: 'resources: [../base]\npatches: [{path: image.yaml}]\n',
    [`apps/web/${env}/image.yaml`]: IMAGE_PATCH(`registry.example/web:1.0-${env}`)
  })
  const { dry, remote } = makeDryWithRemote({
    files: {
      'hydrate.yaml':
        'version: 1\ntargets:\n  - { name: web-dev, env: dev, source: apps/web/dev, path: web }\n  - { name: web-prod, env: prod, source: apps/web/prod, path: web }\n',
      'apps/web/base/kustomization.yaml': 'resources: [deploy.yaml]\n',
      'apps/web/base/deploy.yaml': DEPLOYMENT('web', 2, 'registry.example/web:1.0'),
      ...overlay('dev'),
      ...overlay('prod')
    }
  })
  await hydrateForTest(dry)
  return { dry, remote }
}

/** Someone with push access to refs/notes/* (not to the branches) rewrites a note on env/prod. */
function forgeNote(remote: string, ref: string, text: string) {
  const clone = checkoutWorkspace(remote, { full: true })
  git(
    clone,
    'fetch',
    '-q',
    'origin',
    `${ref}:${ref}`,
    '+refs/heads/env/prod:refs/remotes/origin/env/prod'
  )
  git(clone, 'notes', `--ref=${ref}`, 'add', '-f', '-m', text, 'refs/remotes/origin/env/prod')
  git(clone, 'push', '-q', '-f', 'origin', ref)
}

describe('notes are hints, never authority', () => {
  it('an inputs note emptied on env/prod does not hide a PR that swaps the prod image', async () => {
    const { dry, remote } = await hydrated()
    const note = JSON.parse(
      git(remote, 'notes', `--ref=${INPUTS_REF}`, 'show', 'refs/heads/env/prod')
    ) as { inputs: Record<string, Record<string, unknown>> }
    // The note says the target reads nothing at all: any change would leave it unaffected.
    for (const entry of Object.values(note.inputs))
      Object.assign(entry, {
        files: [],
        directories: [],
        kustomizations: [],
        structure: { files: [], directories: [] }
      })
    forgeNote(remote, INPUTS_REF, JSON.stringify(note))
    const base = git(dry, 'rev-parse', 'HEAD').trim()
    writeFiles(dry, { 'apps/web/prod/image.yaml': IMAGE_PATCH('attacker.example/web:evil') })
    commitAll(dry, 'Swap the prod image')
    const logger = new MemoryLogger()
    const { report } = await diffRepository({ repoRoot: dry, base, logger, env: toolEnv() })
    const prod = report.targets.find(t => t.name === 'web-prod')
    expect(prod?.status).toBe('changed')
    expect(prod?.resources[0]?.diff).toContain('attacker.example/web:evil')
    expect(logger.lines).toContainEqual(
      expect.stringMatching(
        /^warning: env\/prod: its inputs note .* is not the one hydrate\.state\.json records; it is ignored/
      )
    )
    // The untouched note of env/dev is still used.
    expect(logger.lines).toContain(
      'what 1 of 2 targets read comes from the inputs noted on their branches'
    )
  })

  it('a metadata note naming the main tip does not make the next push skip the merged fix', async () => {
    const { dry, remote } = await hydrated()
    writeFiles(dry, { 'apps/web/prod/image.yaml': IMAGE_PATCH('registry.example/web:1.1-fix') })
    const fix = commitAll(dry, 'The fix')
    git(dry, 'push', '-q', 'origin', 'main')
    forgeNote(remote, NOTES_REF, JSON.stringify({ drySha: fix }))
    const logger = new MemoryLogger()
    const result = await hydrateForTest(dry, { logger })
    const prod = result.write.branches.find(b => b.branch === 'env/prod')
    expect(prod?.status).toBe('updated')
    expect(git(remote, 'show', 'refs/heads/env/prod:web/manifest.yaml')).toContain(
      'registry.example/web:1.1-fix'
    )
  })

  it('a metadata note naming a newer commit (a pushed branch built on the fix) does not make the push skip env/prod', async () => {
    const { dry, remote } = await hydrated()
    const hydratedFrom = git(dry, 'rev-parse', 'HEAD').trim()
    writeFiles(dry, { 'apps/web/prod/image.yaml': IMAGE_PATCH('registry.example/web:1.1-fix') })
    const fix = commitAll(dry, 'The fix')
    git(dry, 'push', '-q', 'origin', 'main')
    // Any branch the note-writer can push: a commit on top of the fix, so the fix is "older".
    git(dry, 'checkout', '-q', '-b', 'later')
    writeFiles(dry, { 'notes.txt': 'later\n' })
    const later = commitAll(dry, 'Later, never merged')
    git(dry, 'push', '-q', 'origin', 'later')
    git(dry, 'checkout', '-q', 'main')
    forgeNote(remote, NOTES_REF, JSON.stringify({ drySha: later }))
    const logger = new MemoryLogger()
    const result = await hydrateForTest(dry, { logger })
    const prod = result.write.branches.find(b => b.branch === 'env/prod')
    expect(prod?.status).toBe('updated')
    expect(git(remote, 'show', 'refs/heads/env/prod:web/manifest.yaml')).toContain(
      'registry.example/web:1.1-fix'
    )
    expect(logger.lines).toContain(
      `warning: env/prod: its ${NOTES_REF} note names ${later.slice(0, 7)}, newer than ${fix.slice(0, 7)}, but its commit records ${hydratedFrom.slice(0, 7)}; notes do not decide, so it is hydrated`
    )
    expect(git(remote, 'notes', `--ref=${NOTES_REF}`, 'show', 'refs/heads/env/prod')).toContain(fix)
  })

  it('a metadata note naming a commit on another line of history does not make hydrate push refuse', async () => {
    const { dry, remote } = await hydrated()
    const base = git(dry, 'rev-parse', 'HEAD').trim()
    git(dry, 'checkout', '-q', '-b', 'elsewhere', base)
    writeFiles(dry, { 'notes.txt': 'elsewhere\n' })
    const elsewhere = commitAll(dry, 'Another line')
    git(dry, 'push', '-q', 'origin', 'elsewhere')
    git(dry, 'checkout', '-q', 'main')
    writeFiles(dry, { 'apps/web/prod/image.yaml': IMAGE_PATCH('registry.example/web:1.1-fix') })
    commitAll(dry, 'The fix')
    git(dry, 'push', '-q', 'origin', 'main')
    forgeNote(remote, NOTES_REF, JSON.stringify({ drySha: elsewhere }))
    // The CLI's policy: any branch recording a commit this one does not contain refuses.
    const result = await hydrateForTest(dry, { rollback: 'refuse' })
    expect(result.write.pushed).toBe(true)
    expect(git(remote, 'show', 'refs/heads/env/prod:web/manifest.yaml')).toContain(
      'registry.example/web:1.1-fix'
    )
  })

  it('a late run of an older commit leaves an honest newer note as it is (no output change)', async () => {
    const { dry, remote } = await hydrated()
    const older = git(dry, 'rev-parse', 'HEAD').trim()
    writeFiles(dry, { 'docs.md': 'nothing any target reads\n' })
    const newer = commitAll(dry, 'Docs only')
    git(dry, 'push', '-q', 'origin', 'main')
    const first = await hydrateForTest(dry)
    expect(first.write.branches.map(b => b.status)).toEqual(['unchanged', 'unchanged'])
    const note = () => git(remote, 'notes', `--ref=${NOTES_REF}`, 'show', 'refs/heads/env/prod')
    expect(note()).toContain(newer)
    const refs = git(remote, 'for-each-ref')

    git(dry, 'checkout', '-q', '--detach', older)
    const late = await hydrateForTest(dry)
    expect(late.write.pushed).toBe(false)
    expect(note()).toContain(newer)
    expect(git(remote, 'for-each-ref')).toBe(refs)
  })
})
