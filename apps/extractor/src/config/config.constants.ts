/** Injection token of the parsed ExtractorConfig. */
export const EXTRACTOR_CONFIG = Symbol('EXTRACTOR_CONFIG');
