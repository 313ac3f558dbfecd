import { Match, Show, Switch } from 'solid-js'
import { PageHeader } from '../../components/card.tsx'
import { BrainCircuit, Database, Layers, LayoutDashboard } from '../../components/icons.ts'
import { QueryState } from '../../components/query-state.tsx'
import { WorkspaceUnavailable } from '../../components/restricted-access.tsx'
import { type TabItem, TabPanel, Tabs } from '../../components/tabs.tsx'
import { useTabParam } from '../../lib/navigation.ts'
import { session } from '../../lib/session.ts'
import { useWorkspaceFromRoute } from '../../lib/workspaces.ts'
import { ContextsTab } from './contexts-tab.tsx'
import { EmbeddingsTab } from './embeddings-tab.tsx'
import { OverviewTab } from './overview-tab.tsx'
import { StorageTab } from './storage-tab.tsx'

export type KnowledgeTab = 'overview' | 'storage' | 'contexts' | 'embeddings'

function tabs(): TabItem<KnowledgeTab>[] {
  const list: TabItem<KnowledgeTab>[] = [
    { id: 'overview', label: 'Overview', icon: LayoutDashboard },
    { id: 'storage', label: 'Storage', icon: Database },
    { id: 'contexts', label: 'Contexts', icon: Layers },
  ]
  if (session.isSuperAdmin()) list.push({ id: 'embeddings', label: 'Embeddings', icon: BrainCircuit })
  return list
}

/** `/workspaces/:id/knowledge?tab=overview|storage|contexts|embeddings`: the workspace's knowledge base. */
export function KnowledgePage() {
  const [tab, setTab] = useTabParam(() => tabs().map((t) => t.id), 'overview')
  const { id, workspace, forbidden } = useWorkspaceFromRoute()
  // the page shows one workspace at a time; another id starts its tabs afresh
  const current = () => {
    const data = workspace.data()
    return data && data.id === id() ? data : undefined
  }

  return (
    <Show
      when={!forbidden()}
      fallback={
        <WorkspaceUnavailable forbidden={workspace.error()?.status === 403} notFoundTestId="kb-workspace-not-found" />
      }
    >
      <QueryState query={{ ...workspace, data: current }} testId="kb-workspace">
        {(loaded) => (
          <div data-testid="kb-page" data-workspace-id={loaded().id}>
            <PageHeader title="Knowledge base" description={`What agents know about ${loaded().name}.`} />
            <Tabs label="Knowledge base" tabs={tabs()} value={tab()} onChange={setTab} testIdPrefix="kb-tab" />
            <Show when={loaded().id} keyed>
              {(_id) => (
                <TabPanel id={tab()}>
                  <Switch>
                    <Match when={tab() === 'overview'}>
                      <OverviewTab workspace={loaded()} onSaved={(saved) => workspace.mutate(saved)} />
                    </Match>
                    <Match when={tab() === 'storage'}>
                      <StorageTab workspace={loaded()} />
                    </Match>
                    <Match when={tab() === 'contexts'}>
                      <ContextsTab workspace={loaded()} />
                    </Match>
                    <Match when={tab() === 'embeddings'}>
                      <EmbeddingsTab workspaceId={loaded().id} />
                    </Match>
                  </Switch>
                </TabPanel>
              )}
            </Show>
          </div>
        )}
      </QueryState>
    </Show>
  )
}
