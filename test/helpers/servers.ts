import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import type { AddressInfo } from 'node:net'

/** Starts an HTTP server on a free port of 127.0.0.1; returns its URL and a close function. */
export async function listenOnLoopback(
  server: http.Server
): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
}

/** Serves a directory over HTTP on 127.0.0.1 (a Helm chart repository). */
export async function serveDirectory(
  dir: string
): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '')
    const file = path.join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found')
      return
    }
    res.writeHead(200, {
      'content-type': file.endsWith('.yaml') ? 'text/yaml' : 'application/octet-stream'
    })
    fs.createReadStream(file).pipe(res)
  })
  return { ...(await listenOnLoopback(server)), requests }
}

export async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** A real OCI registry (Debian's docker-registry, the CNCF distribution server) on 127.0.0.1. */
export async function startRegistry(
  storage: string
): Promise<{ host: string; stop: () => Promise<void> }> {
  const port = await freePort()
  const config = path.join(storage, 'config.yml')
  fs.writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(storage, 'data')}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      ''
    ].join('\n')
  )
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: 'ignore' })
  const host = `127.0.0.1:${port}`
  const deadline = Date.now() + 15_000
  for (;;) {
    const ok = await new Promise<boolean>(resolve => {
      http
        .get(`http://${host}/v2/`, res => resolve(res.statusCode === 200))
        .on('error', () => resolve(false))
    })
    if (ok) break
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error('docker-registry did not start')
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return {
    host,
    stop: async () => {
      child.kill('SIGTERM')
      await new Promise(resolve =>
        child.exitCode !== null ? resolve(null) : child.once('exit', resolve)
      )
    }
  }
}
