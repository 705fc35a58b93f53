/**
 * The REST front door: `POST /v4/<service>/<command>?sdkappid=&identifier=&usersig=&random=&contenttype=json`
 * with the compatible envelope. Every answer is HTTP 200 with `ActionStatus` / `ErrorCode` /
 * `ErrorInfo`; bodies are validated by fastify against each command's JSON schema before the
 * handler runs, and a refusal names the field and the rule. CORS is answered as the hosted
 * service answers it.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StadiumError, type ErrorName } from '@stadium/protocol';
import type { AppCache } from '../apps/app-cache.js';
import type { Clock } from '../clock/clock.js';
import type { Logger } from 'pino';
import type { AnyRestCommand } from './rest-command.js';
import type { RestDeps } from './rest-deps.js';
import { authenticateRest, type RestQuery } from './rest-auth.js';
import { errorEnvelope, failEnvelope, okEnvelope } from './rest-envelope.js';
import { RestRate } from './rest-rate.js';

/** What the REST plugin needs. */
export interface RestPluginOptions {
  commands: readonly AnyRestCommand[];
  deps: RestDeps;
  apps: AppCache;
  clock: Clock;
  logger: Logger;
  /** Largest request body. */
  maxBodyBytes: number;
}

/** The compatible default per-command rate. */
const DEFAULT_RATE_PER_SEC = 200;

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'X-Requested-With, Content-Type',
  'access-control-allow-methods': 'POST',
} as const;

interface AjvError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** The top-level body field of the first schema failure ('' for the body itself). */
export function failedField(errors: readonly AjvError[]): string {
  const first = errors[0];
  if (!first) return '';
  const segments = (first.instancePath ?? '').split('/').filter(Boolean);
  const missing = typeof first.params?.missingProperty === 'string' ? first.params.missingProperty : undefined;
  return segments[0] ?? missing ?? '';
}

/** "GroupId: must be string" from fastify's (ajv's) validation errors. */
export function describeValidation(errors: readonly AjvError[]): string {
  const first = errors[0];
  if (!first) return 'invalid body';
  const path = (first.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const missing = typeof first.params?.missingProperty === 'string' ? first.params.missingProperty : undefined;
  const field = missing ? [path, missing].filter(Boolean).join('.') : path || 'body';
  const rule = missing ? 'is required' : (first.message ?? 'is invalid');
  return `${field}: ${rule}`;
}

/** Register the REST routes on `app` (inside an encapsulated plugin under /v4). */
export function registerRest(app: FastifyInstance, options: RestPluginOptions): void {
  const rate = new RestRate(options.clock);
  const byPath = new Map<string, AnyRestCommand>();
  for (const command of options.commands) for (const path of [command.path, ...(command.aliases ?? [])]) byPath.set(path, command);

  void app.register(
    async (v4) => {
      // Any content type: the hosted service reads the body as JSON whatever the header says.
      // Answers are plain JSON: the response schemas document them (OpenAPI) but never filter them.
      v4.setSerializerCompiler(() => (data) => JSON.stringify(data));
      v4.removeAllContentTypeParsers();
      v4.addContentTypeParser('*', { parseAs: 'string', bodyLimit: options.maxBodyBytes }, (_req, body, done) => {
        const text = typeof body === 'string' ? body : body.toString('utf8');
        try {
          done(null, text.trim() === '' ? undefined : (JSON.parse(text) as unknown));
        } catch {
          done(new StadiumError('REST_BAD_JSON'), undefined);
        }
      });
      v4.addHook('onSend', async (_req, reply, payload) => {
        reply.headers(CORS_HEADERS);
        return payload;
      });
      v4.setErrorHandler((error: unknown, _req, reply) => {
        const code = (error as { code?: string }).code;
        let name: ErrorName = 'INTERNAL_ERROR';
        if (error instanceof StadiumError) return reply.code(200).send(errorEnvelope(error));
        if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') name = 'REST_BODY_TOO_LARGE';
        else if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') name = 'REST_BAD_JSON';
        else options.logger.error({ err: error }, 'REST request failed');
        return reply.code(200).send(failEnvelope(name));
      });

      for (const command of options.commands) {
        for (const path of [command.path, ...(command.aliases ?? [])]) {
          v4.post(
            `/${path}`,
            {
              attachValidation: true,
              schema: {
                summary: command.summary,
                ...(path === command.path ? {} : { deprecated: true, description: `Legacy name of ${command.path}.` }),
                operationId: path.replace(/\//g, '.'),
                tags: [path.split('/')[0]!],
                body: command.body,
                response: { 200: command.response },
              },
            },
            (req, reply) => run(command, req, reply),
          );
        }
      }

      // Preflights succeed; anything else that is not a command gets the compatible refusal.
      v4.route({
        method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        url: '/*',
        schema: { hide: true },
        handler: async (req, reply) => {
          if (req.method === 'OPTIONS') return reply.code(200).send('');
          return failEnvelope('REST_UNKNOWN_COMMAND', `${req.method} ${req.url.split('?')[0]!.slice(0, 120)}`);
        },
      });
    },
    { prefix: '/v4' },
  );

  /** Stream JSON lines; a failure after the first line ends the stream early (logged). */
  function sendLines(reply: FastifyReply, lines: AsyncIterable<string>, path: string): FastifyReply {
    async function* text(): AsyncGenerator<string> {
      try {
        for await (const line of lines) yield `${line}\n`;
      } catch (error) {
        options.logger.warn({ err: error, command: path }, 'REST line stream ended early');
      }
    }
    return reply.header('content-type', 'application/x-ndjson; charset=utf-8').send(Readable.from(text()));
  }

  async function run(command: AnyRestCommand, req: FastifyRequest, reply: FastifyReply): Promise<Record<string, unknown> | FastifyReply> {
    reply.code(200);
    try {
      const actor = await authenticateRest(req.query as RestQuery, req.ip, options.apps, options.clock);
      if (!rate.take(actor.app.sdkAppId, command.path, command.ratePerSec ?? DEFAULT_RATE_PER_SEC)) throw new StadiumError('REST_RATE_LIMITED', command.path);
      if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) throw new StadiumError('REST_BAD_JSON');
      if (req.validationError) {
        const errors = (req.validationError as { validation?: AjvError[] }).validation ?? [];
        throw new StadiumError(command.invalidField?.[failedField(errors)] ?? command.invalidBody ?? 'INVALID_PARAMETER', describeValidation(errors));
      }
      const result = await command.handle({ actor, deps: options.deps }, req.body as never);
      if (command.ndjson) return sendLines(reply, result.Lines as AsyncIterable<string>, command.path);
      return okEnvelope(result);
    } catch (error) {
      if (error instanceof StadiumError) {
        if (error.reason === 'INTERNAL_ERROR') options.logger.error({ err: error, command: command.path }, 'REST command failed');
        return errorEnvelope(error);
      }
      options.logger.error({ err: error, command: command.path }, 'REST command failed');
      return failEnvelope('INTERNAL_ERROR');
    }
  }
}
