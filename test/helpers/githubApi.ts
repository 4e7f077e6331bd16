import { afterAll, beforeAll } from '@jest/globals'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { Ajv, type ValidateFunction } from 'ajv'
import { ROOT } from './tools.js'

interface Operation {
  method: string
  template: string
  regex: RegExp
  names: string[]
  spec: {
    parameters?: Array<{
      $ref?: string
      name?: string
      in?: string
      schema?: unknown
      required?: boolean
    }>
    requestBody?: { required?: boolean; content?: Record<string, { schema: unknown }> }
  }
}

interface OpenApi {
  paths: Record<string, Record<string, Operation['spec']>>
  components: {
    parameters: Record<string, { name: string; in: string; schema: unknown; required?: boolean }>
  } & Record<string, unknown>
}

let cached: { spec: OpenApi; operations: Operation[] } | undefined

/** GitHub's published OpenAPI description, from @octokit/openapi. */
function loadSpec(): { spec: OpenApi; operations: Operation[] } {
  if (cached) return cached
  const file = path.join(
    ROOT,
    'node_modules',
    '@octokit',
    'openapi',
    'generated',
    'api.github.com.json'
  )
  const spec = JSON.parse(fs.readFileSync(file, 'utf8')) as OpenApi
  const operations: Operation[] = []
  for (const [template, methods] of Object.entries(spec.paths)) {
    const names: string[] = []
    const regex = new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`
    )
    for (const [method, operation] of Object.entries(methods)) {
      if (['get', 'post', 'patch', 'put', 'delete'].includes(method))
        operations.push({ method: method.toUpperCase(), template, regex, names, spec: operation })
    }
  }
  cached = { spec, operations }
  return cached
}

/** GitHub refuses a comment body longer than this (422). */
const COMMENT_BODY_LIMIT = 65_536
const TOO_LONG = {
  message: 'Validation Failed',
  errors: [
    {
      resource: 'IssueComment',
      code: 'custom',
      field: 'body',
      message: 'body is too long (maximum is 65536 characters)'
    }
  ]
}

export interface ApiComment {
  id: number
  body: string
  user: { login: string; type: string }
}

export interface ApiPull {
  number: number
  title: string
  body: string
  head: string
  /** The head commit (GET pulls/{number}); defaults to zeros. */
  headSha?: string
  base: string
  state: 'open' | 'closed'
  merged: boolean
  user: { login: string }
  /** For the PRs a commit belongs to (GET commits/{sha}/pulls). */
  mergeCommitSha?: string
}

export interface ApiStatus {
  sha: string
  context: string
  state: string
  description?: string
  target_url?: string
}

export interface FakeGitHub {
  url: string
  comments: Map<number, ApiComment[]>
  /** Pull requests (promotion PRs, and source PRs added by a test). */
  pulls: ApiPull[]
  /** Commit statuses, in the order they were set. */
  statuses: ApiStatus[]
  /** A merged source PR whose merge commit is `sha` (what GET commits/{sha}/pulls finds). */
  addMergedPull(number: number, sha: string, title?: string): void
  /** Marks a PR merged and closed (as merging it on GitHub does). */
  mergePull(number: number): void
  /** Every request: method, path, and the validation problems found (should stay empty). */
  log: Array<{ method: string; path: string; operation?: string; problems: string[] }>
  /** Respond with this status to the next N matching requests. */
  failNext(method: string, pathPattern: RegExp, status: number, times?: number): void
  setLogin(login: string | undefined): void
  /** An open PR whose head is `headSha` (what GET pulls/{number} returns). */
  addOpenPull(number: number, headSha: string): void
  close(): Promise<void>
}

/**
 * A small stateful stand-in for the REST endpoints the action uses (issue comments, the
 * authenticated user), on 127.0.0.1. Every request is matched to an operation of GitHub's
 * OpenAPI description and its parameters and JSON body are validated against it; problems
 * are recorded and answered with 422, as GitHub would.
 */
export async function startFakeGitHub(): Promise<FakeGitHub> {
  const { spec, operations } = loadSpec()
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: false })
  for (const format of [
    'int32',
    'int64',
    'uri',
    'uri-template',
    'date-time',
    'date',
    'email',
    'binary',
    'hostname',
    'ipv4',
    'ipv6',
    'uuid',
    'repo.nwo'
  ])
    ajv.addFormat(format, true)
  const validators = new Map<unknown, ValidateFunction>()
  const validator = (schema: unknown) => {
    let v = validators.get(schema)
    if (!v) {
      v = ajv.compile({ ...(schema as object), components: spec.components } as object)
      validators.set(schema, v)
    }
    return v
  }
  const comments = new Map<number, ApiComment[]>()
  const pulls: ApiPull[] = []
  const statuses: ApiStatus[] = []
  let nextPull = 100
  const log: FakeGitHub['log'] = []
  const failures: Array<{ method: string; pattern: RegExp; status: number; times: number }> = []
  let login: string | undefined = 'hydrate-bot[bot]'
  let nextId = 1000

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const method = req.method ?? 'GET'
      const entry = {
        method,
        path: url.pathname,
        operation: undefined as string | undefined,
        problems: [] as string[]
      }
      log.push(entry)
      const send = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', ...headers })
        res.end(body === undefined ? '' : JSON.stringify(body))
      }
      const operation = operations.find(o => o.method === method && o.regex.test(url.pathname))
      if (!operation) {
        entry.problems.push(
          `no operation ${method} ${url.pathname} in GitHub's OpenAPI description`
        )
        return send(404, { message: 'Not Found' })
      }
      entry.operation = `${method} ${operation.template}`
      const match = operation.regex.exec(url.pathname) as RegExpExecArray
      const params: Record<string, string> = {}
      operation.names.forEach(
        (name, i) => (params[name] = decodeURIComponent(match[i + 1] as string))
      )
      // Parameters (path and query) against their schemas.
      for (const raw of operation.spec.parameters ?? []) {
        const parameter = raw.$ref
          ? spec.components.parameters[raw.$ref.split('/').pop() as string]
          : raw
        if (!parameter?.name) continue
        const value =
          parameter.in === 'path'
            ? params[parameter.name]
            : parameter.in === 'query'
              ? url.searchParams.get(parameter.name)
              : undefined
        if (value === undefined || value === null) {
          if (parameter.required)
            entry.problems.push(`missing ${parameter.in} parameter ${parameter.name}`)
          continue
        }
        const schema = parameter.schema as { type?: string }
        const typed =
          schema?.type === 'integer' || schema?.type === 'number' ? Number(value) : value
        if (!validator(parameter.schema)(typed))
          entry.problems.push(
            `${parameter.in} parameter ${parameter.name}=${value}: ${ajv.errorsText(validator(parameter.schema).errors)}`
          )
      }
      // The JSON body against the request body schema.
      const bodySchema = operation.spec.requestBody?.content?.['application/json']?.schema
      let body: Record<string, unknown> = {}
      if (chunks.length > 0) {
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
        } catch {
          entry.problems.push('body is not JSON')
        }
      }
      if (bodySchema) {
        const validate = validator(bodySchema)
        if (!validate(body)) entry.problems.push(`body: ${ajv.errorsText(validate.errors)}`)
      } else if (chunks.length > 0 && Buffer.concat(chunks).length > 0) {
        entry.problems.push('a body was sent to an operation that takes none')
      }
      if (entry.problems.length > 0)
        return send(422, { message: 'Validation Failed', errors: entry.problems })

      const failure = failures.find(
        f => f.method === method && f.pattern.test(url.pathname) && f.times > 0
      )
      if (failure) {
        failure.times--
        return send(failure.status, { message: `injected ${failure.status}` })
      }

      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const toApi = (c: ApiComment, number?: number) => ({
        id: c.id,
        node_id: `IC_${c.id}`,
        url: `${base}/repos/${params.owner ?? 'o'}/${params.repo ?? 'r'}/issues/comments/${c.id}`,
        html_url: `https://github.com/${params.owner ?? 'o'}/${params.repo ?? 'r'}/pull/${number ?? 0}#issuecomment-${c.id}`,
        body: c.body,
        user: { login: c.user.login, id: 1, type: c.user.type },
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z'
      })
      const toPull = (p: ApiPull) => ({
        id: p.number,
        number: p.number,
        url: `${base}/repos/${params.owner}/${params.repo}/pulls/${p.number}`,
        html_url: `https://github.com/${params.owner}/${params.repo}/pull/${p.number}`,
        state: p.state,
        title: p.title,
        body: p.body,
        user: { login: p.user.login, id: 1, type: 'Bot' },
        head: { ref: p.head, label: `${params.owner}:${p.head}`, sha: p.headSha ?? '0'.repeat(40) },
        base: { ref: p.base, label: `${params.owner}:${p.base}` },
        merged_at: p.merged ? '2026-01-01T00:00:00Z' : null,
        merge_commit_sha: p.mergeCommitSha ?? null
      })
      switch (entry.operation) {
        case 'GET /user':
          return login
            ? send(200, { login, id: 1, type: 'Bot' })
            : send(403, { message: 'Resource not accessible by integration' })
        case 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': {
          const number = Number(params.issue_number)
          const all = comments.get(number) ?? []
          const perPage = Number(url.searchParams.get('per_page') ?? 30)
          const page = Number(url.searchParams.get('page') ?? 1)
          const slice = all.slice((page - 1) * perPage, page * perPage)
          const headers: Record<string, string> = {}
          if (page * perPage < all.length)
            headers.link = `<${base}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next"`
          return send(
            200,
            slice.map(c => toApi(c, number)),
            headers
          )
        }
        case 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': {
          const number = Number(params.issue_number)
          if (String(body.body).length > COMMENT_BODY_LIMIT) return send(422, TOO_LONG)
          const comment: ApiComment = {
            id: nextId++,
            body: String(body.body),
            user: { login: login ?? 'github-actions[bot]', type: 'Bot' }
          }
          comments.set(number, [...(comments.get(number) ?? []), comment])
          return send(201, toApi(comment, number))
        }
        case 'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}': {
          for (const [number, list] of comments) {
            const index = list.findIndex(c => c.id === Number(params.comment_id))
            if (index !== -1) {
              comments.set(number, list.toSpliced(index, 1))
              return send(204, undefined)
            }
          }
          return send(404, { message: 'Not Found' })
        }
        case 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': {
          if (String(body.body).length > COMMENT_BODY_LIMIT) return send(422, TOO_LONG)
          for (const [number, list] of comments) {
            const comment = list.find(c => c.id === Number(params.comment_id))
            if (comment) {
              comment.body = String(body.body)
              return send(200, toApi(comment, number))
            }
          }
          return send(404, { message: 'Not Found' })
        }
        case 'GET /repos/{owner}/{repo}/pulls/{pull_number}': {
          const pull = pulls.find(p => p.number === Number(params.pull_number))
          if (!pull) return send(404, { message: 'Not Found' })
          return send(200, toPull(pull))
        }
        case 'GET /repos/{owner}/{repo}/pulls': {
          const state = url.searchParams.get('state') ?? 'open'
          const head = url.searchParams.get('head')
          const baseRef = url.searchParams.get('base')
          const found = pulls.filter(
            p =>
              (state === 'all' || p.state === state) &&
              (!head || `${params.owner}:${p.head}` === head) &&
              (!baseRef || p.base === baseRef)
          )
          return send(
            200,
            found.map(p => toPull(p))
          )
        }
        case 'POST /repos/{owner}/{repo}/pulls': {
          const head = String(body.head)
          const baseRef = String(body.base)
          if (pulls.some(p => p.state === 'open' && p.head === head && p.base === baseRef))
            return send(422, {
              message: 'Validation Failed',
              errors: [{ message: `A pull request already exists for ${params.owner}:${head}.` }]
            })
          const pull: ApiPull = {
            number: nextPull++,
            title: String(body.title),
            body: String(body.body ?? ''),
            head,
            base: baseRef,
            state: 'open',
            merged: false,
            user: { login: login ?? 'github-actions[bot]' }
          }
          pulls.push(pull)
          return send(201, toPull(pull))
        }
        case 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}': {
          const pull = pulls.find(p => p.number === Number(params.pull_number))
          if (!pull) return send(404, { message: 'Not Found' })
          if (typeof body.title === 'string') pull.title = body.title
          if (typeof body.body === 'string') pull.body = body.body
          if (body.state === 'open' || body.state === 'closed') pull.state = body.state
          return send(200, toPull(pull))
        }
        case 'POST /repos/{owner}/{repo}/statuses/{sha}': {
          const status: ApiStatus = {
            sha: params.sha as string,
            context: String(body.context ?? 'default'),
            state: String(body.state),
            description: typeof body.description === 'string' ? body.description : undefined,
            target_url: typeof body.target_url === 'string' ? body.target_url : undefined
          }
          statuses.push(status)
          return send(201, { id: statuses.length, ...status, url: `${base}/status` })
        }
        case 'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls':
          return send(
            200,
            pulls.filter(p => p.mergeCommitSha === params.commit_sha).map(p => toPull(p))
          )
        default:
          return send(501, { message: `not implemented here: ${entry.operation}` })
      }
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    comments,
    pulls,
    statuses,
    addMergedPull: (number, sha, title = 'Source change') =>
      pulls.push({
        number,
        title,
        body: '',
        head: `feature-${number}`,
        base: 'main',
        state: 'closed',
        merged: true,
        user: { login: 'a-developer' },
        mergeCommitSha: sha
      }),
    mergePull: number => {
      const pull = pulls.find(p => p.number === number)
      if (!pull) throw new Error(`no pull request #${number}`)
      pull.state = 'closed'
      pull.merged = true
    },
    log,
    failNext: (method, pattern, status, times = 1) =>
      failures.push({ method, pattern, status, times }),
    setLogin: value => (login = value),
    addOpenPull: (number, headSha) =>
      pulls.push({
        number,
        title: 'A change',
        body: '',
        head: `feature-${number}`,
        headSha,
        base: 'main',
        state: 'open',
        merged: false,
        user: { login: 'a-developer' }
      }),
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
}

/** A fake GitHub for one suite: started before its tests, closed after them. */
export function fakeGitHubForSuite(): () => FakeGitHub {
  let api: FakeGitHub | undefined
  beforeAll(async () => {
    api = await startFakeGitHub()
  })
  afterAll(async () => {
    await api?.close()
  })
  return () => {
    if (!api) throw new Error('the fake GitHub starts in beforeAll')
    return api
  }
}
