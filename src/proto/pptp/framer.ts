/**
 * TCP byte stream -> whole PPTP control messages.
 *
 * Keeps the bytes of an incomplete message between chunks and emits every
 * complete message, however the stream was split. Strict, because once a
 * length is wrong the stream can no longer be framed: a bad magic cookie, a
 * PPTP Message Type other than 1 (2 = management is rejected), a Length below
 * the 12-octet header or above the largest message (220), or a Length that is
 * not exactly right for a known Control Message Type all produce a fatal
 * FramingError. The caller drops the TCP connection and counts the error.
 * Header fields are checked as soon as their octets arrive, so garbage is
 * rejected before a whole "message" is buffered.
 *
 * Unknown Control Message Types with a plausible length are passed on: the
 * stream is still framed, and the control engine decides what to answer.
 */
import {
  HEADER_FIELDS,
  MAX_CONTROL_MESSAGE_LENGTH,
  PPTP_HEADER_LENGTH,
  PPTP_MAGIC_COOKIE,
  PptpMessageType,
  expectedLength,
  CONTROL_MESSAGE_NAMES,
} from './wire.js';

export type FramingErrorCode = 'bad-length' | 'not-control' | 'bad-magic' | 'bad-length-for-type';

export interface FramingError {
  /** Counter key, e.g. errors['framing bad-magic']. */
  code: FramingErrorCode;
  detail: string;
}

export class PptpFramer {
  private pending: Buffer | null = null;
  private failed: FramingError | null = null;

  /** @param onMessage gets each complete message (a view; not reused by the framer). */
  constructor(private readonly onMessage: (msg: Buffer) => void) {}

  /**
   * Feed a chunk. Emits every complete message in order and returns null, or
   * the fatal error (messages before the bad one have been emitted). After an
   * error every later push returns the same error and emits nothing.
   */
  push(chunk: Buffer): FramingError | null {
    if (this.failed) return this.failed;
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let off = 0;
    for (;;) {
      const avail = buf.length - off;
      const err = checkHeader(buf, off, avail);
      if (err) {
        this.failed = err;
        return err;
      }
      if (avail < 2) break;
      const length = buf.readUInt16BE(off + HEADER_FIELDS.length);
      if (avail < length) break;
      this.onMessage(buf.subarray(off, off + length));
      off += length;
    }
    if (off < buf.length) this.pending = Buffer.from(buf.subarray(off));
    return null;
  }

  /** Octets held back waiting for the rest of a message. */
  get buffered(): number {
    return this.pending ? this.pending.length : 0;
  }
}

/** Check whatever header fields are present among the `avail` octets at `off`. */
function checkHeader(buf: Buffer, off: number, avail: number): FramingError | null {
  if (avail < 2) return null;
  const length = buf.readUInt16BE(off + HEADER_FIELDS.length);
  if (length < PPTP_HEADER_LENGTH || length > MAX_CONTROL_MESSAGE_LENGTH) {
    return { code: 'bad-length', detail: `length ${length} outside ${PPTP_HEADER_LENGTH}..${MAX_CONTROL_MESSAGE_LENGTH}` };
  }
  if (avail < 4) return null;
  const pptpType = buf.readUInt16BE(off + HEADER_FIELDS.pptpMessageType);
  if (pptpType !== PptpMessageType.Control) {
    return { code: 'not-control', detail: `PPTP message type ${pptpType}` };
  }
  if (avail < 8) return null;
  const magic = buf.readUInt32BE(off + HEADER_FIELDS.magicCookie);
  if (magic !== PPTP_MAGIC_COOKIE) {
    return { code: 'bad-magic', detail: `magic cookie 0x${magic.toString(16).padStart(8, '0')}` };
  }
  if (avail < 10) return null;
  const ctype = buf.readUInt16BE(off + HEADER_FIELDS.controlMessageType);
  const want = expectedLength(ctype);
  if (want !== undefined && want !== length) {
    return {
      code: 'bad-length-for-type',
      detail: `${CONTROL_MESSAGE_NAMES[ctype]} length ${length}, expected ${want}`,
    };
  }
  return null;
}
