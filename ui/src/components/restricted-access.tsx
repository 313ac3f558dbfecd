import { A } from '@solidjs/router'
import { Show } from 'solid-js'
import { buttonStyles } from './button.tsx'
import { Lock } from './icons.ts'

/** Shown in place of admin-only pages to people without the Admin or Super Admin role. */
export function RestrictedAccess(props: { message?: string }) {
  return (
    <div data-testid="restricted-access" class="mx-auto max-w-md py-16 text-center">
      <div class="mx-auto mb-4 flex size-12 items-center justify-center rounded-full bg-amber-50 text-amber-600 dark:bg-amber-950/50 dark:text-amber-400">
        <Lock class="size-5" aria-hidden="true" />
      </div>
      <h1 class="text-xl font-semibold text-zinc-900 dark:text-zinc-50">Restricted access</h1>
      <p class="mt-2 text-sm text-zinc-500 dark:text-zinc-400">
        {props.message ??
          'Only administrators of this organization can open this page. Ask an Admin if you need access.'}
      </p>
      <A href="/" class={`${buttonStyles('secondary')} mt-6`} data-testid="restricted-home">
        Back to home
      </A>
    </div>
  )
}

/** Shown in place of a workspace page when the workspace cannot be opened: no access (403), or it does not exist. */
export function WorkspaceUnavailable(props: { forbidden: boolean; notFoundTestId: string }) {
  return (
    <Show
      when={props.forbidden}
      fallback={
        <div class="py-16 text-center" data-testid={props.notFoundTestId}>
          <h1 class="text-xl font-semibold">Workspace not found</h1>
          <p class="mt-2 text-sm text-zinc-500 dark:text-zinc-400">It may have been deleted.</p>
          <A href="/" class={`${buttonStyles('secondary')} mt-6`}>
            Back to home
          </A>
        </div>
      }
    >
      <RestrictedAccess message="You do not have access to this workspace. Ask an Admin to add you." />
    </Show>
  )
}
