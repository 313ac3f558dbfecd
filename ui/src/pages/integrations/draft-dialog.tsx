import { A } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { Dialog, DialogFormActions, onDialogOpen } from '../../components/dialog.tsx'
import { TextAreaField } from '../../components/field.tsx'
import { ApiError } from '../../lib/api.ts'
import type { TemplateDraft } from '../../lib/api-integrations.ts'
import * as integrations from '../../lib/api-integrations.ts'
import { createFormState } from '../../lib/form.ts'

interface DraftDialogProps {
  open: boolean
  onClose: () => void
  /** The drafted template, to review in the editor; nothing is saved yet. */
  onDrafted: (draft: TemplateDraft) => void
}

/** Admins describe a service in their own words; the organization's chat model drafts a template from it. */
export function DraftDialog(props: DraftDialogProps) {
  const [description, setDescription] = createSignal('')
  const [needsProvider, setNeedsProvider] = createSignal(false)
  const form = createFormState({
    get description() {
      return description()
    },
  })

  onDialogOpen(
    () => props.open,
    () => {
      form.reset()
      setNeedsProvider(false)
    },
  )

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    setNeedsProvider(false)
    if (description().trim().length < 10) {
      return form.fail({ description: ['Describe the service and the tools you need in a sentence or more.'] })
    }
    await form.submit(async () => {
      let draft: TemplateDraft
      try {
        draft = await integrations.draftTemplate({ description: description().trim() })
      } catch (error) {
        const code = (error as { code?: string }).code ?? ''
        setNeedsProvider(code === 'ai_provider_required' || code === 'ai_unavailable')
        throw error
      }
      // no template at all: say why here, where the description can be improved
      if (!draft.definition) throw new ApiError(422, 'draft_failed', draft.problems.join(' '))
      props.onDrafted(draft)
    })
  }

  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      title="Draft a template with AI"
      description="Describe the service: its API, how it authenticates, and the tools people and agents need. The draft opens in the editor for review; nothing is saved until you save it."
      testId="template-draft-dialog"
      size="lg"
    >
      <form onSubmit={submit} class="space-y-4" novalidate>
        <TextAreaField
          id="template-draft-description"
          label="Description"
          rows={8}
          value={description()}
          onValue={setDescription}
          placeholder="Linear's GraphQL API at https://api.linear.app/graphql with a personal API key in the Authorization header. Tools: list my open issues, create an issue in a team, add a comment."
          testId="template-draft-description"
          error={form.fieldError('description')}
          autofocus
        />
        <Show when={needsProvider()}>
          <p class="text-sm" data-testid="template-draft-provider-required">
            <A href="/admin?tab=ai-provider" class="font-medium text-brand-700 underline dark:text-brand-300">
              Set up an AI provider with a chat model
            </A>{' '}
            to draft templates.
          </p>
        </Show>
        <DialogFormActions form={form} testId="template-draft" onCancel={props.onClose}>
          {form.pending() ? 'Drafting…' : 'Draft template'}
        </DialogFormActions>
      </form>
    </Dialog>
  )
}
