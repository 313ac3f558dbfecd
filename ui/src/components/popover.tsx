import { createSignal, type JSX, onCleanup, Show } from 'solid-js'
import { cx } from '../lib/cx.ts'

interface PopoverProps {
  /** The trigger's content; the trigger itself is a button we render, so it is always keyboard reachable. */
  trigger: JSX.Element
  triggerLabel?: string
  triggerClass?: string
  triggerTestId: string
  panelTestId?: string
  align?: 'start' | 'end'
  panelClass?: string
  onOpen?: () => void
  children: (close: () => void) => JSX.Element
}

/** A disclosure panel: opens under its button, closes on Escape (focus returns to the button) or an outside click. */
export function Popover(props: PopoverProps) {
  const [open, setOpen] = createSignal(false)
  let root!: HTMLDivElement
  let trigger!: HTMLButtonElement

  const close = (returnFocus = false) => {
    setOpen(false)
    if (returnFocus) trigger.focus()
  }
  const onPointerDown = (event: PointerEvent) => {
    if (open() && !root.contains(event.target as Node)) close()
  }
  const onKeyDown = (event: KeyboardEvent) => {
    if (open() && event.key === 'Escape') {
      event.stopPropagation()
      close(true)
    }
  }
  document.addEventListener('pointerdown', onPointerDown)
  onCleanup(() => document.removeEventListener('pointerdown', onPointerDown))

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the wrapper only catches Escape bubbling from inside the panel.
    <div ref={root} class="relative" onKeyDown={onKeyDown}>
      <button
        ref={trigger}
        type="button"
        aria-expanded={open()}
        aria-label={props.triggerLabel}
        data-testid={props.triggerTestId}
        onClick={() => {
          const next = !open()
          setOpen(next)
          if (next) props.onOpen?.()
        }}
        class={props.triggerClass}
      >
        {props.trigger}
      </button>
      <Show when={open()}>
        <div
          data-testid={props.panelTestId}
          class={cx(
            'absolute z-40 mt-2 min-w-56 rounded-xl border border-zinc-200 bg-white p-1.5 text-sm shadow-lg dark:border-zinc-800 dark:bg-zinc-900',
            props.align === 'end' ? 'right-0' : 'left-0',
            props.panelClass,
          )}
        >
          {props.children(() => close(true))}
        </div>
      </Show>
    </div>
  )
}

export const menuItemClass =
  'flex w-full items-center gap-2.5 rounded-lg px-2.5 py-2 text-left text-sm text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:hover:text-zinc-50'
