import { Logger } from '@aws-lambda-powertools/logger';

/** A Powertools logger whose JSON lines are collected in memory, parsed, instead of printed. */
export const capturingLogger = (lines: Array<Record<string, unknown>>, serviceName = 'execution-handler-test'): Logger => {
  const logger = new Logger({ serviceName, logLevel: 'DEBUG' });
  const sink = (text: unknown) => {
    lines.push(JSON.parse(String(text)) as Record<string, unknown>);
  };
  // Powertools writes through its own console; these are the methods it calls for each level.
  const console = (logger as unknown as { console: Record<string, unknown> }).console;
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace']) console[method] = sink;
  return logger;
};
