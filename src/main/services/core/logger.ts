import pino from 'pino';

export type Logger = pino.Logger;

/** Structured logs for the main process. Tests pass `silentLogger`. */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({ name: options.name ?? 'resonate', level: options.level ?? process.env.LOG_LEVEL ?? 'info' });
}

export const silentLogger: Logger = pino({ level: 'silent' });
