import { Match, Show, Switch } from 'solid-js'
import { PageHeader } from '../../components/card.tsx'
import { KeyRound, Link, Settings2, ShieldAlert, ShieldCheck, Users } from '../../components/icons.ts'
import { QueryState } from '../../components/query-state.tsx'
import { WorkspaceUnavailable } from '../../components/restricted-access.tsx'
import { type TabItem, TabPanel, Tabs } from '../../components/tabs.tsx'
import { useTabParam } from '../../lib/navigation.ts'
import { session } from '../../lib/session.ts'
import { useWorkspaceFromRoute } from '../../lib/workspaces.ts'
import { InstalledIntegrations } from '../integrations/installed-list.tsx'
import { ApiTokensTab } from './api-tokens-tab.tsx'
import { ConnectedAppsTab } from './connected-apps-tab.tsx'
import { GeneralTab } from './general-tab.tsx'
import { MembersTab } from './members-tab.tsx'
import { SecurityTab } from './security-tab.tsx'

type WorkspaceTab = 'general' | 'members' | 'tokens' | 'apps' | 'integrations' | 'security'

function tabs(): TabItem<WorkspaceTab>[] {
  const list: TabItem<WorkspaceTab>[] = [
    { id: 'general', label: 'General', icon: Settings2 },
    { id: 'members', label: 'Members', icon: Users },
    { id: 'tokens', label: 'API tokens', icon: KeyRound },
    { id: 'apps', label: 'Apps', icon: ShieldCheck },
    { id: 'integrations', label: 'Integrations', icon: Link },
  ]
  if (session.isAdmin()) list.push({ id: 'security', label: 'Security', icon: ShieldAlert })
  return list
}

export function WorkspaceSettingsPage() {
  const [tab, setTab] = useTabParam(() => tabs().map((t) => t.id), 'general')
  const { workspace, forbidden } = useWorkspaceFromRoute()

  return (
    <Show
      when={!forbidden()}
      fallback={
        <WorkspaceUnavailable forbidden={workspace.error()?.status === 403} notFoundTestId="workspace-not-found" />
      }
    >
      <QueryState query={workspace} testId="workspace">
        {(current) => (
          <div data-testid="workspace-settings-page" data-workspace-id={current().id}>
            <PageHeader
              title={<span data-testid="workspace-settings-title">{current().name}</span>}
              description="Workspace settings"
            />
            <Tabs
              label="Workspace settings"
              tabs={tabs()}
              value={tab()}
              onChange={setTab}
              testIdPrefix="workspace-tab"
            />
            <TabPanel id={tab()}>
              <Switch>
                <Match when={tab() === 'general'}>
                  <GeneralTab workspace={current()} onSaved={(saved) => workspace.mutate(saved)} />
                </Match>
                <Match when={tab() === 'members'}>
                  <MembersTab workspace={current()} />
                </Match>
                <Match when={tab() === 'tokens'}>
                  <ApiTokensTab workspace={current()} />
                </Match>
                <Match when={tab() === 'apps'}>
                  <ConnectedAppsTab workspace={current()} />
                </Match>
                <Match when={tab() === 'integrations'}>
                  <InstalledIntegrations workspace={current()} />
                </Match>
                <Match when={tab() === 'security'}>
                  <SecurityTab workspace={current()} />
                </Match>
              </Switch>
            </TabPanel>
          </div>
        )}
      </QueryState>
    </Show>
  )
}
