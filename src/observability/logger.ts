// Structured JSON logs (pino). Components take a child logger; anything about a call binds its
// Call-ID so `grep callId` follows one call through every layer.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export function createLogger(level: LevelWithSilent = 'info', destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: { svc: 'precedence' }, timestamp: pino.stdTimeFunctions.isoTime }, destination ?? process.stdout);
}

/** A logger that drops everything: the default for library classes constructed without one. */
export const silentLogger: Logger = pino({ level: 'silent' });

export function callLogger(parent: Logger, callId: string): Logger {
  return parent.child({ callId });
}
