import { useLocation } from '@solidjs/router'
import { createEffect, createSignal, type JSX, on, onCleanup, Show } from 'solid-js'
import { session } from '../../lib/session.ts'
import { IconButton } from '../button.tsx'
import { Menu, X } from '../icons.ts'
import { ThemeToggle } from '../theme-toggle.tsx'
import { OrganizationSwitcher } from './organization-switcher.tsx'
import { Sidebar } from './sidebar.tsx'
import { UserMenu } from './user-menu.tsx'
import { WorkspaceSelector } from './workspace-selector.tsx'

/** Tracks a media query, so only one sidebar is ever in the page (and its test ids stay unique). */
function createMediaQuery(query: string): () => boolean {
  const media = window.matchMedia(query)
  const [matches, setMatches] = createSignal(media.matches)
  const update = (event: MediaQueryListEvent) => setMatches(event.matches)
  media.addEventListener('change', update)
  onCleanup(() => media.removeEventListener('change', update))
  return matches
}

/** Navbar, sidebar and content area for every signed-in page. */
export function AppShell(props: { children?: JSX.Element }) {
  const [drawerOpen, setDrawerOpen] = createSignal(false)
  const wide = createMediaQuery('(min-width: 1024px)')
  const location = useLocation()
  createEffect(
    on(
      () => location.pathname,
      () => setDrawerOpen(false),
      { defer: true },
    ),
  )
  const showOrganizationSwitcher = () => session.isSuperAdmin() || (session.me()?.organizations.length ?? 0) > 1

  return (
    <div class="min-h-screen lg:pl-60">
      <a
        href="#main"
        class="sr-only z-50 rounded-lg bg-white px-3 py-2 text-sm font-medium focus:not-sr-only focus:fixed focus:top-3 focus:left-3 dark:bg-zinc-900"
      >
        Skip to content
      </a>
      <Show when={wide()}>
        <aside class="fixed inset-y-0 left-0 w-60 border-r border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <Sidebar />
        </aside>
      </Show>
      <Show when={drawerOpen() && !wide()}>
        <div class="fixed inset-0 z-40 lg:hidden">
          <button
            type="button"
            aria-label="Close menu"
            class="absolute inset-0 bg-zinc-950/40"
            onClick={() => setDrawerOpen(false)}
          />
          <aside class="absolute inset-y-0 left-0 w-64 border-r border-zinc-200 bg-white shadow-xl dark:border-zinc-800 dark:bg-zinc-900">
            <IconButton
              label="Close menu"
              class="absolute top-3.5 right-3"
              onClick={() => setDrawerOpen(false)}
              data-testid="sidebar-close"
            >
              <X class="size-4" aria-hidden="true" />
            </IconButton>
            <Sidebar onNavigate={() => setDrawerOpen(false)} />
          </aside>
        </div>
      </Show>
      <header class="sticky top-0 z-30 flex h-16 items-center gap-3 border-b border-zinc-200 bg-white/85 px-4 backdrop-blur sm:px-6 dark:border-zinc-800 dark:bg-zinc-950/80">
        <IconButton label="Open menu" class="lg:hidden" onClick={() => setDrawerOpen(true)} data-testid="sidebar-open">
          <Menu class="size-5" aria-hidden="true" />
        </IconButton>
        <WorkspaceSelector />
        <div class="ml-auto flex shrink-0 items-center gap-1 sm:gap-2">
          <Show when={showOrganizationSwitcher()}>
            <OrganizationSwitcher />
          </Show>
          <ThemeToggle />
          <UserMenu />
        </div>
      </header>
      <main id="main" class="px-4 py-6 sm:px-6 lg:px-10 lg:py-8">
        <div class="mx-auto max-w-6xl">{props.children}</div>
      </main>
    </div>
  )
}
