/**
 * AWS's published API models (aws-models/) as the referee of the emulators: every request the
 * adapters send and every answer and error the emulators give is checked against them.
 */
export { awsQueryInput } from './awsQueryInput';
export { modelChecks, ModelCheckRegistry } from './checkRegistry';
export type { CheckKind, CheckRecord } from './checkRegistry';
export { EMULATOR_MODEL_VIOLATION, MODEL_CHECK_ENV, strictModelChecks } from './checkMode';
export { checkShape } from './checkShape';
export type { ShapeCheckOptions } from './checkShape';
export { compileModelPattern, translateJavaPattern } from './javaPattern';
export { restRequestInput, restResponseMembers } from './restMessage';
export { serviceModelChecks, ServiceModelChecks } from './serviceChecks';
export type { AnswerVerdict, ErrorAnswer } from './serviceChecks';
export { loadServiceModel } from './serviceModel';
export type { ModelServiceName, ServiceModel, Shape } from './serviceModel';
export { awsValidationMessage, describeViolation } from './violation';
export type { Violation } from './violation';
