import { createUniqueId, For, Index, type JSX, Match, Show, Switch } from 'solid-js'
import { Badge } from '../../components/badge.tsx'
import { Button, IconButton } from '../../components/button.tsx'
import { inputClass } from '../../components/field.tsx'
import { ArrowDown, ArrowUp, Plus, Trash2, X } from '../../components/icons.ts'
import type { ContextSection, ContextSectionType } from '../../lib/api-types.ts'
import { cx } from '../../lib/cx.ts'
import { sectionTypeLabels } from './labels.ts'
import { RichTextEditor } from './rich-text.tsx'

type SectionOf<T extends ContextSectionType> = Extract<ContextSection, { type: T }>

function newId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return `s-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
}

export function newSection(type: ContextSectionType): ContextSection {
  const base = { id: newId(), title: '' }
  switch (type) {
    case 'plain_text':
    case 'text_area':
    case 'rich_text':
      return { ...base, type, content: '' }
    case 'link':
      return { ...base, type, url: '', label: '' }
    case 'link_list':
      return { ...base, type, links: [{ label: '', url: '' }] }
    case 'list':
      return { ...base, type, items: [''] }
    case 'checklist':
      return { ...base, type, items: [{ text: '', done: false }] }
    case 'code':
      return { ...base, type, language: '', content: '' }
    case 'quote':
      return { ...base, type, content: '', author: '' }
    case 'callout':
      return { ...base, type, content: '', tone: 'info' }
    case 'group':
      return { ...base, type, name: '', description: '', goals: [], pains: [], traits: [] }
  }
}

/** A fresh id for sections whose id is already taken (imports may repeat them). */
export function withUniqueIds(sections: ContextSection[], taken: Set<string>): ContextSection[] {
  return sections.map((section) => {
    const id = taken.has(section.id) ? newId() : section.id
    taken.add(id)
    return { ...section, id }
  })
}

/** Everything searchable in a section, lowercased, for the search box. */
export function sectionText(section: ContextSection): string {
  const parts: string[] = []
  const walk = (value: unknown) => {
    if (typeof value === 'string') parts.push(value)
    else if (Array.isArray(value)) value.forEach(walk)
    else if (value && typeof value === 'object') Object.values(value).forEach(walk)
  }
  const { id: _id, type: _type, ...rest } = section
  walk(rest)
  return parts
    .join(' ')
    .replace(/<[^>]*>/g, ' ')
    .toLowerCase()
}

interface SectionEditorProps {
  section: ContextSection
  position: number
  count: number
  canReorder: boolean
  /** Problems the server reported for this section, by field path (`url`, `links.0.url`, …). */
  errors: Record<string, string[]>
  set: (key: string, value: unknown) => void
  onMove: (delta: -1 | 1) => void
  onRemove: () => void
}

const labelClass = 'block text-xs font-medium text-zinc-600 dark:text-zinc-400'

function fieldLabel(path: string): string {
  const names: Record<string, string> = {
    title: 'Title',
    content: 'Content',
    url: 'Address',
    label: 'Label',
    links: 'Link',
    items: 'Item',
    language: 'Language',
    author: 'Author',
    tone: 'Tone',
    name: 'Name',
    description: 'Description',
    goals: 'Goal',
    pains: 'Pain',
    traits: 'Trait',
    text: 'Text',
  }
  return path
    .split('.')
    .map((part) => (/^\d+$/.test(part) ? String(Number(part) + 1) : (names[part] ?? part)))
    .join(' ')
}

/** One section of the contexts draft: its title and the fields of its type, with move and remove buttons. */
export function SectionEditor(props: SectionEditorProps) {
  const uid = createUniqueId()
  const invalid = (path: string) => (props.errors[path] ? true : undefined)
  const messages = () => Object.entries(props.errors).map(([path, list]) => `${fieldLabel(path)}: ${list.join(' ')}`)
  const text = (
    key: string,
    label: string,
    value: string,
    options: { placeholder?: string; type?: string; testId: string; mono?: boolean } = { testId: '' },
  ) => (
    <div class="space-y-1">
      <label for={`${uid}-${key}`} class={labelClass}>
        {label}
      </label>
      <input
        id={`${uid}-${key}`}
        type={options.type ?? 'text'}
        value={value}
        placeholder={options.placeholder}
        onInput={(event) => props.set(key, event.currentTarget.value)}
        aria-invalid={invalid(key)}
        data-testid={options.testId}
        class={cx(inputClass, options.mono && 'font-mono')}
      />
    </div>
  )
  const area = (key: string, label: string, value: string, testId: string, mono = false, rows = 4) => (
    <div class="space-y-1">
      <label for={`${uid}-${key}`} class={labelClass}>
        {label}
      </label>
      <textarea
        id={`${uid}-${key}`}
        rows={rows}
        value={value}
        onInput={(event) => props.set(key, event.currentTarget.value)}
        aria-invalid={invalid(key)}
        data-testid={testId}
        spellcheck={!mono}
        class={cx(inputClass, 'resize-y leading-relaxed', mono && 'font-mono text-xs')}
      />
    </div>
  )
  const as = <T extends ContextSectionType>(type: T) =>
    props.section.type === type ? (props.section as SectionOf<T>) : undefined

  return (
    <li
      data-testid="kb-section"
      data-section-id={props.section.id}
      data-type={props.section.type}
      class="rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div class="flex items-center gap-2 border-b border-zinc-100 px-4 py-2.5 dark:border-zinc-800">
        <Badge tone="brand">{sectionTypeLabels[props.section.type]}</Badge>
        <label for={`${uid}-title`} class="sr-only">
          Section title
        </label>
        <input
          id={`${uid}-title`}
          value={props.section.title}
          placeholder="Section title"
          onInput={(event) => props.set('title', event.currentTarget.value)}
          aria-invalid={invalid('title')}
          data-testid="kb-section-title"
          class="min-w-0 flex-1 rounded-md border border-transparent bg-transparent px-2 py-1 text-sm font-semibold text-zinc-900 hover:border-zinc-200 focus:border-brand-500 focus:outline-none dark:text-zinc-100 dark:hover:border-zinc-700"
        />
        <div class="flex shrink-0 items-center">
          <IconButton
            label={`Move “${props.section.title || sectionTypeLabels[props.section.type]}” up`}
            disabled={!props.canReorder || props.position === 0}
            onClick={() => props.onMove(-1)}
            data-testid="kb-section-up"
            data-move="up"
            class="size-8"
          >
            <ArrowUp class="size-4" aria-hidden="true" />
          </IconButton>
          <IconButton
            label={`Move “${props.section.title || sectionTypeLabels[props.section.type]}” down`}
            disabled={!props.canReorder || props.position === props.count - 1}
            onClick={() => props.onMove(1)}
            data-testid="kb-section-down"
            data-move="down"
            class="size-8"
          >
            <ArrowDown class="size-4" aria-hidden="true" />
          </IconButton>
          <IconButton
            label={`Remove “${props.section.title || sectionTypeLabels[props.section.type]}”`}
            danger
            onClick={props.onRemove}
            data-testid="kb-section-remove"
            class="size-8"
          >
            <Trash2 class="size-4" aria-hidden="true" />
          </IconButton>
        </div>
      </div>
      <div class="space-y-3 px-4 py-3">
        <Switch>
          <Match when={as('plain_text')}>
            {(s) => text('content', 'Text', s().content, { testId: 'kb-section-content' })}
          </Match>
          <Match when={as('text_area')}>{(s) => area('content', 'Text', s().content, 'kb-section-content')}</Match>
          <Match when={as('rich_text')}>
            {(s) => (
              <div class="space-y-1">
                <span id={`${uid}-rich-label`} class={labelClass}>
                  Text
                </span>
                <RichTextEditor
                  id={`${uid}-content`}
                  labelledBy={`${uid}-rich-label`}
                  value={s().content}
                  onValue={(html) => props.set('content', html)}
                  testId="kb-section-content"
                  invalid={invalid('content')}
                />
              </div>
            )}
          </Match>
          <Match when={as('link')}>
            {(s) => (
              <div class="grid gap-3 sm:grid-cols-2">
                {text('url', 'Address', s().url, { type: 'url', placeholder: 'https://', testId: 'kb-section-url' })}
                {text('label', 'Label', s().label ?? '', { testId: 'kb-section-label' })}
              </div>
            )}
          </Match>
          <Match when={as('link_list')}>
            {(s) => (
              <RowList
                label="Links"
                items={s().links}
                testId="kb-section-link"
                addLabel="Add a link"
                onChange={(links) => props.set('links', links)}
                blank={() => ({ label: '', url: '' })}
              >
                {(link, i, update) => (
                  <div class="grid flex-1 gap-2 sm:grid-cols-2">
                    <input
                      aria-label={`Link ${i + 1} label`}
                      value={link.label}
                      placeholder="Label"
                      onInput={(event) => update({ ...link, label: event.currentTarget.value })}
                      aria-invalid={invalid(`links.${i}.label`)}
                      data-testid="kb-section-link-label"
                      class={inputClass}
                    />
                    <input
                      aria-label={`Link ${i + 1} address`}
                      type="url"
                      value={link.url}
                      placeholder="https://"
                      onInput={(event) => update({ ...link, url: event.currentTarget.value })}
                      aria-invalid={invalid(`links.${i}.url`)}
                      data-testid="kb-section-link-url"
                      class={inputClass}
                    />
                  </div>
                )}
              </RowList>
            )}
          </Match>
          <Match when={as('list')}>
            {(s) => (
              <TextList
                label="Items"
                items={s().items}
                testId="kb-section-item"
                onChange={(items) => props.set('items', items)}
                invalid={(i) => invalid(`items.${i}`)}
              />
            )}
          </Match>
          <Match when={as('checklist')}>
            {(s) => (
              <RowList
                label="Items"
                items={s().items}
                testId="kb-section-item"
                addLabel="Add an item"
                onChange={(items) => props.set('items', items)}
                blank={() => ({ text: '', done: false })}
              >
                {(item, i, update) => (
                  <div class="flex flex-1 items-center gap-2">
                    <input
                      type="checkbox"
                      aria-label={`Item ${i + 1} done`}
                      checked={item.done}
                      onChange={(event) => update({ ...item, done: event.currentTarget.checked })}
                      data-testid="kb-section-item-done"
                      class="size-4 shrink-0 accent-brand-600"
                    />
                    <input
                      aria-label={`Item ${i + 1}`}
                      value={item.text}
                      onInput={(event) => update({ ...item, text: event.currentTarget.value })}
                      aria-invalid={invalid(`items.${i}.text`)}
                      data-testid="kb-section-item"
                      class={cx(inputClass, item.done && 'text-zinc-500 line-through')}
                    />
                  </div>
                )}
              </RowList>
            )}
          </Match>
          <Match when={as('code')}>
            {(s) => (
              <>
                <div class="max-w-48">
                  {text('language', 'Language', s().language ?? '', {
                    placeholder: 'typescript',
                    testId: 'kb-section-language',
                  })}
                </div>
                {area('content', 'Code', s().content, 'kb-section-content', true, 6)}
              </>
            )}
          </Match>
          <Match when={as('quote')}>
            {(s) => (
              <>
                {area('content', 'Quote', s().content, 'kb-section-content', false, 3)}
                {text('author', 'Author', s().author ?? '', { testId: 'kb-section-author' })}
              </>
            )}
          </Match>
          <Match when={as('callout')}>
            {(s) => (
              <>
                <div class="max-w-48 space-y-1">
                  <label for={`${uid}-tone`} class={labelClass}>
                    Tone
                  </label>
                  <select
                    id={`${uid}-tone`}
                    value={s().tone}
                    onChange={(event) => props.set('tone', event.currentTarget.value)}
                    data-testid="kb-section-tone"
                    class={cx(inputClass, 'pr-8')}
                  >
                    <option value="info">Info</option>
                    <option value="warning">Warning</option>
                    <option value="success">Success</option>
                    <option value="danger">Danger</option>
                  </select>
                </div>
                {area('content', 'Text', s().content, 'kb-section-content', false, 3)}
              </>
            )}
          </Match>
          <Match when={as('group')}>
            {(s) => (
              <>
                {text('name', 'Name', s().name, { placeholder: 'e.g. Product managers', testId: 'kb-section-name' })}
                {area('description', 'Description', s().description, 'kb-section-description', false, 3)}
                <div class="grid gap-4 md:grid-cols-3">
                  <TextList
                    label="Goals"
                    items={s().goals}
                    testId="kb-section-goal"
                    onChange={(items) => props.set('goals', items)}
                    invalid={(i) => invalid(`goals.${i}`)}
                  />
                  <TextList
                    label="Pains"
                    items={s().pains}
                    testId="kb-section-pain"
                    onChange={(items) => props.set('pains', items)}
                    invalid={(i) => invalid(`pains.${i}`)}
                  />
                  <TextList
                    label="Traits"
                    items={s().traits}
                    testId="kb-section-trait"
                    onChange={(items) => props.set('traits', items)}
                    invalid={(i) => invalid(`traits.${i}`)}
                  />
                </div>
              </>
            )}
          </Match>
        </Switch>
        <Show when={messages().length > 0}>
          <ul class="space-y-0.5 text-xs text-red-600 dark:text-red-400" data-testid="kb-section-error">
            <For each={messages()}>{(message) => <li>{message}</li>}</For>
          </ul>
        </Show>
      </div>
    </li>
  )
}

/** Rows of anything, each with a remove button, and an add button under them. */
function RowList<T>(props: {
  label: string
  items: T[]
  testId: string
  addLabel: string
  blank: () => T
  onChange: (items: T[]) => void
  children: (item: T, index: number, update: (item: T) => void) => JSX.Element
}) {
  return (
    <fieldset class="space-y-2">
      <legend class={cx(labelClass, 'mb-1')}>{props.label}</legend>
      <Index each={props.items}>
        {(item, i) => (
          <div class="flex items-center gap-2">
            {props.children(item(), i, (next) => props.onChange(props.items.map((old, j) => (j === i ? next : old))))}
            <IconButton
              label={`Remove ${props.label.toLowerCase()} ${i + 1}`}
              onClick={() => props.onChange(props.items.filter((_, j) => j !== i))}
              data-testid={`${props.testId}-remove`}
              class="size-8"
            >
              <X class="size-4" aria-hidden="true" />
            </IconButton>
          </div>
        )}
      </Index>
      <Button
        size="sm"
        variant="ghost"
        onClick={() => props.onChange([...props.items, props.blank()])}
        data-testid={`${props.testId}-add`}
      >
        <Plus class="size-3.5" aria-hidden="true" />
        {props.addLabel}
      </Button>
    </fieldset>
  )
}

/** A list of short texts; Enter in an item adds the next one. */
function TextList(props: {
  label: string
  items: string[]
  testId: string
  onChange: (items: string[]) => void
  invalid: (index: number) => true | undefined
}) {
  let list!: HTMLDivElement
  const focusItem = (index: number) =>
    queueMicrotask(() => list.querySelectorAll<HTMLInputElement>('input')[index]?.focus())
  return (
    <fieldset class="space-y-2">
      <legend class={cx(labelClass, 'mb-1')}>{props.label}</legend>
      <div ref={list} class="space-y-2">
        <Index each={props.items}>
          {(item, i) => (
            <div class="flex items-center gap-2">
              <input
                aria-label={`${props.label} ${i + 1}`}
                value={item()}
                onInput={(event) => {
                  const value = event.currentTarget.value
                  props.onChange(props.items.map((old, j) => (j === i ? value : old)))
                }}
                onKeyDown={(event) => {
                  if (event.key !== 'Enter') return
                  event.preventDefault()
                  props.onChange([...props.items.slice(0, i + 1), '', ...props.items.slice(i + 1)])
                  focusItem(i + 1)
                }}
                aria-invalid={props.invalid(i)}
                data-testid={props.testId}
                class={inputClass}
              />
              <IconButton
                label={`Remove ${props.label.toLowerCase()} ${i + 1}`}
                onClick={() => props.onChange(props.items.filter((_, j) => j !== i))}
                data-testid={`${props.testId}-remove`}
                class="size-8"
              >
                <X class="size-4" aria-hidden="true" />
              </IconButton>
            </div>
          )}
        </Index>
      </div>
      <Button
        size="sm"
        variant="ghost"
        onClick={() => {
          const index = props.items.length
          props.onChange([...props.items, ''])
          focusItem(index)
        }}
        data-testid={`${props.testId}-add`}
      >
        <Plus class="size-3.5" aria-hidden="true" />
        Add
      </Button>
    </fieldset>
  )
}
