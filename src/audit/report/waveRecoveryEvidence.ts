import type { EventOf } from '../../domain/execution';

/** How many of a retry's servers the report's action line names; the rest are counted. */
const NAMED_SERVERS = 10;

/** "wave 2, retry 1: relaunches s-1, s-2 (2 servers)": what the retry relaunched, never what had launched. */
export const retryDetail = (event: EventOf<'WaveRetryRequested'>): string => {
  const { waveNumber, retry, serverIds } = event.data;
  const named = serverIds.slice(0, NAMED_SERVERS).join(', ');
  const more = serverIds.length > NAMED_SERVERS ? ` and ${serverIds.length - NAMED_SERVERS} more` : '';
  return `wave ${waveNumber}, retry ${retry}: relaunches ${named}${more} (${serverIds.length} server${serverIds.length === 1 ? '' : 's'} that did not launch)`;
};
