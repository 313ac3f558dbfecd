import { A } from '@solidjs/router'
import { type Component, For, Show } from 'solid-js'
import { Dynamic } from 'solid-js/web'
import { Badge } from '../components/badge.tsx'
import { buttonStyles } from '../components/button.tsx'
import { cardClass, EmptyState } from '../components/card.tsx'
import {
  ArrowRight,
  Boxes,
  KeyRound,
  type LucideProps,
  ShieldCheck,
  UserRound,
  Users,
  Workflow,
} from '../components/icons.ts'
import { cx } from '../lib/cx.ts'
import { formatDate } from '../lib/format.ts'
import { session } from '../lib/session.ts'

interface QuickLink {
  href: string
  title: string
  description: string
  icon: Component<LucideProps>
  testId: string
  external?: boolean
}

function greeting(): string {
  const hour = new Date().getHours()
  if (hour < 12) return 'Good morning'
  if (hour < 18) return 'Good afternoon'
  return 'Good evening'
}

function quickLinks(): QuickLink[] {
  const workspace = session.workspace()
  const links: QuickLink[] = []
  if (workspace) {
    links.push(
      {
        href: `/workspaces/${workspace.id}/settings?tab=tokens`,
        title: 'API tokens',
        description: 'Give scripts and tools access to this workspace.',
        icon: KeyRound,
        testId: 'home-link-tokens',
      },
      {
        href: `/workspaces/${workspace.id}/settings?tab=general`,
        title: 'Product context',
        description: 'Vision, audience, personas, value proposition and OKRs.',
        icon: Boxes,
        testId: 'home-link-context',
      },
    )
  }
  links.push({
    href: '/profile',
    title: 'Profile and AI preferences',
    description: 'Your details, password and how agents should work with you.',
    icon: UserRound,
    testId: 'home-link-profile',
  })
  if (session.isAdmin()) {
    links.push(
      {
        href: '/admin?tab=users',
        title: 'People and invitations',
        description: 'Invite teammates and choose what they can open.',
        icon: Users,
        testId: 'home-link-users',
      },
      {
        href: '/admin',
        title: 'Admin panel',
        description: 'Organization details, workspaces and the audit log.',
        icon: ShieldCheck,
        testId: 'home-link-admin',
      },
    )
  }
  links.push({
    href: '/studio/',
    title: 'Prodgy Studio',
    description: 'The workflow editor, where agents will be designed.',
    icon: Workflow,
    testId: 'home-link-studio',
    external: true,
  })
  return links
}

export function HomePage() {
  const firstName = () => session.user()?.fullName?.split(/\s+/)[0] ?? ''
  return (
    <div class="space-y-8" data-testid="home-page">
      <div>
        <p class="text-sm text-zinc-500 dark:text-zinc-400" data-testid="home-organization-name">
          {session.organization()?.name}
        </p>
        <h1
          class="mt-1 text-2xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50"
          data-testid="home-greeting"
        >
          {greeting()}, {firstName()}
        </h1>
      </div>

      <Show
        when={session.workspace()}
        fallback={
          <div class={cardClass}>
            <EmptyState
              testId="home-no-workspace"
              icon={<Boxes class="size-5" />}
              title="No workspace yet"
              description={
                session.isAdmin()
                  ? 'A workspace holds one product: its context, members and API tokens. Create the first one to get started.'
                  : 'You have not been given access to a workspace yet. Ask an Admin of your organization to add you.'
              }
              action={
                session.isAdmin() ? (
                  <A href="/admin?tab=workspaces" data-testid="home-create-workspace" class={buttonStyles('primary')}>
                    Create a workspace
                  </A>
                ) : undefined
              }
            />
          </div>
        }
      >
        {(workspace) => (
          <section
            class={cx(cardClass, 'relative overflow-hidden p-6')}
            aria-labelledby="home-workspace-name"
            data-testid="home-workspace"
          >
            <div
              aria-hidden="true"
              class="absolute -top-16 -right-16 size-48 rounded-full bg-brand-100/60 blur-2xl dark:bg-brand-900/30"
            />
            <div class="relative flex flex-wrap items-start justify-between gap-4">
              <div class="flex min-w-0 items-start gap-4">
                <Show
                  when={workspace().logo}
                  fallback={
                    <div class="flex size-12 shrink-0 items-center justify-center rounded-xl bg-brand-600 text-lg font-semibold text-white">
                      {workspace().name.slice(0, 1).toUpperCase()}
                    </div>
                  }
                >
                  <img src={workspace().logo ?? ''} alt="" class="size-12 shrink-0 rounded-xl object-cover" />
                </Show>
                <div class="min-w-0">
                  <p class="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
                    Current workspace
                  </p>
                  <h2
                    id="home-workspace-name"
                    class="truncate text-xl font-semibold text-zinc-900 dark:text-zinc-50"
                    data-testid="home-workspace-name"
                  >
                    {workspace().name}
                  </h2>
                  <p class="mt-1 max-w-2xl text-sm text-zinc-600 dark:text-zinc-300">
                    {workspace().description || 'No description yet.'}
                  </p>
                  <div class="mt-3 flex flex-wrap items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
                    <Badge>{workspace().slug}</Badge>
                    <span>
                      {workspace().memberCount} {workspace().memberCount === 1 ? 'member' : 'members'}
                    </span>
                    <span aria-hidden="true">·</span>
                    <span>Created {formatDate(workspace().createdAt)}</span>
                  </div>
                </div>
              </div>
              <A
                href={`/workspaces/${workspace().id}/settings`}
                data-testid="home-workspace-settings"
                class={buttonStyles('secondary')}
              >
                Workspace settings
              </A>
            </div>
          </section>
        )}
      </Show>

      <section aria-labelledby="home-quick-links">
        <h2 id="home-quick-links" class="mb-3 text-sm font-semibold text-zinc-900 dark:text-zinc-100">
          Quick links
        </h2>
        <div class="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
          <For each={quickLinks()}>
            {(link) => {
              const body = (
                <>
                  <div class="flex size-9 shrink-0 items-center justify-center rounded-lg bg-zinc-100 text-zinc-600 transition-colors group-hover:bg-brand-50 group-hover:text-brand-600 dark:bg-zinc-800 dark:text-zinc-300 dark:group-hover:bg-brand-950/60 dark:group-hover:text-brand-300">
                    <Dynamic component={link.icon} class="size-4.5" aria-hidden="true" />
                  </div>
                  <div class="min-w-0 flex-1">
                    <p class="flex items-center gap-1 font-medium text-zinc-900 dark:text-zinc-100">
                      {link.title}
                      <ArrowRight
                        class="size-3.5 opacity-0 transition-opacity group-hover:opacity-100"
                        aria-hidden="true"
                      />
                    </p>
                    <p class="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">{link.description}</p>
                  </div>
                </>
              )
              const linkClass = cx(
                cardClass,
                'group flex items-start gap-3 p-4 transition-colors hover:border-brand-300 dark:hover:border-brand-800',
              )
              return link.external ? (
                <a href={link.href} class={linkClass} data-testid={link.testId}>
                  {body}
                </a>
              ) : (
                <A href={link.href} class={linkClass} data-testid={link.testId}>
                  {body}
                </A>
              )
            }}
          </For>
        </div>
      </section>
    </div>
  )
}
