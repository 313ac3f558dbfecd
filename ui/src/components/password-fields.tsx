import { createSignal, For, Show } from 'solid-js'
import { cx } from '../lib/cx.ts'
import type { FormState } from '../lib/form.ts'
import { passwordRules } from '../lib/password-policy.ts'
import { FieldFrame, inputClass } from './field.tsx'
import { Check, Circle, Eye, EyeOff } from './icons.ts'

interface PasswordInputProps {
  id: string
  label: string
  value: string
  onValue: (value: string) => void
  testId: string
  autocomplete: 'current-password' | 'new-password'
  error?: string[] | undefined
  hint?: string
  describedBy?: string
  autofocus?: boolean
}

/** A password box with a show/hide toggle. */
export function PasswordInput(props: PasswordInputProps) {
  const [visible, setVisible] = createSignal(false)
  const describedBy = () =>
    [props.error ? `${props.id}-error` : props.hint ? `${props.id}-hint` : '', props.describedBy ?? '']
      .filter(Boolean)
      .join(' ') || undefined
  return (
    <FieldFrame id={props.id} label={props.label} error={props.error} testId={props.testId} hint={props.hint}>
      <div class="relative">
        <input
          id={props.id}
          type={visible() ? 'text' : 'password'}
          value={props.value}
          onInput={(event) => props.onValue(event.currentTarget.value)}
          autocomplete={props.autocomplete}
          autofocus={props.autofocus}
          data-testid={props.testId}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={describedBy()}
          class={cx(inputClass, 'pr-10')}
        />
        <button
          type="button"
          onClick={() => setVisible(!visible())}
          aria-label={visible() ? 'Hide password' : 'Show password'}
          aria-pressed={visible()}
          data-testid={`${props.testId}-toggle`}
          class="absolute inset-y-0 right-0 flex w-10 items-center justify-center rounded-r-lg text-zinc-400 hover:text-zinc-700 dark:hover:text-zinc-200"
        >
          <Show when={visible()} fallback={<Eye class="size-4" aria-hidden="true" />}>
            <EyeOff class="size-4" aria-hidden="true" />
          </Show>
        </button>
      </div>
    </FieldFrame>
  )
}

function Indicator(props: { met: boolean; label: string; testId: string }) {
  return (
    <li
      data-testid={props.testId}
      data-met={props.met ? 'true' : 'false'}
      class={cx(
        'flex items-center gap-1.5 text-xs transition-colors',
        props.met ? 'text-emerald-700 dark:text-emerald-400' : 'text-zinc-500 dark:text-zinc-400',
      )}
    >
      <Show when={props.met} fallback={<Circle class="size-3.5" aria-hidden="true" />}>
        <Check class="size-3.5" aria-hidden="true" />
      </Show>
      <span>{props.label}</span>
      <span class="sr-only">{props.met ? '(done)' : '(not yet)'}</span>
    </li>
  )
}

interface NewPasswordFieldsProps {
  /** Prefix for ids and test ids: `${prefix}-password`, `${prefix}-password-confirm`, `${prefix}-password-rule-<id>`. */
  prefix: string
  values: { password: string; confirm: string }
  onValue: (key: 'password' | 'confirm', value: string) => void
  /** Shows the `password` and `confirm` errors. */
  form: FormState
  label?: string
  autofocus?: boolean
}

/** New password + confirmation, with a live indicator per policy rule and a match indicator. */
export function NewPasswordFields(props: NewPasswordFieldsProps) {
  const rulesId = `${props.prefix}-password-rules`
  const password = () => props.values.password
  const confirm = () => props.values.confirm
  const matches = () => confirm().length > 0 && password() === confirm()
  return (
    <div class="space-y-4">
      <div class="space-y-2">
        <PasswordInput
          id={`${props.prefix}-password`}
          label={props.label ?? 'Password'}
          value={password()}
          onValue={(value) => props.onValue('password', value)}
          testId={`${props.prefix}-password`}
          autocomplete="new-password"
          error={props.form.fieldError('password')}
          describedBy={rulesId}
          autofocus={props.autofocus}
        />
        <ul
          id={rulesId}
          aria-label="Password requirements"
          data-testid={`${props.prefix}-password-rules`}
          class="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-2"
        >
          <For each={passwordRules}>
            {(rule) => (
              <Indicator
                met={rule.test(password())}
                label={rule.label}
                testId={`${props.prefix}-password-rule-${rule.id}`}
              />
            )}
          </For>
        </ul>
      </div>
      <div class="space-y-2">
        <PasswordInput
          id={`${props.prefix}-password-confirm`}
          label="Confirm password"
          value={confirm()}
          onValue={(value) => props.onValue('confirm', value)}
          testId={`${props.prefix}-password-confirm`}
          autocomplete="new-password"
          error={props.form.fieldError('confirm')}
          describedBy={`${props.prefix}-password-match`}
        />
        <ul id={`${props.prefix}-password-match`} aria-live="polite">
          <Indicator
            met={matches()}
            label={matches() || confirm().length === 0 ? 'Passwords match' : 'Passwords do not match yet'}
            testId={`${props.prefix}-password-match`}
          />
        </ul>
      </div>
    </div>
  )
}
