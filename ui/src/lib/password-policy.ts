/**
 * The password policy, checked live as the person types. The server checks it again and stays the authority;
 * the character classes here are Unicode-aware so the hint never refuses a password the server would accept.
 */
export interface PasswordRule {
  id: 'length' | 'uppercase' | 'lowercase' | 'digit' | 'special'
  label: string
  test: (password: string) => boolean
}

export const passwordRules: readonly PasswordRule[] = [
  { id: 'length', label: 'At least 8 characters', test: (p) => [...p].length >= 8 },
  { id: 'uppercase', label: 'An uppercase letter', test: (p) => /\p{Lu}/u.test(p) },
  { id: 'lowercase', label: 'A lowercase letter', test: (p) => /\p{Ll}/u.test(p) },
  { id: 'digit', label: 'A digit', test: (p) => /\p{Nd}/u.test(p) },
  { id: 'special', label: 'A special character', test: (p) => /[^\p{L}\p{N}\s]/u.test(p) },
]

function meetsPasswordPolicy(password: string): boolean {
  return passwordRules.every((rule) => rule.test(password))
}

/** What is wrong with a new password before it is sent: a rule it breaks, or a confirmation that differs. */
export function newPasswordProblems(values: { password: string; confirm: string }): {
  password?: string[]
  confirm?: string[]
} {
  const problems: { password?: string[]; confirm?: string[] } = {}
  if (!meetsPasswordPolicy(values.password)) problems.password = ['The password does not meet every rule yet.']
  if (values.password !== values.confirm) problems.confirm = ['The passwords do not match.']
  return problems
}
