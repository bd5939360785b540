import { describe, expect, it } from 'vitest';
import { readerUserCommand } from '../../scripts/lib/docdb/users';

describe("the CRM report's DocumentDB user (npm run docdb-users)", () => {
  const user = { name: 'oshop_crm_reader', password: 'x'.repeat(32), db: 'crm' };

  it('is created read only, on the CRM database alone', () => {
    expect(readerUserCommand(user, false)).toEqual({
      createUser: 'oshop_crm_reader',
      pwd: user.password,
      roles: [{ role: 'read', db: 'crm' }],
    });
  });

  it('is brought back to read only (and its password to the secret) when it exists', () => {
    expect(readerUserCommand(user, true)).toEqual({
      updateUser: 'oshop_crm_reader',
      pwd: user.password,
      roles: [{ role: 'read', db: 'crm' }],
    });
  });

  it('refuses a name that is not one, and a short password', () => {
    expect(() => readerUserCommand({ ...user, name: 'x"; db.dropDatabase()' }, false)).toThrow(/user name/);
    expect(() => readerUserCommand({ ...user, password: 'short' }, false)).toThrow(/16/);
  });
});
