import { describe, expect, it } from '@jest/globals'
import { kustomizeRemoteUrl } from '../../src/security/kustomizeRemote.js'
import { allowEntryProblem, RemoteAllowList } from '../../src/security/remoteAllow.js'

describe('kustomize remote references as remote.allow sees them', () => {
  it('places every form kustomize fetches from', () => {
    const cases: Array<[string, string | undefined]> = [
      ['https://github.com/acme/repo//dir?ref=v1', 'https://github.com/acme/repo//dir?ref=v1'],
      ['HTTP://charts.example.com/x.yaml', 'HTTP://charts.example.com/x.yaml'],
      ['git::https://gitlab.com/acme/repo.git//dir', 'https://gitlab.com/acme/repo.git//dir'],
      ['github.com/acme/repo/dir?ref=v1', 'https://github.com/acme/repo/dir?ref=v1'],
      ['github.com:acme/repo', 'https://github.com/acme/repo'],
      ['gh:acme/repo', 'https://github.com/acme/repo'],
      ['git@github.com:acme/repo.git//dir', 'ssh://git@github.com/acme/repo.git//dir'],
      ['git::git@127.0.0.1:acme/repo', 'ssh://git@127.0.0.1/acme/repo'],
      ['ssh://git@github.com/acme/repo.git', 'ssh://git@github.com/acme/repo.git'],
      ['bitbucket.org/acme/repo//dir?ref=v1', 'https://bitbucket.org/acme/repo//dir?ref=v1'],
      ['git::file:///srv/repo', undefined],
      ['file:///srv/repo', undefined],
      ['ext::sh -c id', undefined],
      ['git@[::1]:acme/repo', undefined]
    ]
    for (const [reference, url] of cases)
      expect({ reference, url: kustomizeRemoteUrl(reference) }).toEqual({ reference, url })
  })

  it('is judged by host, port and path; ssh entries match whatever user the reference names', () => {
    const list = new RemoteAllowList(['https://github.com/acme', 'ssh://github.com/acme'])
    const judged = (reference: string) => list.refusal(kustomizeRemoteUrl(reference) ?? '')
    for (const allowed of [
      'github.com/acme/repo/dir?ref=v1',
      'https://github.com/acme/repo//dir',
      'git@github.com:acme/repo.git',
      'ssh://deploy@github.com/acme/repo'
    ])
      expect({ allowed, refused: judged(allowed) }).toEqual({ allowed, refused: undefined })
    for (const refused of [
      'github.com/acme-evil/repo',
      'git@github.com:other/repo',
      'ssh://git@github.com:2222/acme/repo',
      'git@169.254.169.254:acme/repo',
      'ssh://git@2130706433/acme/repo',
      'git::file:///srv/repo'
    ])
      expect({ refused, why: judged(refused) }).toEqual({ refused, why: expect.any(String) })
    expect(judged('git@169.254.169.254:acme/repo')).toMatch(/never fetched from/)
    expect(judged('ssh://git@2130706433/acme/repo')).toMatch(/loopback/)
  })

  it('takes ssh:// entries without a user', () => {
    expect(allowEntryProblem('ssh://github.com/acme')).toBeUndefined()
    expect(allowEntryProblem('ssh://git@github.com/acme')).toMatch(/must not name a user/)
  })
})
