/** Fans find out to one asynchronous poll per execution (Lambda InvocationType Event). */
export interface PollInvoker {
  invokePoll(functionName: string, target: { executionId: string; planId: string }): Promise<void>;
}
