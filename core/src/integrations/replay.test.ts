import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { AppError } from '../errors.ts'
import { startOpenAiTestServer } from '../testing/openai-test-server.ts'
import { type RecordedRequest, type SaasReplayServer, startSaasReplayServer } from '../testing/saas-replay/server.ts'
import { builtinTemplates } from './builtin-templates.generated.ts'
import { type OutboundPolicy, runTemplateTool, runTemplateValidation, type TemplateCall } from './executor.ts'
import { integrationTemplateSchema } from './template-schema.ts'

const policy: OutboundPolicy = { allowlist: ['127.0.0.1'], timeoutMs: 10_000, maxResponseBytes: 1_000_000 }

function template(key: string) {
  const source = builtinTemplates.find((t) => t.key === key)
  assert.ok(source, `no built-in template ${key}`)
  return integrationTemplateSchema.parse(source)
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

/** Runs `fn` and returns the one request it sent to the replay server. */
async function sent<T>(
  server: SaasReplayServer,
  fn: () => Promise<T>,
): Promise<{ value: T; request: RecordedRequest }> {
  const before = server.requests.length
  const value = await fn()
  assert.equal(server.requests.length, before + 1, 'exactly one request reaches the service')
  return { value, request: server.requests.at(-1) as RecordedRequest }
}

async function refusedValidation(server: SaasReplayServer, call: TemplateCall, secret: string): Promise<AppError> {
  const before = server.requests.length
  const error = await runTemplateValidation(call, policy).then(
    () => assert.fail('the credential check passed with wrong credentials'),
    (e: unknown) => e,
  )
  assert.equal(server.requests.length, before + 1)
  assert.ok(error instanceof AppError)
  assert.equal(error.code, 'integration_validation_failed')
  assert.ok(!error.message.includes(secret), 'the wrong secret is not echoed back')
  return error
}

describe('built-in templates against the SaaS replay server', () => {
  let server: SaasReplayServer

  before(async () => {
    server = await startSaasReplayServer()
  })
  after(async () => {
    await server?.close()
  })

  describe('Jira Cloud', () => {
    const call = (apiToken?: string): TemplateCall => ({
      template: template('jira'),
      integrationId: 'jira-1',
      settings: { site_url: server.url, project_key: 'ED' },
      credentials: { email: server.credentials.jira.email, api_token: apiToken ?? server.credentials.jira.apiToken },
    })
    const auth = () => basic(server.credentials.jira.email, server.credentials.jira.apiToken)
    const adf = (text: string) => ({
      type: 'doc',
      version: 1,
      content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
    })

    it('checks the credentials with GET /rest/api/3/myself and Basic email:token', async () => {
      const { request } = await sent(server, () => runTemplateValidation(call(), policy))
      assert.equal(request.method, 'GET')
      assert.equal(request.path, '/rest/api/3/myself')
      assert.equal(request.headers.authorization, auth())
      const error = await refusedValidation(server, call('wrong-jira-token'), 'wrong-jira-token')
      assert.match(error.message, /401/)
      assert.match(error.message, /You are not authenticated/)
    })

    it('create_work_item posts the issue in Atlassian Document Format and returns id, key and browse URL', async () => {
      const { value, request } = await sent(server, () =>
        runTemplateTool(
          call(),
          'create_work_item',
          { title: 'Main order flow broken', description: 'Order entry fails.', priority: 'High', labels: ['api'] },
          policy,
        ),
      )
      assert.equal(request.method, 'POST')
      assert.equal(request.path, '/rest/api/3/issue')
      assert.equal(request.headers.authorization, auth())
      assert.match(request.headers['content-type'] ?? '', /^application\/json/)
      assert.deepEqual(request.body, {
        fields: {
          project: { key: 'ED' },
          summary: 'Main order flow broken',
          issuetype: { name: 'Task' },
          description: adf('Order entry fails.'),
          priority: { name: 'High' },
          labels: ['api'],
        },
      })
      assert.equal(value.status, 201)
      assert.deepEqual(value.result, { id: '10000', key: 'ED-24', url: `${server.url}/browse/ED-24` })
    })

    it('create_work_item leaves optional fields out instead of sending them empty', async () => {
      const { request } = await sent(server, () =>
        runTemplateTool(call(), 'create_work_item', { title: 'Only a title', type: 'Bug' }, policy),
      )
      assert.deepEqual(request.body, {
        fields: { project: { key: 'ED' }, summary: 'Only a title', issuetype: { name: 'Bug' } },
      })
    })

    it('refuses a create_work_item without a title before calling Jira', async () => {
      const before = server.requests.length
      await assert.rejects(
        runTemplateTool(call(), 'create_work_item', { description: 'no title' }, policy),
        (e: unknown) => e instanceof AppError && e.code === 'tool_input_invalid' && /title/.test(e.message),
      )
      assert.equal(server.requests.length, before)
    })

    it('list_work_items runs the JQL through POST /rest/api/3/search/jql and maps each issue', async () => {
      const jql = 'project = ED AND statusCategory != Done ORDER BY updated DESC'
      const { value, request } = await sent(server, () =>
        runTemplateTool(call(), 'list_work_items', { query: jql }, policy),
      )
      assert.equal(request.method, 'POST')
      assert.equal(request.path, '/rest/api/3/search/jql')
      assert.deepEqual(request.body, {
        jql,
        maxResults: 25,
        fields: ['summary', 'status', 'issuetype', 'priority', 'assignee', 'updated'],
      })
      assert.deepEqual(value.result, {
        items: [
          {
            id: '10002',
            key: 'ED-1',
            title: 'Main order flow broken',
            status: 'In Progress',
            type: 'Bug',
            priority: 'High',
            assignee: 'Mia Krystof',
            updated: '2024-01-18T23:45:00.000+0000',
            url: `${server.url}/browse/ED-1`,
          },
          {
            id: '10003',
            key: 'ED-2',
            title: 'Supplier list loads slowly',
            status: 'To Do',
            type: 'Task',
            priority: 'Medium',
            updated: '2024-01-16T09:12:00.000+0000',
            url: `${server.url}/browse/ED-2`,
          },
        ],
      })
    })

    it('list_work_items hands back nextPageToken and reads the next page with it', async () => {
      const query = 'project = ED ORDER BY updated DESC'
      const first = await sent(server, () => runTemplateTool(call(), 'list_work_items', { query, limit: 1 }, policy))
      assert.deepEqual(first.request.body, {
        jql: query,
        maxResults: 1,
        fields: ['summary', 'status', 'issuetype', 'priority', 'assignee', 'updated'],
      })
      const page1 = first.value.result as { items: { key: string }[]; nextPageToken?: string }
      assert.deepEqual(
        page1.items.map((item) => item.key),
        ['ED-1'],
      )
      assert.equal(typeof page1.nextPageToken, 'string')
      const second = await sent(server, () =>
        runTemplateTool(call(), 'list_work_items', { query, limit: 1, nextPageToken: page1.nextPageToken }, policy),
      )
      assert.equal((second.request.body as { nextPageToken?: string }).nextPageToken, page1.nextPageToken)
      const page2 = second.value.result as { items: { key: string }[]; nextPageToken?: string }
      assert.deepEqual(
        page2.items.map((item) => item.key),
        ['ED-2'],
      )
      assert.equal('nextPageToken' in page2, false, 'the last page has no token')
    })

    it('get_work_item reads the issue with the fields it maps', async () => {
      const { value, request } = await sent(server, () =>
        runTemplateTool(call(), 'get_work_item', { id: 'ED-1' }, policy),
      )
      assert.equal(request.method, 'GET')
      assert.equal(request.path, '/rest/api/3/issue/ED-1')
      assert.equal(
        request.query.fields,
        'summary,description,status,issuetype,priority,assignee,reporter,labels,created,updated',
      )
      const result = value.result as Record<string, unknown>
      assert.equal(result.key, 'ED-1')
      assert.equal(result.title, 'Main order flow broken')
      assert.equal(result.status, 'In Progress')
      assert.equal(result.reporter, 'Emma Richards')
      assert.deepEqual(result.labels, ['bugfix', 'blitz_test'])
      assert.deepEqual(result.description, adf('Order entry fails when selecting supplier.'))
      assert.equal(result.url, `${server.url}/browse/ED-1`)
    })

    it('update_work_item sends only the given fields with PUT and accepts 204', async () => {
      const { value, request } = await sent(server, () =>
        runTemplateTool(call(), 'update_work_item', { id: 'ED-1', title: 'Order flow fixed', labels: [] }, policy),
      )
      assert.equal(request.method, 'PUT')
      assert.equal(request.path, '/rest/api/3/issue/ED-1')
      assert.deepEqual(request.body, { fields: { summary: 'Order flow fixed', labels: [] } })
      assert.equal(value.status, 204)
      assert.equal(value.result, null)
    })

    it('add_comment posts the comment as a document and returns its id', async () => {
      const { value, request } = await sent(server, () =>
        runTemplateTool(call(), 'add_comment', { id: 'ED-1', body: 'Fixed in build 42.' }, policy),
      )
      assert.equal(request.path, '/rest/api/3/issue/ED-1/comment')
      assert.deepEqual(request.body, { body: adf('Fixed in build 42.') })
      assert.deepEqual(value.result, { id: '10000', author: 'Mia Krystof', created: '2021-01-17T12:34:00.000+0000' })
    })

    it('lists transitions and performs one', async () => {
      const list = await sent(server, () => runTemplateTool(call(), 'list_transitions', { id: 'ED-1' }, policy))
      assert.equal(list.request.path, '/rest/api/3/issue/ED-1/transitions')
      assert.deepEqual(list.value.result, {
        transitions: [
          { id: '2', name: 'Close Issue', to_status: 'Closed' },
          { id: '711', name: 'QA Review', to_status: 'In Review' },
        ],
      })
      const move = await sent(server, () =>
        runTemplateTool(call(), 'transition_work_item', { id: 'ED-1', transition_id: '711' }, policy),
      )
      assert.equal(move.request.method, 'POST')
      assert.deepEqual(move.request.body, { transition: { id: '711' } })
      assert.equal(move.value.status, 204)
    })
  })

  describe('Azure DevOps', () => {
    const call = (pat?: string): TemplateCall => ({
      template: template('azure_devops'),
      integrationId: 'ado-1',
      settings: { organization_url: `${server.url}/fabrikam`, project: 'Fabrikam-Fiber-Git' },
      credentials: { personal_access_token: pat ?? server.credentials.azureDevOps.personalAccessToken },
    })
    const auth = () => basic('', server.credentials.azureDevOps.personalAccessToken)
    const base = '/fabrikam/Fabrikam-Fiber-Git/_apis'
    const html = 'https://dev.azure.com/fabrikam/web/wi.aspx?pcguid=d81542e4-cdfa-4333-b082-1ae2d6c3ad16&id=299'

    it('checks the credentials with GET /_apis/projects?$top=1 and the PAT as Basic password', async () => {
      const { request } = await sent(server, () => runTemplateValidation(call(), policy))
      assert.equal(request.method, 'GET')
      assert.equal(request.path, '/fabrikam/_apis/projects')
      assert.deepEqual(request.query, { $top: '1', 'api-version': '7.1' })
      assert.equal(request.headers.authorization, auth())
      const error = await refusedValidation(server, call('wrong-ado-pat'), 'wrong-ado-pat')
      assert.match(error.message, /401/)
      assert.match(error.message, /TF400813/)
    })

    it('create_work_item sends a JSON Patch document to workitems/$type', async () => {
      const { value, request } = await sent(server, () =>
        runTemplateTool(
          call(),
          'create_work_item',
          {
            title: 'JavaScript implementation for Microsoft Account',
            description: 'Follow the code samples from MSDN',
            type: 'User Story',
            tags: 'Tag1; Tag2',
            priority: 2,
          },
          policy,
        ),
      )
      assert.equal(request.method, 'POST')
      assert.equal(request.path, `${base}/wit/workitems/$User%20Story`)
      assert.deepEqual(request.query, { 'api-version': '7.1' })
      assert.equal(request.headers['content-type'], 'application/json-patch+json')
      assert.equal(request.headers.authorization, auth())
      assert.deepEqual(request.body, [
        { op: 'add', path: '/fields/System.Title', value: 'JavaScript implementation for Microsoft Account' },
        { op: 'add', path: '/fields/System.Description', value: 'Follow the code samples from MSDN' },
        { op: 'add', path: '/fields/System.Tags', value: 'Tag1; Tag2' },
        { op: 'add', path: '/fields/Microsoft.VSTS.Common.Priority', value: 2 },
      ])
      const { fields, ...readable } = value.result as { fields: Record<string, unknown> }
      assert.deepEqual(readable, {
        id: 299,
        rev: 7,
        title: 'JavaScript implementation for Microsoft Account',
        state: 'To Do',
        type: 'Task',
        assigned_to: 'Jamal Hartnett',
        tags: 'Tag1; Tag2',
        url: html,
      })
      assert.equal(fields['System.Title'], 'JavaScript implementation for Microsoft Account')
      assert.equal(fields['Microsoft.VSTS.Scheduling.RemainingWork'], 4)
    })

    it('list_work_items runs WIQL with $top and returns the ids', async () => {
      const query = "Select [System.Id] From WorkItems Where [System.WorkItemType] = 'Task'"
      const { value, request } = await sent(server, () =>
        runTemplateTool(call(), 'list_work_items', { query, limit: 5 }, policy),
      )
      assert.equal(request.method, 'POST')
      assert.equal(request.path, `${base}/wit/wiql`)
      assert.deepEqual(request.query, { $top: '5', 'api-version': '7.1' })
      assert.deepEqual(request.body, { query })
      assert.deepEqual(
        (value.result as { items: { id: number }[] }).items.map((item) => item.id),
        [300, 299, 298, 17, 16],
      )
    })

    it('get_work_items reads several work items by id at organization level', async () => {
      const { value, request } = await sent(server, () =>
        runTemplateTool(call(), 'get_work_items', { ids: '297,299,300' }, policy),
      )
      assert.equal(request.path, '/fabrikam/_apis/wit/workitems')
      assert.deepEqual(request.query, { ids: '297,299,300', 'api-version': '7.1' })
      const items = (value.result as { items: Record<string, unknown>[] }).items
      const edit = (id: number) => `${server.url}/fabrikam/Fabrikam-Fiber-Git/_workitems/edit/${id}`
      assert.deepEqual(
        items.map(({ fields: _fields, ...item }) => item),
        [
          {
            id: 297,
            rev: 1,
            title: 'Customer can sign in using their Microsoft Account',
            type: 'Product Backlog Item',
            url: edit(297),
          },
          { id: 299, rev: 7, title: 'JavaScript implementation for Microsoft Account', type: 'Task', url: edit(299) },
          { id: 300, rev: 1, title: 'Unit Testing for MSA login', type: 'Task', url: edit(300) },
        ],
      )
      const fields = items[1]?.fields as Record<string, unknown> | undefined
      assert.equal(fields?.['Microsoft.VSTS.Scheduling.RemainingWork'], 4)
    })

    it('get_work_item and update_work_item address the work item in the project', async () => {
      const read = await sent(server, () => runTemplateTool(call(), 'get_work_item', { id: 299 }, policy))
      assert.equal(read.request.method, 'GET')
      assert.equal(read.request.path, `${base}/wit/workitems/299`)
      const { fields: _fields, ...readable } = read.value.result as Record<string, unknown>
      assert.deepEqual(readable, {
        id: 299,
        rev: 7,
        title: 'JavaScript implementation for Microsoft Account',
        state: 'To Do',
        type: 'Task',
        assigned_to: 'Jamal Hartnett',
        tags: 'Tag1; Tag2',
        url: html,
      })
      const update = await sent(server, () =>
        runTemplateTool(
          call(),
          'update_work_item',
          { id: 299, state: 'Active', assigned_to: 'jamal@fabrikam.com' },
          policy,
        ),
      )
      assert.equal(update.request.method, 'PATCH')
      assert.equal(update.request.path, `${base}/wit/workitems/299`)
      assert.equal(update.request.headers['content-type'], 'application/json-patch+json')
      assert.deepEqual(update.request.body, [
        { op: 'add', path: '/fields/System.State', value: 'Active' },
        { op: 'add', path: '/fields/System.AssignedTo', value: 'jamal@fabrikam.com' },
      ])
    })

    it('add_comment posts to workItems/{id}/comments with the preview api-version', async () => {
      const { value, request } = await sent(server, () =>
        runTemplateTool(call(), 'add_comment', { id: 299, body: 'Moving to the right area path' }, policy),
      )
      assert.equal(request.path, `${base}/wit/workItems/299/comments`)
      assert.deepEqual(request.query, { 'api-version': '7.1-preview.4' })
      assert.deepEqual(request.body, { text: 'Moving to the right area path' })
      assert.deepEqual(value.result, {
        id: 50,
        work_item_id: 299,
        author: 'Jamal Hartnett',
        created: '2019-01-16T03:03:28.97Z',
      })
    })

    it('list_pull_requests filters by status and builds the web URL of each pull request', async () => {
      const { value, request } = await sent(server, () => runTemplateTool(call(), 'list_pull_requests', {}, policy))
      assert.equal(request.path, `${base}/git/pullrequests`)
      assert.deepEqual(request.query, { 'searchCriteria.status': 'active', $top: '25', 'api-version': '7.1' })
      assert.deepEqual(value.result, {
        items: [
          {
            id: 22,
            title: 'A new feature',
            status: 'active',
            is_draft: false,
            author: 'Normal Paulk',
            source_branch: 'refs/heads/npaulk/my_work',
            target_branch: 'refs/heads/new_feature',
            repository: '2016_10_31',
            created: '2016-11-01T16:30:31.6655471Z',
            url: `${server.url}/fabrikam/Fabrikam-Fiber-Git/_git/2016_10_31/pullrequest/22`,
          },
        ],
      })
    })
  })

  describe('GitHub', () => {
    const call = (token?: string): TemplateCall => ({
      template: template('github'),
      integrationId: 'github-1',
      settings: { api_url: server.url, owner: 'octocat', repo: 'Hello-World' },
      credentials: { token: token ?? server.credentials.github.token },
    })
    const repo = '/repos/octocat/Hello-World'
    const assertGitHubHeaders = (request: RecordedRequest) => {
      assert.equal(request.headers.authorization, `Bearer ${server.credentials.github.token}`)
      assert.equal(request.headers.accept, 'application/vnd.github+json')
      assert.equal(request.headers['x-github-api-version'], '2022-11-28')
      assert.ok(request.headers['user-agent'], 'GitHub requires a User-Agent')
    }

    it('checks the credentials with GET /user', async () => {
      const { request } = await sent(server, () => runTemplateValidation(call(), policy))
      assert.equal(request.method, 'GET')
      assert.equal(request.path, '/user')
      assertGitHubHeaders(request)
      const error = await refusedValidation(server, call('wrong-github-token'), 'wrong-github-token')
      assert.match(error.message, /401/)
      assert.match(error.message, /Bad credentials/)
    })

    it('create_work_item opens an issue and returns its number and URL', async () => {
      const { value, request } = await sent(server, () =>
        runTemplateTool(
          call(),
          'create_work_item',
          { title: 'Found a bug', description: "I'm having a problem with this.", labels: ['bug'] },
          policy,
        ),
      )
      assert.equal(request.method, 'POST')
      assert.equal(request.path, `${repo}/issues`)
      assertGitHubHeaders(request)
      assert.deepEqual(request.body, { title: 'Found a bug', body: "I'm having a problem with this.", labels: ['bug'] })
      assert.equal(value.status, 201)
      assert.deepEqual(value.result, {
        id: 1347,
        title: 'Found a bug',
        state: 'open',
        url: 'https://github.com/octocat/Hello-World/issues/1347',
      })
    })

    it('list_work_items lists issues with state, sort and page size in the query', async () => {
      const { value, request } = await sent(server, () =>
        runTemplateTool(call(), 'list_work_items', { state: 'all', labels: 'bug', limit: 10 }, policy),
      )
      assert.equal(request.method, 'GET')
      assert.equal(request.path, `${repo}/issues`)
      assert.deepEqual(request.query, { state: 'all', labels: 'bug', sort: 'updated', per_page: '10' })
      const [item] = (value.result as { items: Record<string, unknown>[] }).items
      assert.equal(item?.id, 1347)
      assert.equal(item?.author, 'octocat')
      assert.equal(item?.url, 'https://github.com/octocat/Hello-World/issues/1347')
      assert.deepEqual(
        (item?.labels as { name: string }[] | undefined)?.map((label) => label.name),
        ['bug'],
      )
    })

    it('get_work_item, update_work_item and close_work_item address the issue by number', async () => {
      const read = await sent(server, () => runTemplateTool(call(), 'get_work_item', { id: 1347 }, policy))
      assert.equal(read.request.path, `${repo}/issues/1347`)
      assert.equal((read.value.result as { description: string }).description, "I'm having a problem with this.")
      const update = await sent(server, () =>
        runTemplateTool(call(), 'update_work_item', { id: 1347, title: 'Found a bug (login)' }, policy),
      )
      assert.equal(update.request.method, 'PATCH')
      assert.equal(update.request.path, `${repo}/issues/1347`)
      assert.deepEqual(update.request.body, { title: 'Found a bug (login)' })
      const close = await sent(server, () =>
        runTemplateTool(call(), 'close_work_item', { id: 1347, reason: 'not_planned' }, policy),
      )
      assert.equal(close.request.method, 'PATCH')
      assert.deepEqual(close.request.body, { state: 'closed', state_reason: 'not_planned' })
    })

    it('add_comment comments on the issue', async () => {
      const { value, request } = await sent(server, () =>
        runTemplateTool(call(), 'add_comment', { id: 1347, body: 'Me too' }, policy),
      )
      assert.equal(request.method, 'POST')
      assert.equal(request.path, `${repo}/issues/1347/comments`)
      assert.deepEqual(request.body, { body: 'Me too' })
      assert.deepEqual(value.result, {
        id: 1,
        author: 'octocat',
        created: '2011-04-14T16:00:49Z',
        url: 'https://github.com/octocat/Hello-World/issues/1347#issuecomment-1',
      })
    })

    it('list_pull_requests maps branches, author and draft state', async () => {
      const { value, request } = await sent(server, () =>
        runTemplateTool(call(), 'list_pull_requests', { target_branch: 'master' }, policy),
      )
      assert.equal(request.path, `${repo}/pulls`)
      assert.deepEqual(request.query, { state: 'open', base: 'master', per_page: '30' })
      assert.deepEqual(value.result, {
        items: [
          {
            id: 1347,
            title: 'Amazing new feature',
            state: 'open',
            draft: false,
            author: 'octocat',
            source_branch: 'new-topic',
            target_branch: 'master',
            created: '2011-01-26T19:01:12Z',
            updated: '2011-01-26T19:01:12Z',
            url: 'https://github.com/octocat/Hello-World/pull/1347',
          },
        ],
      })
    })
  })

  describe('Slack', () => {
    const call = (botToken?: string): TemplateCall => ({
      template: template('slack'),
      integrationId: 'slack-1',
      settings: { api_url: `${server.url}/api` },
      credentials: {
        bot_token: botToken ?? server.credentials.slack.botToken,
        signing_secret: 'replay-signing-secret',
      },
    })

    it('checks the credentials with auth.test and reads Slack refusals from a 200 answer', async () => {
      const { request } = await sent(server, () => runTemplateValidation(call(), policy))
      assert.equal(request.method, 'POST')
      assert.equal(request.path, '/api/auth.test')
      assert.equal(request.headers.authorization, `Bearer ${server.credentials.slack.botToken}`)
      const error = await refusedValidation(server, call('xoxb-wrong-token'), 'xoxb-wrong-token')
      assert.match(error.message, /invalid_auth/)
    })

    it('send_message posts JSON to chat.postMessage and returns channel and ts', async () => {
      const { value, request } = await sent(server, () =>
        runTemplateTool(call(), 'send_message', { channel: 'C123ABC456', text: "Here's a message for you" }, policy),
      )
      assert.equal(request.method, 'POST')
      assert.equal(request.path, '/api/chat.postMessage')
      assert.equal(request.headers['content-type'], 'application/json; charset=utf-8')
      assert.equal(request.headers.authorization, `Bearer ${server.credentials.slack.botToken}`)
      assert.deepEqual(request.body, { channel: 'C123ABC456', text: "Here's a message for you" })
      assert.deepEqual(value.result, {
        ok: true,
        channel: 'C123ABC456',
        ts: '1503435956.000247',
        text: "Here's a message for you",
      })
    })

    it('send_message replies in a thread when thread_ts is given', async () => {
      const { request } = await sent(server, () =>
        runTemplateTool(
          call(),
          'send_message',
          { channel: 'C123ABC456', text: 'In the thread', thread_ts: '1503435956.000247' },
          policy,
        ),
      )
      assert.deepEqual(request.body, { channel: 'C123ABC456', text: 'In the thread', thread_ts: '1503435956.000247' })
    })

    it('list_channels reads conversations.list with its defaults', async () => {
      const { value, request } = await sent(server, () => runTemplateTool(call(), 'list_channels', {}, policy))
      assert.equal(request.method, 'GET')
      assert.equal(request.path, '/api/conversations.list')
      assert.deepEqual(request.query, { types: 'public_channel', exclude_archived: 'true', limit: '100' })
      const channels = (value.result as { channels: Record<string, unknown>[] }).channels
      assert.deepEqual(channels[0], {
        id: 'C012AB3CD',
        name: 'general',
        is_private: false,
        is_archived: false,
        is_member: true,
        topic: 'Company-wide announcements and work-based matters',
        purpose: 'This channel is for team-wide communication and announcements. All team members are in this channel.',
        members: 4,
      })
      assert.deepEqual(
        channels.map((c) => c.name),
        ['general', 'random'],
      )
      assert.equal('nextCursor' in (value.result as object), false, 'one page holds every channel')
    })

    it('list_channels hands back nextCursor and reads the next page with cursor', async () => {
      const first = await sent(server, () => runTemplateTool(call(), 'list_channels', { limit: 1 }, policy))
      const page1 = first.value.result as { channels: { name: string }[]; nextCursor?: string }
      assert.deepEqual(
        page1.channels.map((c) => c.name),
        ['general'],
      )
      assert.equal(typeof page1.nextCursor, 'string')
      const second = await sent(server, () =>
        runTemplateTool(call(), 'list_channels', { limit: 1, cursor: page1.nextCursor }, policy),
      )
      assert.equal(second.request.query.cursor, page1.nextCursor)
      assert.deepEqual(second.value.result, {
        channels: [
          {
            id: 'C061EG9T2',
            name: 'random',
            is_private: false,
            is_archived: false,
            is_member: true,
            topic: 'Non-work banter and water cooler conversation',
            purpose:
              "A place for non-work-related flimflam, faffing, hodge-podge or jibber-jabber you'd prefer to keep out of more focused work-related channels.",
            members: 4,
          },
        ],
      })
      await assert.rejects(
        runTemplateTool(call(), 'list_channels', { cursor: 'bm90LWEtY3Vyc29y' }, policy),
        (e: unknown) => e instanceof AppError && /invalid_cursor/.test(e.message),
      )
    })
  })

  describe('HubSpot', () => {
    const call = (token?: string): TemplateCall => ({
      template: template('hubspot'),
      integrationId: 'hubspot-1',
      settings: { api_url: server.url },
      credentials: { access_token: token ?? server.credentials.hubspot.accessToken },
    })

    it('checks the credentials with GET /crm/v3/objects/contacts?limit=1 and the bearer token', async () => {
      const { request } = await sent(server, () => runTemplateValidation(call(), policy))
      assert.equal(request.method, 'GET')
      assert.equal(request.path, '/crm/v3/objects/contacts')
      assert.deepEqual(request.query, { limit: '1' })
      assert.equal(request.headers.authorization, `Bearer ${server.credentials.hubspot.accessToken}`)
      const error = await refusedValidation(server, call('pat-na1-wrong-token'), 'pat-na1-wrong-token')
      assert.match(error.message, /401/)
      assert.match(error.message, /Authentication credentials not found/)
    })

    it('list_contacts searches, hands back after and reads the next page with it', async () => {
      const first = await sent(server, () => runTemplateTool(call(), 'list_contacts', { limit: 1 }, policy))
      assert.equal(first.request.method, 'POST')
      assert.equal(first.request.path, '/crm/v3/objects/contacts/search')
      assert.deepEqual(first.request.body, {
        limit: 1,
        properties: [
          'email',
          'firstname',
          'lastname',
          'phone',
          'company',
          'jobtitle',
          'lifecyclestage',
          'createdate',
          'lastmodifieddate',
        ],
        sorts: [{ propertyName: 'lastmodifieddate', direction: 'DESCENDING' }],
      })
      assert.deepEqual(first.value.result, {
        contacts: [
          {
            id: '512',
            email: 'bcooper@biglytics.net',
            first_name: 'Bryan',
            last_name: 'Cooper',
            phone: '(877) 929-0687',
            company: 'Biglytics',
            job_title: 'Director of Operations',
            lifecycle_stage: 'marketingqualifiedlead',
            created: '2019-10-30T03:30:17.883Z',
            updated: '2019-12-07T16:50:06.678Z',
          },
        ],
        after: '1',
      })
      const second = await sent(server, () =>
        runTemplateTool(call(), 'list_contacts', { limit: 1, after: '1' }, policy),
      )
      assert.equal((second.request.body as { after?: string }).after, '1')
      const page2 = second.value.result as { contacts: { email: string }[]; after?: string }
      assert.deepEqual(
        page2.contacts.map((c) => c.email),
        ['bh@hubspot.com'],
      )
      assert.equal('after' in page2, false, 'the last page has no cursor')
    })

    it('list_deals lists with limit and after in the query', async () => {
      const first = await sent(server, () => runTemplateTool(call(), 'list_deals', { limit: 1 }, policy))
      assert.equal(first.request.method, 'GET')
      assert.equal(first.request.path, '/crm/v3/objects/deals')
      assert.deepEqual(first.request.query, {
        limit: '1',
        properties: 'dealname,amount,dealstage,pipeline,closedate,createdate',
      })
      const page1 = first.value.result as { deals: Record<string, unknown>[]; after?: string }
      assert.deepEqual(page1.deals, [
        {
          id: '512',
          name: 'New deal',
          amount: '1500.00',
          stage: 'contractsent',
          pipeline: 'default',
          close_date: '2019-12-07T16:50:06.678Z',
          created: '2019-10-30T03:30:17.883Z',
          updated: '2019-12-07T16:50:06.678Z',
        },
      ])
      assert.equal(typeof page1.after, 'string')
      const second = await sent(server, () =>
        runTemplateTool(call(), 'list_deals', { limit: 1, after: page1.after }, policy),
      )
      assert.equal(second.request.query.after, page1.after)
      const page2 = second.value.result as { deals: Record<string, unknown>[]; after?: string }
      assert.deepEqual(
        page2.deals.map((d) => [d.name, d.amount]),
        [['Renewal', null]],
      )
      assert.equal('after' in page2, false)
    })
  })
})

describe('LLM generate_text against an OpenAI-compatible server', () => {
  it('uses the completion setting unless the call names a model', async () => {
    const llm = await startOpenAiTestServer({ apiKey: 'replay-openai-key' })
    try {
      for (const key of ['openai', 'openai_compatible', 'openrouter']) {
        const call: TemplateCall = {
          template: template(key),
          integrationId: `${key}-1`,
          settings: { base_url: llm.url, completion: 'default-chat-model' },
          credentials: { api_key: 'replay-openai-key' },
        }
        const byDefault = await runTemplateTool(call, 'generate_text', { prompt: 'Say hello' }, policy)
        assert.equal((byDefault.result as { model: string }).model, 'default-chat-model', key)
        assert.equal((byDefault.result as { text: string }).text.length > 0, true, key)
        const chosen = await runTemplateTool(
          call,
          'generate_text',
          { prompt: 'Say hello', model: 'other-chat-model' },
          policy,
        )
        assert.equal((chosen.result as { model: string }).model, 'other-chat-model', key)
      }
      assert.equal(llm.calls.chat, 6)
    } finally {
      await llm.close()
    }
  })
})
