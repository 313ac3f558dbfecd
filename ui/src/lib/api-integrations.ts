/**
 * The Web app's client for integrations and the MCP Server settings (docs/integrations.md): the catalog of
 * templates, installed integrations per organization and workspace, their tools, and the MCP instructions.
 */
import { call, say } from './api.ts'

const id = encodeURIComponent

export const INTEGRATION_CLASSES = ['llm', 'git', 'devops', 'communicator', 'crm', 'storage', 'other'] as const
export type IntegrationClass = (typeof INTEGRATION_CLASSES)[number]

export type SettingType = 'string' | 'url' | 'number' | 'boolean' | 'select' | 'text'
export type SettingValue = string | number | boolean

export interface CredentialField {
  name: string
  label: string
  description?: string | null
  secret: boolean
  required: boolean
  placeholder?: string | null
}

export interface SettingField {
  name: string
  label: string
  description?: string | null
  type: SettingType
  required: boolean
  default?: SettingValue | null
  options?: { value: string; label: string }[] | null
  placeholder?: string | null
}

export interface ToolSummary {
  name: string
  description: string
  readOnly: boolean
  destructive: boolean
}

export interface TemplateSummary {
  id: string
  key: string
  version: number
  name: string
  class: IntegrationClass
  description: string
  logo: string | null
  builtin: boolean
  toolCount: number
  tools: ToolSummary[]
  credentialFields: CredentialField[]
  settingFields: SettingField[]
  hasValidation: boolean
  webhookKind: 'slack' | 'google_chat' | null
}

/** A JSON Schema property of a tool's input, as templates declare them. */
export interface InputProperty {
  type?: string | string[]
  description?: string
  enum?: unknown[]
  default?: unknown
  [key: string]: unknown
}

/** The parts of an `IntegrationTemplateV1` the Web app reads; the editor works on the whole JSON. */
export interface TemplateDefinition {
  key: string
  name: string
  version?: number
  class: IntegrationClass
  description: string
  tools?: {
    name: string
    title?: string
    description: string
    inputSchema?: { properties?: Record<string, InputProperty>; required?: string[] }
    annotations?: { readOnly?: boolean; destructive?: boolean; idempotent?: boolean }
  }[]
  [key: string]: unknown
}

export interface TemplateDetail extends TemplateSummary {
  definition: TemplateDefinition
}

/**
 * A drafted template and what is still wrong with it (`path: message` lines). `definition` is null when the model
 * gave no JSON at all; then `problems` says why.
 */
export interface TemplateDraft {
  definition: TemplateDefinition | null
  problems: string[]
}

export interface Integration {
  id: string
  title: string
  templateId: string
  templateKey: string
  templateName: string
  class: IntegrationClass
  logo: string | null
  scope: 'local' | 'global'
  productId: string | null
  settings: Record<string, SettingValue>
  /** The credential fields holding a value; the values themselves are never returned. */
  credentialNames: string[]
  active: boolean
  validatedAt: string | null
  createdAt: string
  updatedAt: string
  /** The number of tools its template provides. */
  toolCount: number
  webhookUrl: string | null
}

export interface IntegrationInput {
  templateId: string
  title: string
  product_id?: string | null
  settings: Record<string, SettingValue>
  credentials: Record<string, string>
  active?: boolean
}

/** Only what changes: credentials left out keep their stored value; `product_id: null` makes it global. */
export interface IntegrationUpdate {
  title?: string
  product_id?: string | null
  settings?: Record<string, SettingValue>
  credentials?: Record<string, string>
  active?: boolean
}

export interface IntegrationTool {
  name: string
  description: string
  inputSchema: Record<string, unknown>
  annotations: { readOnly: boolean; destructive: boolean; idempotent: boolean }
  outputSchema?: Record<string, unknown>
  providers: { integrationId: string; title: string; templateKey: string; scope: 'local' | 'global' }[]
}

export interface McpSettings {
  instructions: string
  templateRules: string
  updatedAt: string | null
}

// ---------------------------------------------------------------------------------------------
// Catalog (templates)

export const listTemplates = (query: { class?: IntegrationClass | ''; search?: string } = {}) =>
  call<{ items: TemplateSummary[] }>('/api/integration-templates', { query: { ...query } })

export const getTemplate = (templateId: string) => call<TemplateDetail>(`/api/integration-templates/${id(templateId)}`)

export const createTemplate = (definition: unknown) =>
  call<TemplateDetail>('/api/integration-templates', { method: 'POST', body: definition })

export const updateTemplate = (templateId: string, definition: unknown) =>
  call<TemplateDetail>(`/api/integration-templates/${id(templateId)}`, { method: 'PUT', body: definition })

export const deleteTemplate = (templateId: string) =>
  say(`/api/integration-templates/${id(templateId)}`, { method: 'DELETE' })

export const draftTemplate = (body: { description: string }) =>
  call<TemplateDraft>('/api/integration-templates/draft', { method: 'POST', body })

// ---------------------------------------------------------------------------------------------
// Installed integrations

export const listIntegrations = (query: { productId?: string } = {}) =>
  call<{ items: Integration[] }>('/api/integrations-base', { query: { product_id: query.productId } })

export const getIntegration = (integrationId: string) =>
  call<Integration>(`/api/integrations-base/${id(integrationId)}`)

export const createIntegration = (body: IntegrationInput) =>
  call<Integration>('/api/integrations-base', { method: 'POST', body })

export const updateIntegration = (integrationId: string, body: IntegrationUpdate) =>
  call<Integration>(`/api/integrations-base/${id(integrationId)}`, { method: 'PUT', body })

export const deleteIntegration = (integrationId: string) =>
  say(`/api/integrations-base/${id(integrationId)}`, { method: 'DELETE' })

/** The integrations in effect in a workspace: active local ones, and the active global ones they do not shadow. */
export const listActiveIntegrations = (workspaceId: string) =>
  call<{ items: Integration[] }>(`/api/integrations-base/product/${id(workspaceId)}/active`)

export const listWorkspaceTools = (workspaceId: string) =>
  call<{ tools: IntegrationTool[] }>(`/api/integrations-base/product/${id(workspaceId)}/tools`)

// ---------------------------------------------------------------------------------------------
// MCP Server settings

export const getMcpSettings = () => call<McpSettings>('/api/mcp/settings')

export const updateMcpSettings = (body: { instructions?: string; templateRules?: string }) =>
  call<McpSettings>('/api/mcp/settings', { method: 'PUT', body })

// ---------------------------------------------------------------------------------------------
// The organization's default model (one of its global LLM integrations)

export const setDefaultModel = (integrationId: string | null) =>
  call<{ defaultModelId: string | null }>('/api/organizations/current/default-model', {
    method: 'PUT',
    body: { integrationId },
  })
