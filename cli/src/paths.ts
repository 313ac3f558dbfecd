import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root, from which the built Web app and Studio are served. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const UI_DIST = join(ROOT, 'ui', 'dist')
export const STUDIO_DIST = join(ROOT, 'studio', 'dist')
