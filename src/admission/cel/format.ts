import { celList, type CelFunc, type CelValue } from '@bufbuild/cel'
import { func, kindMethod, MAP, STRING } from './kinds.js'
import { none, some } from './optional.js'
import { kinded, payload } from './values.js'

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
const DNS1035 = '[a-z]([-a-z0-9]*[a-z0-9])?'
const QUALIFIED = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`

type Check = (text: string) => string[]

function pattern(regex: string, max: number, what: string): Check {
  const re = new RegExp(`^${regex}$`)
  return text => [
    ...(text.length > max ? [`must be no more than ${max} characters`] : []),
    ...(re.test(text) ? [] : [`a ${what} must match the regex '${regex}'`])
  ]
}

const prefix =
  (check: Check): Check =>
  text =>
    check(text.replace(/-$/, '') || 'a')

const dns1123Label = pattern(LABEL, 63, 'lowercase RFC 1123 label')
const dns1123Subdomain = pattern(SUBDOMAIN, 253, 'lowercase RFC 1123 subdomain')
const dns1035Label = pattern(DNS1035, 63, 'DNS-1035 label')

function qualifiedName(text: string): string[] {
  const parts = text.split('/')
  if (parts.length > 2)
    return ['a qualified name must consist of a name and an optional DNS subdomain prefix']
  const name = parts.at(-1)!
  return [
    ...(parts.length === 2 ? dns1123Subdomain(parts[0]!).map(e => `prefix part ${e}`) : []),
    ...(name === ''
      ? ['name part must be non-empty']
      : pattern(QUALIFIED, 63, 'qualified name')(name))
  ]
}

const FORMATS: Record<string, Check> = {
  dns1123Label,
  dns1123Subdomain,
  dns1035Label,
  qualifiedName,
  dns1123LabelPrefix: prefix(dns1123Label),
  dns1123SubdomainPrefix: prefix(dns1123Subdomain),
  dns1035LabelPrefix: prefix(dns1035Label),
  labelValue: text => (text === '' ? [] : pattern(QUALIFIED, 63, 'valid label')(text)),
  uri: text => (URL.canParse(text) ? [] : ['must be a valid URI']),
  uuid: pattern(
    '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
    36,
    'UUID'
  ),
  byte: text =>
    /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0 ? [] : ['must be base64'],
  date: text =>
    /^\d{4}-\d{2}-\d{2}$/.test(text) && !isNaN(Date.parse(text))
      ? []
      : ['must be a date (RFC 3339 full-date)'],
  datetime: text =>
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(text) &&
    !isNaN(Date.parse(text))
      ? []
      : ['must be a date-time (RFC 3339)']
}

/** Kubernetes' format library: `format.dns1123Label().validate(s)` is none when valid. */
export const formatFuncs: CelFunc[] = [
  ...Object.keys(FORMATS).map(name =>
    func(`format.${name}`, [], MAP, () => kinded('format', name))
  ),
  func('format.named', [STRING], MAP, (name: string) =>
    name in FORMATS ? some(kinded('format', name) as CelValue) : none()
  ),
  kindMethod('format', 'validate', [STRING], MAP, function (this: CelValue, text: string) {
    const errors = FORMATS[payload(this, 'format') as string]!(text)
    return errors.length > 0 ? some(celList(errors)) : none()
  })
]

/** A format of OpenAPI (`format:` in a CRD schema) checked the way the API server does, when known. */
export function checkFormat(name: string, text: string): string[] | undefined {
  const aliases: Record<string, string> = { 'date-time': 'datetime', hostname: 'dns1123Subdomain' }
  const check = FORMATS[aliases[name] ?? name]
  return check ? check(text) : undefined
}
