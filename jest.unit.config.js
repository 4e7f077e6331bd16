// The unit tests: pure modules only, no helm, kubectl, git, network or other process
// (`npm run test:unit`; `npm test` runs them first, then the integration tests).
import base from './jest.config.js'

/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['**/test/unit/**/*.test.ts'],
  globalSetup: undefined,
  setupFiles: ['./test/unit-no-processes.ts'],
  testTimeout: 30000
}
