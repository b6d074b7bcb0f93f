import { n, rowIn } from './support/rows';
import { type ColdStart, ratioSpread, type Timed } from './coldStart';
import type { Row } from './table';

/** Issue 17: module init of every function ≤ 0.3× the naive five-client bundle's, measured in the same run. */
export const INIT_RATIO_TARGET = 0.3;

const ms = (value: number) => `${n(value)} ms`;
const mib = (bytes: number) => `${n(bytes / 2 ** 20, 2)} MiB`;
const kib = (bytes: number) => `${n(bytes / 2 ** 10, 1)} KiB`;
const row = rowIn('cold start');

/** The ratio of medians, with the p10-p90 of the same-round ratios beside it. */
const ratioText = (own: Timed, base: Timed): string => {
  const [low, high] = ratioSpread(own);
  return `${n(own.medianMs / base.medianMs, 2)} (${n(low, 2)}-${n(high, 2)})`;
};

export const coldStartRows = (cold: ColdStart): Row[] => {
  const naive = cold.init[cold.naive];
  const naiveCjs = cold.init[cold.naiveCjs];
  const naiveBundle = cold.bundles.find((bundle) => bundle.name === cold.naive);
  if (!naive || !naiveCjs || !naiveBundle) throw new Error('cold start: the naive bundle was not measured');
  const forbidden = ['client-drs', 'client-sfn', 'client-lambda', 'client-sns'];
  const loaded = cold.lazyClients.afterDetails;
  const clean =
    cold.lazyClients.statusCode === 200 &&
    !loaded.some((name) => forbidden.includes(name)) &&
    cold.lazyClients.afterDrsControl.includes('client-drs');
  const handlerInit = cold.init['execution-handler'];
  const handlerFirst = cold.firstRequest['execution-handler'];
  const naiveFirst = cold.firstRequest[cold.naive];
  return [
    ...cold.functions.flatMap((name) => {
      const own = cold.init[name];
      if (!own) return [];
      const ratio = own.medianMs / naive.medianMs;
      return [
        row(`module init: ${name}`, ms(own.medianMs), {
          comparedWith: `${ms(naive.medianMs)}: naive bundle, 5 clients at top level (same esbuild options, ${mib(naiveBundle.bytes)})`,
          ratio: ratioText(own, naive),
          target: `≤ ${n(INIT_RATIO_TARGET, 2)} (median of ${cold.runs.init} fresh processes, interleaved)`,
          result: ratio <= INIT_RATIO_TARGET ? 'PASS' : 'FAIL',
        }),
      ];
    }),
    ...(handlerInit
      ? [
          row('module init: execution-handler, against the naive bundle packaged as before', ms(handlerInit.medianMs), {
            comparedWith: `${ms(naiveCjs.medianMs)}: one CommonJS file (serverless.yml's options before ESM and splitting)`,
            ratio: n(handlerInit.medianMs / naiveCjs.medianMs, 2),
            target: 'the earlier baseline, shown for comparison',
          }),
        ]
      : []),
    ...(handlerFirst && naiveFirst
      ? [
          row('init + first request: execution-handler (get_execution_details, 200 from dynalite)', ms(handlerFirst.medianMs), {
            comparedWith: `${ms(naiveFirst.medianMs)}: the naive bundle, same request`,
            ratio: ratioText(handlerFirst, naiveFirst),
            target: `no target: what the first caller waits (median of ${cold.runs.firstRequest})`,
          }),
        ]
      : []),
    ...cold.bundles.map((bundle) =>
      row(`bundle: ${bundle.name}`, `${mib(bundle.bytes)} (${mib(bundle.zippedBytes)} zipped)`, {
        comparedWith: `entry file ${kib(bundle.entryBytes)}`,
        target: bundle.name === cold.naiveCjs ? 'esbuild as serverless.yml packaged it before' : 'esbuild as serverless.yml packages it',
      }),
    ),
    row('SDK clients get_execution_details loads', loaded.join(', '), {
      comparedWith: `after a DRS call: ${cold.lazyClients.afterDrsControl.join(', ')}`,
      target: 'no DRS, SFN, Lambda or SNS',
      result: clean ? 'PASS' : 'FAIL',
    }),
  ];
};
