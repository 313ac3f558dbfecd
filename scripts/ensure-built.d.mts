/** Builds the Web app and Studio when their sources are newer than the last build. */
export function ensureBuilt(apps?: string[]): void
