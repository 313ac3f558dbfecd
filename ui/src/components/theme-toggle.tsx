import { Show } from 'solid-js'
import { theme, toggleTheme } from '../lib/theme.ts'
import { IconButton } from './button.tsx'
import { Moon, Sun } from './icons.ts'

export function ThemeToggle(props: { class?: string }) {
  return (
    <IconButton
      label={theme() === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
      onClick={toggleTheme}
      data-testid="theme-toggle"
      data-theme={theme()}
      class={props.class}
    >
      <Show when={theme() === 'dark'} fallback={<Moon class="size-4.5" aria-hidden="true" />}>
        <Sun class="size-4.5" aria-hidden="true" />
      </Show>
    </IconButton>
  )
}
