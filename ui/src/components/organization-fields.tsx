import { For } from 'solid-js'
import type { FormState } from '../lib/form.ts'
import { companySizes, companyStages, industrySuggestions, withCurrent } from '../lib/organization-options.ts'
import { SelectField, TextAreaField, TextField } from './field.tsx'

export interface OrganizationDetails {
  description: string
  industry: string
  size: string
  stage: string
}

interface OrganizationDetailsFieldsProps {
  /** Prefix of the ids and test ids: `${prefix}-description`, `-industry`, `-size`, `-stage`; the suggestions `${prefix}-industries`. */
  prefix: string
  values: OrganizationDetails
  onValue: (key: keyof OrganizationDetails, value: string) => void
  form: FormState
  /** The empty choice of the size and stage lists. */
  unsetLabel: string
}

/** What an organization says about itself: description, industry (with suggestions), size and stage. */
export function OrganizationDetailsFields(props: OrganizationDetailsFieldsProps) {
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
      <div class="grid gap-4 sm:grid-cols-3">
        <TextField
          id={`${props.prefix}-industry`}
          label="Industry"
          optional
          list={`${props.prefix}-industries`}
          value={props.values.industry}
          onValue={(v) => props.onValue('industry', v)}
          testId={`${props.prefix}-industry`}
          error={props.form.fieldError('industry')}
        />
        <SelectField
          id={`${props.prefix}-size`}
          label="Company size"
          optional
          placeholder={props.unsetLabel}
          options={withCurrent(companySizes, props.values.size)}
          value={props.values.size}
          onValue={(v) => props.onValue('size', v)}
          testId={`${props.prefix}-size`}
          error={props.form.fieldError('size')}
        />
        <SelectField
          id={`${props.prefix}-stage`}
          label="Stage"
          optional
          placeholder={props.unsetLabel}
          options={withCurrent(companyStages, props.values.stage)}
          value={props.values.stage}
          onValue={(v) => props.onValue('stage', v)}
          testId={`${props.prefix}-stage`}
          error={props.form.fieldError('stage')}
        />
      </div>
      <datalist id={`${props.prefix}-industries`}>
        <For each={industrySuggestions}>{(industry) => <option value={industry} />}</For>
      </datalist>
    </>
  )
}
