/**
 * The AI SDK adapter: the organization's provider as an `EmbeddingPort` (knowledge base) and as a chat model
 * (generated overview blocks, drafted integration templates, later agents); Anthropic serves chat only.
 *
 * Embedding goes through `embedMany` from `ai` with the vendor's embedding model: `@ai-sdk/openai` (`.embedding()`,
 * the `/v1/embeddings` route; the provider's default model would call the Responses API), `@ai-sdk/azure`,
 * `@ai-sdk/google` and `@ai-sdk/openai-compatible` for local and third-party servers.
 *
 * Reliability, in layers:
 * - texts are cut into batches of `batchSize` (the pipeline's setting) and at most `concurrency` batches run at once;
 * - every call carries an AbortSignal with a timeout, linked to the caller's signal;
 * - the AI SDK retries a rate-limited or failing call itself (`maxRetries`, honouring `Retry-After` below a minute);
 * - when those retries are spent on a 429 or 5xx, this adapter waits what `Retry-After` asks (capped) or an
 *   exponential backoff, and tries again a few times before giving up with an `AiProviderError`.
 * API keys are passed explicitly: the vendors' SDKs would otherwise read OPENAI_API_KEY and friends from the process
 * environment, and a misconfigured organization must not silently use the operator's key.
 */
import { createAnthropic } from '@ai-sdk/anthropic'
import { createAzure } from '@ai-sdk/azure'
import { createGoogleGenerativeAI } from '@ai-sdk/google'
import { createOpenAI } from '@ai-sdk/openai'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import { APICallError, type EmbeddingModel, embedMany, type LanguageModel, RetryError } from 'ai'
import { ValidationError } from '../errors.ts'
import { type AiProviderConfig, AiProviderError, embeddingModelId } from '../knowledge/ai-providers.ts'
import type { EmbeddingPort } from '../knowledge/embeddings.ts'

export interface EmbedderOptions {
  /** Texts per provider call; the pipeline passes its `embeddingBatchSize`. Default 64. */
  batchSize?: number
  /** Provider calls in flight at once; the pipeline passes its `embeddingConcurrency`. Default 2. */
  concurrency?: number
  /** One provider call (including the SDK's own retries) gives up after this long. Default 60 s. */
  timeoutMs?: number
  /** The AI SDK's retries per call. Default 2. */
  maxRetries?: number
  /** This adapter's attempts after the SDK gave up on a 429 or 5xx (the first attempt included). Default 3. */
  attempts?: number
  /** Longest wait between this adapter's attempts, whatever `Retry-After` says. Default 60 s. */
  maxRetryDelayMs?: number
  /** First backoff when the provider gives no `Retry-After`. Default 1 s. */
  baseRetryDelayMs?: number
  /** A custom fetch (tests, proxies). */
  fetch?: typeof globalThis.fetch
}

type ModelFetch = typeof globalThis.fetch

function requireBaseUrl(config: AiProviderConfig): string {
  if (!config.baseUrl) throw new ValidationError('An OpenAI-compatible provider needs its address (baseUrl).')
  return config.baseUrl
}

/** Azure takes dated API versions on the deployment routes; `v1` (the default) on the unversioned routes. */
function azureProvider(config: AiProviderConfig, fetch: ModelFetch | undefined) {
  const dated = config.apiVersion !== undefined && config.apiVersion !== 'v1'
  return createAzure({
    apiKey: config.apiKey ?? '',
    ...(config.baseUrl ? { baseURL: config.baseUrl } : { resourceName: config.resourceName }),
    ...(config.apiVersion ? { apiVersion: config.apiVersion } : {}),
    useDeploymentBasedUrls: dated,
    ...(fetch ? { fetch } : {}),
  })
}

function embeddingModel(config: AiProviderConfig, model: string, fetch: ModelFetch | undefined): EmbeddingModel {
  const withFetch = fetch ? { fetch } : {}
  switch (config.provider) {
    case 'openai':
      return createOpenAI({
        apiKey: config.apiKey ?? '',
        ...(config.baseUrl ? { baseURL: config.baseUrl } : {}),
        ...withFetch,
      }).embedding(model)
    case 'azure':
      return azureProvider(config, fetch).embedding(model)
    case 'google':
      return createGoogleGenerativeAI({
        apiKey: config.apiKey ?? '',
        ...(config.baseUrl ? { baseURL: config.baseUrl } : {}),
        ...withFetch,
      }).embedding(model)
    case 'openai_compatible':
      return createOpenAICompatible({
        name: 'openai-compatible',
        baseURL: requireBaseUrl(config),
        ...(config.apiKey ? { apiKey: config.apiKey } : {}),
        ...withFetch,
      }).embeddingModel(model)
    case 'anthropic':
      throw new ValidationError('Anthropic has no embedding models; choose another provider for the knowledge base.')
  }
}

/** The organization's chat model (chat completions on every vendor, never the Responses API). */
export function createChatModel(
  config: AiProviderConfig,
  options: { fetch?: ModelFetch } = {},
): Exclude<LanguageModel, string> {
  const model = config.chatModel
  if (!model) throw new ValidationError('No chat model is configured for this organization.')
  const withFetch = options.fetch ? { fetch: options.fetch } : {}
  switch (config.provider) {
    case 'openai':
      return createOpenAI({
        apiKey: config.apiKey ?? '',
        ...(config.baseUrl ? { baseURL: config.baseUrl } : {}),
        ...withFetch,
      }).chat(model)
    case 'azure':
      return azureProvider(config, options.fetch).chat(model)
    case 'google':
      return createGoogleGenerativeAI({
        apiKey: config.apiKey ?? '',
        ...(config.baseUrl ? { baseURL: config.baseUrl } : {}),
        ...withFetch,
      }).chat(model)
    case 'openai_compatible':
      return createOpenAICompatible({
        name: 'openai-compatible',
        baseURL: requireBaseUrl(config),
        includeUsage: true,
        ...(config.apiKey ? { apiKey: config.apiKey } : {}),
        ...withFetch,
      }).chatModel(model)
    case 'anthropic':
      return createAnthropic({
        apiKey: config.apiKey ?? '',
        ...(config.baseUrl ? { baseURL: `${config.baseUrl.replace(/\/+$/, '')}/v1` } : {}),
        ...withFetch,
      })(model)
  }
}

interface Failure {
  retryable: boolean
  status: number | undefined
  retryAfterMs: number | undefined
  message: string
  timedOut: boolean
}

function retryAfterMs(headers: Record<string, string> | undefined): number | undefined {
  if (!headers) return undefined
  const ms = Number.parseFloat(headers['retry-after-ms'] ?? '')
  if (Number.isFinite(ms) && ms >= 0) return ms
  const value = headers['retry-after']
  if (!value) return undefined
  const seconds = Number.parseFloat(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

function describe(error: unknown): Failure {
  const last = RetryError.isInstance(error) ? error.lastError : error
  if (APICallError.isInstance(last)) {
    const status = last.statusCode
    const retryable =
      status === 429 || status === 408 || (status !== undefined && status >= 500) || status === undefined
    return {
      retryable,
      status,
      retryAfterMs: retryAfterMs(last.responseHeaders),
      message: status
        ? `The provider answered ${status}: ${last.message}`
        : `The provider could not be reached: ${last.message}`,
      timedOut: false,
    }
  }
  const name = (last as { name?: string } | undefined)?.name
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { retryable: true, status: undefined, retryAfterMs: undefined, message: '', timedOut: true }
  }
  // fetch's own network failures (refused connection, reset) are worth another try; anything else is a bug or a
  // malformed answer, which a retry will not fix.
  const retryable = last instanceof TypeError && /fetch|network|socket|ECONN/i.test(String(last.message))
  return {
    retryable,
    status: undefined,
    retryAfterMs: undefined,
    message: last instanceof Error ? last.message : String(last),
    timedOut: false,
  }
}

/** Provider messages sometimes quote the key they refused (OpenAI masks most of it, others may not). */
function scrub(message: string, apiKey: string | undefined): string {
  return apiKey && apiKey.length >= 4 ? message.replaceAll(apiKey, '[redacted]') : message
}

function toProviderError(failure: Failure, timeoutMs: number, apiKey: string | undefined): AiProviderError {
  if (failure.timedOut) {
    return new AiProviderError('ai_provider_timeout', `The embedding provider did not answer within ${timeoutMs} ms.`, {
      retryable: true,
    })
  }
  const status = failure.status
  const code =
    status === 401 || status === 403
      ? 'ai_provider_unauthorized'
      : status === 429
        ? 'ai_provider_rate_limited'
        : status === undefined || status >= 500
          ? 'ai_provider_unavailable'
          : 'ai_provider_rejected'
  return new AiProviderError(code, scrub(failure.message, apiKey).slice(0, 500), {
    retryable: failure.retryable,
    providerStatus: status,
  })
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Runs `task` over `count` items with at most `limit` in flight; results in input order. After a failure no new task
 * starts, the ones in flight finish, and the first error is thrown.
 */
async function pool<T>(count: number, limit: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count)
  let next = 0
  let failure: { error: unknown } | undefined
  const lane = async () => {
    while (!failure && next < count) {
      const index = next++
      try {
        results[index] = await task(index)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane))
  if (failure) throw failure.error
  return results
}

export function createEmbedder(config: AiProviderConfig, options: EmbedderOptions = {}): EmbeddingPort {
  const id = embeddingModelId(config)
  if (!id || !config.embeddingModel)
    throw new ValidationError('No embedding model is configured for this organization.')
  const model = embeddingModel(config, config.embeddingModel, options.fetch)
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 64))
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 2))
  const timeoutMs = options.timeoutMs ?? 60_000
  const maxRetries = options.maxRetries ?? 2
  const attempts = Math.max(1, options.attempts ?? 3)
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000
  const baseRetryDelayMs = options.baseRetryDelayMs ?? 1_000

  const embedBatch = async (values: string[], signal: AbortSignal | undefined): Promise<number[][]> => {
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(timeoutMs)
      const callSignal = signal ? AbortSignal.any([signal, timeout]) : timeout
      try {
        const result = await embedMany({ model, values, maxRetries, abortSignal: callSignal, maxParallelCalls: 1 })
        return result.embeddings
      } catch (error) {
        // The caller's own abort (job timeout, shutdown) ends the work at once, with the caller's reason.
        if (signal?.aborted) throw signal.reason ?? error
        const failure = describe(error)
        if (!failure.retryable || attempt >= attempts) throw toProviderError(failure, timeoutMs, config.apiKey)
        const backoff = baseRetryDelayMs * 2 ** (attempt - 1)
        await sleep(Math.min(maxRetryDelayMs, Math.max(failure.retryAfterMs ?? 0, backoff)), signal)
      }
    }
  }

  return {
    model: id,
    async embed(texts, embedOptions) {
      if (texts.length === 0) return { vectors: [], dimensions: config.embeddingDimensions ?? 0 }
      const batches: string[][] = []
      for (let i = 0; i < texts.length; i += batchSize) batches.push(texts.slice(i, i + batchSize))
      const results = await pool(batches.length, concurrency, (i) =>
        embedBatch(batches[i] as string[], embedOptions?.signal),
      )
      const vectors = results.flat()
      const dimensions = vectors[0]?.length ?? 0
      if (vectors.length !== texts.length || dimensions === 0 || vectors.some((v) => v.length !== dimensions)) {
        throw new AiProviderError(
          'ai_provider_invalid_response',
          `The provider returned ${vectors.length} vectors of mixed or empty size for ${texts.length} texts.`,
          { retryable: false },
        )
      }
      return { vectors, dimensions }
    },
  }
}
