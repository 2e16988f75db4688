/** Injection token of the parsed ApiConfig. */
export const API_CONFIG = Symbol('API_CONFIG');
