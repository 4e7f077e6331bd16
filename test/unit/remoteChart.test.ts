import { describe, expect, it } from '@jest/globals'
import {
  dependencyChart,
  isPinned,
  notPinnedReason,
  remoteChartName
} from '../../src/sources/remoteChart.js'

describe('remote chart references', () => {
  it('an exact semver, or an OCI digest, is pinned; ranges and no version are not', () => {
    const chart = (version: string | undefined, ref = 'redis') => ({
      repo: 'https://charts.example.com',
      chart: ref,
      version
    })
    for (const version of ['1.2.3', 'v1.2.3', '1.2.3-rc.1', '0.0.1+build.5'])
      expect(isPinned(chart(version))).toBe(true)
    for (const version of [
      '^1.2.3',
      '~1.2',
      '1.x',
      '*',
      '>=1.0.0',
      '1.2',
      '1.2.3 || 2.0.0',
      undefined
    ])
      expect(isPinned(chart(version))).toBe(false)
    const digest = `oci://registry.example.com/charts/redis@sha256:${'a'.repeat(64)}`
    expect(isPinned({ chart: digest, version: '^1' })).toBe(true)
    expect(remoteChartName({ chart: digest })).toBe('redis')
  })

  it('reads Chart.yaml dependencies as remote charts; file:// and named repositories are not', () => {
    expect(
      dependencyChart({
        name: 'redis',
        version: '1.0.0',
        repository: 'oci://r.example.com/charts/'
      })
    ).toEqual({ chart: 'oci://r.example.com/charts/redis', version: '1.0.0' })
    expect(dependencyChart({ name: 'redis', repository: 'https://c.example.com' })).toEqual({
      repo: 'https://c.example.com',
      chart: 'redis',
      version: undefined
    })
    expect(dependencyChart({ name: 'x', repository: 'file://../x' })).toBeUndefined()
    expect(dependencyChart({ name: 'x', repository: '@stable' })).toBeUndefined()
  })

  it('says why a reference is not pinned', () => {
    expect(notPinnedReason({ chart: 'oci://r.example.com/c/app', version: '^2' })).toBe(
      'chart oci://r.example.com/c/app is not pinned to a version (version "^2" is a range)'
    )
  })
})
