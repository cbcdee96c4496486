// Call detail records: the record and store port (cdr.ts) and the recorder the proxy writes through.
export type { CdrDisposition, CdrQuery, CdrRecord, CdrStore } from './cdr.js';
export { CdrRecorder, buildCdr, dispositionOf, type AttemptEnd, type CallAttempt, type CdrRecorderOptions } from './recorder.js';
