// The unit tests: pure modules only, no helm, kubectl or network (`npm run test:unit`).
import base from './jest.config.js'

/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['**/test/unit/**/*.test.ts'],
  globalSetup: undefined,
  testTimeout: 30000
}
