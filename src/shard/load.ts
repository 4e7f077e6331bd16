import fs from 'node:fs'
import path from 'node:path'
import { getErrorMessage } from '../errors.js'
import { parseDiffShardReport, type DiffShardReport } from './diffReport.js'
import { isPushReport, parsePushShardReport, type PushShardReport } from './pushReport.js'
import { ShardReportError, type ShardStamp } from './reports.js'

export type ShardReports =
  | { kind: 'diff'; parts: DiffShardReport[] }
  | { kind: 'push'; parts: Array<{ file: string; stamp: ShardStamp; report: PushShardReport }> }

/** Files and directories → the JSON files in them (directories recursively, sorted). */
function jsonFiles(paths: readonly string[]): string[] {
  const files: string[] = []
  const walk = (dir: string) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.isFile() && entry.name.endsWith('.json')) files.push(full)
    }
  }
  for (const item of paths) {
    let stat: fs.Stats
    try {
      stat = fs.statSync(item)
    } catch (error) {
      throw new ShardReportError(
        `cannot read the shard reports at ${item}: ${getErrorMessage(error)}`
      )
    }
    if (stat.isDirectory()) walk(item)
    else files.push(item)
  }
  return files
}

/**
 * The shard reports in files and directories (downloaded artifacts): all diff reports or
 * all push reports. An empty directory yields none (every shard then counts as missing).
 */
export function readShardReports(paths: readonly string[]): ShardReports | undefined {
  const texts = jsonFiles(paths).map(file => ({ file, text: fs.readFileSync(file, 'utf8') }))
  if (texts.length === 0) return undefined
  const push = texts.map(({ file, text }) => {
    try {
      return isPushReport(JSON.parse(text))
    } catch (error) {
      throw new ShardReportError(`${file} is not JSON: ${getErrorMessage(error)}`)
    }
  })
  if (push.every(Boolean))
    return { kind: 'push', parts: texts.map(t => parsePushShardReport(t.text, t.file)) }
  if (push.some(Boolean))
    throw new ShardReportError(
      `the reports mix push reports (${texts.filter((_, i) => push[i]).map(t => t.file)[0]}) and diff reports (${texts.filter((_, i) => !push[i]).map(t => t.file)[0]})`
    )
  return { kind: 'diff', parts: texts.map(t => parseDiffShardReport(t.text, t.file)) }
}
