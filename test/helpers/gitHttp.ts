import { spawn } from 'node:child_process'
import http from 'node:http'
import { listenOnLoopback } from './servers.js'

export interface GitHttpServer {
  url: string
  /** Authorization header counts per request, and the paths requested. */
  requests: Array<{ path: string; authorizationHeaders: number; authorized: boolean }>
  close: () => Promise<void>
}

/**
 * Real smart HTTP: `git http-backend` behind a small CGI bridge on 127.0.0.1 that requires
 * `Authorization: Basic base64(x-access-token:<token>)`, like GitHub does.
 */
export async function serveGitHttp(projectRoot: string, token: string): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`
  const requests: GitHttpServer['requests'] = []
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const headers: string[] = []
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      if (req.rawHeaders[i]?.toLowerCase() === 'authorization')
        headers.push(req.rawHeaders[i + 1] ?? '')
    const authorized = headers.length === 1 && headers[0]?.replace(/^basic/i, 'Basic') === expected
    requests.push({ path: url.pathname, authorizationHeaders: headers.length, authorized })
    if (!authorized) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' }).end('unauthorized\n')
      return
    }
    const child = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: 'x-access-token',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: (req.headers['git-protocol'] as string | undefined) ?? ''
      }
    })
    req.pipe(child.stdin)
    const chunks: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.on('close', () => {
      const out = Buffer.concat(chunks)
      let split = out.indexOf('\r\n\r\n')
      let sep = 4
      if (split === -1) {
        split = out.indexOf('\n\n')
        sep = 2
      }
      const head = out.subarray(0, split).toString('utf8')
      let status = 200
      const responseHeaders: Record<string, string> = {}
      for (const line of head.split(/\r?\n/)) {
        const colon = line.indexOf(':')
        const name = line.slice(0, colon).trim()
        const value = line.slice(colon + 1).trim()
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0])
        else if (name) responseHeaders[name] = value
      }
      res.writeHead(status, responseHeaders).end(out.subarray(split + sep))
    })
  })
  return { ...(await listenOnLoopback(server)), requests }
}
