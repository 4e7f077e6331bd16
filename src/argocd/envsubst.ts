// Argo CD's build-environment substitution (Env.Envsubst in pkg/apis/application/v1alpha1/
// types.go): Go's os.Expand with a map, so `$NAME` and `${NAME}` of an unknown variable give
// "", `$$` gives `$`, `${}` and an unclosed `${` are dropped, and a `$` followed by nothing
// that starts a name stays.

const SPECIAL = /^[*#$@!?\-0-9]$/
const NAME_CHAR = /^[A-Za-z0-9_]$/

/** Go's os.Expand(text, mapping). */
export function goExpand(text: string, mapping: (name: string) => string): string {
  let out = ''
  let i = 0
  for (let j = 0; j < text.length; j++) {
    if (text[j] !== '$' || j + 1 >= text.length) continue
    out += text.slice(i, j)
    const { name, width } = shellName(text.slice(j + 1))
    if (name === '' && width > 0) {
      // Invalid syntax (`${}`, `${…` unclosed): Go drops it.
    } else if (name === '') out += '$'
    else out += mapping(name)
    j += width
    i = j + 1
  }
  return out + text.slice(i)
}

function shellName(s: string): { name: string; width: number } {
  if (s[0] === '{') {
    if (s.length > 2 && SPECIAL.test(s[1] as string) && s[2] === '}')
      return { name: s.slice(1, 2), width: 3 }
    for (let i = 1; i < s.length; i++)
      if (s[i] === '}')
        return i === 1 ? { name: '', width: 2 } : { name: s.slice(1, i), width: i + 1 }
    return { name: '', width: 1 }
  }
  if (SPECIAL.test(s[0] as string)) return { name: s.slice(0, 1), width: 1 }
  let i = 0
  while (i < s.length && NAME_CHAR.test(s[i] as string)) i++
  return { name: s.slice(0, i), width: i }
}

/** The variables only a commit gives: Argo CD knows the revision it renders, hydrate does not. */
export const REVISION_VARIABLES = [
  'ARGOCD_APP_REVISION',
  'ARGOCD_APP_REVISION_SHORT',
  'ARGOCD_APP_REVISION_SHORT_8'
]

/** Env.Envsubst: `$$` is `$`, a known variable its value, anything else "". */
export function envsubst(
  text: string,
  vars: ReadonlyMap<string, string>,
  onRevision: (name: string) => never
): string {
  return goExpand(text, name => {
    if (name === '$') return '$'
    if (REVISION_VARIABLES.includes(name)) onRevision(name)
    return vars.get(name) ?? ''
  })
}
