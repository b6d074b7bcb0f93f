/**
 * The ResumeTokenStore contract, run against every implementation (in memory in a unit test, DynamoDB on
 * dynalite in an integration test): one waiting task token per execution, removed only by the token's own holder.
 */
import type { ResumeTokenStore } from '../../src/ports/resumeTokens';
import { at } from '../fixtures/commands';

export interface ResumeTokenStoreUnderTest {
  store: ResumeTokenStore;
  cleanup: () => Promise<void>;
}

export const describeResumeTokenStoreContract = (name: string, makeStore: () => Promise<ResumeTokenStoreUnderTest>): void => {
  describe(`ResumeTokenStore contract: ${name}`, () => {
    let underTest: ResumeTokenStoreUnderTest;
    let store: ResumeTokenStore;

    beforeAll(async () => {
      underTest = await makeStore();
      store = underTest.store;
    });
    afterAll(() => underTest?.cleanup());

    it('given no token, get answers undefined and remove changes nothing', async () => {
      expect(await store.get('exec-none')).toBeUndefined();
      await store.remove('exec-none', 'token');
      expect(await store.get('exec-none')).toBeUndefined();
    });

    it('a token put is got back; a second put replaces it', async () => {
      await store.put('exec-1', 'token-1', at(60));
      expect(await store.get('exec-1')).toBe('token-1');
      await store.put('exec-1', 'token-2', at(120));
      expect(await store.get('exec-1')).toBe('token-2');
    });

    it('remove deletes the token only if it is still the one given', async () => {
      await store.put('exec-2', 'token-new', at(60));
      await store.remove('exec-2', 'token-old');
      expect(await store.get('exec-2')).toBe('token-new');
      await store.remove('exec-2', 'token-new');
      expect(await store.get('exec-2')).toBeUndefined();
    });

    it('tokens of different executions are apart', async () => {
      await store.put('exec-a', 'token-a', at(60));
      await store.put('exec-b', 'token-b', at(60));
      await store.remove('exec-a', 'token-a');
      expect(await store.get('exec-a')).toBeUndefined();
      expect(await store.get('exec-b')).toBe('token-b');
    });
  });
};
