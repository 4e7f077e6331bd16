import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runCli } from '../src/cli/run.js'
import { containerImages, parseImageReference } from '../src/images/containerImages.js'
import { parseManifests } from '../src/manifests/parse.js'
import { hydrateForTest } from './helpers/engine.js'
import { outputSink } from './helpers/cli.js'
import { cleanupTempDirs, commitAll, EXAMPLE_REPO, makeDryWithRemote } from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

interface Listed {
  environments: Array<{
    env: string
    branch: string
    images: Array<{
      target: string
      resource: string
      container: string
      field: string
      image: string
      tag: string | null
      digest: string | null
    }>
  }>
  unread: unknown[]
}

async function images(dry: string, ...flags: string[]): Promise<{ code: number; text: string }> {
  const sink = outputSink()
  const env = process.env
  const saved = { ...env }
  Object.assign(process.env, toolEnv())
  try {
    const code = await runCli(['images', '-C', dry, ...flags], sink.stream)
    return { code, text: sink.text() }
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
  }
}

describe('hydrate images', () => {
  it('lists every container image per environment from the branches, the same as from a render, and the push names what changed', async () => {
    const { dry } = makeDryWithRemote({ from: EXAMPLE_REPO })
    await hydrateForTest(dry)
    const fromBranches = await images(dry, '--format', 'json')
    expect(fromBranches.code).toBe(0)
    const listed = JSON.parse(fromBranches.text) as Listed
    expect(listed.unread).toEqual([])
    expect(listed.environments.map(e => [e.env, e.branch])).toEqual([
      ['dev', 'env/dev'],
      ['prod', 'env/prod'],
      ['staging', 'env/staging']
    ])
    const prod = listed.environments.find(e => e.env === 'prod')!.images
    const imageOf = (target: string, container: string) =>
      prod.find(i => i.target === target && i.container === container)
    expect(imageOf('guestbook-prod', 'guestbook')).toMatchObject({
      resource: expect.stringContaining('Deployment') as unknown as string,
      field: 'containers',
      image: 'ghcr.io/example/guestbook:1.4.1',
      tag: '1.4.1',
      digest: null
    })
    expect(prod.some(i => i.image === 'quay.io/prometheus/node-exporter:v1.8.2')).toBe(true)
    // The chart's PreSync migration Job is listed with its own container.
    expect(prod.some(i => i.target === 'webapp-prod' && i.resource.startsWith('Job'))).toBe(true)
    const dev = listed.environments.find(e => e.env === 'dev')!.images
    expect(dev.find(i => i.target === 'guestbook-dev')?.tag).toBe('1.5.0-rc.1')

    // A render of the same commit lists the same images.
    const fromRender = await images(dry, '--format', 'json', '--from', 'render')
    expect(JSON.parse(fromRender.text)).toEqual(listed)
    const text = await images(dry)
    expect(text.text).toContain('prod (env/prod)\n')
    expect(text.text).toMatch(
      /guestbook-prod {2}Deployment \S+ {2}guestbook {2}ghcr\.io\/example\/guestbook:1\.4\.1/
    )

    // A tag bump in prod: the push says which image changed, in prod only.
    const overlay = path.join(dry, 'apps/guestbook/overlays/prod/kustomization.yaml')
    fs.writeFileSync(
      overlay,
      fs.readFileSync(overlay, 'utf8').replace('newTag: 1.4.1', 'newTag: 1.4.2')
    )
    commitAll(dry, 'guestbook 1.4.2 in prod')
    const pushed = await hydrateForTest(dry, { images: 'all' })
    expect(pushed.images?.changes).toEqual([
      {
        env: 'prod',
        target: 'guestbook-prod',
        resource: expect.stringContaining('Deployment') as unknown as string,
        container: 'guestbook',
        before: 'ghcr.io/example/guestbook:1.4.1',
        after: 'ghcr.io/example/guestbook:1.4.2'
      }
    ])
    expect(pushed.images?.images?.length).toBe(listed.environments.flatMap(e => e.images).length)
  })

  it('says which targets it could not read when a branch does not exist (exit 1)', async () => {
    const { dry } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const result = await images(dry)
    expect(result.code).toBe(1)
    expect(result.text).toContain('not read: guestbook-prod: branch env/prod does not exist')
  })
})

describe('container images of a resource', () => {
  it('reads containers, init and ephemeral containers of Pods, templates and CronJobs', () => {
    const { resources } = parseManifests(
      [
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers: [{name: init, image: "busybox@sha256:' +
          'a'.repeat(64) +
          '"}]\n  containers: [{name: app, image: "registry.local:5000/app"}]\n  ephemeralContainers: [{name: debug, image: "busybox:1.36"}]\n',
        'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: job, image: "ghcr.io/acme/job:2.0@sha256:' +
          'b'.repeat(64) +
          '"}]\n',
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {image: "not/a:container"}\n'
      ].join('---\n'),
      't'
    )
    const target = { name: 't', env: 'prod', branch: 'env/prod' } as Parameters<
      typeof containerImages
    >[0]
    expect(
      containerImages(target, resources).map(i => [
        i.container,
        i.field,
        i.repository,
        i.tag,
        i.digest?.slice(0, 8) ?? null
      ])
    ).toEqual([
      ['init', 'initContainers', 'busybox', null, 'sha256:a'],
      ['app', 'containers', 'registry.local:5000/app', null, null],
      ['debug', 'ephemeralContainers', 'busybox', '1.36', null],
      ['job', 'containers', 'ghcr.io/acme/job', '2.0', 'sha256:b']
    ])
    expect(parseImageReference('nginx')).toEqual({ repository: 'nginx', tag: null, digest: null })
  })
})
