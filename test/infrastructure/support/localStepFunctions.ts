/**
 * aws-local-stepfunctions 3.0.0 declares Node >= 22 and calls Promise.withResolvers, which Node 20 lacks:
 * the emulator's polyfill is loaded first, hence the require after it.
 */
import '../../../src/local/emulators/stepfunctions/withResolvers';
import type * as LocalStepFunctions from 'aws-local-stepfunctions';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const local = require('aws-local-stepfunctions') as typeof LocalStepFunctions;

export const { StateMachine, ExecutionError } = local;
