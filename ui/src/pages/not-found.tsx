import { A } from '@solidjs/router'
import { AuthLayout, linkClass } from '../components/auth-layout.tsx'

export function NotFoundPage() {
  return (
    <AuthLayout title="Page not found" testId="not-found">
      <p class="text-sm text-zinc-600 dark:text-zinc-300">
        There is nothing at this address.{' '}
        <A href="/" class={linkClass} data-testid="not-found-home">
          Go to the home page
        </A>
        .
      </p>
    </AuthLayout>
  )
}
