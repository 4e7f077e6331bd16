#!/usr/bin/env node
// The main job: turn examples/gitops-repo into a real git repository under .work/ and run
// the bundled CLI on it, as a platform engineer would.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const work = path.join(root, '.work')
const repo = path.join(work, 'example-repo')
const out = path.join(work, 'hydrated')
const remote = path.join(work, 'deploy.git')
const env = {
  ...process.env,
  PATH: `${path.join(root, '.tools', 'bin')}${path.delimiter}${process.env.PATH}`
}
const git = (...args) => execFileSync('git', args, { cwd: repo, env, encoding: 'utf8' })
const cli = path.join(root, 'dist', 'cli', 'index.js')

function step(title) {
  process.stdout.write(`\n### ${title}\n`)
}

fs.rmSync(work, { recursive: true, force: true })
fs.mkdirSync(work, { recursive: true })
fs.cpSync(path.join(root, 'examples', 'gitops-repo'), repo, { recursive: true })
git('init', '-q', '-b', 'main')
git('config', 'user.name', 'Example Dev')
git('config', 'user.email', 'dev@example.com')
git('add', '-A')
git(
  'commit',
  '-q',
  '-m',
  'Initial dry config',
  '-m',
  'guestbook (kustomize), webapp (helm), cluster (plain YAML)'
)
execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote])
git('remote', 'add', 'origin', remote)
git('push', '-q', 'origin', 'main')

step(`hydrate render -C ${path.relative(root, repo)} --out ${path.relative(root, out)}`)
const started = performance.now()
execFileSync(process.execPath, [cli, 'render', '-C', repo, '--out', out], { env, stdio: 'inherit' })
process.stdout.write(`(${Math.round(performance.now() - started)} ms)\n`)

step('Output tree')
const files = []
const walk = dir => {
  for (const entry of fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) walk(full)
    else files.push(`${path.relative(out, full)} (${fs.statSync(full).size} bytes)`)
  }
}
walk(out)
process.stdout.write(files.map(f => `  ${f}`).join('\n') + '\n')

step('env/prod/webapp/hydrator.metadata')
process.stdout.write(
  fs.readFileSync(path.join(out, 'env', 'prod', 'webapp', 'hydrator.metadata'), 'utf8')
)

function hydratePush(title) {
  step(
    `${title}\nhydrate push -C ${path.relative(root, repo)}   (origin: ${path.relative(root, remote)})`
  )
  const started = performance.now()
  execFileSync(
    process.execPath,
    [
      cli,
      'push',
      '-C',
      repo,
      '--committer-name',
      'hydrate-example',
      '--committer-email',
      'hydrate@example.com'
    ],
    {
      env,
      stdio: ['ignore', 'inherit', 'ignore']
    }
  )
  process.stdout.write(`(${Math.round(performance.now() - started)} ms)\n`)
}

hydratePush('First hydration: every environment branch is created')

fs.appendFileSync(
  path.join(repo, 'environments', 'prod', 'webapp.yaml'),
  'greeting: hello from prod\n'
)
git('commit', '-q', '-am', 'Greet prod users')
hydratePush('A prod-only change: only env/prod moves')

step('The hydrated branches in the remote')
process.stdout.write(
  execFileSync('git', ['log', '--format=%h %d %s', '--branches=env/*'], {
    cwd: remote,
    encoding: 'utf8'
  })
)
process.stdout.write(
  execFileSync('git', ['notes', '--ref', 'hydrator.metadata', 'show', 'env/prod'], {
    cwd: remote,
    encoding: 'utf8'
  })
)

// A pull request, as a reviewer sees it: a change on a branch, and its rendered diff.
git('checkout', '-q', '-b', 'feature/tune-guestbook')
const overlay = path.join(repo, 'apps', 'guestbook', 'overlays', 'prod', 'kustomization.yaml')
fs.writeFileSync(
  overlay,
  fs
    .readFileSync(overlay, 'utf8')
    .replace('LOG_LEVEL=warn', 'LOG_LEVEL=error')
    .replace('newTag: 1.4.1', 'newTag: 1.4.2')
)
fs.writeFileSync(
  path.join(repo, 'charts', 'webapp', 'values.yaml'),
  fs
    .readFileSync(path.join(repo, 'charts', 'webapp', 'values.yaml'), 'utf8')
    .replace('memory: 128Mi', 'memory: 192Mi')
)
git('commit', '-q', '-am', 'guestbook 1.4.2 in prod, quieter logs; more memory for webapp')
step('A pull request: hydrate diff --base main (what changes in each environment)')
const diffStarted = performance.now()
const report = execFileSync(process.execPath, [cli, 'diff', '-C', repo, '--base', 'main'], {
  env,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'ignore']
})
process.stdout.write(report)
process.stdout.write(`(${Math.round(performance.now() - diffStarted)} ms)\n`)
git('checkout', '-q', 'main')
// By hand, the CLI finds helm and kubectl on PATH, not in .tools: say how to get these.
step('Running the CLI by hand')
process.stdout.write(
  `The tools used above are in .tools/bin. To use them:\n  export PATH="${path.join(root, '.tools', 'bin')}:$PATH"\n  node dist/cli/index.js doctor   # which helm and kustomize a render would run\n`
)
