import { Match, Show, Switch } from 'solid-js'
import { PageHeader } from '../../components/card.tsx'
import {
  Boxes,
  BrainCircuit,
  Building2,
  Cpu,
  Inbox,
  Link,
  ScrollText,
  ShieldCheck,
  Users,
} from '../../components/icons.ts'
import { RestrictedAccess } from '../../components/restricted-access.tsx'
import { type TabItem, TabPanel, Tabs } from '../../components/tabs.tsx'
import { useTabParam } from '../../lib/navigation.ts'
import { session } from '../../lib/session.ts'
import { InstalledIntegrations } from '../integrations/installed-list.tsx'
import { McpSettingsTab } from '../integrations/mcp-settings-tab.tsx'
import { AiProviderTab } from './ai-provider-tab.tsx'
import { AuditLogTab } from './audit-log-tab.tsx'
import { OrganizationTab } from './organization-tab.tsx'
import { OutboxTab } from './outbox-tab.tsx'
import { PlatformUsersTab } from './platform-users-tab.tsx'
import { UsersTab } from './users-tab.tsx'
import { WorkspacesTab } from './workspaces-tab.tsx'

type AdminTab =
  | 'organization'
  | 'workspaces'
  | 'users'
  | 'ai-provider'
  | 'integrations'
  | 'mcp'
  | 'audit'
  | 'outbox'
  | 'platform-users'

function tabs(): TabItem<AdminTab>[] {
  const list: TabItem<AdminTab>[] = [
    { id: 'organization', label: 'Organization', icon: Building2 },
    { id: 'workspaces', label: 'Workspaces', icon: Boxes },
    { id: 'users', label: 'Users', icon: Users },
    { id: 'ai-provider', label: 'AI provider', icon: BrainCircuit },
    { id: 'integrations', label: 'Integrations', icon: Link },
    { id: 'mcp', label: 'MCP Server', icon: Cpu },
    { id: 'audit', label: 'Audit log', icon: ScrollText },
  ]
  if (session.isSuperAdmin()) {
    list.push(
      { id: 'outbox', label: 'Outbox', icon: Inbox },
      { id: 'platform-users', label: 'Platform users', icon: ShieldCheck },
    )
  }
  return list
}

export function AdminPage() {
  const [tab, setTab] = useTabParam(() => tabs().map((t) => t.id), 'organization')
  return (
    <Show when={session.isAdmin()} fallback={<RestrictedAccess />}>
      <div data-testid="admin-page">
        <PageHeader
          title="Admin panel"
          description={`Settings for ${session.organization()?.name ?? 'your organization'} and the people in it.`}
        />
        <Tabs label="Admin sections" tabs={tabs()} value={tab()} onChange={setTab} testIdPrefix="admin-tab" />
        <TabPanel id={tab()}>
          <Switch>
            <Match when={tab() === 'organization'}>
              <OrganizationTab />
            </Match>
            <Match when={tab() === 'workspaces'}>
              <WorkspacesTab />
            </Match>
            <Match when={tab() === 'users'}>
              <UsersTab />
            </Match>
            <Match when={tab() === 'ai-provider'}>
              <AiProviderTab />
            </Match>
            <Match when={tab() === 'integrations'}>
              <InstalledIntegrations />
            </Match>
            <Match when={tab() === 'mcp'}>
              <McpSettingsTab />
            </Match>
            <Match when={tab() === 'audit'}>
              <AuditLogTab />
            </Match>
            <Match when={tab() === 'outbox'}>
              <OutboxTab />
            </Match>
            <Match when={tab() === 'platform-users'}>
              <PlatformUsersTab />
            </Match>
          </Switch>
        </TabPanel>
      </div>
    </Show>
  )
}
