import type { DiffReport, Highlight, TargetDiff } from '../diff/types.js'
import type { Finding } from '../policy/types.js'
import {
  arrayOf,
  bool,
  count,
  name,
  nullable,
  object,
  oneOf,
  recordOf,
  SchemaError,
  sha,
  text,
  type Check
} from './schema.js'

// The JSON report (README "The rendered diff") as a schema: what a report from outside the
// trusted job (a shard's, a fork's) must be before anything reads it.

const counts = object({ added: count, modified: count, removed: count, renamed: count })

const resource = object(
  {
    group: name,
    kind: name,
    namespace: name,
    name,
    change: oneOf(['added', 'removed', 'modified', 'renamed']),
    diff: text()
  },
  { previousName: name }
)

const highlightShapes = {
  image: object({
    type: oneOf(['image']),
    resource: name,
    container: name,
    before: text(4096),
    after: text(4096)
  }),
  replicas: object({
    type: oneOf(['replicas']),
    resource: name,
    before: nullable(count),
    after: nullable(count)
  }),
  resources: object({
    type: oneOf(['resources']),
    resource: name,
    container: name,
    field: name,
    before: nullable(text(4096)),
    after: nullable(text(4096))
  }),
  field: object({
    type: oneOf(['field']),
    resource: name,
    field: oneOf(['selector', 'pod labels', 'volume claims', 'storage', 'rules', 'ports']),
    before: nullable(text(16_384)),
    after: nullable(text(16_384))
  })
}

const highlight: Check<Highlight> = (value, at) => {
  const type = (value as { type?: unknown } | null)?.type
  const shape =
    typeof type === 'string' && Object.hasOwn(highlightShapes, type)
      ? highlightShapes[type as keyof typeof highlightShapes]
      : undefined
  if (!shape) throw new SchemaError(`${at}.type`, 'one of image, replicas, resources, field')
  return shape(value, at) as Highlight
}

const target: Check<TargetDiff> = object(
  {
    name,
    env: name,
    branch: name,
    path: name,
    status: oneOf(['changed', 'unchanged', 'ignored-only', 'added', 'removed', 'error']),
    counts,
    resources: arrayOf(resource)
  },
  {
    error: text(),
    ignoredFields: arrayOf(text(4096)),
    warnings: arrayOf(text()),
    wouldHide: arrayOf(text(4096)),
    highlights: arrayOf(highlight)
  }
)

const finding: Check<Finding> = object(
  {
    target: name,
    resource: name,
    rule: name,
    severity: oneOf(['error', 'warning', 'notice']),
    message: text(65_536)
  },
  { field: text(4096), fix: text(65_536), preExisting: bool }
)

const reportShape = {
  base: sha,
  head: sha,
  targets: arrayOf(target),
  findings: arrayOf(finding)
}
const reportOptional = {
  rendering: object({
    rendered: object({ base: count, head: count }),
    fromBranches: count
  })
}

/** The JSON report, checked field by field. */
export const diffReport: Check<DiffReport> = object(reportShape, reportOptional)

const timings = object({ baseMs: count, headMs: count, totalMs: count })

/** A shard's diff report: the report plus its `shard` stamp. */
export const diffShardReport = object(
  {
    ...reportShape,
    shard: object({ id: name, fingerprint: name }, { order: recordOf(count), timings })
  },
  reportOptional
)
