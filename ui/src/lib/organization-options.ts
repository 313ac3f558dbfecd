import type { SelectOption } from '../components/field.tsx'

export const companySizes: SelectOption[] = [
  { value: '1-10', label: '1–10 people' },
  { value: '11-50', label: '11–50 people' },
  { value: '51-200', label: '51–200 people' },
  { value: '201-1000', label: '201–1,000 people' },
  { value: '1000+', label: 'More than 1,000 people' },
]

export const companyStages: SelectOption[] = [
  { value: 'idea', label: 'Idea' },
  { value: 'pre-seed', label: 'Pre-seed' },
  { value: 'seed', label: 'Seed' },
  { value: 'series-a', label: 'Series A' },
  { value: 'series-b-plus', label: 'Series B or later' },
  { value: 'growth', label: 'Growth' },
  { value: 'enterprise', label: 'Established / enterprise' },
]

export const industrySuggestions = [
  'Software',
  'Financial services',
  'Healthcare',
  'Education',
  'Retail and e-commerce',
  'Manufacturing',
  'Media and entertainment',
  'Public sector',
  'Consulting',
  'Telecommunications',
  'Logistics',
  'Energy',
]

/** Keeps a value the server holds even when it is not one of our suggestions. */
export function withCurrent(options: SelectOption[], current: string | null | undefined): SelectOption[] {
  return current && !options.some((o) => o.value === current)
    ? [...options, { value: current, label: current }]
    : options
}
