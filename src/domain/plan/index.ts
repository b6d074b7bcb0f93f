export * from './recoveryPlan';
export * from './validatePlan';
export * from './planTarget';
export * from './approvalRule';
export { forbiddenCharacterProblem, MAX_NAME_LENGTH } from './nameText';
