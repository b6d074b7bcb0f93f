import { DrsRecoveryJobs } from '../../../src/adapters/aws/drsRecoveryJobs';
import { configFromEnv } from '../../../src/config';
import { MAX_HOSTNAME_BYTES } from '../../../src/domain/execution';
import { CUT_MARK, utf8Length } from '../../../src/domain/text';
import { type DrsEmulator, startDrsEmulator } from '../../../src/local/emulators';

const SHORT = 's-00000000000000001';
const LONG = 's-00000000000000002';
/**
 * DRS's model allows a hostname of 256 characters, which in UTF-8 can be up to four times as many bytes:
 * 255 Cyrillic-heavy characters here are 471 bytes.
 */
const HUGE_HOSTNAME = `${'сервер-'.repeat(36)}app`;

describe('DrsRecoveryJobs.hostnames (DRS emulator, real DrsClient)', () => {
  let drs: DrsEmulator;
  beforeEach(async () => {
    drs = await startDrsEmulator({
      sourceServers: [
        { sourceServerID: SHORT, hostname: 'db-01.example.internal' },
        { sourceServerID: LONG, hostname: HUGE_HOSTNAME },
      ],
    });
  });
  afterEach(() => drs.close());

  it('bounds each hostname to MAX_HOSTNAME_BYTES UTF-8 bytes, marking a cut one', async () => {
    const jobs = new DrsRecoveryJobs(configFromEnv({ DRS_LEDGER_LOCAL: 'true', DRS_ENDPOINT: drs.endpoint }));
    const names = await jobs.hostnames([SHORT, LONG]);
    expect(names.get(SHORT)).toBe('db-01.example.internal');
    const cut = names.get(LONG)!;
    expect(utf8Length(HUGE_HOSTNAME)).toBeGreaterThan(MAX_HOSTNAME_BYTES);
    expect(utf8Length(cut)).toBeLessThanOrEqual(MAX_HOSTNAME_BYTES);
    expect(cut.endsWith(CUT_MARK)).toBe(true);
    expect(HUGE_HOSTNAME.startsWith(cut.slice(0, -CUT_MARK.length))).toBe(true);
  });
});
