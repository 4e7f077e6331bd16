import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runBundledAction } from './helpers/action.js'
import {
  checkoutWorkspace,
  cleanupTempDirs,
  commitAll,
  EXAMPLE_REPO,
  git,
  makeDryWithRemote,
  tempDir
} from './helpers/repo.js'

afterAll(cleanupTempDirs)

const COMMITTER = 'bot@example.com'

function sshKey(): { key: string; allowedSigners: string } {
  const dir = tempDir('hydrate-ssh-')
  const file = path.join(dir, 'id')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file])
  const allowedSigners = path.join(dir, 'allowed_signers')
  fs.writeFileSync(allowedSigners, `${COMMITTER} ${fs.readFileSync(`${file}.pub`, 'utf8')}`)
  return { key: fs.readFileSync(file, 'utf8'), allowedSigners }
}

describe('the bundled action with signing-key, and its provenance and images outputs', () => {
  it('signs the hydrated commits, writes the statement and its attest halves, lists images, and never shows the key', async () => {
    const { key, allowedSigners } = sshKey()
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const workspace = checkoutWorkspace(remote)
    const sha = git(workspace, 'rev-parse', 'HEAD').trim()
    const env = {
      GITHUB_WORKFLOW_REF: 'acme/dry/.github/workflows/hydrate.yml@refs/heads/main',
      GITHUB_RUN_ID: '7',
      GITHUB_REF: 'refs/heads/main'
    }
    const inputs = { 'signing-key': key, 'committer-name': 'bot', 'committer-email': COMMITTER }
    const run = await runBundledAction({
      workspace,
      eventName: 'push',
      payload: { ref: 'refs/heads/main', after: sha },
      inputs,
      env
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    for (const branch of ['env/dev', 'env/prod', 'env/staging'])
      for (const commit of git(remote, 'rev-list', `refs/heads/${branch}`)
        .split('\n')
        .filter(Boolean))
        execFileSync(
          'git',
          ['-c', `gpg.ssh.allowedSignersFile=${allowedSigners}`, 'verify-commit', commit],
          {
            cwd: remote,
            stdio: 'pipe'
          }
        )

    const statement = JSON.parse(fs.readFileSync(run.outputs.provenance ?? '', 'utf8')) as {
      subject: Array<{ name: string; digest: { sha256: string } }>
      predicate: { runDetails: { builder: { id: string } } }
    }
    expect(statement.subject.length).toBe(15)
    expect(statement.predicate.runDetails.builder.id).toBe(
      'https://github.com/acme/dry/.github/workflows/hydrate.yml@refs/heads/main'
    )
    // The halves actions/attest takes: the predicate, and sha256sum lines of the subjects.
    expect(JSON.parse(fs.readFileSync(run.outputs['provenance-predicate'] ?? '', 'utf8'))).toEqual(
      statement.predicate
    )
    const checksums = fs.readFileSync(run.outputs['provenance-checksums'] ?? '', 'utf8')
    for (const line of checksums.trim().split('\n')) {
      const [digest, name] = line.split('  ') as [string, string]
      const [branch, file] = name.split(':') as [string, string]
      const bytes = execFileSync('git', ['show', `refs/heads/${branch}:${file}`], { cwd: remote })
      expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(digest)
    }
    const images = JSON.parse(run.outputs.images ?? '{}') as {
      environments: Array<{ env: string; images: Array<{ image: string }> }>
    }
    expect(images.environments.map(e => e.env)).toEqual(['dev', 'prod', 'staging'])
    expect(images.environments[1]?.images.map(i => i.image)).toContain(
      'ghcr.io/example/guestbook:1.4.1'
    )

    // A tag bump: the summary names the image that changed.
    const overlay = path.join(dry, 'apps/guestbook/overlays/prod/kustomization.yaml')
    fs.writeFileSync(
      overlay,
      fs.readFileSync(overlay, 'utf8').replace('newTag: 1.4.1', 'newTag: 1.4.2')
    )
    commitAll(dry, 'guestbook 1.4.2')
    git(dry, 'push', '-q', 'origin', 'main')
    git(workspace, 'pull', '-q', '--ff-only', 'origin', 'main')
    const second = await runBundledAction({
      workspace,
      eventName: 'push',
      payload: { ref: 'refs/heads/main', after: git(workspace, 'rev-parse', 'HEAD').trim() },
      inputs,
      env
    })
    expect(second.status).toBe(0)
    expect(second.summary).toContain('Images that changed')
    expect(second.summary).toMatch(
      /prod: guestbook 1\.4\.1 → 1\.4\.2 \(Deployment [^)]*guestbook\)/
    )

    // The key, or any line of it, is nowhere: logs, summary, outputs, files, branches.
    const everything = [
      run.stdout,
      run.stderr,
      run.summary,
      second.stdout,
      second.summary,
      JSON.stringify(run.outputs),
      fs.readFileSync(run.outputs.provenance ?? '', 'utf8'),
      git(remote, 'log', '--all', '-p')
    ].join('\n')
    for (const line of key.split('\n').filter(l => l.length >= 16 && !l.startsWith('-----')))
      expect(everything).not.toContain(line)
    expect(fs.readdirSync(run.runnerTemp).filter(n => n.startsWith('hydrate-signing-'))).toEqual([])
  })
})
