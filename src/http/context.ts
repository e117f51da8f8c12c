import type { AppDeps } from '../app.js';

/** What middleware puts on the context, typed once. */
export interface AppVariables {
  deps: AppDeps;
  /** The hash of the token the request authenticated with (rate-limit key). */
  tokenKey: string;
}

export interface AppEnv {
  Variables: AppVariables;
}
