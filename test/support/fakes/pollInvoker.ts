import type { PollInvoker, PollTarget } from '../../../src/ports/pollInvoker';

/** Lambda's asynchronous invoke in memory: each poll find fans out is kept (through JSON, as on the wire). */
export class FakePollInvoker implements PollInvoker {
  readonly invoked: Array<{ functionName: string; target: PollTarget }> = [];

  async invokePoll(functionName: string, target: PollTarget): Promise<void> {
    this.invoked.push({ functionName, target: JSON.parse(JSON.stringify(target)) as PollTarget });
  }
}
