/** `@prodgy/service`: the queue consumers, their health app, the SMTP transport and the separate-process entry. */
export { createHealthApp, type HealthDeps } from './health.ts'
export { type RunningWorker, type RunWorkerOptions, runWorkerFromEnv } from './main.ts'
export { createSmtpTransport, type SmtpTransportOptions } from './smtp-transport.ts'
export { createWorkerService, type WorkerService, type WorkerServiceDeps } from './worker-service.ts'
