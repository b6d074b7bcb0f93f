import { failedWaitThrows, WaitForResumeRefused } from '../../src/handlers/internalHandler';

describe('the internal function under a waitForTaskToken task', () => {
  it('throws when wait_for_resume is refused, so that Step Functions fails the task and the Catch runs', () => {
    const refused = { statusCode: 409, error: 'RESUME_TOKEN_ATTACHED', message: 'The pause at seq 8 already holds a live task token' };
    expect(() => failedWaitThrows({ operation: 'wait_for_resume' }, refused)).toThrow(WaitForResumeRefused);
    expect(() => failedWaitThrows({ operation: 'wait_for_resume' }, refused)).toThrow(/409 RESUME_TOKEN_ATTACHED/);
  });

  it('answers as usual when the wait was accepted, and for attach_state_machine whatever it answers', () => {
    const accepted = { statusCode: 200, status: 'PAUSED', waiting: true };
    expect(failedWaitThrows({ operation: 'wait_for_resume' }, accepted)).toBe(accepted);
    const refusedAttach = { statusCode: 400, error: 'INVALID_PARAMETERS', message: 'not this run' };
    expect(failedWaitThrows({ operation: 'attach_state_machine' }, refusedAttach)).toBe(refusedAttach);
  });
});
