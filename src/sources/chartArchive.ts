import fs from 'node:fs'
import zlib from 'node:zlib'

/**
 * The regular files of a packaged chart (`charts/*.tgz`) whose names `wanted` accepts, read
 * in memory as helm reads them. A minimal ustar reader: helm archives hold nothing else.
 */
export function archiveFiles(
  file: string,
  wanted: (name: string) => boolean
): Array<{ name: string; text: string }> {
  let tar: Buffer
  try {
    tar = zlib.gunzipSync(fs.readFileSync(file))
  } catch {
    return [] // not a gzip archive: helm reports it
  }
  const files: Array<{ name: string; text: string }> = []
  const field = (start: number, length: number) =>
    tar
      .subarray(start, start + length)
      .toString('utf8')
      .replace(/\0[\s\S]*$/, '')
  for (let offset = 0; offset + 512 <= tar.length;) {
    const name = field(offset, 100)
    if (name === '') break
    const prefix = field(offset + 345, 155)
    const size = parseInt(field(offset + 124, 12).trim() || '0', 8)
    const type = field(offset + 156, 1)
    const full = prefix ? `${prefix}/${name}` : name
    const body = offset + 512
    if ((type === '0' || type === '') && wanted(full))
      files.push({ name: full, text: tar.subarray(body, body + size).toString('utf8') })
    offset = body + Math.ceil(size / 512) * 512
  }
  return files
}
