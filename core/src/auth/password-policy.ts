/** The password policy, enforced on the server with one message per failed rule; the Web app shows the same rules live. */
export interface PasswordRule {
  id: 'length' | 'uppercase' | 'lowercase' | 'digit' | 'special' | 'max_length'
  description: string
  test: (password: string) => boolean
}

export const PASSWORD_RULES: readonly PasswordRule[] = [
  { id: 'length', description: 'At least 8 characters', test: (p) => [...p].length >= 8 },
  { id: 'uppercase', description: 'An uppercase letter', test: (p) => /\p{Lu}/u.test(p) },
  { id: 'lowercase', description: 'A lowercase letter', test: (p) => /\p{Ll}/u.test(p) },
  { id: 'digit', description: 'A digit', test: (p) => /\p{Nd}/u.test(p) },
  {
    id: 'special',
    description: 'A special character (for example ! @ # $ %)',
    test: (p) => /[^\p{L}\p{Nd}\s]/u.test(p),
  },
  // argon2 accepts any length, but a megabyte "password" is an attack on the server, not a password
  { id: 'max_length', description: 'At most 128 characters', test: (p) => [...p].length <= 128 },
]

/** Returns the description of every rule the password breaks; empty when it is acceptable. */
export function checkPassword(password: string): string[] {
  return PASSWORD_RULES.filter((rule) => !rule.test(password)).map((rule) => rule.description)
}
