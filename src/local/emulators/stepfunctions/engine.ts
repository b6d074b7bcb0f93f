// The polyfill must load before the library: keep this import first.
import './withResolvers';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import type { RunOptions, StateMachineDefinition } from 'aws-local-stepfunctions';

export { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine };
export type { RunOptions, StateMachineDefinition };

/** A JSON value as the library types it. */
export type JsonValue = Parameters<StateMachine['run']>[0];
/** Task state name -> local function run instead of the Resource. */
export type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
/** One entry of the library's execution event log. */
export type EventLogEntry = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
