import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { getPath, placeholdersIn, renderText, renderValue } from './render.ts'

describe('template rendering', () => {
  const scope = {
    input: { title: 'Login fails', points: 3, labels: ['bug'], empty: '' },
    settings: { project: 'PRJ', site: 'https://acme.atlassian.net' },
  }

  it('keeps the type of a whole placeholder and drops missing ones', () => {
    const body = renderValue(
      {
        fields: {
          summary: '{{input.title}}',
          points: '{{input.points}}',
          labels: '{{input.labels}}',
          gone: '{{input.nope}}',
        },
        text: 'Project {{settings.project}}: {{input.title}}',
      },
      scope,
    )
    assert.deepEqual(body, {
      fields: { summary: 'Login fails', points: 3, labels: ['bug'] },
      text: 'Project PRJ: Login fails',
    })
  })

  it('keeps an $if object only when its path has a value', () => {
    const ops = renderValue(
      [
        { op: 'add', path: '/fields/System.Title', value: '{{input.title}}' },
        { $if: 'input.description', op: 'add', path: '/fields/System.Description', value: '{{input.description}}' },
        { $if: 'input.empty', op: 'add', value: 'x' },
      ],
      scope,
    )
    assert.deepEqual(ops, [{ op: 'add', path: '/fields/System.Title', value: 'Login fails' }])
  })

  it('percent-encodes only the values chosen for URLs', () => {
    const url = renderText(
      '{{settings.site}}/rest/api/3/issue/{{input.key}}',
      { ...scope, input: { key: 'A/../B?x' } },
      (p) => p.startsWith('input.'),
    )
    assert.equal(url, 'https://acme.atlassian.net/rest/api/3/issue/A%2F..%2FB%3Fx')
  })

  it('reads names with dots in brackets, and takes the first value of a ?? chain', () => {
    const item = { fields: { 'System.Title': 'Fix login', 'System.State': 'New' } }
    assert.equal(getPath(item, 'fields["System.Title"]'), 'Fix login')
    assert.equal(renderText("{{item.fields['System.State']}}", { item }), 'New')
    assert.equal(
      renderValue('{{input.model ?? settings.completion}}', { input: {}, settings: { completion: 'gpt' } }),
      'gpt',
    )
    assert.equal(renderValue('{{input.model ?? settings.completion}}', { input: { model: 'o3' }, settings: {} }), 'o3')
    assert.deepEqual([...placeholdersIn('{{input.model ?? settings.completion}}')].sort(), [
      'input.model',
      'settings.completion',
    ])
  })

  it('reads dot paths with array indexes and lists the placeholders a value uses', () => {
    assert.equal(getPath({ a: [{ b: 'c' }] }, 'a.0.b'), 'c')
    assert.equal(getPath({ a: 1 }, 'a.b.c'), undefined)
    assert.equal(getPath({}, 'constructor'), undefined)
    assert.deepEqual([...placeholdersIn({ x: '{{input.a}} {{settings.b}}', $if: 'input.c' })].sort(), [
      'input.a',
      'input.c',
      'settings.b',
    ])
  })
})
