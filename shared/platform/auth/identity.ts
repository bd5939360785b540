import { AppError } from '../errors';

/**
 * Who a caller is, from a verified token (./verify.ts): the roles its groups give it and,
 * for a customer, which customer. In AWS the groups are the Cognito user pool's and the
 * customer is the user's `custom:customerId`; locally the dev issuer signs the same claims.
 */
export const ROLES = ['customer', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Identity {
  subject: string;
  roles: Role[];
  /** The customer this caller is (customers only). */
  customerId?: number;
}

/** What a 401 says when no bearer token came at all (its challenge then names no error). */
export const UNAUTHENTICATED_NO_TOKEN = 'A valid bearer token is required';

/** No token, or one that does not verify (signature, issuer, audience, expiry). */
export class UnauthenticatedError extends AppError {
  constructor(message = UNAUTHENTICATED_NO_TOKEN) {
    super(401, 'UNAUTHENTICATED', message);
  }
}

/** A valid token without the right to this call. */
export class ForbiddenError extends AppError {
  constructor(message = 'This token does not allow this call') {
    super(403, 'FORBIDDEN', message);
  }
}
