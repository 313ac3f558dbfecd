import { createResource, Match, Switch } from 'solid-js'
import { loadSession, type StudioSession } from './session.ts'

/** Where the Web app lives: the same origin in production; its dev server while developing. */
const webAppUrl: string = import.meta.env.VITE_PRODGY_WEB_URL ?? (import.meta.env.DEV ? 'http://localhost:3000/' : '/')

function SignedIn(props: { session: StudioSession }) {
  return (
    <section class="card" aria-labelledby="studio-welcome">
      <h1 id="studio-welcome">Workflows arrive with agents</h1>
      <p class="lead" data-testid="studio-message">
        Studio is where each agent's workflow will be designed: its triggers, steps and outputs. Agents are not
        available yet, so there is nothing to edit here today.
      </p>
      <dl class="facts">
        <div>
          <dt>Signed in as</dt>
          <dd>
            <span data-testid="studio-user-name">{props.session.me.user.fullName}</span>
            <span class="muted" data-testid="studio-user-email">
              {props.session.me.user.email}
            </span>
          </dd>
        </div>
        <div>
          <dt>Organization</dt>
          <dd data-testid="studio-organization-name">{props.session.organizationName ?? '—'}</dd>
        </div>
        <div>
          <dt>Workspace</dt>
          <dd data-testid="studio-workspace-name">{props.session.workspace?.name ?? 'No workspace yet'}</dd>
        </div>
      </dl>
      <a class="button" href={webAppUrl} data-testid="studio-back-link">
        Back to the Web app
      </a>
    </section>
  )
}

export function App() {
  const [session] = createResource(loadSession)
  const signInUrl = `${webAppUrl.replace(/\/$/, '')}/login?next=${encodeURIComponent('/studio/')}`
  return (
    <div class="page">
      <header class="header" data-testid="studio-header">
        <a href={webAppUrl} class="brand" aria-label="Prodgy home">
          {/* The Web app's logo mark, the same drawing as the favicon served from Studio's own public folder. */}
          <img class="mark" src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" />
          <span>
            Prodgy <strong>Studio</strong>
          </span>
        </a>
        <a href={webAppUrl} class="link" data-testid="studio-header-back-link">
          Open the Web app
        </a>
      </header>
      <main class="main">
        <Switch>
          <Match when={session.loading}>
            <p class="muted" role="status" data-testid="studio-loading">
              Checking your session…
            </p>
          </Match>
          <Match when={session.error}>
            <section class="card" data-testid="studio-error">
              <h1>Studio can't reach Prodgy</h1>
              <p class="lead">{(session.error as Error)?.message ?? 'The server did not answer.'}</p>
              <button type="button" class="button" onClick={() => location.reload()}>
                Try again
              </button>
            </section>
          </Match>
          <Match when={session.state === 'ready' && session() === null}>
            <section class="card" data-testid="studio-signed-out">
              <h1>Sign in to use Studio</h1>
              <p class="lead">Studio uses your Prodgy account. Sign in to the Web app, then come back.</p>
              <a class="button" href={signInUrl} data-testid="studio-sign-in-link">
                Sign in
              </a>
            </section>
          </Match>
          <Match when={session.state === 'ready' && session()}>{(current) => <SignedIn session={current()} />}</Match>
        </Switch>
      </main>
    </div>
  )
}
