/** Light or dark: the saved choice wins, otherwise the system preference (followed live). */
import { createSignal } from 'solid-js'
import { readStorage, storageKeys, writeStorage } from './storage.ts'

export type Theme = 'light' | 'dark'

const media = window.matchMedia('(prefers-color-scheme: dark)')
const saved = readStorage('local', storageKeys.theme)
const [preference, setPreference] = createSignal<Theme | null>(saved === 'light' || saved === 'dark' ? saved : null)
const [systemDark, setSystemDark] = createSignal(media.matches)

export const theme = (): Theme => preference() ?? (systemDark() ? 'dark' : 'light')

function apply(): void {
  document.documentElement.classList.toggle('dark', theme() === 'dark')
}

media.addEventListener('change', (event) => {
  setSystemDark(event.matches)
  apply()
})

export function toggleTheme(): void {
  const next: Theme = theme() === 'dark' ? 'light' : 'dark'
  setPreference(next)
  writeStorage('local', storageKeys.theme, next)
  apply()
}

apply()
