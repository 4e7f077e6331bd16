import { makeDryWithRemote } from './repo.js'

/** dev → staging → prod, hydrated into env/{env}-next, dev promoted at once. */
export const PROMOTION_CONFIG = [
  'version: 1',
  'promotion:',
  '  branch: env/{env}-next',
  '  order: [dev, staging, prod]',
  '  autoMerge: [dev]',
  'targets:',
  '  - discover: envs/{env}',
  '    name: app-{env}',
  '    path: app',
  ''
].join('\n')

export function appConfigMap(env: string, greeting: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: ${env}\ndata:\n  greeting: ${greeting}\n`
}

/** A dry repo with three environments of one plain-YAML app, and its bare remote. */
export function promotionRepo(config = PROMOTION_CONFIG): { dry: string; remote: string } {
  return makeDryWithRemote({
    files: {
      'hydrate.yaml': config,
      'envs/dev/cm.yaml': appConfigMap('dev', 'hello'),
      'envs/staging/cm.yaml': appConfigMap('staging', 'hello'),
      'envs/prod/cm.yaml': appConfigMap('prod', 'hello')
    }
  })
}
