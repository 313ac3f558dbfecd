import { Navigate, Route, Router, type RouteSectionProps, useLocation, useNavigate } from '@solidjs/router'
import { createEffect, createResource, lazy, Match, Show, Suspense, Switch } from 'solid-js'
import { Alert } from './components/alert.tsx'
import { AuthLayout } from './components/auth-layout.tsx'
import { Button } from './components/button.tsx'
import { AppShell } from './components/shell/app-shell.tsx'
import { FullPageSpinner, Spinner } from './components/spinner.tsx'
import { Toaster } from './components/toaster.tsx'
import * as api from './lib/api.ts'
import { session } from './lib/session.ts'
import { AcceptInvitePage } from './pages/accept-invite.tsx'
import { ConfirmPage } from './pages/confirm.tsx'
import { ForgotPasswordPage } from './pages/forgot-password.tsx'
import { HomePage } from './pages/home.tsx'
import { LoginPage } from './pages/login.tsx'
import { NotFoundPage } from './pages/not-found.tsx'
import { OAuthConsentPage } from './pages/oauth-consent.tsx'
import { OnboardingPage } from './pages/onboarding.tsx'
import { ResetPasswordPage } from './pages/reset-password.tsx'
import { SetupPage } from './pages/setup.tsx'
import { SignupPage } from './pages/signup.tsx'

const ProfilePage = lazy(() => import('./pages/profile.tsx').then((m) => ({ default: m.ProfilePage })))
const AdminPage = lazy(() => import('./pages/admin/admin-page.tsx').then((m) => ({ default: m.AdminPage })))
const CatalogPage = lazy(() =>
  import('./pages/integrations/catalog-page.tsx').then((m) => ({ default: m.CatalogPage })),
)
const KnowledgePage = lazy(() =>
  import('./pages/knowledge/knowledge-page.tsx').then((m) => ({ default: m.KnowledgePage })),
)
const WorkspaceSettingsPage = lazy(() =>
  import('./pages/workspace-settings/workspace-settings-page.tsx').then((m) => ({ default: m.WorkspaceSettingsPage })),
)

/**
 * Runs once per page load: asks whether first-run setup is needed, then restores the session
 * (tab token or refresh cookie). Until both are known, nothing route-specific renders.
 */
function Root(props: RouteSectionProps) {
  const location = useLocation()
  const navigate = useNavigate()
  api.onSessionExpired(() => session.expire())

  const [boot, { refetch }] = createResource(async () => {
    const { needsSetup } = await api.getSetupStatus()
    session.setNeedsSetup(needsSetup)
    if (!needsSetup) await session.restore()
    return true
  })

  const onSetupPage = () => location.pathname === '/setup'
  const misplaced = () => (session.needsSetup() ? !onSetupPage() : onSetupPage())
  createEffect(() => {
    if (boot.state !== 'ready') return
    if (session.needsSetup() && !onSetupPage()) navigate('/setup', { replace: true })
    else if (!session.needsSetup() && onSetupPage()) navigate('/', { replace: true })
  })

  return (
    <>
      <Switch>
        <Match when={boot.state === 'errored'}>
          <AuthLayout title="Prodgy can't be reached" testId="boot-error">
            <div class="space-y-4">
              <Alert tone="error">{api.toApiError(boot.error).message}</Alert>
              <Button variant="primary" onClick={() => refetch()} data-testid="boot-retry">
                Try again
              </Button>
            </div>
          </AuthLayout>
        </Match>
        <Match when={boot.state !== 'ready' || misplaced()}>
          <FullPageSpinner />
        </Match>
        <Match when={true}>{props.children}</Match>
      </Switch>
      <Toaster />
    </>
  )
}

/** Signed-in pages: strangers go to /login (and come back after), people without an organization to onboarding. */
function RequireSession(props: RouteSectionProps) {
  const location = useLocation()
  const next = () => encodeURIComponent(`${location.pathname}${location.search}`)
  const onOnboarding = () => location.pathname === '/onboarding'
  return (
    <Switch>
      <Match when={!session.isSignedIn()}>
        <Navigate href={location.pathname === '/' ? '/login' : `/login?next=${next()}`} />
      </Match>
      <Match when={!session.hasOrganization() && !onOnboarding()}>
        <Navigate href="/onboarding" />
      </Match>
      <Match when={session.hasOrganization() && onOnboarding()}>
        <Navigate href="/" />
      </Match>
      <Match when={true}>{props.children}</Match>
    </Switch>
  )
}

function Shell(props: RouteSectionProps) {
  return (
    <AppShell>
      <Suspense
        fallback={
          <div class="flex justify-center py-20">
            <Spinner label="Loading…" />
          </div>
        }
      >
        <Show when={true}>{props.children}</Show>
      </Suspense>
    </AppShell>
  )
}

export function App() {
  return (
    <Router root={Root}>
      <Route path="/setup" component={SetupPage} />
      <Route path="/signup" component={SignupPage} />
      <Route path="/confirm" component={ConfirmPage} />
      <Route path="/login" component={LoginPage} />
      <Route path="/forgot-password" component={ForgotPasswordPage} />
      <Route path="/reset-password" component={ResetPasswordPage} />
      <Route path="/accept-invite" component={AcceptInvitePage} />
      <Route path="/" component={RequireSession}>
        <Route path="/onboarding" component={OnboardingPage} />
        <Route path="/oauth/consent" component={OAuthConsentPage} />
        <Route path="/" component={Shell}>
          <Route path="/" component={HomePage} />
          <Route path="/profile" component={ProfilePage} />
          <Route path="/admin" component={AdminPage} />
          <Route path="/integrations" component={CatalogPage} />
          <Route path="/workspaces/:id/settings" component={WorkspaceSettingsPage} />
          <Route path="/workspaces/:id/knowledge" component={KnowledgePage} />
        </Route>
      </Route>
      <Route path="*" component={NotFoundPage} />
    </Router>
  )
}
