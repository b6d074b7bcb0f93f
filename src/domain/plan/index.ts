export * from './recoveryPlan';
export * from './validatePlan';
export { forbiddenCharacterProblem, MAX_NAME_LENGTH } from './nameText';
