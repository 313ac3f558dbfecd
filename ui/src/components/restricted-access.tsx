import { A } from '@solidjs/router'
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
