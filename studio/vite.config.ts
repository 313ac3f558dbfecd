import { defineConfig } from 'vite'
import solid from 'vite-plugin-solid'

/** Studio is served by the server under /studio; in development it reaches the API through the same origin. */
const apiOrigin = process.env.PRODGY_API_ORIGIN ?? 'http://localhost:4000'
const proxy = Object.fromEntries(['/api', '/health'].map((path) => [path, { target: apiOrigin }]))

export default defineConfig({
  base: '/studio/',
  plugins: [solid()],
  server: { port: 5173, strictPort: true, proxy },
  preview: { port: 5173, strictPort: true, proxy },
  build: { target: 'es2022' },
})
