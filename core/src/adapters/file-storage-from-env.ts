/**
 * Opens the file store the environment names: an S3-compatible bucket when S3_BUCKET is set, Supabase Storage when
 * SUPABASE_URL is set, otherwise the local folder PRODGY_FILES_DIR (kept in memory when the database itself is the
 * in-memory PGlite, since its documents die with it). A store named but half configured stops the start with a message
 * naming what is missing, rather than falling back to the local folder where a scaled-out worker would not see
 * the files.
 */
import type { Env } from '../config/env.ts'
import { ValidationError } from '../errors.ts'
import type { FileStoragePort } from '../storage/file-storage.ts'
import { createMemoryFileStorage } from '../storage/memory-file-storage.ts'
import { createLocalFileStorage } from './local-file-storage.ts'
import { createS3FileStorage } from './s3-file-storage.ts'
import { createSupabaseFileStorage } from './supabase-file-storage.ts'

export type FileStorageEnv = Pick<
  Env,
  | 'S3_ENDPOINT'
  | 'S3_REGION'
  | 'S3_BUCKET'
  | 'S3_ACCESS_KEY_ID'
  | 'S3_SECRET_ACCESS_KEY'
  | 'S3_FORCE_PATH_STYLE'
  | 'SUPABASE_URL'
  | 'SUPABASE_SERVICE_ROLE_KEY'
  | 'SUPABASE_STORAGE_BUCKET'
  | 'PRODGY_FILES_DIR'
> & { PRODGY_DATA_DIR?: string; DATABASE_URL?: string | undefined }

export interface FileStorageFromEnv {
  storage: FileStoragePort
  /** `s3:<bucket>`, `supabase:<bucket>`, `local:<folder>` or `memory`, for the start-up log line. */
  description: string
}

export function createFileStorageFromEnv(
  env: FileStorageEnv,
  options: { fetch?: typeof globalThis.fetch } = {},
): FileStorageFromEnv {
  if (env.S3_BUCKET) {
    const missing = [
      env.S3_ACCESS_KEY_ID ? '' : 'S3_ACCESS_KEY_ID',
      env.S3_SECRET_ACCESS_KEY ? '' : 'S3_SECRET_ACCESS_KEY',
    ].filter(Boolean)
    if (missing.length > 0) {
      throw new ValidationError(`S3_BUCKET is set, so file storage is S3; also set ${missing.join(' and ')}.`)
    }
    return {
      storage: createS3FileStorage({
        bucket: env.S3_BUCKET,
        region: env.S3_REGION,
        endpoint: env.S3_ENDPOINT,
        accessKeyId: env.S3_ACCESS_KEY_ID as string,
        secretAccessKey: env.S3_SECRET_ACCESS_KEY as string,
        forcePathStyle: env.S3_FORCE_PATH_STYLE,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
      description: `s3:${env.S3_BUCKET}`,
    }
  }
  if (env.SUPABASE_URL) {
    if (!env.SUPABASE_SERVICE_ROLE_KEY) {
      throw new ValidationError(
        'SUPABASE_URL is set, so file storage is Supabase Storage; also set SUPABASE_SERVICE_ROLE_KEY.',
      )
    }
    return {
      storage: createSupabaseFileStorage({
        url: env.SUPABASE_URL,
        serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY,
        bucket: env.SUPABASE_STORAGE_BUCKET,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
      description: `supabase:${env.SUPABASE_STORAGE_BUCKET}`,
    }
  }
  const memoryDatabase = env.PRODGY_DATA_DIR === 'memory://' || env.PRODGY_DATA_DIR === ':memory:'
  if (memoryDatabase && !env.DATABASE_URL) {
    return { storage: createMemoryFileStorage(), description: 'memory' }
  }
  const local = createLocalFileStorage({ root: env.PRODGY_FILES_DIR })
  return { storage: local, description: `local:${local.root}` }
}
