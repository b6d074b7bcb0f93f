export * from './snsSubject';
export * from './snsMessage';
export * from './outcomeSubject';
export * from './tamperAlarmNotice';
export * from './approvalNotice';
export * from './waveFailureNotice';
