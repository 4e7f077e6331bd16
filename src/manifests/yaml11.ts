import type { ParseOptions, DocumentOptions, SchemaOptions, ScalarTag, Tags } from 'yaml'
import { resolvePlain, type Resolved } from './goScalars.js'

const INT = 'tag:yaml.org,2002:int'
const FLOAT = 'tag:yaml.org,2002:float'
const TIMESTAMP = 'tag:yaml.org,2002:timestamp'

/** The yaml package asks a tag's `test` RegExp; this one asks go-yaml v2's resolver instead. */
class ResolvesAs extends RegExp {
  constructor(private readonly kind: Resolved['kind']) {
    super('(?:)')
  }
  override test(value: string): boolean {
    return resolvePlain(value, 'v2').kind === this.kind
  }
}

function resolved(value: string): Resolved {
  return resolvePlain(value, 'v2')
}

const goInt: ScalarTag = {
  tag: INT,
  default: true,
  test: new ResolvesAs('int'),
  resolve: value => {
    const r = resolved(value)
    return r.kind === 'int' ? r.value : value
  }
}

const goFloat: ScalarTag = {
  tag: FLOAT,
  default: true,
  test: new ResolvesAs('float'),
  resolve: value => {
    const r = resolved(value)
    return r.kind === 'float' ? r.value : value
  }
}

/**
 * YAML 1.1 as Kubernetes reads it: sigs.k8s.io/yaml, i.e. go-yaml v2. The yaml package's 1.1
 * schema is close but not the same: it reads `1:20` as sexagesimal 80 and `2001-12-14` as a
 * date (go-yaml keeps both strings), and misses Go's `0o17` and `0X1F`. Its int and float
 * tags are replaced by go-yaml's resolver; booleans and nulls already match.
 */
function kubernetesTags(tags: Tags): Tags {
  const kept = tags.filter(t => typeof t === 'string' || ![INT, FLOAT, TIMESTAMP].includes(t.tag))
  return [...kept, goInt, goFloat]
}

/** Ints come back as bigint (kept exact), floats as number: the two stay apart for Argo. */
export const KUBERNETES_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: kubernetesTags,
  uniqueKeys: false
}
