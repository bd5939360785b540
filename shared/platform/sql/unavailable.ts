import { ServiceUnavailableError } from '../errors';

/** What either dialect answers when the legacy database cannot be reached or is saturated. */
export const legacyUnavailable = () =>
  new ServiceUnavailableError(
    'The legacy database is unavailable or saturated; nothing was changed. Retry shortly.',
  );
