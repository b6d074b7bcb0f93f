// Runs dependency-cruiser's API on a tree, the way `depcruise --config` does, and prints its violations as
// JSON. dependency-cruiser is ESM only, so the architecture test (CommonJS under jest) runs this in a child
// process. Usage, from the tree's root: node cruise.mjs <config file> <path>...
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { resolve } from 'node:path';

const [configFile, ...paths] = process.argv.slice(2);
if (!configFile || paths.length === 0) throw new Error('usage: node cruise.mjs <config file> <path>...');

const options = await extractDepcruiseOptions(resolve(configFile));
const tsConfigFile = options.tsConfig?.fileName;
const tsConfig = tsConfigFile ? extractTSConfig(tsConfigFile) : {};
const { output } = await cruise(paths, { ...options, outputType: 'json' }, {}, { tsConfig });
const result = typeof output === 'string' ? JSON.parse(output) : output;
const violations = result.summary.violations.map((violation) => ({
  rule: violation.rule.name,
  severity: violation.rule.severity,
  from: violation.from,
  to: violation.to,
  ...(violation.cycle ? { cycle: violation.cycle.map((step) => (typeof step === 'string' ? step : step.name)) } : {}),
}));
process.stdout.write(JSON.stringify({ modules: result.summary.totalCruised, violations }));
