import type { StateMachineDefinition } from './engine';

/** Multipliers applied to the definition's times so demos and tests run fast (1 = real time). */
export interface TimeScales {
  /** Wait states' Seconds. */
  wait: number;
  /** Retry IntervalSeconds and MaxDelaySeconds. */
  retry: number;
  /** Task TimeoutSeconds and HeartbeatSeconds, and the machine's TimeoutSeconds. */
  timeout: number;
}

export interface TaskFacts {
  resource: string;
  /** The task's timeout as the engine applies it, when fixed (not TimeoutSecondsPath). */
  timeoutMs?: number;
  heartbeatMs?: number;
}

export interface RuntimeDefinition {
  definition: StateMachineDefinition;
  /** Task states by name, nested Map and Parallel states included. */
  tasks: Map<string, TaskFacts>;
}

/** setTimeout's limit: a longer delay fires at once. Longer timeouts are capped here (about 24.8 days). */
export const MAX_TIMER_SECONDS = 2_147_483;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const capped = (seconds: number): number => Math.min(seconds, MAX_TIMER_SECONDS);

const scaleRetriers = (state: Json, scale: number): void => {
  if (!Array.isArray(state.Retry)) return;
  for (const retrier of state.Retry as Json[]) {
    retrier.IntervalSeconds = (typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1) * scale;
    if (typeof retrier.MaxDelaySeconds === 'number') retrier.MaxDelaySeconds *= scale;
  }
};

/**
 * The task's timeout. Step Functions has no task timeout by default; the engine defaults to 60 s, so an absent
 * TimeoutSeconds becomes the longest timer instead.
 */
const prepareTask = (state: Json, scales: TimeScales): TaskFacts => {
  const facts: TaskFacts = { resource: String(state.Resource) };
  if (typeof state.TimeoutSeconds === 'number') state.TimeoutSeconds = capped(state.TimeoutSeconds * scales.timeout);
  else if (state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = MAX_TIMER_SECONDS;
  if (typeof state.TimeoutSeconds === 'number') facts.timeoutMs = state.TimeoutSeconds * 1000;
  if (typeof state.HeartbeatSeconds === 'number') facts.heartbeatMs = capped(state.HeartbeatSeconds * scales.timeout) * 1000;
  return facts;
};

const walk = (machine: Json, scales: TimeScales, tasks: Map<string, TaskFacts>): void => {
  if (!isObject(machine.States)) return;
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isObject(state)) continue;
    scaleRetriers(state, scales.retry);
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') state.Seconds *= scales.wait;
    if (state.Type === 'Task' && !tasks.has(name)) tasks.set(name, prepareTask(state, scales));
    if (state.Type === 'Map') {
      const processor = state.ItemProcessor ?? state.Iterator;
      if (isObject(processor)) walk(processor, scales, tasks);
    }
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      for (const branch of state.Branches) if (isObject(branch)) walk(branch, scales, tasks);
    }
  }
};

/** A copy of a validated definition, prepared for the engine: times scaled, timeouts made explicit. */
export const runtimeDefinition = (source: StateMachineDefinition, scales: TimeScales): RuntimeDefinition => {
  // A JSON copy, not structuredClone: the engine only recognises objects of its own realm (jest runs in a vm context).
  const definition = JSON.parse(JSON.stringify(source)) as Json;
  if (typeof definition.TimeoutSeconds === 'number') definition.TimeoutSeconds = capped(definition.TimeoutSeconds * scales.timeout);
  const tasks = new Map<string, TaskFacts>();
  walk(definition, scales, tasks);
  return { definition: definition as unknown as StateMachineDefinition, tasks };
};
