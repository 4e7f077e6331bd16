import { getErrorMessage, HydrateError } from '../errors.js'
import { formatShardId, parseShardId } from './plan.js'

/** What every shard report carries: which shard of which plan wrote it. */
export interface ShardStamp {
  /** `I/N`. */
  id: string
  /** The plan's fingerprint (commit, N, target set). */
  fingerprint: string
}

/** Reports of another plan, twice the same shard, or not shard reports at all. */
export class ShardReportError extends HydrateError {}

/** Some shards sent no report: the merged result is not the whole. */
export class IncompleteShardsError extends HydrateError {
  constructor(
    readonly missing: readonly string[],
    readonly count: number
  ) {
    super(
      `shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${count} sent no report (failed or cancelled): the merged report is incomplete`
    )
  }
}

/** A shard report file's JSON and its stamp; anything else is a ShardReportError naming the file. */
export function readShardJson(text: string, file: string): { data: unknown; stamp: ShardStamp } {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ShardReportError(`${file} is not JSON: ${getErrorMessage(error)}`)
  }
  return { data, stamp: readStamp(data, file) }
}

export function readStamp(data: unknown, file: string): ShardStamp {
  const shard = (data as { shard?: Partial<ShardStamp> } | null)?.shard
  if (!shard || typeof shard.id !== 'string' || typeof shard.fingerprint !== 'string')
    throw new ShardReportError(
      `${file} is not a shard report (no "shard" stamp): write it with --shard (the action's shard input)`
    )
  parseShardId(shard.id, `${file}: its shard`)
  return { id: shard.id, fingerprint: shard.fingerprint }
}

export interface ShardCompleteness {
  count: number
  fingerprint: string
  /** Shard ids (`I/N`) with no report. */
  missing: string[]
}

/**
 * Do the reports make one plan's whole? A report of another plan (fingerprint) or a shard
 * reported twice is an error at once; the shards that sent nothing are returned, so that
 * the caller can say which before it fails.
 */
export function checkShards(
  stamps: ReadonlyArray<{ file: string; stamp: ShardStamp }>,
  expected?: { fingerprint: string; count: number }
): ShardCompleteness {
  const first = stamps[0]
  if (!first && !expected) throw new ShardReportError('no shard reports to merge')
  const fingerprint = expected?.fingerprint ?? (first as { stamp: ShardStamp }).stamp.fingerprint
  const count = expected?.count ?? parseShardId(first?.stamp.id ?? '1/1').count
  const seen = new Map<number, string>()
  for (const { file, stamp } of stamps) {
    const id = parseShardId(stamp.id, `${file}: its shard`)
    if (stamp.fingerprint !== fingerprint || id.count !== count)
      throw new ShardReportError(
        `${file} is shard ${stamp.id} of another plan (fingerprint ${stamp.fingerprint}, expected ${fingerprint} with ${count} shards): a foreign report is never merged`
      )
    const other = seen.get(id.index)
    if (other !== undefined)
      throw new ShardReportError(`shard ${stamp.id} is reported twice: ${other} and ${file}`)
    seen.set(id.index, file)
  }
  const missing: string[] = []
  for (let index = 1; index <= count; index++)
    if (!seen.has(index)) missing.push(formatShardId({ index, count }))
  return { count, fingerprint, missing }
}
