/**
 * npx tsx bench/peers/run-castore.ts: castore 2.4.2, drs-ledger and raw conditional PutItems on one in-process
 * dynalite, through one client, in the same interleaved rounds; prints each peer's figures and the ratios
 * (issue 12: drs-ledger's sequential append ≥ 1.0× castore's). `--json` prints the figures as JSON instead.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { percentile } from '../support/stats';
import type { CastorePeers } from './castore';
import { measurePeersOnFreshDynalite } from './freshDynalite';

const n = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (value: number) => `${n(value, 2)}×`;

const report = (result: CastorePeers): string => {
  const lines = Object.entries(result.peers).map(([name, peer]) => {
    const loads = Object.entries(peer.loadMs ?? {})
      .map(([events, ms]) => `load@${events} ${n(ms, 2)} ms`)
      .join(', ');
    const replay = peer.replayMs === undefined ? '' : `, replay@${result.replayEvents} ${n(peer.replayMs)} ms (${peer.requestsPerReplay})`;
    return (
      `${name.padEnd(14)} ${n(peer.appendsPerSecond).padStart(6)} appends/s ` +
      `(rounds' quartiles ${n(percentile(peer.appendRoundsPerSecond, 0.25))}–${n(percentile(peer.appendRoundsPerSecond, 0.75))}) · ` +
      `${n(peer.cpuMsPerAppend, 2)} CPU ms/append · ${peer.requestsPerAppend} per append · ` +
      `item ${n(peer.itemBytes)} B, ${n(peer.itemAttributes, 1)} attributes, request ${n(peer.requestBytesPerAppend)} B${loads ? ` · ${loads}` : ''}${replay}`
    );
  });
  const load = Object.keys(result.castoreLoadMs).map(
    (events) =>
      `castore / drs-ledger load@${events}: ${ratio((result.castoreLoadMs[Number(events)] ?? NaN) / (result.drsLedgerLoadMs[Number(events)] ?? NaN))}`,
  );
  return [
    ...lines,
    '',
    `drs-ledger / castore appends: ${ratio(result.drsLedgerAppendsPerSecond / result.castoreAppendsPerSecond)} (target ≥ 1.00×)`,
    `castore / drs-ledger CPU per append: ${ratio(result.castoreCpuMsPerAppend / result.drsLedgerCpuMsPerAppend)}`,
    `drs-ledger / raw PutItem:     ${ratio(result.drsLedgerAppendsPerSecond / result.rawPutsPerSecond)}`,
    `castore / raw PutItem:        ${ratio(result.castoreAppendsPerSecond / result.rawPutsPerSecond)}`,
    ...load,
    `castore / drs-ledger replay@${result.replayEvents}: ${ratio(result.castoreReplayMs / result.drsLedgerReplayMs)}`,
  ].join('\n');
};

const main = async () => {
  const result = await measurePeersOnFreshDynalite();
  console.log(process.argv.includes('--json') ? JSON.stringify(result, null, 1) : report(result));
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
