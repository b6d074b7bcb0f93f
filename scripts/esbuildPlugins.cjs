// esbuild plugins for serverless-esbuild (serverless.yml, custom.esbuild.plugins), and for bench/coldStart.ts and
// test/handlers/lambdaEntries.test.ts, which bundle the functions as they are packaged.
const { basename, extname } = require('node:path');

/**
 * serverless-esbuild builds each function's entry on its own into one folder, and puts in a function's zip every file
 * there except the other functions' entries and what is named after them (`internalHandler.*`). Chunks named
 * `<entry>.chunks/…` are therefore zipped with their own function only, instead of every function carrying all
 * five functions' chunks.
 */
const chunksBesideTheirEntry = {
  name: 'chunks-beside-their-entry',
  setup(build) {
    const entries = build.initialOptions.entryPoints;
    if (!Array.isArray(entries) || entries.length !== 1 || typeof entries[0] !== 'string') {
      throw new Error('chunks-beside-their-entry: expects one entry point per build, as serverless-esbuild gives');
    }
    build.initialOptions.chunkNames = `${basename(entries[0], extname(entries[0]))}.chunks/[name]-[hash]`;
  },
};

module.exports = [chunksBesideTheirEntry];
