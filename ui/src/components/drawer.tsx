import { createUniqueId, type JSX, Show } from 'solid-js'
import { ModalFooter, ModalHeader, useModal } from './dialog.tsx'

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
        <ModalHeader
          class="border-b border-zinc-100 px-6 py-4 dark:border-zinc-800"
          titleId={titleId}
          title={props.title}
          description={props.description}
          onClose={props.onClose}
          testId={props.testId}
        />
        <div class="min-h-0 flex-1 overflow-y-auto px-6 py-4">{props.children}</div>
        <ModalFooter>{props.footer}</ModalFooter>
      </div>
    </dialog>
  )
}
