import { For, type JSX, Show, splitProps } from 'solid-js'
import { cx } from '../lib/cx.ts'

export const inputClass =
  'block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 shadow-xs placeholder:text-zinc-400 transition-colors focus:border-brand-500 focus:outline-2 focus:outline-offset-0 focus:outline-brand-500/30 disabled:bg-zinc-100 disabled:text-zinc-500 aria-invalid:border-red-500 aria-invalid:focus:outline-red-500/30 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500 dark:disabled:bg-zinc-800/60 dark:aria-invalid:border-red-500'

/** The same look for a control that sizes itself (selects in toolbars, short inputs in a row). */
export const inlineInputClass = inputClass.replace('block w-full', 'inline-block')

interface FieldFrameProps {
  id: string
  label: string
  optional?: boolean
  hint?: JSX.Element
  error?: string[] | undefined
  /** The control's test id; the error line under it is `${testId}-error`. */
  testId: string
  class?: string
  children: JSX.Element
}

/** Label, control, then either the hint or the field's errors from `details.fields`. */
export function FieldFrame(props: FieldFrameProps) {
  return (
    <div class={cx('space-y-1.5', props.class)}>
      <label for={props.id} class="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {props.label}
        <Show when={props.optional}>
          <span class="font-normal text-zinc-400 dark:text-zinc-500"> (optional)</span>
        </Show>
      </label>
      {props.children}
      <Show when={props.error}>
        {(errors) => (
          <p
            id={`${props.id}-error`}
            data-testid={`${props.testId}-error`}
            class="text-xs text-red-600 dark:text-red-400"
          >
            {errors().join(' ')}
          </p>
        )}
      </Show>
      <Show when={props.hint && !props.error}>
        <p id={`${props.id}-hint`} class="text-xs text-zinc-500 dark:text-zinc-400">
          {props.hint}
        </p>
      </Show>
    </div>
  )
}

function describedBy(id: string, error: unknown, hint: unknown): string | undefined {
  if (error) return `${id}-error`
  if (hint) return `${id}-hint`
  return undefined
}

interface CommonProps {
  id: string
  label: string
  value: string
  onValue: (value: string) => void
  testId: string
  error?: string[] | undefined
  hint?: JSX.Element
  optional?: boolean
  class?: string
}

const commonKeys = ['id', 'label', 'value', 'onValue', 'testId', 'error', 'hint', 'optional', 'class'] as const

/** What ties a field's control to its label, hint and errors (and names it for tests). */
function controlOf(field: CommonProps) {
  return {
    get id() {
      return field.id
    },
    get 'data-testid'() {
      return field.testId
    },
    get 'aria-invalid'() {
      return field.error ? true : undefined
    },
    get 'aria-describedby'() {
      return describedBy(field.id, field.error, field.hint)
    },
  }
}

export type TextFieldProps = CommonProps &
  Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'id' | 'class' | 'onInput'>

export function TextField(props: TextFieldProps) {
  const [field, rest] = splitProps(props, [...commonKeys, 'type'])
  return (
    <FieldFrame {...field}>
      <input
        {...controlOf(field)}
        type={field.type ?? 'text'}
        value={field.value}
        onInput={(event) => field.onValue(event.currentTarget.value)}
        class={inputClass}
        {...rest}
      />
    </FieldFrame>
  )
}

export type TextAreaFieldProps = CommonProps &
  Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'id' | 'class' | 'onInput'>

export function TextAreaField(props: TextAreaFieldProps) {
  const [field, rest] = splitProps(props, [...commonKeys, 'rows'])
  return (
    <FieldFrame {...field}>
      <textarea
        {...controlOf(field)}
        rows={field.rows ?? 4}
        value={field.value}
        onInput={(event) => field.onValue(event.currentTarget.value)}
        class={cx(inputClass, 'resize-y leading-relaxed')}
        {...rest}
      />
    </FieldFrame>
  )
}

export interface SelectOption {
  value: string
  label: string
}

export type SelectFieldProps = CommonProps & {
  options: SelectOption[]
  placeholder?: string
  disabled?: boolean
}

export function SelectField(props: SelectFieldProps) {
  return (
    <FieldFrame {...props}>
      <select
        {...controlOf(props)}
        value={props.value}
        disabled={props.disabled}
        onChange={(event) => props.onValue(event.currentTarget.value)}
        class={cx(inputClass, 'pr-8')}
      >
        <Show when={props.placeholder !== undefined}>
          <option value="">{props.placeholder}</option>
        </Show>
        <For each={props.options}>
          {(option) => (
            <option value={option.value} selected={option.value === props.value}>
              {option.label}
            </option>
          )}
        </For>
      </select>
    </FieldFrame>
  )
}

interface CheckboxProps {
  id: string
  label: JSX.Element
  checked: boolean
  onChange: (checked: boolean) => void
  testId: string
  description?: JSX.Element
  disabled?: boolean
}

export function Checkbox(props: CheckboxProps) {
  return (
    <div class="flex items-start gap-2.5">
      <input
        id={props.id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(event) => props.onChange(event.currentTarget.checked)}
        data-testid={props.testId}
        class="mt-0.5 size-4 shrink-0 rounded border-zinc-300 accent-brand-600 dark:border-zinc-600"
      />
      <label for={props.id} class="text-sm text-zinc-800 dark:text-zinc-200">
        {props.label}
        <Show when={props.description}>
          <span class="block text-xs text-zinc-500 dark:text-zinc-400">{props.description}</span>
        </Show>
      </label>
    </div>
  )
}

interface SwitchProps {
  id: string
  label: string
  description?: JSX.Element
  checked: boolean
  onChange: (checked: boolean) => void
  testId: string
  disabled?: boolean
}

export function Switch(props: SwitchProps) {
  return (
    <div class="flex items-start justify-between gap-4">
      <div>
        <label for={props.id} class="text-sm font-medium text-zinc-800 dark:text-zinc-200">
          {props.label}
        </label>
        <Show when={props.description}>
          <p id={`${props.id}-description`} class="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">
            {props.description}
          </p>
        </Show>
      </div>
      <button
        id={props.id}
        type="button"
        role="switch"
        aria-checked={props.checked}
        aria-describedby={props.description ? `${props.id}-description` : undefined}
        disabled={props.disabled}
        data-testid={props.testId}
        onClick={() => props.onChange(!props.checked)}
        class={cx(
          'relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors disabled:opacity-50',
          props.checked ? 'bg-brand-600 dark:bg-brand-500' : 'bg-zinc-300 dark:bg-zinc-700',
        )}
      >
        <span
          aria-hidden="true"
          class={cx(
            'inline-block size-5 rounded-full bg-white shadow transition-transform',
            props.checked ? 'translate-x-5.5' : 'translate-x-0.5',
          )}
        />
      </button>
    </div>
  )
}
