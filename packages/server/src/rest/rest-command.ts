/**
 * One REST command: its path under /v4/, the JSON schema of its body (TypeBox, validated by
 * fastify before the handler runs, so no handler checks field types by hand), the schema of
 * its answer (for the OpenAPI document), its per-app rate, and the handler that calls the same
 * room, message and profile operations as the WebSocket front door.
 */
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { ErrorName } from '@stadium/protocol';
import type { Actor } from '../core/actor.js';
import type { RestDeps } from './rest-deps.js';

/** What a handler gets besides its body. */
export interface RestContext {
  /** The app admin calling (kind 'app-admin', origin 'rest', platform 'RESTAPI'). */
  readonly actor: Actor;
  readonly deps: RestDeps;
}

/** A REST command. */
export interface RestCommand<B extends TObject = TObject> {
  /** `<service>/<command>`, e.g. `group_open_http_svc/create_group`. */
  readonly path: string;
  /** Legacy or alias paths answered by the same command (compat-spec Appendix C). */
  readonly aliases?: readonly string[];
  /** One line for docs and the OpenAPI document. */
  readonly summary: string;
  readonly body: B;
  /** The command's own fields of a successful answer (besides the envelope). */
  readonly response: TObject;
  /** Calls per second per app, on each node. @default 200 (the compatible default) */
  readonly ratePerSec?: number;
  /** Error for a body that fails its schema. @default 'INVALID_PARAMETER' (10004) */
  readonly invalidBody?: ErrorName;
  /**
   * Answer as JSON lines (`application/x-ndjson`, streamed) instead of the envelope: `handle`
   * returns `{ Lines }`, an async iterable of JSON texts, one per line. Refusals before the
   * first line still get the error envelope.
   */
  readonly ndjson?: true;
  /** Errors for a body whose first schema failure is in one of these top-level fields (instead of `invalidBody`). */
  readonly invalidField?: Readonly<Record<string, ErrorName>>;
  /** Run the command; the fields returned are merged into the `OK` envelope. */
  handle(ctx: RestContext, body: Static<B>): Promise<Record<string, unknown>>;
}

/** Define a command with its body type inferred from its schema. */
export function defineCommand<B extends TObject>(command: RestCommand<B>): RestCommand<B> {
  return command;
}

/** Any command, for lists. */
export type AnyRestCommand = RestCommand<TObject>;

/** The schema helper's type, for command files. */
export type { TSchema };
