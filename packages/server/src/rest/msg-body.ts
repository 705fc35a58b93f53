/**
 * `MsgBody` of the compatible REST API ↔ the message a live room carries. A live-room message
 * has one element; MsgBody is an array of `{ MsgType, MsgContent }` elements. Stadium accepts
 * exactly one element of a type live rooms carry (text, custom, face, location).
 */
import { Type, type Static } from '@sinclair/typebox';
import { StadiumError, type OutgoingMessage, type WireMessage } from '@stadium/protocol';

/** One element of MsgBody. */
export const MsgElement = Type.Object(
  {
    MsgType: Type.String({ minLength: 1, maxLength: 32, description: 'TIMTextElem, TIMCustomElem, TIMFaceElem or TIMLocationElem' }),
    MsgContent: Type.Object({}, { additionalProperties: true, description: "The element's fields, as the compatible service defines them" }),
  },
  { additionalProperties: false },
);

/** MsgBody: live rooms carry one element per message. */
export const MsgBody = Type.Array(MsgElement, { minItems: 1, maxItems: 1, description: 'Exactly one element (live-room messages carry one)' });

/** The payload of an outgoing message, from a MsgBody element. */
export function fromMsgBody(body: Static<typeof MsgBody>): Pick<OutgoingMessage, 'type' | 'payload'> {
  const element = body[0]!;
  const c = element.MsgContent as Record<string, unknown>;
  const str = (key: string): string | undefined => (typeof c[key] === 'string' ? c[key] : undefined);
  switch (element.MsgType) {
    case 'TIMTextElem':
      return { type: 'TIMTextElem', payload: { text: str('Text') ?? '' } };
    case 'TIMCustomElem':
      return { type: 'TIMCustomElem', payload: { data: str('Data') ?? '', description: str('Desc') ?? '', extension: str('Ext') ?? '' } };
    case 'TIMFaceElem':
      return { type: 'TIMFaceElem', payload: { index: c.Index as number, data: str('Data') ?? '' } };
    case 'TIMLocationElem':
      return { type: 'TIMLocationElem', payload: { description: str('Desc') ?? '', longitude: c.Longitude as number, latitude: c.Latitude as number } };
    default:
      throw new StadiumError('UNSUPPORTED_MESSAGE_TYPE', `MsgBody[0].MsgType ${JSON.stringify(element.MsgType)}`);
  }
}

/** A message as a MsgBody (for callbacks and REST answers). */
export function toMsgBody(message: Pick<WireMessage, 'type' | 'payload'>): Array<{ MsgType: string; MsgContent: Record<string, unknown> }> {
  const p = message.payload as unknown as Record<string, unknown>;
  switch (message.type) {
    case 'TIMTextElem':
      return [{ MsgType: 'TIMTextElem', MsgContent: { Text: p.text } }];
    case 'TIMCustomElem':
      return [{ MsgType: 'TIMCustomElem', MsgContent: { Data: p.data, Desc: p.description, Ext: p.extension } }];
    case 'TIMFaceElem':
      return [{ MsgType: 'TIMFaceElem', MsgContent: { Index: p.index, Data: p.data } }];
    case 'TIMLocationElem':
      return [{ MsgType: 'TIMLocationElem', MsgContent: { Desc: p.description, Longitude: p.longitude, Latitude: p.latitude } }];
    case 'TIMGroupTipElem':
    case 'TIMGroupSystemNoticeElem':
      return [{ MsgType: message.type, MsgContent: p }];
  }
}
