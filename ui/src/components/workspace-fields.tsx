import type { FormState } from '../lib/form.ts'
import { TextAreaField, TextField } from './field.tsx'

export interface WorkspaceDetails {
  description: string
  website: string
  logo: string
}

interface WorkspaceDetailsFieldsProps {
  /** Prefix of the ids and test ids: `${prefix}-description`, `${prefix}-website`, `${prefix}-logo`. */
  prefix: string
  values: WorkspaceDetails
  onValue: (key: keyof WorkspaceDetails, value: string) => void
  form: FormState
  placeholders?: { website: string; logo: string }
}

/** How a workspace presents itself, after its name: description, website and logo. */
export function WorkspaceDetailsFields(props: WorkspaceDetailsFieldsProps) {
  return (
    <>
      <TextAreaField
        id={`${props.prefix}-description`}
        label="Description"
        optional
        rows={3}
        value={props.values.description}
        onValue={(v) => props.onValue('description', v)}
        testId={`${props.prefix}-description`}
        error={props.form.fieldError('description')}
      />
      <div class="grid gap-4 sm:grid-cols-2">
        <TextField
          id={`${props.prefix}-website`}
          label="Website"
          type="url"
          optional
          placeholder={props.placeholders?.website}
          value={props.values.website}
          onValue={(v) => props.onValue('website', v)}
          testId={`${props.prefix}-website`}
          error={props.form.fieldError('website')}
        />
        <TextField
          id={`${props.prefix}-logo`}
          label="Logo URL"
          type="url"
          optional
          placeholder={props.placeholders?.logo}
          value={props.values.logo}
          onValue={(v) => props.onValue('logo', v)}
          testId={`${props.prefix}-logo`}
          error={props.form.fieldError('logo')}
        />
      </div>
    </>
  )
}
