/**
 * The CRM report's DocumentDB user: read only, on the CRM database alone (its functions
 * never write), with its own password (Secrets Manager: DocDbReaderSecret). DocumentDB
 * users are made by commands, not by CloudFormation: `npm run docdb-users` sends these as
 * the master user, from inside the VPC (README: Deploy to AWS). Run again, it updates.
 */
export interface ReaderUser {
  name: string;
  password: string;
  /** The database it may read (MONGO_DB, `crm`). */
  db: string;
}

/** read: the report; readWrite: change capture's apply (the CRM archive, that database alone). */
export type CrmRole = 'read' | 'readWrite';

export type UserCommand =
  | { createUser: string; pwd: string; roles: { role: CrmRole; db: string }[] }
  | { updateUser: string; pwd: string; roles: { role: CrmRole; db: string }[] };

/** The command that makes the user what it must be: created, or brought back to read only. */
export function readerUserCommand(user: ReaderUser, exists: boolean, role: CrmRole = 'read'): UserCommand {
  if (!/^[A-Za-z][\w.-]{0,63}$/.test(user.name)) throw new Error(`not a user name: ${user.name}`);
  if (user.password.length < 16) throw new Error('the user password is shorter than 16 characters');
  const roles = [{ role, db: user.db }];
  return exists
    ? { updateUser: user.name, pwd: user.password, roles }
    : { createUser: user.name, pwd: user.password, roles };
}
