/** A stream that collects what the CLI writes to it. */
export function outputSink(): { stream: NodeJS.WritableStream; text: () => string } {
  const chunks: string[] = []
  return {
    stream: { write: (c: string) => chunks.push(c) } as unknown as NodeJS.WritableStream,
    text: () => chunks.join('')
  }
}

/** Runs `fn` with process.stderr captured; returns what was written to it. */
export async function captureStderr(fn: () => Promise<void>): Promise<string> {
  const chunks: string[] = []
  const write = process.stderr.write
  process.stderr.write = ((chunk: string) => {
    chunks.push(String(chunk))
    return true
  }) as typeof process.stderr.write
  try {
    await fn()
  } finally {
    process.stderr.write = write
  }
  return chunks.join('')
}
