import { InMemoryTamperAlarmRecords } from '../../src/adapters/memory';
import { describeTamperAlarmRecordsContract } from './tamperAlarmRecords.contract';

describeTamperAlarmRecordsContract('in memory', async () => ({
  records: new InMemoryTamperAlarmRecords(),
  cleanup: async () => undefined,
}));
