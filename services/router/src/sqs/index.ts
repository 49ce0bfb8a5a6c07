export { SqsWorker } from './worker.js';
export type { SqsWorkerOptions, SqsWorkerStats } from './worker.js';
