/** Small pieces the integration pages share: class names and colours, the logo tile, scope badges, code snippets. */
import { Show } from 'solid-js'
import { Badge, type BadgeTone } from '../../components/badge.tsx'
import { CopyButton } from '../../components/copy-button.tsx'
import type { Integration, IntegrationClass } from '../../lib/api-integrations.ts'
import { cx } from '../../lib/cx.ts'

export const classLabels: Record<IntegrationClass, string> = {
  llm: 'LLM',
  git: 'Git',
  devops: 'DevOps',
  communicator: 'Communicator',
  crm: 'CRM',
  storage: 'Storage',
  other: 'Other',
}

const classTones: Record<IntegrationClass, BadgeTone> = {
  llm: 'brand',
  git: 'gray',
  devops: 'blue',
  communicator: 'green',
  crm: 'amber',
  storage: 'blue',
  other: 'gray',
}

export function ClassBadge(props: { class: IntegrationClass; testId?: string }) {
  return (
    <Badge tone={classTones[props.class] ?? 'gray'} testId={props.testId}>
      {classLabels[props.class] ?? props.class}
    </Badge>
  )
}

/** The template's logo (an https URL or a data: image), or its first letter on a tile. */
export function TemplateLogo(props: { logo: string | null | undefined; name: string; size?: 'sm' | 'md' }) {
  const size = () => (props.size === 'sm' ? 'size-8 text-xs' : 'size-10 text-sm')
  return (
    <Show
      when={props.logo}
      fallback={
        <span
          aria-hidden="true"
          class={cx(
            'flex shrink-0 items-center justify-center rounded-lg bg-brand-100 font-semibold text-brand-700 dark:bg-brand-900/60 dark:text-brand-200',
            size(),
          )}
        >
          {props.name.slice(0, 1).toUpperCase()}
        </span>
      }
    >
      {(logo) => (
        <img
          src={logo()}
          alt=""
          class={cx('shrink-0 rounded-lg bg-white object-contain p-1 ring-1 ring-zinc-200 dark:ring-zinc-700', size())}
        />
      )}
    </Show>
  )
}

export function ScopeBadge(props: { integration: Integration; testId?: string }) {
  return (
    <Badge tone={props.integration.scope === 'local' ? 'blue' : 'brand'} testId={props.testId}>
      {props.integration.scope === 'local' ? 'Local' : 'Global'}
    </Badge>
  )
}

/** A block of text to paste elsewhere (a command, a config file), with a copy button. */
export function Snippet(props: { label: string; text: string; testId: string; hint?: string }) {
  return (
    <div class="space-y-1.5">
      <div class="flex items-center justify-between gap-2">
        <p class="text-sm font-medium text-zinc-800 dark:text-zinc-200">{props.label}</p>
        <CopyButton text={props.text} label={`Copy: ${props.label}`} testId={`${props.testId}-copy`} />
      </div>
      <pre
        class="overflow-x-auto rounded-lg border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs leading-relaxed text-zinc-800 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-200"
        data-testid={props.testId}
      >
        {props.text}
      </pre>
      <Show when={props.hint}>
        <p class="text-xs text-zinc-500 dark:text-zinc-400">{props.hint}</p>
      </Show>
    </div>
  )
}

/** Problems from the API's `details.fields` (keyed by dot paths), one line each, in the order they came. */
export function issuesOf(fields: Record<string, string[]>): { path: string; message: string }[] {
  return Object.entries(fields).flatMap(([path, messages]) => messages.map((message) => ({ path, message })))
}
