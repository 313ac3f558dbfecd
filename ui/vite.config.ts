import tailwindcss from '@tailwindcss/vite'
import { defineConfig } from 'vite'
import solid from 'vite-plugin-solid'

/** In development the API runs on its own port; the Web app reaches it through the same origin, as in production. */
const apiOrigin = process.env.PRODGY_API_ORIGIN ?? 'http://localhost:4000'
const proxy = Object.fromEntries(['/api', '/health', '/swagger', '/mcp'].map((path) => [path, { target: apiOrigin }]))

export default defineConfig({
  plugins: [solid(), tailwindcss()],
  // In development Studio runs on its own dev server (5173, base /studio/); reach it through this origin as in production.
  server: {
    port: 3000,
    strictPort: true,
    proxy: { ...proxy, '/studio': { target: 'http://localhost:5173', ws: true } },
  },
  preview: { port: 3000, strictPort: true, proxy },
  build: { target: 'es2022', sourcemap: false },
})
