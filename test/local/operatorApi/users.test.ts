/** `serve --users`: the local operators, their rights and keys, kept owner-only in the data folder. */
import { statSync } from 'node:fs';
import { ensureUsers, parseUsersSpec, readUsers, usersFile, UsersSpecError } from '../../../src/local/operatorApi/users';
import { tempDataDir } from '../../support/localStack';

describe('local operators', () => {
  it('a spec names users with rights; a name alone gets drill and approve', () => {
    expect(parseUsersSpec('alice:drill+recovery+approve,bob:approve+drill,carol')).toEqual([
      { name: 'alice', rights: ['drill', 'recovery', 'approve'] },
      { name: 'bob', rights: ['drill', 'approve'] },
      { name: 'carol', rights: ['drill', 'approve'] },
    ]);
  });

  it.each([
    ['an unknown right', 'alice:drill+root'],
    ['no rights after the colon', 'alice:'],
    ['a name twice', 'alice,alice:drill'],
    ['an empty entry', 'alice,,bob'],
    ['a reserved name', 'system:drill'],
    ['a name IAM would not take', 'al ice'],
  ])('%s is refused', (_what, spec) => {
    expect(() => parseUsersSpec(spec)).toThrow(UsersSpecError);
  });

  it('given no users yet, each gets a principal ARN in the local account and fresh keys, in a file only its owner can read', () => {
    const dataDir = tempDataDir();

    const { users } = ensureUsers(dataDir, parseUsersSpec('alice:drill+recovery+approve,bob'));

    expect(users.map((user) => user.principalArn)).toEqual(['arn:aws:iam::000000000000:user/alice', 'arn:aws:iam::000000000000:user/bob']);
    for (const user of users) {
      expect(user.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
      expect(user.secretAccessKey).toHaveLength(40);
    }
    expect(new Set(users.map((user) => user.secretAccessKey)).size).toBe(2);
    expect(statSync(usersFile(dataDir)).mode & 0o777).toBe(0o600);
    expect(readUsers(dataDir)).toEqual(users);
  });

  it('run again, existing users keep their keys and take the new rights; users left out are removed', () => {
    const dataDir = tempDataDir();
    const first = ensureUsers(dataDir, parseUsersSpec('alice:drill,bob')).users;

    const second = ensureUsers(dataDir, parseUsersSpec('alice:drill+approve,carol:drill'));

    expect(second.users[0]).toEqual({ ...first[0], rights: ['drill', 'approve'] });
    expect(second.users[1]?.name).toBe('carol');
    expect(second.removed).toEqual(['bob']);
    expect(readUsers(dataDir)?.map((user) => user.name)).toEqual(['alice', 'carol']);
    expect(statSync(usersFile(dataDir)).mode & 0o777).toBe(0o600);
  });
});
