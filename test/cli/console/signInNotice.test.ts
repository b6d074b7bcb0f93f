/**
 * The page's side of the sign-in: a 401 from the console's API is shown, wherever the page shows an error (the
 * start-up error, a list's "not updated" notice, an action's result), as the way to sign in: open the login link.
 */

/**
 * What this test uses of src/console/http.ts, declared here and loaded by path: the root program, which checks the
 * tests, has no DOM types to check the browser's code with (src/console/tsconfig.json checks it).
 */
interface BrowserHttp {
  getJson<T>(path: string): Promise<T>;
  postJson(path: string, body: object): Promise<Record<string, unknown>>;
  SIGN_IN_TEXT: string;
}
const { getJson, postJson, SIGN_IN_TEXT } = jest.requireActual<BrowserHttp>('../../../src/console/http');

const answering = (status: number, body: unknown) =>
  jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify(body), { status }));

describe('the front end on a 401', () => {
  afterEach(() => jest.restoreAllMocks());
  const refusal = { error: 'SIGN_IN_REQUIRED', message: 'Sign in first: open the link drs-ledger serve printed' };

  it('turns a read refused with 401 into the error the page shows: open the login link', async () => {
    answering(401, refusal);
    await expect(getJson('/api/users')).rejects.toMatchObject({ status: 401, message: SIGN_IN_TEXT });
    expect(SIGN_IN_TEXT).toContain('open the login link');
    expect(SIGN_IN_TEXT).toContain('/login?key=');
  });

  it("answers an action refused with 401 with the same words, the action's result shows them", async () => {
    answering(401, refusal);
    expect(await postJson('/api/plans/rp/start', { as: 'alice', type: 'DRILL' })).toEqual({
      statusCode: 401,
      error: 'SIGN_IN_REQUIRED',
      message: SIGN_IN_TEXT,
    });
  });

  it('leaves other refusals as the server words them', async () => {
    answering(403, { error: 'CSRF', message: 'not from here' });
    await expect(getJson('/api/users')).rejects.toMatchObject({ status: 403, message: '403 CSRF: not from here' });
  });
});
