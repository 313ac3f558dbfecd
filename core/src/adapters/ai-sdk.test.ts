import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { generateText, streamText } from 'ai'
import { AiProviderError } from '../knowledge/ai-providers.ts'
import { type OpenAiTestServer, startOpenAiTestServer } from '../testing/openai-test-server.ts'
import { createChatModel, createEmbedder } from './ai-sdk.ts'

const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * (b[i] as number), 0)

describe('AI SDK adapter against the OpenAI test server', () => {
  let server: OpenAiTestServer

  before(async () => {
    server = await startOpenAiTestServer({ dimensions: 64 })
  })
  after(async () => {
    await server?.close()
  })

  const openai = () => ({
    provider: 'openai' as const,
    embeddingModel: 'text-embedding-test',
    chatModel: 'chat-test',
    baseUrl: server.url,
    apiKey: server.apiKey,
  })

  it('embeds in batches, at most `concurrency` at once, with deterministic vectors', async () => {
    const before = server.calls.embeddings
    const embedder = createEmbedder(openai(), { batchSize: 3, concurrency: 2 })
    assert.equal(embedder.model, 'openai:text-embedding-test')
    const texts = Array.from({ length: 10 }, (_, i) => `passage number ${i} about cars`)
    const { vectors, dimensions } = await embedder.embed(texts)
    assert.equal(dimensions, 64)
    assert.equal(vectors.length, 10)
    assert.equal(server.calls.embeddings - before, 4)
    assert.deepEqual(vectors[7], server.vectorFor(texts[7] as string, 'text-embedding-test'))
  })

  it('puts texts that share meaning close together', async () => {
    const embedder = createEmbedder(openai())
    const { vectors } = await embedder.embed([
      'How much does a vehicle cost?',
      'The price of the car is 20,000 euros.',
      'Our office opens at nine in the morning.',
    ])
    const [question, answer, unrelated] = vectors as [number[], number[], number[]]
    assert.ok(cosine(question, answer) > 0.5, `close: ${cosine(question, answer)}`)
    assert.ok(cosine(question, unrelated) < 0.3, `far: ${cosine(question, unrelated)}`)
  })

  it('speaks the OpenAI-compatible, Azure and Google dialects', async () => {
    const compatible = createEmbedder({
      provider: 'openai_compatible',
      embeddingModel: 'local-embed',
      baseUrl: server.url,
      apiKey: server.apiKey,
    })
    assert.equal((await compatible.embed(['hello'])).dimensions, 64)

    const azure = createEmbedder({
      provider: 'azure',
      embeddingModel: 'my-deployment',
      baseUrl: `${server.origin}/openai`,
      apiVersion: '2024-10-21',
      apiKey: server.apiKey,
    })
    const azureResult = await azure.embed(['hello', 'world'])
    assert.deepEqual(azureResult.vectors[0], server.vectorFor('hello', 'my-deployment'))

    const google = createEmbedder({
      provider: 'google',
      embeddingModel: 'text-embedding-004',
      baseUrl: `${server.origin}/v1beta`,
      apiKey: server.apiKey,
    })
    assert.deepEqual((await google.embed(['one'])).vectors[0], server.vectorFor('one', 'text-embedding-004'))
    assert.equal((await google.embed(['one', 'two', 'three'])).vectors.length, 3)
  })

  it('refuses a wrong key at once, without retrying', async () => {
    const before = server.calls.unauthorized
    const embedder = createEmbedder({ ...openai(), apiKey: 'wrong' })
    await assert.rejects(embedder.embed(['x']), (error: unknown) => {
      assert.ok(error instanceof AiProviderError)
      assert.equal(error.code, 'ai_provider_unauthorized')
      assert.equal(error.retryable, false)
      assert.ok(!error.message.includes('wrong'))
      return true
    })
    assert.equal(server.calls.unauthorized - before, 1)
  })

  it("retries a 429 on the SDK's retries and on its own, honouring Retry-After", async () => {
    const failedBefore = server.calls.failed
    // No SDK retries: this adapter's own loop handles both failures.
    server.failNext(2, { status: 429, retryAfterSeconds: 0 })
    const own = createEmbedder(openai(), { maxRetries: 0, attempts: 3, baseRetryDelayMs: 10 })
    assert.equal((await own.embed(['a'])).vectors.length, 1)
    assert.equal(server.calls.failed - failedBefore, 2)

    // The SDK's retries first (2), then this adapter's next attempt.
    server.failNext(3, { status: 503, retryAfterSeconds: 0 })
    const layered = createEmbedder(openai(), { maxRetries: 2, attempts: 2, baseRetryDelayMs: 10 })
    assert.equal((await layered.embed(['b'])).vectors.length, 1)
    assert.equal(server.calls.failed - failedBefore, 5)
  })

  it('waits what Retry-After asks before its own next attempt', async () => {
    server.failNext(1, { status: 429, retryAfterSeconds: 1 })
    const embedder = createEmbedder(openai(), { maxRetries: 0, attempts: 2, baseRetryDelayMs: 1 })
    const started = Date.now()
    await embedder.embed(['c'])
    assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`)
  })

  it('gives up with a rate-limit error once every attempt is spent', async () => {
    server.failNext(10, { status: 429, retryAfterSeconds: 0 })
    const embedder = createEmbedder(openai(), { maxRetries: 1, attempts: 2, baseRetryDelayMs: 1 })
    await assert.rejects(embedder.embed(['d']), (error: unknown) => {
      assert.ok(error instanceof AiProviderError)
      assert.equal(error.code, 'ai_provider_rate_limited')
      assert.equal(error.retryable, true)
      return true
    })
    server.failNext(0)
  })

  it('times out a slow provider and stops on the caller’s abort', async () => {
    server.setDelay(400)
    try {
      const embedder = createEmbedder(openai(), { timeoutMs: 100, attempts: 1, maxRetries: 0 })
      await assert.rejects(embedder.embed(['slow']), (error: unknown) => {
        assert.ok(error instanceof AiProviderError)
        assert.equal(error.code, 'ai_provider_timeout')
        return true
      })
      const controller = new AbortController()
      const patient = createEmbedder(openai(), { timeoutMs: 10_000 })
      const pending = patient.embed(['slow'], { signal: controller.signal })
      setTimeout(() => controller.abort(new Error('stopped by the caller')), 50)
      await assert.rejects(pending, /stopped by the caller/)
    } finally {
      server.setDelay(0)
    }
  })

  it('answers chat through chat completions, as JSON and as a stream', async () => {
    const model = createChatModel(openai())
    const generated = await generateText({ model, prompt: 'hello there' })
    assert.equal(generated.text, 'You said: hello there')

    const compatible = createChatModel({
      provider: 'openai_compatible',
      chatModel: 'local-chat',
      baseUrl: server.url,
      apiKey: server.apiKey,
    })
    const streamed = streamText({ model: compatible, prompt: 'stream me please' })
    let text = ''
    for await (const delta of streamed.textStream) text += delta
    assert.equal(text, 'You said: stream me please')
    assert.ok(((await streamed.usage).outputTokens ?? 0) > 0)
  })

  it('refuses configurations without the model or address they need', () => {
    assert.throws(() => createEmbedder({ provider: 'openai', apiKey: 'k' }), /No embedding model/)
    assert.throws(() => createChatModel({ provider: 'openai', apiKey: 'k' }), /No chat model/)
    assert.throws(() => createEmbedder({ provider: 'openai_compatible', embeddingModel: 'm' }), /needs its address/)
  })
})
