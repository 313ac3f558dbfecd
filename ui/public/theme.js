// Apply the saved or system theme before the first paint, so the page never flashes.
// Shared key with the Web app and Studio: localStorage `prodgy.theme` = 'light' | 'dark'.
try {
  const saved = localStorage.getItem('prodgy.theme')
  const dark = saved ? saved === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches
  if (dark) document.documentElement.classList.add('dark')
} catch {}
