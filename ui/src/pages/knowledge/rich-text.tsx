import { createEffect, type JSX, onMount } from 'solid-js'
import { Bold, Italic, List, ListOrdered } from '../../components/icons.ts'
import { cx } from '../../lib/cx.ts'

const ALLOWED = new Set([
  'P',
  'BR',
  'DIV',
  'SPAN',
  'B',
  'STRONG',
  'I',
  'EM',
  'U',
  'S',
  'UL',
  'OL',
  'LI',
  'A',
  'H2',
  'H3',
  'H4',
  'CODE',
  'PRE',
  'BLOCKQUOTE',
])
/** Dropped with everything inside them. */
const DROPPED = new Set(['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED', 'TEMPLATE', 'NOSCRIPT', 'SVG', 'MATH', 'HEAD'])

/**
 * Rich text is stored as HTML and anyone in the workspace may have written it: before it is shown, it is rebuilt in
 * an inert document with an allow-list of tags, no attributes but a checked `href`, and no scripts, styles or media.
 */
export function sanitizeHtml(html: string): string {
  const parsed = new DOMParser().parseFromString(html, 'text/html')
  const out = parsed.createElement('div')
  const copy = (from: Node, to: Element) => {
    for (const child of Array.from(from.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE) {
        to.append(parsed.createTextNode(child.textContent ?? ''))
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        const element = child as Element
        const tag = element.tagName.toUpperCase()
        if (DROPPED.has(tag)) continue
        if (!ALLOWED.has(tag)) {
          copy(element, to)
          continue
        }
        const clean = parsed.createElement(tag.toLowerCase())
        if (tag === 'A') {
          const href = element.getAttribute('href')?.trim() ?? ''
          if (/^(https?:|mailto:)/i.test(href)) {
            clean.setAttribute('href', href)
            clean.setAttribute('rel', 'noopener noreferrer')
            clean.setAttribute('target', '_blank')
          }
        }
        copy(element, clean)
        to.append(clean)
      }
    }
  }
  copy(parsed.body, out)
  return out.innerHTML
}

interface RichTextProps {
  id: string
  labelledBy: string
  value: string
  onValue: (html: string) => void
  testId: string
  invalid?: boolean
}

/** A small editor: bold, italic and lists; pasted content arrives as plain text. */
export function RichTextEditor(props: RichTextProps) {
  let editor!: HTMLDivElement
  let emitted = props.value
  onMount(() => {
    editor.innerHTML = sanitizeHtml(props.value)
  })
  // a change from outside (undo to the published version, an import): show it
  createEffect(() => {
    const value = props.value
    if (value !== emitted && editor) {
      emitted = value
      editor.innerHTML = sanitizeHtml(value)
    }
  })
  const emit = () => {
    // what is stored is clean too, whatever was dropped into the editor
    emitted = sanitizeHtml(editor.innerHTML)
    props.onValue(emitted)
  }
  const command = (name: string) => {
    editor.focus()
    document.execCommand(name)
    emit()
  }
  const tool = (name: string, label: string, icon: JSX.Element) => (
    <button
      type="button"
      aria-label={label}
      title={label}
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => command(name)}
      data-testid={`kb-section-rich-${name.toLowerCase()}`}
      class="inline-flex size-7 items-center justify-center rounded text-zinc-600 hover:bg-zinc-200 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-700 dark:hover:text-zinc-100"
    >
      {icon}
    </button>
  )
  return (
    <div
      class={cx(
        'overflow-hidden rounded-lg border bg-white shadow-xs focus-within:border-brand-500 focus-within:outline-2 focus-within:outline-brand-500/30 dark:bg-zinc-900',
        props.invalid ? 'border-red-500' : 'border-zinc-300 dark:border-zinc-700',
      )}
    >
      <div
        role="toolbar"
        aria-label="Formatting"
        class="flex gap-0.5 border-b border-zinc-200 bg-zinc-50 px-1.5 py-1 dark:border-zinc-800 dark:bg-zinc-800/60"
      >
        {tool('bold', 'Bold', <Bold class="size-3.5" aria-hidden="true" />)}
        {tool('italic', 'Italic', <Italic class="size-3.5" aria-hidden="true" />)}
        {tool('insertUnorderedList', 'Bulleted list', <List class="size-3.5" aria-hidden="true" />)}
        {tool('insertOrderedList', 'Numbered list', <ListOrdered class="size-3.5" aria-hidden="true" />)}
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: formatted text needs contenteditable; a textarea holds plain text only */}
      <div
        ref={editor}
        id={props.id}
        role="textbox"
        aria-multiline="true"
        aria-labelledby={props.labelledBy}
        aria-invalid={props.invalid ? true : undefined}
        contentEditable
        tabIndex={0}
        data-testid={props.testId}
        onInput={emit}
        onPaste={(event) => {
          event.preventDefault()
          const text = event.clipboardData?.getData('text/plain') ?? ''
          document.execCommand('insertText', false, text)
        }}
        class="prose-sm min-h-28 px-3 py-2 text-sm leading-relaxed text-zinc-900 outline-none dark:text-zinc-100 [&_a]:text-brand-600 [&_a]:underline [&_ol]:list-decimal [&_ol]:pl-5 [&_ul]:list-disc [&_ul]:pl-5"
      />
    </div>
  )
}
