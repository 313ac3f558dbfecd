/** Short confirmations ("Saved") shown in a polite live region at the bottom of the screen. */
import { createSignal } from 'solid-js'

export interface Toast {
  id: number
  kind: 'success' | 'error' | 'info'
  message: string
}

const [toasts, setToasts] = createSignal<Toast[]>([])
let nextId = 1

export { toasts }

export function dismissToast(id: number): void {
  setToasts((list) => list.filter((t) => t.id !== id))
}

export function showToast(message: string, kind: Toast['kind'] = 'success'): void {
  const id = nextId++
  setToasts((list) => [...list.slice(-3), { id, kind, message }])
  setTimeout(() => dismissToast(id), kind === 'error' ? 7000 : 4000)
}
