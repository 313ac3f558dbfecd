import { useNavigate } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import * as api from '../../lib/api.ts'
import type { Organization } from '../../lib/api-types.ts'
import { cx } from '../../lib/cx.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'
import { Building2, Check, ChevronDown, Search } from '../icons.ts'
import { Popover } from '../popover.tsx'
import { Spinner } from '../spinner.tsx'

/** Every organization the caller may open (all of them for a Super Admin), fetched page by page. */
async function fetchAllOrganizations(): Promise<Organization[]> {
  const all: Organization[] = []
  for (let page = 1; page <= 20; page++) {
    const result = await api.listOrganizations({ page, pageSize: 100 })
    all.push(...result.items)
    if (all.length >= result.total || result.items.length === 0) break
  }
  return all.sort((a, b) => a.name.localeCompare(b.name))
}

/** Shown to Super Admins, and to anyone who belongs to more than one organization. */
export function OrganizationSwitcher() {
  const navigate = useNavigate()
  const [organizations, setOrganizations] = createSignal<Organization[] | null>(null)
  const [loadError, setLoadError] = createSignal<string | null>(null)
  const [query, setQuery] = createSignal('')
  const [switching, setSwitching] = createSignal(false)

  const load = async () => {
    setQuery('')
    setLoadError(null)
    try {
      setOrganizations(await fetchAllOrganizations())
    } catch (error) {
      setLoadError(api.toApiError(error).message)
    }
  }

  const filtered = () => {
    const needle = query().trim().toLowerCase()
    return (organizations() ?? []).filter((o) => !needle || o.name.toLowerCase().includes(needle))
  }

  const choose = async (organization: Organization, close: () => void) => {
    close()
    if (organization.id === session.organization()?.id) return
    setSwitching(true)
    try {
      await session.switchOrganization(organization.id)
      navigate('/')
      showToast(`Now working in ${organization.name}.`, 'info')
    } catch (error) {
      showToast(api.toApiError(error).message, 'error')
    } finally {
      setSwitching(false)
    }
  }

  return (
    <Popover
      triggerTestId="org-switcher"
      panelTestId="org-switcher-panel"
      triggerLabel={`Organization: ${session.organization()?.name ?? 'none'}. Switch organization`}
      align="end"
      panelClass="w-72"
      onOpen={load}
      triggerClass="inline-flex h-9 max-w-56 items-center gap-2 rounded-lg border border-zinc-200 bg-white px-2.5 text-sm font-medium text-zinc-800 shadow-xs hover:border-zinc-300 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:border-zinc-700"
      trigger={
        <>
          <Show when={!switching()} fallback={<Spinner />}>
            <Building2 class="size-4 shrink-0 text-zinc-500" aria-hidden="true" />
          </Show>
          <span class="hidden truncate sm:inline" data-testid="org-switcher-current">
            {session.organization()?.name ?? 'Choose organization'}
          </span>
          <ChevronDown class="hidden size-3.5 shrink-0 text-zinc-400 sm:block" aria-hidden="true" />
        </>
      }
    >
      {(close) => (
        <div>
          <div class="relative p-1">
            <Search class="pointer-events-none absolute top-1/2 left-3.5 size-4 -translate-y-1/2 text-zinc-400" />
            <label for="org-switcher-search" class="sr-only">
              Search organizations
            </label>
            <input
              id="org-switcher-search"
              type="search"
              placeholder="Search organizations"
              autofocus
              value={query()}
              onInput={(event) => setQuery(event.currentTarget.value)}
              onKeyDown={(event) => {
                const first = filtered()[0]
                if (event.key === 'Enter' && first) void choose(first, close)
              }}
              data-testid="org-switcher-search"
              class="h-9 w-full rounded-lg border border-zinc-200 bg-zinc-50 pr-3 pl-9 text-sm dark:border-zinc-700 dark:bg-zinc-800"
            />
          </div>
          <div class="mt-1 max-h-72 overflow-y-auto">
            <Show when={loadError()}>
              <p class="px-3 py-2 text-sm text-red-600 dark:text-red-400">{loadError()}</p>
            </Show>
            <Show when={organizations()} fallback={<Spinner class="px-3 py-2" label="Loading organizations…" />}>
              <For each={filtered()} fallback={<p class="px-3 py-2 text-sm text-zinc-500">No organization matches.</p>}>
                {(organization) => {
                  const current = () => organization.id === session.organization()?.id
                  return (
                    <button
                      type="button"
                      data-testid="org-switcher-option"
                      data-organization-id={organization.id}
                      aria-current={current() ? 'true' : undefined}
                      onClick={() => choose(organization, close)}
                      class={cx(
                        'flex w-full items-center justify-between gap-2 rounded-lg px-3 py-2 text-left text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800',
                        current() && 'font-medium text-brand-700 dark:text-brand-300',
                      )}
                    >
                      <span class="truncate">{organization.name}</span>
                      <Show when={current()}>
                        <Check class="size-4 shrink-0" aria-hidden="true" />
                      </Show>
                    </button>
                  )
                }}
              </For>
            </Show>
          </div>
        </div>
      )}
    </Popover>
  )
}
