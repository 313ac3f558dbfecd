import type { Queryable } from '../db/database.ts'

export interface UserRow {
  id: string
  email: string
  full_name: string
  position: string | null
  language: string
  avatar: string | null
  password_hash: string | null
  email_confirmed_at: Date | null
  is_super_admin: boolean
  ai_directive: string
  confirm_destructive_actions: boolean
  created_at: Date
  updated_at: Date
}

export interface UserDto {
  id: string
  email: string
  fullName: string
  position: string | null
  language: string
  avatar: string | null
  isSuperAdmin: boolean
  emailConfirmed: boolean
  aiPreferences: { directive: string; confirmDestructiveActions: boolean }
  createdAt: string
}

export function toUserDto(row: UserRow): UserDto {
  return {
    id: row.id,
    email: row.email,
    fullName: row.full_name,
    position: row.position,
    language: row.language,
    avatar: row.avatar,
    isSuperAdmin: row.is_super_admin,
    emailConfirmed: row.email_confirmed_at !== null,
    aiPreferences: { directive: row.ai_directive, confirmDestructiveActions: row.confirm_destructive_actions },
    createdAt: row.created_at.toISOString(),
  }
}

/** Emails are compared and stored lowercased and trimmed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

export async function findUserByEmail(q: Queryable, email: string): Promise<UserRow | undefined> {
  const rows = await q.query<UserRow>('select * from users where email = $1', [normalizeEmail(email)])
  return rows[0]
}

export async function findUserById(q: Queryable, id: string): Promise<UserRow | undefined> {
  const rows = await q.query<UserRow>('select * from users where id = $1', [id])
  return rows[0]
}

/** Turns a name into a URL slug: lowercase ASCII letters and digits joined by single hyphens. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '')
  return slug || 'workspace'
}
