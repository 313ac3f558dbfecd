/** The core tools, in the order clients list them (PRODUCT.md 3.8). */
import type { CoreTool } from './define.ts'
import {
  createIntegration,
  deleteIntegration,
  getActiveIntegrations,
  getIntegration,
  installIntegration,
  listInstalledIntegrations,
  listIntegrationCatalog,
  updateIntegration,
} from './integrations.ts'
import { searchKnowledge } from './knowledge.ts'
import { getMyProfile, getWorkspaceInfo, updateMyAiPreferences } from './profile.ts'
import { getMcpSettings, updateMcpSettings } from './settings.ts'

export const CORE_TOOLS: readonly CoreTool[] = [
  getMyProfile,
  getWorkspaceInfo,
  updateMyAiPreferences,
  searchKnowledge,
  listIntegrationCatalog,
  getIntegration,
  listInstalledIntegrations,
  installIntegration,
  createIntegration,
  updateIntegration,
  deleteIntegration,
  getActiveIntegrations,
  getMcpSettings,
  updateMcpSettings,
]

export const CORE_TOOLS_BY_NAME: ReadonlyMap<string, CoreTool> = new Map(CORE_TOOLS.map((t) => [t.name, t]))

/** The two tools whose answers are the context injected on a session's first call. */
export const BOOTSTRAP_TOOLS: ReadonlySet<string> = new Set(['get_my_profile', 'get_workspace_info'])
