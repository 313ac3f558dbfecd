/**
 * The destructive-action guard. When the user's AI preferences ask for confirmation, every `update_*` and
 * `delete_*` tool and every tool annotated destructive gains a `_confirm` argument; a call without
 * `_confirm: true` does nothing and says what it would have done.
 */
import { redact } from '@prodgy/core'
import type { McpContext } from './context.ts'
import type { JsonObjectSchema } from './tools/define.ts'

export const CONFIRM_ARGUMENT = '_confirm'
const SUMMARY_LIMIT = 600

export function guardApplies(context: McpContext): boolean {
  return context.aiPreferences?.confirmDestructiveActions === true
}

export function isGuardedTool(name: string, destructive: boolean | undefined): boolean {
  return name.startsWith('update_') || name.startsWith('delete_') || destructive === true
}

/** A copy of `schema` with the `_confirm` property. */
export function withConfirmArgument(schema: JsonObjectSchema): JsonObjectSchema {
  return {
    ...schema,
    properties: {
      ...(schema.properties ?? {}),
      [CONFIRM_ARGUMENT]: {
        type: 'boolean',
        description:
          'Set to true only after the user confirmed this change. Without it the tool does nothing and describes ' +
          'what it would do.',
      },
    },
  }
}

/** The arguments without `_confirm`, and whether it was `true`. */
export function takeConfirmation(args: Record<string, unknown>): { confirmed: boolean; rest: Record<string, unknown> } {
  const { [CONFIRM_ARGUMENT]: confirm, ...rest } = args
  return { confirmed: confirm === true, rest }
}

/** The answer to an unconfirmed call: what would happen, and how to go ahead. Secret-looking values are masked. */
export function confirmationRequired(name: string, args: Record<string, unknown>): string {
  let summary = JSON.stringify(redact(args))
  if (summary.length > SUMMARY_LIMIT) summary = `${summary.slice(0, SUMMARY_LIMIT)}…`
  return (
    `Not done: confirmation needed. This would call ${name} with ${summary}, which changes or deletes data, and the ` +
    `user's AI preferences ask to confirm such actions first. Tell the user exactly what will happen and, once they ` +
    `agree, call ${name} again with the same arguments and "${CONFIRM_ARGUMENT}": true.`
  )
}
