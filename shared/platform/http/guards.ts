import { verifyBearer } from '../auth/bearer';
import { ForbiddenError, type Identity, type Role } from '../auth/identity';
import type { Guard, RoleGuard } from './route';

type Headers = Readonly<Record<string, string | undefined>>;

/**
 * Who the caller is, if the route's guard admits them: nobody needs to be anyone on an
 * open route (a token there is not even read); elsewhere the bearer token must verify
 * (401) and, for a role guard, carry one of the roles (403).
 */
export async function admit(guard: Guard, headers: Headers): Promise<Identity | undefined> {
  if (guard.allow === 'anyone') return undefined;
  const caller = await verifyBearer()(headers.authorization);
  if (guard.allow === 'signed-in') return caller;
  if (!guard.allow.some((role) => caller.roles.includes(role)))
    throw new ForbiddenError(`This call is for ${describeRoles(guard.allow)}`);
  return caller;
}

/**
 * Whether the caller must be the customer the request names: the route says where that
 * id is, and the caller was admitted as a customer only (staff and admin, where the
 * route allows them, act for any customer).
 */
export function heldToSelf(guard: Guard, caller: Identity | undefined): caller is Identity {
  if (!caller || !isRoleGuard(guard) || !guard.self) return false;
  return !guard.allow.some((role) => role !== 'customer' && caller.roles.includes(role));
}

/** The id the request or answer names must be the caller's own (403 otherwise). */
export function requireSelf(caller: Identity, customerId: unknown): void {
  if (caller.customerId === undefined)
    throw new ForbiddenError('This token names no customer (custom:customerId)');
  if (customerId !== caller.customerId) throw new ForbiddenError('A customer may only act as themselves');
}

export const isRoleGuard = (guard: Guard): guard is RoleGuard => Array.isArray(guard.allow);

/** "customers or staff", for messages and the OpenAPI document. */
export function describeGuard(guard: Guard): string {
  if (guard.allow === 'anyone') return 'anyone';
  if (guard.allow === 'signed-in') return 'any signed-in user';
  const who = describeRoles(guard.allow);
  if (!guard.self) return who;
  const where = guard.self.in === 'answer' ? 'the order' : `the ${guard.self.in}`;
  return `${who}; a customer only as the ${guard.self.field} ${where} names (the token's own)`;
}

const describeRoles = (roles: readonly Role[]) => roles.join(' or ');
