/**
 * The folder layering, inner to outer, checked by `npm run lint:deps` (part of `npm test`):
 *
 *   1. src/domain        imports nothing of ours
 *   2. projections/      the pure view types and folds: domain only
 *   3. src/ports         interfaces: domain, projections.   src/config.ts: domain
 *   4. application       src/operations, src/audit, src/projector, src/digests: ports, projections, domain,
 *                        config; the four stay apart from one another
 *   5. src/adapters      ports, projections, domain, config
 *   6. src/handlers      application, adapters, ports, config, domain, projections
 *   7. src/local         handlers, adapters, application, ports, config, domain, projections, statemachine/
 *   8. src/cli           anything in src
 *
 * Beside them, src/console: the browser's code, bundled apart (scripts/build.mjs). It imports only its own folder
 * and no Node built-in: the server's JSON is its contract, and the rest of src reaches Node (src/cli/console
 * serves it and may import its wire types).
 *
 * Nothing in src or projections imports test/, bench/ or scripts/. Each rule names what a layer may
 * import of ours; everything else of ours is forbidden to it (npm packages and node: are not layers).
 * Since every layer imports only layers inside it, no cycle between these folders can exist; the folder
 * rule also covers folders inside one layer (src/local/emulators/*). Besides: no cycle between files, no
 * import that resolves to nothing, no module that is part of nothing. type-only imports count.
 * test/architecture/layers.test.ts shows each rule biting on a tree written to break it.
 */

/** Everything that is ours: any path that is neither an npm package nor a node built-in. */
const OURS = '^(src|projections|statemachine|test|bench|scripts)/';

/** The layers, as path patterns (relative to the repository root). */
const layer = {
  domain: '^src/domain/',
  projections: '^projections/',
  ports: '^src/ports/',
  config: '^src/config\\.ts$',
  operations: '^src/operations/',
  audit: '^src/audit/',
  projector: '^src/projector/',
  digests: '^src/digests/',
  adapters: '^src/adapters/',
  handlers: '^src/handlers/',
  local: '^src/local/',
  cli: '^src/cli/',
  statemachine: '^statemachine/',
  console: '^src/console/',
};

const application = [layer.operations, layer.audit, layer.projector, layer.digests];

/** The operation modules: the handler's operations, one file each (the handler's operation table names them). */
const OPERATION_MODULE =
  '^src/operations/(find|poll|finalize|pause|resume|cancel|startExecution|getExecutionDetails|waitForResume|attachStateMachine|decline|listPlans|listExecutions|waveRecovery|preflight)\\.ts$';

/** A rule: `from` may import, of ours, only its own folder and the `allowed` layers. */
const mayOnlyImport = (name, from, allowed, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: OURS, pathNot: [from, ...allowed] },
});

module.exports = {
  forbidden: [
    mayOnlyImport('domain-imports-nothing-of-ours', layer.domain, [], 'src/domain is the core: it imports no other folder of ours.'),
    mayOnlyImport(
      'projections-only-domain',
      layer.projections,
      [layer.domain],
      'projections/ holds the pure view types and folds: they import only src/domain (stores, stream decoding and rebuilds live outside).',
    ),
    mayOnlyImport(
      'ports-inner-only',
      layer.ports,
      [layer.domain, layer.projections],
      'src/ports are interfaces over domain and view types.',
    ),
    mayOnlyImport('config-only-domain', layer.config, [layer.domain], 'src/config.ts reads the environment; it may use domain types only.'),
    mayOnlyImport(
      'operations-not-outward',
      layer.operations,
      [layer.ports, layer.projections, layer.domain, layer.config],
      'src/operations is application code: it reaches storage and AWS through ports, never adapters, handlers, local or cli, and not audit or projector.',
    ),
    mayOnlyImport(
      'audit-not-outward',
      layer.audit,
      [layer.ports, layer.projections, layer.domain, layer.config],
      'src/audit is application code: it reaches the ledger through ports, never adapters, handlers, local or cli, and not operations or projector.',
    ),
    mayOnlyImport(
      'projector-not-outward',
      layer.projector,
      [layer.ports, layer.projections, layer.domain, layer.config],
      'src/projector is application code: it works on decoded ledger records and the view store port; stream decoding is an adapter, the Lambda glue a handler.',
    ),
    mayOnlyImport(
      'digests-not-outward',
      layer.digests,
      [layer.ports, layer.projections, layer.domain, layer.config],
      'src/digests writes the signed digest chain: it reaches the ledger, the signing key and the bucket through ports, never adapters, handlers, local or cli, and not the other application folders.',
    ),
    mayOnlyImport(
      'adapters-not-application',
      layer.adapters,
      [layer.ports, layer.projections, layer.domain, layer.config],
      'src/adapters implement ports; they never import application code, handlers, local or cli.',
    ),
    mayOnlyImport(
      'handlers-not-local-or-cli',
      layer.handlers,
      [...application, layer.adapters, layer.ports, layer.config, layer.domain, layer.projections],
      'src/handlers wire application code to adapters for Lambda; the local stack and the CLI sit outside them.',
    ),
    mayOnlyImport(
      'local-not-cli',
      layer.local,
      [layer.handlers, layer.adapters, ...application, layer.ports, layer.config, layer.domain, layer.projections, layer.statemachine],
      'src/local runs the product on one machine; the CLI drives it, never the other way round.',
    ),
    mayOnlyImport(
      'cli-only-src',
      layer.cli,
      ['^src/', layer.projections, layer.statemachine],
      'src/cli may use anything in src, but never test/, bench/ or scripts/.',
    ),
    mayOnlyImport(
      'console-only-itself',
      layer.console,
      [],
      'src/console runs in the browser: it imports only its own folder (what it reads from the server is JSON, declared in src/console/wire.ts).',
    ),
    {
      name: 'console-not-node',
      comment: 'src/console runs in the browser, where no Node built-in exists.',
      severity: 'error',
      from: { path: layer.console },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'operations-apart',
      comment:
        'Nothing in src/operations imports an operation module (one file per operation of the handler): not another operation, ' +
        'and not a shared module, through which operations would reach each other. What two operations share lives in a shared ' +
        'module (handleCommand, finishExecution, reactions/, inputs, responses, loadExecution, runCommand); only handlers call operations.',
      severity: 'error',
      from: { path: layer.operations },
      to: { path: OPERATION_MODULE },
    },
    {
      name: 'no-circular',
      comment: 'No module depends on itself through others: move the shared part inward instead.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment:
        'No folder depends on itself through others (the layer rules keep the layers acyclic; this also covers folders inside a layer).',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports and that imports nothing: dead, or not wired in yet.',
      severity: 'error',
      from: { orphan: true, pathNot: ['\\.d\\.ts$'] },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing on disk (a typo, a moved file, a package not installed).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a layer that names another's types depends on it just the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Packages that only declare "exports" (the AWS SDK's, Powertools') resolve as Node resolves them.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
