import { createHash } from 'node:crypto'

/** The id git gives a blob with this content (sha1, or sha256 in a sha256 repository). */
export function blobId(content: string | Buffer, algorithm: 'sha1' | 'sha256' = 'sha1'): string {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  return createHash(algorithm).update(`blob ${body.length}\0`).update(body).digest('hex')
}

export interface TreeEntry {
  mode: string
  id: string
}

/** Parses `git ls-tree -r -z` output into path → entry. */
export function parseLsTree(output: string): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>()
  for (const record of output.split('\0')) {
    if (!record) continue
    const tab = record.indexOf('\t')
    const [mode = '', , id = ''] = record.slice(0, tab).split(' ')
    entries.set(record.slice(tab + 1), { mode, id })
  }
  return entries
}

/** Reads the records of `git cat-file --batch`: `<id> <type> <size>\n<content>\n` or `<name> missing\n`. */
export function parseCatFileBatch(
  output: Buffer,
  requests: string[]
): Map<string, string | undefined> {
  const texts = new Map<string, string | undefined>()
  for (const [request, bytes] of parseCatFileBatchBytes(output, requests))
    texts.set(request, bytes?.toString('utf8'))
  return texts
}

/** parseCatFileBatch with each content as the bytes git stored. */
export function parseCatFileBatchBytes(
  output: Buffer,
  requests: string[]
): Map<string, Buffer | undefined> {
  const results = new Map<string, Buffer | undefined>()
  let offset = 0
  for (const request of requests) {
    const newline = output.indexOf(0x0a, offset)
    const header = output.subarray(offset, newline).toString('utf8')
    offset = newline + 1
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
      results.set(request, undefined)
      continue
    }
    const size = Number(header.split(' ')[2])
    results.set(request, output.subarray(offset, offset + size))
    offset += size + 1
  }
  return results
}
