import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { getErrorMessage, HydrateError } from '../errors.js'
import type { Logger } from '../logger.js'
import { archiveFiles } from '../sources/chartArchive.js'
import { describeRemoteChart, remoteChartName, type RemoteChart } from '../sources/remoteChart.js'

/** Sets the cache directory (docs/adr/0013); never read from the repository. */
export const CHART_CACHE_ENV = 'HYDRATE_CHART_CACHE'

const ARCHIVE = 'chart.tgz'
const ENTRY = 'entry.json'

/** A remote chart pinned to one version: the cache key. */
export type PinnedChart = RemoteChart & { version: string }

export interface CachedChart {
  /** Absolute path of the verified archive. */
  archive: string
  sha256: string
  /** Fetched by this call, not found in the cache. */
  downloaded: boolean
}

/** What the cache records next to each archive. */
interface CacheEntry {
  repo: string | null
  chart: string
  version: string
  sha256: string
}

/** A chart could not be fetched, or what arrived is not the chart asked for. */
export class ChartDownloadError extends HydrateError {
  constructor(
    message: string,
    /** The tool's output, shown under the message. */
    readonly detail = ''
  ) {
    super(message)
  }
}

/** `HYDRATE_CHART_CACHE`, else `$XDG_CACHE_HOME/hydrate/charts`, else `~/.cache/hydrate/charts`. */
export function chartCacheDir(env: NodeJS.ProcessEnv): string {
  const chosen = env[CHART_CACHE_ENV]?.trim()
  if (chosen) return path.resolve(chosen)
  const base =
    env.XDG_CACHE_HOME?.trim() || (env.HOME ? path.join(env.HOME, '.cache') : os.tmpdir())
  return path.join(base, 'hydrate', 'charts')
}

function sha256(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex')
}

function keyOf(chart: PinnedChart): [repo: string | null, chart: string, version: string] {
  return [chart.repo?.replace(/\/+$/, '') ?? null, chart.chart, chart.version.trim()]
}

/** `1.2.3` and `v1.2.3` name the same release. */
function sameVersion(a: string, b: string): boolean {
  return a.trim().replace(/^v/, '') === b.trim().replace(/^v/, '')
}

/** Why an archive is not the chart asked for (its own Chart.yaml's name and version), or undefined. */
export function archiveMismatch(file: string, chart: PinnedChart): string | undefined {
  const found = archiveFiles(file, name => /^[^/]+\/Chart\.yaml$/.test(name))
  if (found.length !== 1) return 'is not a chart archive (no single <chart>/Chart.yaml)'
  let meta: { name?: unknown; version?: unknown } | null
  try {
    meta = parse(found[0]?.text ?? '') as typeof meta
  } catch (error) {
    return `has a Chart.yaml that does not parse: ${getErrorMessage(error)}`
  }
  const name = remoteChartName(chart)
  if (meta?.name !== name) return `holds chart ${String(meta?.name)}, not ${name}`
  if (typeof meta.version !== 'string' || !sameVersion(meta.version, chart.version))
    return `holds version ${String(meta.version)}, not ${chart.version}`
  return undefined
}

/**
 * Pinned remote charts, downloaded once and kept across runs (docs/adr/0013). An entry is a
 * directory named after the key with the archive and what we recorded about it; it is
 * written by rename, so a reader sees a whole entry or none, and every read checks the
 * archive's sha256 and its own name and version against the key.
 */
export class ChartCache {
  /** One fetch per key per run: the targets and both sides of a diff share it. */
  private readonly pending = new Map<string, Promise<CachedChart>>()
  private readonly charts = new Map<string, PinnedChart>()

  constructor(
    readonly dir: string,
    private readonly logger?: Logger
  ) {}

  /** The archive of `chart`; on a miss, `download(into)` must leave exactly one .tgz in `into`. */
  fetch(chart: PinnedChart, download: (into: string) => Promise<void>): Promise<CachedChart> {
    const key = JSON.stringify(keyOf(chart))
    let pending = this.pending.get(key)
    if (!pending) {
      pending = this.load(chart, key, download)
      this.pending.set(key, pending)
      this.charts.set(key, chart)
    }
    return pending
  }

  /** The charts this run used (fetched or from the cache) and their archives' sha256. */
  async used(): Promise<Array<{ chart: PinnedChart; sha256: string }>> {
    const used: Array<{ chart: PinnedChart; sha256: string }> = []
    for (const [key, pending] of this.pending) {
      const cached = await pending.catch(() => undefined)
      const chart = this.charts.get(key)
      if (cached && chart) used.push({ chart, sha256: cached.sha256 })
    }
    return used
  }

  private entryDir(chart: PinnedChart, key: string): string {
    const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_')
    const digest = sha256(Buffer.from(key)).slice(0, 16)
    return path.join(this.dir, `${safe(remoteChartName(chart))}-${safe(chart.version)}-${digest}`)
  }

  /** A verified entry, or undefined (a bad one is removed: it is downloaded again). */
  private read(dir: string, chart: PinnedChart): CachedChart | undefined {
    let entry: CacheEntry
    let bytes: Buffer
    try {
      entry = JSON.parse(fs.readFileSync(path.join(dir, ENTRY), 'utf8')) as CacheEntry
      bytes = fs.readFileSync(path.join(dir, ARCHIVE))
    } catch {
      if (!fs.existsSync(dir)) return undefined
      return this.discard(dir, chart, 'is incomplete')
    }
    const archive = path.join(dir, ARCHIVE)
    const [repo, name, version] = keyOf(chart)
    if (entry.repo !== repo || entry.chart !== name || entry.version !== version)
      return this.discard(dir, chart, 'records another chart')
    if (sha256(bytes) !== entry.sha256)
      return this.discard(dir, chart, 'does not match its recorded sha256')
    const mismatch = archiveMismatch(archive, chart)
    if (mismatch) return this.discard(dir, chart, mismatch)
    return { archive, sha256: entry.sha256, downloaded: false }
  }

  private discard(dir: string, chart: PinnedChart, why: string): undefined {
    this.logger?.warning(
      `chart cache: the entry for ${describeRemoteChart(chart)} ${chart.version} ${why}; downloading it again`
    )
    fs.rmSync(dir, { recursive: true, force: true })
    return undefined
  }

  private async load(
    chart: PinnedChart,
    key: string,
    download: (into: string) => Promise<void>
  ): Promise<CachedChart> {
    const dir = this.entryDir(chart, key)
    const cached = this.read(dir, chart)
    if (cached) {
      this.logger?.debug(
        `chart ${describeRemoteChart(chart)} ${chart.version} from the cache (sha256 ${cached.sha256})`
      )
      return cached
    }
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    // Scratch space inside the cache directory: the finished entry is renamed into place.
    const scratch = fs.mkdtempSync(path.join(this.dir, '.download-'))
    try {
      const into = path.join(scratch, 'download')
      fs.mkdirSync(into)
      await download(into)
      const archives = fs.readdirSync(into).filter(name => name.endsWith('.tgz'))
      const what = `${describeRemoteChart(chart)} ${chart.version}`
      if (archives.length !== 1)
        throw new ChartDownloadError(
          `downloading chart ${what} gave ${archives.length} archives, expected one`
        )
      const downloaded = path.join(into, archives[0] as string)
      const mismatch = archiveMismatch(downloaded, chart)
      if (mismatch)
        throw new ChartDownloadError(`the archive downloaded for chart ${what} ${mismatch}`)
      const bytes = fs.readFileSync(downloaded)
      const [repo, name, version] = keyOf(chart)
      const entry: CacheEntry = { repo, chart: name, version, sha256: sha256(bytes) }
      const staged = path.join(scratch, 'entry')
      fs.mkdirSync(staged)
      fs.writeFileSync(path.join(staged, ARCHIVE), bytes)
      fs.writeFileSync(path.join(staged, ENTRY), `${JSON.stringify(entry, null, 2)}\n`)
      try {
        fs.renameSync(staged, dir)
      } catch {
        // Another run stored it meanwhile: theirs is as good when it verifies.
        const theirs = this.read(dir, chart)
        if (theirs) return { ...theirs, downloaded: true }
        fs.renameSync(staged, dir)
      }
      this.logger?.info(`downloaded chart ${what} into the chart cache (sha256 ${entry.sha256})`)
      return { archive: path.join(dir, ARCHIVE), sha256: entry.sha256, downloaded: true }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true })
    }
  }
}
