import { config } from './config';

/**
 * Imported before the X-Ray SDK loads (../platform/tracer.ts imports it first). Locally
 * tracing is off, yet the SDK's automatic mode would still hook the life of every promise
 * (cls-hooked: async hooks with destroy tracking, ~8 % of a CRM report's function CPU,
 * measured) for traces nothing sends; its manual mode hooks nothing. In AWS it stays in
 * automatic mode, which Lambda's active tracing needs. An import for its side effect alone:
 * package.json's "sideEffects" names this file, or the bundler drops it (a spec holds that).
 */
if (config.isLocal) process.env.AWS_XRAY_MANUAL_MODE ??= 'true';
