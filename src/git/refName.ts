/**
 * Why git would refuse `name` as a full ref name (git check-ref-format's rules), or
 * undefined. Pure, so config checks start no process; tested against git itself.
 */
export function refNameProblem(name: string): string | undefined {
  if (name === '@') return 'it is the single character "@"'
  if (name.includes('@{')) return 'it contains "@{"'
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//'))
    return 'it has an empty path component'
  if (name.endsWith('.')) return 'it ends with "."'
  if (name.includes('..')) return 'it contains ".."'
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name))
    return 'it contains a space, a control character or one of ~ ^ : ? * [ \\'
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return `component ${JSON.stringify(component)} starts with "."`
    if (component.endsWith('.lock'))
      return `component ${JSON.stringify(component)} ends with ".lock"`
  }
  return undefined
}
