import { createEffect, createSignal, createUniqueId, type JSX, on, onCleanup, onMount, Show } from 'solid-js'
import { cx } from '../lib/cx.ts'
import { createFormState, type FormState } from '../lib/form.ts'
import { FormError } from './alert.tsx'
import { Button } from './button.tsx'
import { TextField } from './field.tsx'
import { X } from './icons.ts'

interface DialogProps {
  open: boolean
  onClose: () => void
  title: JSX.Element
  description?: JSX.Element
  testId?: string
  size?: 'sm' | 'md' | 'lg'
  children: JSX.Element
  footer?: JSX.Element
}

const widths = { sm: 'max-w-md', md: 'max-w-lg', lg: 'max-w-2xl' }

/**
 * Opens a native <dialog> as a modal while the component is mounted, and closes it when it unmounts. Whatever had
 * focus before opening gets it back, also when the dialog is unmounted rather than closed. Pass the result as `ref`.
 */
export function useModal(): (element: HTMLDialogElement) => void {
  let dialog: HTMLDialogElement | undefined
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
  onMount(() => dialog?.showModal())
  onCleanup(() => {
    if (dialog?.open) dialog.close()
    queueMicrotask(() => {
      if (opener?.isConnected) opener.focus()
    })
  })
  return (element) => {
    dialog = element
  }
}

/**
 * A modal built on the native <dialog>: the browser traps focus, makes the page behind it inert,
 * closes on Escape (we turn that into `onClose` so state stays the source of truth) and restores focus.
 */
export function Dialog(props: DialogProps) {
  return (
    <Show when={props.open}>
      <DialogPanel {...props} />
    </Show>
  )
}

function DialogPanel(props: DialogProps) {
  const modal = useModal()
  const titleId = createUniqueId()
  const descriptionId = createUniqueId()
  return (
    <dialog
      ref={modal}
      aria-labelledby={titleId}
      aria-describedby={props.description ? descriptionId : undefined}
      data-testid={props.testId}
      onCancel={(event) => {
        event.preventDefault()
        props.onClose()
      }}
      class={cx(
        'm-auto max-h-[calc(100vh-2rem)] w-[calc(100%-2rem)] overflow-y-auto rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-2xl dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100',
        widths[props.size ?? 'md'],
      )}
    >
      <ModalHeader
        class="px-6 pt-5"
        titleId={titleId}
        descriptionId={descriptionId}
        title={props.title}
        description={props.description}
        onClose={props.onClose}
        testId={props.testId}
      />
      <div class="px-6 py-4">{props.children}</div>
      <ModalFooter>{props.footer}</ModalFooter>
    </dialog>
  )
}

/** The title, description and close button at the top of a dialog or drawer. */
export function ModalHeader(props: {
  class: string
  titleId: string
  descriptionId?: string
  title: JSX.Element
  description?: JSX.Element
  onClose: () => void
  testId?: string | undefined
}) {
  return (
    <div class={cx('flex items-start justify-between gap-4', props.class)}>
      <div class="min-w-0">
        <h2 id={props.titleId} class="text-base font-semibold">
          {props.title}
        </h2>
        <Show when={props.description}>
          <p id={props.descriptionId} class="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
            {props.description}
          </p>
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
  )
}

/** The action bar at the bottom of a dialog or drawer; nothing when there are no actions. */
export function ModalFooter(props: { children?: JSX.Element }) {
  return (
    <Show when={props.children}>
      <div class="flex flex-wrap justify-end gap-2 border-t border-zinc-100 bg-zinc-50/60 px-6 py-3 dark:border-zinc-800 dark:bg-zinc-900/60">
        {props.children}
      </div>
    </Show>
  )
}

/** Runs `start` each time a dialog opens (`opened` turns truthy), so its form starts afresh, not where it was left. */
export function onDialogOpen<T>(opened: () => T | false | null | undefined, start: (value: T) => void): void {
  createEffect(
    on(opened, (value) => {
      if (value) start(value)
    }),
  )
}

interface DialogFormActionsProps {
  form: FormState
  /** Names the form's error line (`${testId}-error`) and its buttons (`${testId}-cancel`, `${testId}-submit`). */
  testId: string
  onCancel: () => void
  /** A red submit button, for deletions. */
  danger?: boolean
  disabled?: boolean
  /** The submit button's label. */
  children: JSX.Element
}

/** The end of a form in a dialog: the form's error, then Cancel and the submit button. */
export function DialogFormActions(props: DialogFormActionsProps) {
  return (
    <>
      <FormError message={props.form.error()} testId={`${props.testId}-error`} />
      <div class="flex justify-end gap-2">
        <Button onClick={props.onCancel} data-testid={`${props.testId}-cancel`}>
          Cancel
        </Button>
        <Button
          type="submit"
          variant={props.danger ? 'danger' : 'primary'}
          disabled={props.disabled}
          loading={props.form.pending()}
          data-testid={`${props.testId}-submit`}
        >
          {props.children}
        </Button>
      </div>
    </>
  )
}

interface ConfirmDialogProps {
  open: boolean
  onClose: () => void
  title: string
  description?: JSX.Element
  confirmLabel: string
  danger?: boolean
  /** Runs when confirmed; the dialog closes when it resolves and shows the error when it throws. */
  onConfirm: () => Promise<unknown>
  testId: string
  children?: JSX.Element
}

/** "Are you sure?" for actions that change or remove something. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const form = createFormState()
  const close = () => {
    form.reset()
    props.onClose()
  }
  const confirm = async () => {
    if (await form.submit(props.onConfirm)) close()
  }
  return (
    <Dialog
      open={props.open}
      onClose={close}
      title={props.title}
      description={props.description}
      testId={props.testId}
      size="sm"
      footer={
        <>
          <Button onClick={close} data-testid={`${props.testId}-cancel`}>
            Cancel
          </Button>
          <Button
            variant={props.danger ? 'danger' : 'primary'}
            loading={form.pending()}
            onClick={confirm}
            data-testid={`${props.testId}-submit`}
          >
            {props.confirmLabel}
          </Button>
        </>
      }
    >
      <div class="space-y-3">
        {props.children}
        <FormError message={form.error()} testId={`${props.testId}-error`} />
      </div>
    </Dialog>
  )
}

interface TypeToConfirmDialogProps {
  open: boolean
  onClose: () => void
  title: string
  description?: JSX.Element
  /** What the person must type, exactly, to unlock the action. */
  expected: string
  confirmLabel: string
  onConfirm: (typed: string) => Promise<unknown>
  testId: string
}

/** Irreversible deletions: the button unlocks only once the exact name is typed. */
export function TypeToConfirmDialog(props: TypeToConfirmDialogProps) {
  const form = createFormState()
  const [typed, setTyped] = createSignal('')
  const inputId = createUniqueId()
  const close = () => {
    form.reset()
    setTyped('')
    props.onClose()
  }
  const matches = () => typed() === props.expected
  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!matches()) return
    if (await form.submit(() => props.onConfirm(typed()))) close()
  }
  return (
    <Dialog open={props.open} onClose={close} title={props.title} description={props.description} testId={props.testId}>
      <form onSubmit={submit} class="space-y-4">
        <TextField
          id={inputId}
          label={`Type "${props.expected}" to confirm`}
          value={typed()}
          onValue={setTyped}
          testId={`${props.testId}-input`}
          autocomplete="off"
          spellcheck={false}
          autofocus
        />
        <DialogFormActions form={form} testId={props.testId} onCancel={close} danger disabled={!matches()}>
          {props.confirmLabel}
        </DialogFormActions>
      </form>
    </Dialog>
  )
}
