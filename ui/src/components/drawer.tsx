import { createUniqueId, type JSX, Show } from 'solid-js'
import { useModal } from './dialog.tsx'
import { X } from './icons.ts'

interface DrawerProps {
  open: boolean
  onClose: () => void
  title: JSX.Element
  description?: JSX.Element
  testId?: string
  children: JSX.Element
  footer?: JSX.Element
}

/**
 * A side panel on the right, built like `Dialog` on the native <dialog>: focus stays inside, the page behind is inert,
 * Escape closes it and focus returns to what opened it.
 */
export function Drawer(props: DrawerProps) {
  return (
    <Show when={props.open}>
      <DrawerPanel {...props} />
    </Show>
  )
}

function DrawerPanel(props: DrawerProps) {
  const modal = useModal()
  const titleId = createUniqueId()
  return (
    <dialog
      ref={modal}
      aria-labelledby={titleId}
      data-testid={props.testId}
      onCancel={(event) => {
        event.preventDefault()
        props.onClose()
      }}
      class="m-0 ml-auto h-full max-h-full w-full max-w-xl overflow-hidden border-l border-zinc-200 bg-white p-0 text-zinc-900 shadow-2xl dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <div class="flex h-full flex-col">
        <div class="flex items-start justify-between gap-4 border-b border-zinc-100 px-6 py-4 dark:border-zinc-800">
          <div class="min-w-0">
            <h2 id={titleId} class="text-base font-semibold">
              {props.title}
            </h2>
            <Show when={props.description}>
              <p class="mt-1 text-sm text-zinc-500 dark:text-zinc-400">{props.description}</p>
            </Show>
          </div>
          <button
            type="button"
            onClick={() => props.onClose()}
            aria-label="Close"
            data-testid={props.testId ? `${props.testId}-close` : undefined}
            class="-mr-2 rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
          >
            <X class="size-4" aria-hidden="true" />
          </button>
        </div>
        <div class="min-h-0 flex-1 overflow-y-auto px-6 py-4">{props.children}</div>
        <Show when={props.footer}>
          <div class="flex flex-wrap justify-end gap-2 border-t border-zinc-100 bg-zinc-50/60 px-6 py-3 dark:border-zinc-800 dark:bg-zinc-900/60">
            {props.footer}
          </div>
        </Show>
      </div>
    </dialog>
  )
}
