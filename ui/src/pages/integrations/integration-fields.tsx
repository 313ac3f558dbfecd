/**
 * The form of an integration, generated from its template: credential fields (secret ones as password boxes) and
 * typed settings. Shared by the install dialog and the edit drawer; in the edit drawer credentials are optional and
 * a blank one keeps the stored value, which is never shown.
 */
import { For, Match, Show, Switch } from 'solid-js'
import { Checkbox, SelectField, TextAreaField, TextField } from '../../components/field.tsx'
import { KeyRound, SlidersHorizontal } from '../../components/icons.ts'
import type { CredentialField, SettingField, SettingValue } from '../../lib/api-integrations.ts'
import type { FormState } from '../../lib/form.ts'

export type SettingInputs = Record<string, string | boolean>
export type CredentialInputs = Record<string, string>

/** What the inputs start with: the stored settings when editing, otherwise each field's default. */
export function settingInputs(fields: SettingField[], current?: Record<string, SettingValue>): SettingInputs {
  const values: SettingInputs = {}
  for (const field of fields) {
    const value = current && field.name in current ? current[field.name] : field.default
    if (field.type === 'boolean') values[field.name] = value === true || value === 'true'
    else values[field.name] = value === undefined || value === null ? '' : String(value)
  }
  return values
}

export function credentialInputs(fields: CredentialField[]): CredentialInputs {
  return Object.fromEntries(fields.map((field) => [field.name, '']))
}

type Problems = Record<string, string[]>

/** The settings as the API takes them (numbers as numbers, blanks left out), and what must be fixed first. */
export function settingsBody(fields: SettingField[], inputs: SettingInputs) {
  const settings: Record<string, SettingValue> = {}
  const problems: Problems = {}
  for (const field of fields) {
    const raw = inputs[field.name]
    if (field.type === 'boolean') {
      settings[field.name] = raw === true
      continue
    }
    const text = typeof raw === 'string' ? raw.trim() : ''
    if (!text) {
      // sent blank, so an optional setting can be cleared when editing
      if (field.required) problems[`settings.${field.name}`] = [`Enter ${field.label}.`]
      else settings[field.name] = ''
      continue
    }
    if (field.type === 'number') {
      const value = Number(text)
      if (!Number.isFinite(value)) problems[`settings.${field.name}`] = [`${field.label} must be a number.`]
      else settings[field.name] = value
    } else if (field.type === 'url' && !/^https?:\/\/\S+$/i.test(text)) {
      problems[`settings.${field.name}`] = [`${field.label} must be an address starting with https:// or http://.`]
    } else {
      settings[field.name] = text
    }
  }
  return { settings, problems }
}

/** Whether the settings differ from the stored ones (a change makes the server check the credentials again). */
export function settingsChanged(next: Record<string, SettingValue>, stored: Record<string, SettingValue>): boolean {
  const normal = (value: SettingValue | undefined) => String(value ?? '').replace(/\/+$/, '')
  return Object.keys(next).some((name) => normal(next[name]) !== normal(stored[name]))
}

/**
 * The credentials to send. Installing, every required one is needed; editing, only the typed ones are sent, so the
 * others keep their stored value.
 */
export function credentialsBody(fields: CredentialField[], inputs: CredentialInputs, editing: boolean) {
  const credentials: Record<string, string> = {}
  const problems: Problems = {}
  for (const field of fields) {
    const value = (inputs[field.name] ?? '').trim()
    if (value) credentials[field.name] = value
    else if (field.required && !editing) problems[`credentials.${field.name}`] = [`Enter ${field.label}.`]
  }
  return { credentials, problems }
}

/** A field's problems, whether the API names it by its path (`settings.api_url`) or by its name alone. */
export function fieldProblems(form: FormState, group: 'settings' | 'credentials', name: string) {
  return form.fieldError(`${group}.${name}`) ?? form.fieldError(name)
}

interface IntegrationFieldsProps {
  /** Prefix of ids and test ids: `${prefix}-credential-${name}`, `${prefix}-setting-${name}`. */
  prefix: string
  credentialFields: CredentialField[]
  settingFields: SettingField[]
  credentials: CredentialInputs
  onCredential: (name: string, value: string) => void
  settings: SettingInputs
  onSetting: (name: string, value: string | boolean) => void
  form: FormState
  /** Editing: the credential fields that hold a stored value. */
  stored?: string[]
}

export function IntegrationFields(props: IntegrationFieldsProps) {
  const editing = () => props.stored !== undefined
  const credentialHint = (field: CredentialField) => {
    if (editing()) {
      return props.stored?.includes(field.name)
        ? 'A value is stored and never shown. Leave blank to keep it.'
        : (field.description ?? 'No value stored yet.')
    }
    return field.description ?? (field.secret ? 'Stored encrypted; never shown again.' : undefined)
  }
  return (
    <>
      <Show when={props.credentialFields.length > 0}>
        <fieldset class="space-y-4 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
          <legend class="flex items-center gap-2 px-1 text-sm font-medium">
            <KeyRound class="size-4 text-zinc-400" aria-hidden="true" />
            {editing() ? 'Replace credentials' : 'Credentials'}
          </legend>
          <For each={props.credentialFields}>
            {(field) => (
              <TextField
                id={`${props.prefix}-credential-${field.name}`}
                label={field.label}
                type={field.secret ? 'password' : 'text'}
                optional={editing() || !field.required}
                value={props.credentials[field.name] ?? ''}
                onValue={(v) => props.onCredential(field.name, v)}
                placeholder={editing() && props.stored?.includes(field.name) ? '••••••••' : (field.placeholder ?? '')}
                testId={`${props.prefix}-credential-${field.name}`}
                hint={credentialHint(field)}
                error={fieldProblems(props.form, 'credentials', field.name)}
                autocomplete={field.secret ? 'new-password' : 'off'}
                spellcheck={false}
              />
            )}
          </For>
        </fieldset>
      </Show>
      <Show when={props.settingFields.length > 0}>
        <fieldset class="space-y-4 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
          <legend class="flex items-center gap-2 px-1 text-sm font-medium">
            <SlidersHorizontal class="size-4 text-zinc-400" aria-hidden="true" />
            Settings
          </legend>
          <For each={props.settingFields}>{(field) => <SettingInput {...props} field={field} />}</For>
        </fieldset>
      </Show>
    </>
  )
}

function SettingInput(props: IntegrationFieldsProps & { field: SettingField }) {
  const id = () => `${props.prefix}-setting-${props.field.name}`
  const text = () => {
    const value = props.settings[props.field.name]
    return typeof value === 'string' ? value : ''
  }
  const common = () => ({
    id: id(),
    label: props.field.label,
    optional: !props.field.required,
    value: text(),
    onValue: (v: string) => props.onSetting(props.field.name, v),
    testId: id(),
    hint: props.field.description ?? undefined,
    error: fieldProblems(props.form, 'settings', props.field.name),
  })
  return (
    <Switch
      fallback={
        <TextField
          {...common()}
          type={props.field.type === 'url' ? 'url' : props.field.type === 'number' ? 'number' : 'text'}
          placeholder={props.field.placeholder ?? ''}
          autocomplete="off"
          spellcheck={false}
        />
      }
    >
      <Match when={props.field.type === 'boolean'}>
        <Checkbox
          id={id()}
          label={props.field.label}
          description={props.field.description ?? undefined}
          checked={props.settings[props.field.name] === true}
          onChange={(checked) => props.onSetting(props.field.name, checked)}
          testId={id()}
        />
      </Match>
      <Match when={props.field.type === 'select'}>
        <SelectField
          {...common()}
          options={props.field.options ?? []}
          placeholder={props.field.required ? (text() === '' ? 'Choose…' : undefined) : 'Not set'}
        />
      </Match>
      <Match when={props.field.type === 'text'}>
        <TextAreaField {...common()} rows={4} placeholder={props.field.placeholder ?? ''} />
      </Match>
    </Switch>
  )
}
