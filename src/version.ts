import pkg from '../package.json' with { type: 'json' }

/** This build's version (package.json), bundled in. */
export const HYDRATE_VERSION: string = pkg.version
