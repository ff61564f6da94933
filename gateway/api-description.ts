import { z } from 'zod';
import { BillsbyEventSchema } from '../domain/billsby/event-schema';
import {
  PublicCustomerEventSchema,
  PublicInvoicePaidSchema,
  PublicSubscriptionEventSchema,
} from '../domain/billsby/public-event';
import { accountIdSchema } from './integration/account-id';
import { billsbyCredentialsBody } from './billsby-routes';
import { listQuery } from './event-routes';
import { connectBody, rotateBody } from './integration-routes';
import { callbackQuery } from './oauth-routes';
import { forgetBody, redeliverBody } from './redeliver-routes';

/**
 * The gateway's HTTP API (DESIGN.md §4.2) as data: one entry per route, with the very zod schemas
 * the handlers parse with. `npm run openapi` turns it into docs/openapi.json (OpenAPI 3.1), and
 * test/unit/openapi.test.ts holds the committed file, this list and the routes a built gateway
 * registers to each other, so none of the three can drift.
 */

type Auth = 'apiKey' | 'webhookSecret' | 'oauthState' | 'uiSession' | 'singleUseToken' | 'none';

export interface RouteDescription {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify's form (`:accountId`); OpenAPI's `{accountId}` is derived. */
  path: string;
  summary: string;
  auth: Auth;
  query?: z.ZodType;
  /** JSON bodies; `form` marks an HTML form post (application/x-www-form-urlencoded). */
  body?: z.ZodType;
  form?: z.ZodType;
  /** Status code → what it means. */
  responses: Record<number, string>;
  /** text/html pages and redirects instead of JSON. */
  html?: boolean;
  tag: 'health' | 'integration' | 'events' | 'billsby' | 'webhook' | 'oauth' | 'control page';
}

const API_KEY_401 =
  'no or unknown API key (`Authorization: Bearer <key of GATEWAY_API_KEYS>`); nothing changes';
const NEVER = 'the account never integrated Webex';
const tokenQuery = z.object({
  token: z.string().max(2000).describe('the sealed single-use token of the link'),
});
const tokenForm = z.object({
  token: z.string().max(2000).describe('the token of the link, from the confirm page'),
});
const csrfForm = z.object({ _csrf: z.string().describe('the CSRF token of the page the form came from') });

export const GATEWAY_ROUTES: readonly RouteDescription[] = [
  {
    method: 'GET',
    path: '/healthz',
    summary: 'Is Temporal reachable from the gateway',
    auth: 'none',
    tag: 'health',
    responses: { 200: '`{status:"ok"}`', 503: 'Temporal is unreachable' },
  },
  {
    method: 'POST',
    path: '/api/accounts/:accountId/webex/connect',
    summary: 'Start (or, with `replace`, restart) the Webex OAuth integration of an account',
    auth: 'apiKey',
    tag: 'integration',
    body: connectBody,
    responses: {
      200: '`{authorizeUrl, workflowId, webhookUrl, webhookSecret}`: `authorizeUrl` is for the installing user’s browser',
      400: 'bad account id or body',
      401: API_KEY_401,
      409: 'already connected and no `replace`',
      429: 'too many attempts from this address or for this account',
    },
  },
  {
    method: 'POST',
    path: '/api/accounts/:accountId/webex/ui-link',
    summary: 'A single-use sign-in link to the account’s control page (15 minutes)',
    auth: 'apiKey',
    tag: 'integration',
    responses: { 200: '`{url, expiresAt}`', 401: API_KEY_401, 404: NEVER, 429: 'too many links' },
  },
  {
    method: 'GET',
    path: '/api/accounts/:accountId/webex',
    summary:
      'The integration’s status, room, webhook URL, counts from the event log, Billsby credentials state and alerts',
    auth: 'apiKey',
    tag: 'integration',
    responses: {
      200: '`{accountId, status, room, connectedAs, webhookUrl, counts, lastError, billsby, alerts}`',
      401: API_KEY_401,
      404: NEVER,
    },
  },
  {
    method: 'POST',
    path: '/api/accounts/:accountId/webex/webhook-secret/rotate',
    summary: 'A new webhook secret; the old one keeps working through the grace period',
    auth: 'apiKey',
    tag: 'integration',
    body: rotateBody,
    responses: {
      200: '`{webhookSecret, previousSecretValidUntil}`',
      400: 'bad body',
      401: API_KEY_401,
      404: NEVER,
    },
  },
  {
    method: 'POST',
    path: '/api/accounts/:accountId/webex/uninstall',
    summary: 'Stop delivering; queued events wait for a re-integration',
    auth: 'apiKey',
    tag: 'integration',
    responses: { 200: 'the status, as GET …/webex answers it', 401: API_KEY_401, 404: NEVER },
  },
  {
    method: 'PUT',
    path: '/api/accounts/:accountId/billsby',
    summary: 'Store the account’s own Billsby API credentials after one successful read',
    auth: 'apiKey',
    tag: 'billsby',
    body: billsbyCredentialsBody,
    responses: {
      200: '`{companyDomain, state:"ok", checkedAt}` (the key is never shown again)',
      400: 'bad body (field names and rules, never the values)',
      401: API_KEY_401,
      404: NEVER,
      422: 'Billsby refused the key or does not know the company; nothing stored',
      429: 'too many attempts',
      502: 'Billsby unreachable; nothing stored',
    },
  },
  {
    method: 'GET',
    path: '/api/accounts/:accountId/billsby',
    summary: 'The account’s Billsby credentials state (never the key)',
    auth: 'apiKey',
    tag: 'billsby',
    responses: {
      200: '`{companyDomain, state:"ok"|"rejected"|"not_configured", checkedAt}`',
      401: API_KEY_401,
      404: NEVER,
    },
  },
  {
    method: 'DELETE',
    path: '/api/accounts/:accountId/billsby',
    summary: 'Remove the account’s own Billsby credentials (the deployment default applies again)',
    auth: 'apiKey',
    tag: 'billsby',
    responses: { 204: 'removed', 401: API_KEY_401, 404: NEVER },
  },
  {
    method: 'GET',
    path: '/api/accounts/:accountId/webex/events/:eventId',
    summary: 'One event’s delivery record (never its payload)',
    auth: 'apiKey',
    tag: 'events',
    responses: {
      200: '`{eventId, type, state, receivedAt, deliveredAt, messageIds, attempts, lastError, deliveredBy, seq, payloadErasedAt}`',
      401: API_KEY_401,
      404: 'unknown account or event',
    },
  },
  {
    method: 'GET',
    path: '/api/accounts/:accountId/webex/events',
    summary: 'Events by state, oldest first',
    auth: 'apiKey',
    tag: 'events',
    query: listQuery,
    responses: { 200: '`{events:[…]}`', 400: 'bad query', 401: API_KEY_401 },
  },
  {
    method: 'POST',
    path: '/api/accounts/:accountId/webex/redeliver',
    summary: 'Post failed or dropped events (or one event) again, after what is queued; `dryRun` lists them',
    auth: 'apiKey',
    tag: 'events',
    body: redeliverBody,
    responses: {
      200: '`{dryRun, requeued, skippedAlreadyInRoom, refused, more}`',
      400: 'bad body, per field',
      401: API_KEY_401,
      404: 'unknown account or event',
      409: 'uninstalled, or not connected (the room cannot be checked)',
      503: 'no worker, or Webex trouble',
    },
  },
  {
    method: 'POST',
    path: '/api/accounts/:accountId/webex/forget-customer',
    summary: 'Erase a customer’s personal data from the event log; their queued events are dropped',
    auth: 'apiKey',
    tag: 'events',
    body: forgetBody,
    responses: { 200: '`{erased, dropped}`', 400: 'bad body', 401: API_KEY_401, 404: 'unknown account' },
  },
  {
    method: 'POST',
    path: '/webhooks/billsby/:accountId',
    summary:
      'A Billsby webhook: the rich contract (DESIGN §4.3) or Billsby’s own thin form (§4.3.1); other types are kept as ignored',
    auth: 'webhookSecret',
    tag: 'webhook',
    body: z.union([
      BillsbyEventSchema,
      PublicCustomerEventSchema,
      PublicSubscriptionEventSchema,
      PublicInvoicePaidSchema.extend({ InvoiceStatus: z.literal('Paid') }),
      z
        .looseObject({ Id: z.string(), Type: z.string() })
        .describe('any other Billsby type: answered "ignored"'),
    ]),
    responses: {
      202: '`{eventId, status:"accepted"|"duplicate"|"ignored"}`: the event log has it',
      400: 'invalid body (zod issue paths)',
      401: 'bad or missing `secret` header',
      404: 'no integration',
      413: 'body larger than 256 KiB',
      429: 'the account’s undelivered events reached the cap (`Retry-After`), or too many failed secrets from this address',
      503: 'the event log’s database did not answer (`Retry-After`); nothing stored',
    },
  },
  {
    method: 'GET',
    path: '/oauth/webex/start',
    summary:
      'The link `connect` answers: a page naming the Billsby account (and the Webex user it is connected as now); binds nothing',
    auth: 'singleUseToken',
    tag: 'oauth',
    query: tokenQuery,
    html: true,
    responses: { 200: 'the confirm page', 400: 'unknown or expired link', 429: 'too many attempts' },
  },
  {
    method: 'POST',
    path: '/oauth/webex/start',
    summary: 'The confirm page’s button: binds this browser to the authorization attempt, then on to Webex',
    auth: 'singleUseToken',
    tag: 'oauth',
    form: tokenForm,
    html: true,
    responses: {
      303: 'to `<WEBEX_API_BASE_URL>/authorize?…`',
      400: 'unknown, expired, or already confirmed in another browser',
      403: 'a cross-site form post',
      429: 'too many attempts',
    },
  },
  {
    method: 'GET',
    path: '/oauth/webex/callback',
    summary: 'Webex’s redirect after authorization',
    auth: 'oauthState',
    tag: 'oauth',
    query: callbackQuery,
    html: true,
    responses: {
      302: 'to the control page',
      400: 'unknown, used or expired `state`, or not the browser that opened the link',
      429: 'too many attempts',
    },
  },
  {
    method: 'GET',
    path: '/ui/accounts/:accountId/webex/open',
    summary: 'A ui-link: a page naming the account it opens; spends nothing (HEAD likewise)',
    auth: 'singleUseToken',
    tag: 'control page',
    query: tokenQuery,
    html: true,
    responses: { 200: 'the confirm page', 401: 'unknown or expired link, or another account’s' },
  },
  {
    method: 'POST',
    path: '/ui/accounts/:accountId/webex/open',
    summary:
      'The confirm page’s button: spends the link and starts a 2-hour control-page session in this browser',
    auth: 'singleUseToken',
    tag: 'control page',
    form: tokenForm,
    html: true,
    responses: {
      303: 'to the control page, with the session cookie',
      401: 'unknown, expired or used link',
      403: 'a cross-site form post',
    },
  },
  {
    method: 'GET',
    path: '/ui/accounts/:accountId/webex',
    summary: 'The control page: status, Integrate / Uninstall, webhook URL and secret, Billsby credentials',
    auth: 'uiSession',
    tag: 'control page',
    html: true,
    responses: { 200: 'the page', 401: 'no session for this account' },
  },
  ...(
    [
      ['connect', 'Integrate (starts the OAuth flow in this browser)', csrfForm],
      [
        'billsby',
        'Store Billsby credentials',
        csrfForm.extend({ companyDomain: z.string(), apiKey: z.string() }),
      ],
      ['billsby/remove', 'Remove Billsby credentials', csrfForm],
      ['uninstall', 'Uninstall', csrfForm],
    ] as const
  ).map(([action, summary, form]): RouteDescription => ({
    method: 'POST',
    path: `/ui/accounts/:accountId/webex/${action}`,
    summary: `Control page form: ${summary}`,
    auth: 'uiSession',
    tag: 'control page',
    form,
    html: true,
    responses: {
      303: 'back to the control page (or on to Webex)',
      401: 'no session for this account',
      403: 'no valid CSRF token, or another origin',
    },
  })),
];

/** `/a/:b/c` → `/a/{b}/c`, and the names of its path parameters. */
function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  // What a client sends (`io: input`): defaults optional, coercions as their input type.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

function queryParameters(schema: z.ZodType) {
  const object = jsonSchema(schema) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: object.required?.includes(name) ?? false,
    schema: property,
  }));
}

const SECURITY: Record<Auth, Record<string, string[]>[] | undefined> = {
  apiKey: [{ apiKey: [] }],
  webhookSecret: [{ webhookSecret: [] }],
  uiSession: [{ uiSession: [] }],
  oauthState: [],
  singleUseToken: [],
  none: [],
};

/** The OpenAPI 3.1 document of the gateway, as committed in docs/openapi.json. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of GATEWAY_ROUTES) {
    const { path, params } = openApiPath(route.path);
    const parameters = [
      ...params.map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: name === 'accountId' ? jsonSchema(accountIdSchema) : { type: 'string', maxLength: 1000 },
      })),
      ...(route.query ? queryParameters(route.query) : []),
    ];
    const body = route.body ?? route.form;
    const mediaType = route.form ? 'application/x-www-form-urlencoded' : 'application/json';
    const answerType = route.html ? 'text/html' : 'application/json';
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      tags: [route.tag],
      security: SECURITY[route.auth],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(body
        ? { requestBody: { required: !!route.form, content: { [mediaType]: { schema: jsonSchema(body) } } } }
        : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([code, description]) => [
          code,
          Number(code) === 204 || Number(code) >= 300
            ? { description }
            : { description, content: { [answerType]: {} } },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Billsby → Webex pipeline gateway',
      version: '1',
      description:
        'The gateway’s HTTP API (DESIGN §4.2). Generated from gateway/api-description.ts by `npm run openapi`; test/unit/openapi.test.ts checks it against the routes.',
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'a key of GATEWAY_API_KEYS' },
        webhookSecret: {
          type: 'apiKey',
          in: 'header',
          name: 'secret',
          description: 'the account’s webhook secret',
        },
        uiSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'billsby_ui_session',
          description: 'the session a ui-link starts',
        },
      },
    },
    paths,
  };
}

/** docs/openapi.json's exact text (two-space JSON, one trailing newline). */
export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
