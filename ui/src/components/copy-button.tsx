import { createSignal, Show } from 'solid-js'
import { cx } from '../lib/cx.ts'
import { showToast } from '../lib/toast.ts'
import { Check, Copy } from './icons.ts'

/** Copies with the Clipboard API, or a hidden textarea where it is unavailable (plain-HTTP self-hosting). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text)
      return true
    }
  } catch {
    // Fall through to the legacy path.
  }
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.append(area)
  area.select()
  let copied = false
  try {
    copied = document.execCommand('copy')
  } catch {
    copied = false
  }
  area.remove()
  return copied
}

interface CopyButtonProps {
  text: string
  label?: string
  testId: string
  variant?: 'icon' | 'button'
  class?: string
}

export function CopyButton(props: CopyButtonProps) {
  const [copied, setCopied] = createSignal(false)
  const copy = async () => {
    if (await copyText(props.text)) {
      setCopied(true)
      setTimeout(() => setCopied(false), 2000)
    } else {
      showToast('Copying is blocked here. Select the text and copy it yourself.', 'error')
    }
  }
  const label = () => (copied() ? 'Copied' : (props.label ?? 'Copy'))
  return (
    <button
      type="button"
      onClick={copy}
      data-testid={props.testId}
      aria-label={props.variant === 'button' ? undefined : label()}
      title={label()}
      class={cx(
        'inline-flex shrink-0 items-center justify-center gap-1.5 rounded-md font-medium transition-colors',
        props.variant === 'button'
          ? 'h-9 border border-zinc-300 bg-white px-3 text-sm text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800'
          : 'size-8 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100',
        props.class,
      )}
    >
      <Show when={copied()} fallback={<Copy class="size-4" aria-hidden="true" />}>
        <Check class="size-4 text-emerald-600 dark:text-emerald-400" aria-hidden="true" />
      </Show>
      <Show when={props.variant === 'button'}>
        <span>{label()}</span>
      </Show>
    </button>
  )
}
