/** The first-run setup token (authenticated mode, before setup), or undefined. */
export const SETUP_TOKEN = Symbol('SETUP_TOKEN');
