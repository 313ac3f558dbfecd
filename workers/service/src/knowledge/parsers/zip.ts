/**
 * Bounded reading of ZIP containers (DOCX, XLSX, ODS). The central directory comes from core's reader; entries are
 * inflated with fflate in small steps while counting output, so a ZIP bomb stops at PARSE_LIMITS.inflatedBytes
 * instead of at the machine's memory. Sizes declared in the directory are not trusted.
 */
import { DocumentError, readZipDirectory, type ZipEntry, zipEntryData } from '@prodgy/core'
import { Inflate } from 'fflate'
import { type ParseBudget, tooLarge } from './limits.ts'

const STEP = 4096

export class ZipReader {
  readonly entries: ZipEntry[]
  private inflated = 0

  constructor(
    private readonly bytes: Uint8Array,
    private readonly budget: ParseBudget,
  ) {
    this.entries = readZipDirectory(bytes)
  }

  has(name: string): boolean {
    return this.entries.some((entry) => entry.name === name)
  }

  /** The entry's content, or undefined when there is no such entry. */
  read(name: string): Uint8Array | undefined {
    const entry = this.entries.find((candidate) => candidate.name === name)
    return entry ? this.inflate(entry) : undefined
  }

  readText(name: string): string | undefined {
    const data = this.read(name)
    return data ? new TextDecoder('utf-8').decode(data) : undefined
  }

  /**
   * Inflates every entry once without keeping the output, to prove the whole archive stays within the limit before
   * a library that trusts it (mammoth, exceljs) unpacks it for real.
   */
  assertWithinLimit(): void {
    for (const entry of this.entries) this.inflate(entry, false)
  }

  private inflate(entry: ZipEntry, keep = true): Uint8Array {
    if (entry.encrypted) throw new DocumentError('encrypted_file')
    const data = zipEntryData(this.bytes, entry)
    if (entry.method === 0) {
      this.count(data.length)
      return data
    }
    if (entry.method !== 8) {
      throw new DocumentError('corrupt_file', 'This file uses a ZIP compression method we cannot read; save it again.')
    }
    const chunks: Uint8Array[] = []
    let length = 0
    const inflater = new Inflate((chunk) => {
      this.count(chunk.length)
      length += chunk.length
      if (keep) chunks.push(chunk)
    })
    try {
      for (let at = 0; at < data.length; at += STEP) {
        inflater.push(data.subarray(at, Math.min(at + STEP, data.length)), at + STEP >= data.length)
      }
      if (data.length === 0) inflater.push(new Uint8Array(0), true)
    } catch (error) {
      if (error instanceof DocumentError) throw error
      throw new DocumentError(
        'corrupt_file',
        'This file is damaged (part of its ZIP content cannot be unpacked); export it again.',
      )
    }
    if (!keep) return new Uint8Array(0)
    const out = new Uint8Array(length)
    let offset = 0
    for (const chunk of chunks) {
      out.set(chunk, offset)
      offset += chunk.length
    }
    return out
  }

  private count(bytes: number) {
    this.inflated += bytes
    if (this.inflated > this.budget.limit.inflatedBytes) {
      throw tooLarge(
        `This file unpacks to more than ${Math.round(this.budget.limit.inflatedBytes / 1024 / 1024)} MB`,
        'inflatedBytes',
      )
    }
  }
}
