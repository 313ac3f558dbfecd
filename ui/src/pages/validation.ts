/** Required-field checks done before calling the server; the messages match the server's style. */
export function requiredProblems<T extends Record<string, unknown>>(
  values: T,
  required: (keyof T & string)[],
): Record<string, string[]> {
  const problems: Record<string, string[]> = {}
  for (const key of required) {
    const value = values[key]
    if (typeof value !== 'string' || value.trim() === '') problems[key] = ['This field is required.']
  }
  return problems
}
