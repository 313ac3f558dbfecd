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

export function meetsPasswordPolicy(password: string): boolean {
  return passwordRules.every((rule) => rule.test(password))
}
