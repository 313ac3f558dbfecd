import { cx } from '../lib/cx.ts'
import { inputClass } from './field.tsx'
import { Search } from './icons.ts'

interface SearchBarProps {
  /** Also the box's test id. */
  id: string
  /** For screen readers; the placeholder is what shows. */
  label: string
  placeholder: string
  value: string
  onValue: (value: string) => void
}

/** The search box above a list, across the top of its card. */
export function SearchBar(props: SearchBarProps) {
  return (
    <div class="border-b border-zinc-100 p-4 dark:border-zinc-800">
      <div class="relative max-w-sm">
        <Search class="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" />
        <label for={props.id} class="sr-only">
          {props.label}
        </label>
        <input
          id={props.id}
          type="search"
          placeholder={props.placeholder}
          value={props.value}
          onInput={(event) => props.onValue(event.currentTarget.value)}
          data-testid={props.id}
          class={cx(inputClass, 'pl-9')}
        />
      </div>
    </div>
  )
}
