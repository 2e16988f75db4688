import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { REDACT_PATHS, REDACTED } from './redact-paths.constants';
import { redactSecrets } from './redact-secrets.util';

export interface CreateLoggerOptions {
  level: string;
  /** Service name, on every line as `service`. */
  name: string;
  /** pino-pretty output (development only; pino-pretty is a dev dependency). */
  pretty?: boolean;
  /** Where lines go; default stdout (synchronous, so nothing is lost on process.exit). */
  destination?: DestinationStream;
}

/**
 * The one pino logger of a process: JSON lines with secrets redacted. Redaction is by key name at
 * any depth (redactSecrets, on the logged object and on child bindings) plus pino `redact` paths
 * for the serialized HTTP headers: path wildcards at several depths cost ~0.5 ms a line.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const base: LoggerOptions = {
    level: options.level,
    base: { service: options.name, pid: process.pid },
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    formatters: {
      log: (object) => redactSecrets(object),
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  const logger = options.destination
    ? pino(base, options.destination)
    : options.pretty
      ? pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true } } })
      : pino(base, pino.destination({ dest: 1, sync: true }));
  return redactChildBindings(logger);
}

/**
 * pino applies `formatters.log` to logged objects only; child bindings (`logger.child({ ... })`,
 * `setBindings`, which nestjs-pino's `assign` uses) go through these overrides instead. Children are
 * created with `Object.create(parent)`, so they inherit them at every level.
 */
type ChildFn = (this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => Logger;
type SetBindingsFn = (this: Logger, bindings: pino.Bindings) => void;

function redactChildBindings(logger: Logger): Logger {
  const proto = Object.getPrototypeOf(logger) as { child: ChildFn; setBindings: SetBindingsFn };
  const overrides: { child: ChildFn; setBindings: SetBindingsFn } = {
    child(bindings, childOptions) {
      return proto.child.call(this, redactSecrets(bindings), childOptions);
    },
    setBindings(bindings) {
      proto.setBindings.call(this, redactSecrets(bindings));
    },
  };
  return Object.assign(logger, overrides);
}
