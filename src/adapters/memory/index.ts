/** In-memory peers of the DynamoDB stores: the same port contracts (test/ports), for unit tests and tools. */
export { InMemoryExecutionEventStore } from './eventStore';
export { InMemoryExecutionViewStore } from './executionViewStore';
export { InMemoryImportedEvidenceStore } from './importedEvidenceStore';
export { InMemoryPlanStore } from './planStore';
export { InMemoryResumeTokenStore } from './resumeTokenStore';
export { InMemoryTamperAlarmRecords } from './tamperAlarmRecords';
