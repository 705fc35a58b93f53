/**
 * First step of the send pipeline: check a client's message before anything else sees it.
 * Every failure is a registry error; nothing is changed when a message is refused.
 */
import { LIMITS, StadiumError, isPriority, utf8Length } from '@stadium/protocol';
import type { OutgoingMessage, SendableMessageType } from '@stadium/protocol';
import { describe } from '../core/describe.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown, field: string, required: boolean): string {
  if (value === undefined && !required) return '';
  if (typeof value !== 'string') throw new StadiumError('INVALID_PARAMETER', `${field} must be a string`);
  return value;
}

/** Validate and normalize an outgoing message. Returns a fresh object holding only known fields. */
export function validateMessage(input: unknown): OutgoingMessage {
  if (!isObject(input)) throw new StadiumError('INVALID_PARAMETER', 'message must be an object');
  const { id, type, payload, priority = 'Normal', random, cloudCustomData } = input;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128) throw new StadiumError('INVALID_PARAMETER', 'message.id must be a string of 1–128 characters');
  if (!isPriority(priority)) throw new StadiumError('INVALID_PRIORITY', `got ${describe(priority)}`);
  if (random !== undefined && (typeof random !== 'number' || !Number.isInteger(random) || random < 0 || random > LIMITS.maxMessageRandom)) {
    throw new StadiumError('INVALID_PARAMETER', `message.random must be an integer 0–${LIMITS.maxMessageRandom}, got ${describe(random)}`);
  }
  if (cloudCustomData !== undefined && typeof cloudCustomData !== 'string') throw new StadiumError('INVALID_PARAMETER', 'message.cloudCustomData must be a string');
  if (!isObject(payload)) throw new StadiumError('INVALID_PARAMETER', 'message.payload must be an object');

  let clean: OutgoingMessage['payload'];
  switch (type as SendableMessageType) {
    case 'TIMTextElem': {
      const text = str(payload.text, 'payload.text', true);
      if (text.length === 0) throw new StadiumError('EMPTY_MESSAGE');
      clean = { text };
      break;
    }
    case 'TIMCustomElem': {
      clean = {
        data: str(payload.data, 'payload.data', false),
        description: str(payload.description, 'payload.description', false),
        extension: str(payload.extension, 'payload.extension', false),
      };
      if (clean.data === '' && clean.description === '' && clean.extension === '') throw new StadiumError('EMPTY_MESSAGE', 'custom message has no data, description or extension');
      break;
    }
    case 'TIMFaceElem': {
      const { index } = payload;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > LIMITS.maxFaceIndex) {
        throw new StadiumError('INVALID_PARAMETER', `payload.index must be an integer 0–${LIMITS.maxFaceIndex}, got ${describe(index)}`);
      }
      clean = { index, data: str(payload.data, 'payload.data', false) };
      break;
    }
    case 'TIMLocationElem': {
      const { longitude, latitude } = payload;
      if (typeof longitude !== 'number' || !Number.isFinite(longitude) || longitude < -180 || longitude > 180) {
        throw new StadiumError('INVALID_PARAMETER', `payload.longitude must be a number −180–180, got ${describe(longitude)}`);
      }
      if (typeof latitude !== 'number' || !Number.isFinite(latitude) || latitude < -90 || latitude > 90) {
        throw new StadiumError('INVALID_PARAMETER', `payload.latitude must be a number −90–90, got ${describe(latitude)}`);
      }
      clean = { description: str(payload.description, 'payload.description', false), longitude, latitude };
      break;
    }
    default:
      throw new StadiumError('UNSUPPORTED_MESSAGE_TYPE', `got ${describe(type)}`);
  }

  const size = utf8Length(JSON.stringify(clean)) + (typeof cloudCustomData === 'string' ? utf8Length(cloudCustomData) : 0);
  if (size > LIMITS.maxMessageBytes) throw new StadiumError('MESSAGE_TOO_LONG', `${size} bytes`);

  const message: OutgoingMessage = { id, type: type as SendableMessageType, payload: clean, priority, random: random ?? 0 };
  if (typeof cloudCustomData === 'string' && cloudCustomData !== '') message.cloudCustomData = cloudCustomData;
  return message;
}
