/** Where the engine reports what it could not do; the host adapts its own logger (pino, console) to it. */
export interface Logger {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export const SILENT_LOGGER: Logger = { warn() {}, error() {} };
