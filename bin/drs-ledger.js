#!/usr/bin/env node
// The CLI is bundled by `npm run build` (run by `npm ci` through `prepare`).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
try {
  require('../dist/cli.js').runAsProgram();
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    console.error('drs-ledger is not built yet: run `npm run build` (or `npm ci`) first.');
    process.exit(2);
  }
  throw error;
}
