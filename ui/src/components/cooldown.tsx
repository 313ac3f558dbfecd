import { createSignal, onCleanup, Show } from 'solid-js'

/** A countdown that drives a progress bar; `start(seconds)` (re)starts it. */
export function createCooldown() {
  const [endsAt, setEndsAt] = createSignal(0)
  const [total, setTotal] = createSignal(0)
  const [now, setNow] = createSignal(Date.now())
  let timer: ReturnType<typeof setInterval> | undefined

  const stop = () => {
    if (timer) clearInterval(timer)
    timer = undefined
  }
  const start = (seconds: number) => {
    if (!(seconds > 0)) return
    setTotal(seconds)
    setEndsAt(Date.now() + seconds * 1000)
    setNow(Date.now())
    stop()
    timer = setInterval(() => {
      setNow(Date.now())
      if (Date.now() >= endsAt()) stop()
    }, 250)
  }
  onCleanup(stop)

  const remaining = () => Math.max(0, Math.ceil((endsAt() - now()) / 1000))
  return { start, remaining, total, active: () => remaining() > 0 }
}

export function CooldownBar(props: { remaining: number; total: number; testId: string }) {
  const percent = () => (props.total > 0 ? Math.min(100, (props.remaining / props.total) * 100) : 0)
  return (
    <Show when={props.remaining > 0}>
      <div class="space-y-1.5" data-testid={props.testId} data-remaining={props.remaining}>
        <div class="flex justify-between text-xs text-zinc-500 dark:text-zinc-400">
          <span id={`${props.testId}-label`}>You can ask again shortly</span>
          <span data-testid={`${props.testId}-seconds`}>{props.remaining} s</span>
        </div>
        <div
          role="progressbar"
          aria-labelledby={`${props.testId}-label`}
          aria-valuemin={0}
          aria-valuemax={props.total}
          aria-valuenow={props.remaining}
          aria-valuetext={`${props.remaining} seconds remaining`}
          class="h-1.5 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
        >
          <div
            class="h-full rounded-full bg-brand-500 transition-[width] duration-300 ease-linear"
            style={{ width: `${percent()}%` }}
          />
        </div>
      </div>
    </Show>
  )
}
