import { config } from '../config';
import { once } from '../memo';
import { tokenVerifier, type VerifyToken } from './verify';

/** This container's verifier (config.auth), built on first use and kept. */
export const verifyBearer: () => VerifyToken = once(() => tokenVerifier(config.auth));
