import { A } from '@solidjs/router'
import { type Component, For, Show } from 'solid-js'
import { Dynamic } from 'solid-js/web'
import { session } from '../../lib/session.ts'
import { BookOpen, House, Link, Settings2, ShieldCheck } from '../icons.ts'
import { Logo } from '../logo.tsx'

interface NavItem {
  href: string
  label: string
  icon: Component<{ class?: string }>
  testId: string
  end?: boolean
}

/** Only what exists today; later areas (agents, playground…) add their own entries here. */
function items(): NavItem[] {
  const list: NavItem[] = [{ href: '/', label: 'Home', icon: House, testId: 'nav-home', end: true }]
  const workspace = session.workspace()
  if (workspace) {
    list.push({
      href: `/workspaces/${workspace.id}/knowledge`,
      label: 'Knowledge',
      icon: BookOpen,
      testId: 'nav-knowledge',
    })
    list.push({
      href: `/workspaces/${workspace.id}/settings`,
      label: 'Workspace settings',
      icon: Settings2,
      testId: 'nav-workspace-settings',
    })
  }
  list.push({ href: '/integrations', label: 'Integrations', icon: Link, testId: 'nav-integrations' })
  if (session.isAdmin()) list.push({ href: '/admin', label: 'Admin', icon: ShieldCheck, testId: 'nav-admin' })
  return list
}

export function Sidebar(props: { onNavigate?: () => void }) {
  return (
    <div class="flex h-full flex-col">
      <div class="flex h-16 items-center px-5">
        <A href="/" class="rounded-lg" aria-label="Prodgy home" onClick={() => props.onNavigate?.()}>
          <Logo />
        </A>
      </div>
      <nav aria-label="Main" class="flex-1 space-y-0.5 px-3 py-2" data-testid="sidebar">
        <For each={items()}>
          {(item) => (
            <A
              href={item.href}
              end={item.end}
              data-testid={item.testId}
              onClick={() => props.onNavigate?.()}
              class="flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors"
              activeClass="bg-brand-50 text-brand-700 dark:bg-brand-950/60 dark:text-brand-200"
              inactiveClass="text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/70 dark:hover:text-zinc-100"
            >
              <Dynamic component={item.icon} class="size-4.5 shrink-0" aria-hidden="true" />
              {item.label}
            </A>
          )}
        </For>
      </nav>
      <Show when={session.organization()}>
        {(organization) => (
          <div class="border-t border-zinc-200 px-5 py-4 text-xs dark:border-zinc-800">
            <p class="text-zinc-400 dark:text-zinc-500">Organization</p>
            <p class="truncate font-medium text-zinc-700 dark:text-zinc-300" data-testid="sidebar-organization-name">
              {organization().name}
            </p>
          </div>
        )}
      </Show>
    </div>
  )
}
