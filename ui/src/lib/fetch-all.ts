import type { Page, PageQuery } from './api-types.ts'

/** Every item of a list endpoint, page after page (up to 2,000), for pickers. */
export async function fetchAll<T>(list: (query: PageQuery) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = []
  for (let page = 1; page <= 20; page++) {
    const result = await list({ page, pageSize: 100 })
    all.push(...result.items)
    if (all.length >= result.total || result.items.length === 0) break
  }
  return all
}
