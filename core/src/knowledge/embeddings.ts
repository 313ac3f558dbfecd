/** The embedding port: texts in, vectors out, with the model and dimension recorded next to every vector. */
export interface EmbeddingPort {
  /** `provider:model`, stored with each chunk so a change of model is detected. */
  readonly model: string
  embed(texts: string[], options?: { signal?: AbortSignal }): Promise<{ vectors: number[][]; dimensions: number }>
}
