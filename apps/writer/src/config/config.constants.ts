/** Injection token of the parsed WriterConfig. */
export const WRITER_CONFIG = Symbol('WRITER_CONFIG');
