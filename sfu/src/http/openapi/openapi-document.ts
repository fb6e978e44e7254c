/**
 * Turns the operation table (api-description.ts) into an OpenAPI 3.1 document, converting
 * the zod schemas with zod's own z.toJSONSchema: request schemas as their input type (what
 * a client sends: defaults optional, preprocessing skipped), replies as their output type.
 * Named schemas (shared/ exports, reply-schemas.ts) become components and are referenced.
 */
import { createRequire } from 'node:module';
import { z } from 'zod';
import * as shared from '@vtm/shared';
import { ApiError, KIOSK_UPLOAD_TOKEN_HEADER, notifications, requests } from '@vtm/shared';
import { SESSION_COOKIE } from '../../auth/auth.service.ts';
import { API_OPERATIONS, API_TAGS, type Access, type HttpMethod, type OperationDescription, type Payload, type Reply } from './api-description.ts';
import * as replySchemas from './reply-schemas.ts';

type Io = 'input' | 'output';
type JsonSchema = z.core.JSONSchema.BaseSchema;
type Json = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  jsonSchemaDialect: string;
  info: { title: string; version: string; description: string };
  tags: Json[];
  paths: Record<string, Partial<Record<HttpMethod, Json>>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Json; responses: Json };
  'x-signaling': Json;
}

export const COMPONENTS = '#/components/schemas/';
const ref = (id: string) => ({ $ref: `${COMPONENTS}${id}` });
const SCHEMA_OPTIONS = { target: 'draft-2020-12', unrepresentable: 'throw', cycles: 'ref', reused: 'inline' } as const;

/** Export name of every zod schema in shared/ and reply-schemas.ts: components are named after them. */
function exportedSchemaNames(): Map<z.ZodType, string> {
  const names = new Map<z.ZodType, string>();
  for (const module of [shared, replySchemas] as Record<string, unknown>[]) {
    for (const [name, value] of Object.entries(module)) {
      if (value instanceof z.ZodType && !names.has(value)) names.set(value, name);
    }
  }
  return names;
}

const pascal = (operationId: string) => operationId[0]!.toUpperCase() + operationId.slice(1);

/**
 * Which schemas become components, under which id, per direction. A schema used both ways
 * gets two components (`X` and `XInput`): its input and output JSON Schemas differ
 * (defaults, coercion, preprocessing).
 */
class ComponentIds {
  readonly byIo: Record<Io, Map<z.ZodType, string>> = { input: new Map(), output: new Map() };
  readonly #names = exportedSchemaNames();

  add(io: Io, schema: z.ZodType, fallbackName: string): void {
    if (!this.byIo[io].has(schema)) this.byIo[io].set(schema, this.#names.get(schema) ?? fallbackName);
  }

  /** Final ids: input ids that clash with an output id get an `Input` suffix. */
  resolve(): void {
    const outputIds = new Set(this.byIo.output.values());
    for (const [schema, id] of this.byIo.input) if (outputIds.has(id)) this.byIo.input.set(schema, `${id}Input`);
    const all = [...this.byIo.input.values(), ...this.byIo.output.values()];
    const duplicate = all.find((id, i) => all.indexOf(id) !== i);
    if (duplicate) throw new Error(`two different schemas would both be the OpenAPI component "${duplicate}"`);
  }

  refTo(io: Io, schema: z.ZodType) {
    const id = this.byIo[io].get(schema);
    if (!id) throw new Error('schema was not collected as a component');
    return ref(id);
  }
}

function collectComponents(operations: readonly OperationDescription[]): ComponentIds {
  const ids = new ComponentIds();
  ids.add('output', ApiError, 'ApiError');
  for (const op of operations) {
    const name = pascal(op.operationId);
    if (op.body?.json) ids.add('input', op.body.json, `${name}Body`);
    if (op.reply.json) ids.add('output', op.reply.json, `${name}Reply`);
    for (const [file, schema] of Object.entries(op.reply.containedJson ?? {})) ids.add('output', schema, `${name}${pascal(file.replace(/\W/g, ''))}`);
  }
  ids.resolve();
  return ids;
}

/** The document declares the dialect once; per-schema `$schema` and fragment `$id`s go. */
function bare(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

function convertComponents(ids: ComponentIds): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  for (const io of ['input', 'output'] as const) {
    const registry = z.registry<{ id: string }>();
    for (const [schema, id] of ids.byIo[io]) registry.add(schema, { id });
    const converted = z.toJSONSchema(registry, { ...SCHEMA_OPTIONS, io, uri: (id) => `${COMPONENTS}${id}` }).schemas;
    for (const [id, schema] of Object.entries(converted)) {
      if (id === '__shared') throw new Error(`${io} schemas need shared definitions (a cycle?); give the recursive schema a name`);
      schemas[id] = bare(schema);
    }
  }
  return schemas;
}

/** Path and query parameters: one entry per property of the (input) object schema. */
function parametersOf(schema: z.ZodObject | undefined, location: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { ...SCHEMA_OPTIONS, io: 'input' });
  if (json.$defs) throw new Error(`${location} parameters must be plain properties, without shared definitions`);
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property as JsonSchema;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: propertySchema,
    };
  });
}

const RANGE_HEADER = {
  name: 'Range',
  in: 'header',
  required: false,
  description: 'A byte range, e.g. `bytes=0-1048575`: the reply is then 206 Partial Content.',
  schema: { type: 'string' },
};

function contentOf(payload: Payload, ids: ComponentIds, io: Io): Json | undefined {
  const content: Json = {};
  if (payload.json) content['application/json'] = { schema: ids.refTo(io, payload.json) };
  // File bytes: OpenAPI 3.1 describes them by media type alone, without a schema.
  for (const type of payload.files ?? []) content[type] = {};
  return Object.keys(content).length > 0 ? content : undefined;
}

function headersOf(reply: Reply): Json | undefined {
  const headers: Json = {};
  for (const [name, description] of Object.entries(reply.headers ?? {})) headers[name] = { description, schema: { type: 'string' } };
  if (reply.ranges) headers['Accept-Ranges'] = { description: '`bytes`: seek with Range requests', schema: { type: 'string', const: 'bytes' } };
  return Object.keys(headers).length > 0 ? headers : undefined;
}

function successResponses(reply: Reply, ids: ComponentIds): Json {
  const content = contentOf(reply, ids, 'output');
  const headers = headersOf(reply);
  const contained = Object.entries(reply.containedJson ?? {}).map(([file, schema]) => [file, ids.refTo('output', schema)]);
  const responses: Json = {
    [reply.status]: {
      description: reply.description,
      ...(headers ? { headers } : {}),
      ...(content ? { content } : {}),
      ...(contained.length > 0 ? { 'x-contained-json': Object.fromEntries(contained) } : {}),
    },
  };
  if (reply.ranges) {
    responses['206'] = {
      description: `Part of it: the requested byte range`,
      headers: { 'Content-Range': { description: 'e.g. `bytes 0-1048575/73400320`', schema: { type: 'string' } } },
      ...(content ? { content } : {}),
    };
    responses['416'] = { description: 'The range lies outside the file' };
  }
  return responses;
}

/** The shared error replies, each an ApiError body. */
const ERROR_RESPONSES = {
  400: ['BadRequest', 'A parameter or the body does not match its schema; the message names the first problem'],
  401: ['Unauthenticated', 'Not signed in (or the credential is not valid)'],
  403: ['Forbidden', `Signed in, but this role may not do this; or a change without the ${shared.CSRF_HEADER} header, or from another origin`],
  404: ['NotFound', 'No such resource'],
  409: ['Conflict', 'Conflicts with the current state'],
  413: ['PayloadTooLarge', 'The body is too large'],
  429: ['TooManyRequests', 'Too many attempts: try again after the Retry-After header\'s seconds'],
} as const;
type ErrorStatus = keyof typeof ERROR_RESPONSES;

function errorStatuses(op: OperationDescription): ErrorStatus[] {
  const statuses = new Set<ErrorStatus>();
  if (op.params || op.query || op.body) statuses.add(400);
  if (op.access.kind !== 'public') statuses.add(401);
  // 403: a role left out, or (for a change made with the cookie) a possible cross-site forgery.
  if (op.access.kind !== 'public' && op.access.kind !== 'kiosk-token' && (op.access.roles.length < shared.UserRole.options.length || op.method !== 'get')) statuses.add(403);
  if (op.path.includes('{')) statuses.add(404);
  for (const status of Object.keys(op.errors ?? {})) statuses.add(Number(status) as ErrorStatus);
  return [...statuses].sort();
}

function errorResponses(op: OperationDescription): Json {
  const responses: Json = {};
  for (const status of errorStatuses(op)) {
    const when = op.errors?.[status];
    const [name] = ERROR_RESPONSES[status];
    // An operation-specific reason replaces the generic description; the body is the same.
    responses[status] = when ? { description: when, content: { 'application/json': { schema: ref('ApiError') } } } : { $ref: `#/components/responses/${name}` };
  }
  return responses;
}

function securityOf(access: Access): Json {
  const cookie = { cookieAuth: [] };
  const token = { kioskUploadToken: [] };
  switch (access.kind) {
    case 'public':
      return { security: [], 'x-access': 'public' };
    case 'user':
      return { security: [cookie], 'x-access': 'signed-in', 'x-roles': access.roles };
    case 'kiosk-token':
      return { security: [token], 'x-access': 'kiosk-upload-token' };
    case 'kiosk-token-or-user':
      return { security: [token, cookie], 'x-access': 'kiosk-upload-token-or-signed-in', 'x-roles': access.roles };
  }
}

function operationObject(op: OperationDescription, ids: ComponentIds): Json {
  const parameters = [...parametersOf(op.params, 'path'), ...parametersOf(op.query, 'query'), ...(op.reply.ranges ? [RANGE_HEADER] : [])];
  const body = op.body && contentOf(op.body, ids, 'input');
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    ...securityOf(op.access),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: { required: true, description: op.body!.description, content: body } } : {}),
    responses: { ...successResponses(op.reply, ids), ...errorResponses(op) },
  };
}

const DESCRIPTION = `The VTM server's HTTP API: sessions, recordings, evidence, receipts, compliance review,
audit verification and export, and the assessment rules for the bank's other channels.
Every schema here is generated from the zod schemas the server validates with (shared/src/protocol).

**Authentication.** Users sign in with POST /api/auth/sign-in, which sets the httpOnly \`${SESSION_COOKIE}\` cookie
(scheme \`cookieAuth\`); \`x-roles\` on an operation lists the user roles that may call it. Every change (POST, PUT,
PATCH, DELETE) made with the cookie must carry the header \`${shared.CSRF_HEADER}: ${shared.CSRF_HEADER_VALUE}\` and, when the client
names an Origin, come from the server's own origin; otherwise 403. A kiosk proves it
opened a session with that session's upload token in the \`${KIOSK_UPLOAD_TOKEN_HEADER}\` header (scheme
\`kioskUploadToken\`). A teller sees only the sessions they handle; another teller's session, evidence or receipt
answers 404 exactly as a missing one. Errors are ApiError bodies: 400 invalid input, 401 not signed in, 403 role not
allowed (or a possible cross-site forgery), 404 not found, 409 conflict, 429 too many failed sign-ins (Retry-After).

**Signaling (not HTTP).** Calls are set up over a WebSocket at \`/ws\` with JSON text frames:
\`{ id, method, data }\` requests from the client, \`{ id, ok, data | error }\` replies and
\`{ notification, data }\` pushes from the server. The method and notification names are listed under
\`x-signaling\`; their schemas are \`requests\` and \`notifications\` in shared/src/protocol/signaling.ts.
A teller's socket is authenticated by the same cookie.`;

function packageVersion(): string {
  return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
}

export function buildOpenApiDocument(operations: readonly OperationDescription[] = API_OPERATIONS): OpenApiDocument {
  const ids = collectComponents(operations);
  const paths: OpenApiDocument['paths'] = {};
  for (const op of operations) {
    const item = (paths[op.path] ??= {});
    if (item[op.method]) throw new Error(`${op.method.toUpperCase()} ${op.path} is described twice`);
    item[op.method] = operationObject(op, ids);
  }
  return {
    openapi: '3.1.1',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: { title: 'VTM remote video banking', version: packageVersion(), description: DESCRIPTION },
    tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: convertComponents(ids),
      securitySchemes: {
        cookieAuth: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by POST /api/auth/sign-in' },
        kioskUploadToken: {
          type: 'apiKey',
          in: 'header',
          name: KIOSK_UPLOAD_TOKEN_HEADER,
          description: "The session's upload token, given to the kiosk by the signaling reply to session.create",
        },
      },
      responses: Object.fromEntries(
        Object.values(ERROR_RESPONSES).map(([name, description]) => [name, { description, content: { 'application/json': { schema: ref('ApiError') } } }]),
      ),
    },
    'x-signaling': {
      url: '/ws',
      schemas: 'shared/src/protocol/signaling.ts',
      methods: Object.keys(requests),
      notifications: Object.keys(notifications),
    },
  };
}

let cached: string | undefined;
/** The document as served: built on first use, then reused (it only changes with the code). */
export function openApiJson(): string {
  return (cached ??= JSON.stringify(buildOpenApiDocument()));
}
