import { useLocation } from '@solidjs/router'
import { createEffect, createMemo, createSignal, For, Show } from 'solid-js'
import { Alert, FormError } from '../components/alert.tsx'
import { AuthLayout } from '../components/auth-layout.tsx'
import { Button } from '../components/button.tsx'
import { Checkbox, SelectField } from '../components/field.tsx'
import { ExternalLink, ShieldCheck } from '../components/icons.ts'
import { Spinner } from '../components/spinner.tsx'
import {
  ADMIN_SCOPES,
  type AuthorizationQuery,
  type ConsentDetails,
  decideConsent,
  getConsent,
  type OAuthScope,
  SCOPE_DESCRIPTIONS,
} from '../lib/api-oauth.ts'
import { createFormState } from '../lib/form.ts'
import { roleLabels } from '../lib/format.ts'
import { createQuery } from '../lib/query.ts'
import { session } from '../lib/session.ts'

const scopeTestId = (scope: string) => `oauth-consent-scope-${scope.replace(':', '-')}`

function hostOf(uri: string | null): string | null {
  if (!uri) return null
  try {
    return new URL(uri).host
  } catch {
    return null
  }
}

/**
 * Where an application sent by `/oauth/authorize` asks for access: the person picks the organization, the workspace
 * and the scopes, then approves or denies; the browser then goes back to the application.
 */
export function OAuthConsentPage() {
  const location = useLocation()
  const query = (): AuthorizationQuery => Object.fromEntries(new URLSearchParams(location.search))
  const consent = createQuery(query, getConsent)

  return (
    <Show
      when={consent.data()}
      fallback={
        <AuthLayout title="Connect an application" testId="oauth-consent-page">
          <Show
            when={consent.error()}
            fallback={
              <div class="flex justify-center py-6">
                <Spinner label="Loading…" />
              </div>
            }
          >
            {(error) => (
              <div class="space-y-3">
                <Alert tone="error" testId="oauth-consent-load-error">
                  {error().message}
                </Alert>
                <p class="text-sm text-zinc-500 dark:text-zinc-400">
                  Return to the application and connect again. Nothing was shared with it.
                </p>
              </div>
            )}
          </Show>
        </AuthLayout>
      }
    >
      {(details) => <ConsentForm details={details()} query={query()} />}
    </Show>
  )
}

function ConsentForm(props: { details: ConsentDetails; query: AuthorizationQuery }) {
  const organizations = () => props.details.organizations
  const preferred = () =>
    organizations().find((o) => o.id === session.me()?.currentOrganizationId && o.workspaces.length > 0) ??
    organizations().find((o) => o.workspaces.length > 0) ??
    organizations()[0]
  const [organizationId, setOrganizationId] = createSignal(preferred()?.id ?? '')
  const organization = createMemo(() => organizations().find((o) => o.id === organizationId()))
  const [workspaceId, setWorkspaceId] = createSignal('')
  createEffect(() => {
    const list = organization()?.workspaces ?? []
    const chosen = session.workspace()?.id
    if (!list.some((w) => w.id === workspaceId())) {
      setWorkspaceId(list.find((w) => w.id === chosen)?.id ?? list[0]?.id ?? '')
    }
  })
  const isAdmin = () => organization()?.role === 'admin' || organization()?.role === 'super_admin'
  const allowed = (scope: OAuthScope) => isAdmin() || !ADMIN_SCOPES.includes(scope)

  // administrator scopes are never pre-selected: the person opts in to them
  const [chosen, setChosen] = createSignal<OAuthScope[]>(
    props.details.requestedScopes.filter((s) => !ADMIN_SCOPES.includes(s)),
  )
  // switching to an organization where the person is not an admin drops the admin scopes
  createEffect(() => setChosen((current) => current.filter(allowed)))
  const toggle = (scope: OAuthScope, on: boolean) =>
    setChosen((current) => (on ? [...new Set([...current, scope])] : current.filter((s) => s !== scope)))

  const form = createFormState()
  const [leaving, setLeaving] = createSignal(false)
  const answer = async (approve: boolean) => {
    await form.submit(async () => {
      const { redirectTo } = await decideConsent(props.query, {
        organizationId: organizationId(),
        workspaceId: workspaceId(),
        scopes: chosen(),
        approve,
      })
      setLeaving(true)
      window.location.assign(redirectTo)
    })
  }
  const website = () => hostOf(props.details.client.uri)
  const noWorkspace = () => (organization()?.workspaces.length ?? 0) === 0

  return (
    <AuthLayout
      title={`Connect ${props.details.client.name}`}
      subtitle={
        <>
          <span data-testid="oauth-consent-app-name" class="font-medium text-zinc-700 dark:text-zinc-200">
            {props.details.client.name}
          </span>{' '}
          wants to use Prodgy as {session.user()?.fullName || session.user()?.email}.
        </>
      }
      wide
      testId="oauth-consent-page"
    >
      <div class="space-y-5">
        <div class="flex items-center gap-3">
          <Show
            when={props.details.client.logoUri}
            fallback={
              <div class="flex size-10 items-center justify-center rounded-lg bg-brand-50 text-brand-600 dark:bg-brand-950 dark:text-brand-300">
                <ShieldCheck class="size-5" aria-hidden="true" />
              </div>
            }
          >
            {(logo) => <img src={logo()} alt="" class="size-10 rounded-lg object-contain" />}
          </Show>
          <div class="min-w-0 text-sm">
            <Show
              when={website()}
              fallback={<span class="text-zinc-500 dark:text-zinc-400">The application gave no website.</span>}
            >
              {(host) => (
                <a
                  href={props.details.client.uri ?? '#'}
                  target="_blank"
                  rel="noopener noreferrer"
                  class="inline-flex items-center gap-1 font-medium text-brand-600 hover:underline dark:text-brand-400"
                  data-testid="oauth-consent-app-website"
                >
                  {host()}
                  <ExternalLink class="size-3.5" aria-hidden="true" />
                </a>
              )}
            </Show>
            <p class="text-xs text-zinc-500 dark:text-zinc-400">
              Only approve applications you trust. You can revoke access at any time in Workspace settings → Apps.
            </p>
          </div>
        </div>

        <Show
          when={organizations().length > 0}
          fallback={
            <Alert tone="error" testId="oauth-consent-no-organization">
              You are not a member of any organization yet, so there is nothing to connect.
            </Alert>
          }
        >
          <div class="grid gap-4 sm:grid-cols-2">
            <SelectField
              id="oauth-consent-organization"
              label="Organization"
              value={organizationId()}
              onValue={setOrganizationId}
              options={organizations().map((o) => ({ value: o.id, label: `${o.name} (${roleLabels[o.role]})` }))}
              testId="oauth-consent-organization"
            />
            <SelectField
              id="oauth-consent-workspace"
              label="Workspace"
              value={workspaceId()}
              onValue={setWorkspaceId}
              options={(organization()?.workspaces ?? []).map((w) => ({ value: w.id, label: w.name }))}
              testId="oauth-consent-workspace"
              error={noWorkspace() ? ['You cannot open any workspace in this organization.'] : undefined}
              disabled={noWorkspace()}
            />
          </div>

          <fieldset class="space-y-3">
            <legend class="mb-2 text-sm font-medium text-zinc-800 dark:text-zinc-200">
              It will be able to, in this workspace:
            </legend>
            <For each={props.details.requestedScopes}>
              {(scope) => (
                <Checkbox
                  id={scopeTestId(scope)}
                  testId={scopeTestId(scope)}
                  checked={chosen().includes(scope)}
                  disabled={!allowed(scope)}
                  onChange={(on) => toggle(scope, on)}
                  label={
                    <>
                      {SCOPE_DESCRIPTIONS[scope].title}{' '}
                      <code class="rounded bg-zinc-100 px-1 font-mono text-xs text-zinc-500 dark:bg-zinc-800">
                        {scope}
                      </code>
                    </>
                  }
                  description={
                    allowed(scope)
                      ? SCOPE_DESCRIPTIONS[scope].description
                      : `${SCOPE_DESCRIPTIONS[scope].description} You are not an administrator of this organization.`
                  }
                />
              )}
            </For>
          </fieldset>
        </Show>

        <FormError message={form.error()} testId="oauth-consent-error" />
        <div class="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button
            size="lg"
            disabled={form.pending() || leaving()}
            onClick={() => answer(false)}
            data-testid="oauth-consent-deny"
          >
            Deny
          </Button>
          <Button
            size="lg"
            variant="primary"
            loading={form.pending() || leaving()}
            disabled={noWorkspace() || chosen().length === 0 || organizations().length === 0}
            onClick={() => answer(true)}
            data-testid="oauth-consent-approve"
          >
            Approve
          </Button>
        </div>
      </div>
    </AuthLayout>
  )
}
