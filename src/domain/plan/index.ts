export * from './recoveryPlan';
export * from './validatePlan';
