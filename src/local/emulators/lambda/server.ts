import { lambdaHttpHandler } from './httpApi';
import { listenLoopback } from '../http';
import { LambdaService, type LambdaServiceOptions } from './lambdaService';

export interface LambdaEmulatorOptions extends LambdaServiceOptions {
  /** 0 (default) picks a free port; the local stack uses 3002. */
  port?: number;
  /** Share a service with the Step Functions emulator; default: a new one from the options above. */
  service?: LambdaService;
}

export interface LambdaEmulator {
  endpoint: string;
  port: number;
  service: LambdaService;
  /** Resolves when all in-flight async invocations have finished. */
  drain(): Promise<void>;
  /** Stops listening, drops queued events and pending retries, waits for runs in flight. */
  close(): Promise<void>;
}

export const startLambdaEmulator = async (options: LambdaEmulatorOptions = {}): Promise<LambdaEmulator> => {
  const service = options.service ?? new LambdaService(options);
  const http = await listenLoopback(options.port ?? 0, lambdaHttpHandler(service));
  return {
    endpoint: http.endpoint,
    port: http.port,
    service,
    drain: () => service.drain(),
    close: async () => {
      await http.close();
      await service.shutdown();
    },
  };
};
