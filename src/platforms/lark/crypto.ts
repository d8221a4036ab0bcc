import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/**
 * Lark webhook security, done on the raw request so nothing depends on how JSON is re-serialised:
 * AES-256-CBC decryption of `{"encrypt": …}` bodies and the X-Lark-Signature checks.
 */

/** Decrypts a Lark `encrypt` field: base64(iv(16) + AES-256-CBC(ciphertext)), key = sha256(encryptKey). */
export function decryptLarkPayload(encrypted: string, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey, 'utf8').digest();
  const data = Buffer.from(encrypted, 'base64');
  if (data.length < 32 || data.length % 16 !== 0) throw new Error('encrypted payload has a bad length');
  const decipher = createDecipheriv('aes-256-cbc', key, data.subarray(0, 16));
  return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
}

function safeEqualHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.trim().toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Event (and card.action.trigger) signature: sha256(timestamp + nonce + encryptKey + rawBody), hex. */
export function verifyEventSignature(params: { timestamp: string; nonce: string; signature: string; rawBody: string; encryptKey: string }): boolean {
  const expected = createHash('sha256').update(params.timestamp + params.nonce + params.encryptKey + params.rawBody, 'utf8').digest('hex');
  return safeEqualHex(expected, params.signature);
}

/** Legacy message-card callback signature: sha1(timestamp + nonce + verificationToken + rawBody), hex. */
export function verifyCardSignature(params: { timestamp: string; nonce: string; signature: string; rawBody: string; verificationToken: string }): boolean {
  const expected = createHash('sha1').update(params.timestamp + params.nonce + params.verificationToken + params.rawBody, 'utf8').digest('hex');
  return safeEqualHex(expected, params.signature);
}

/** Constant-time comparison of two secrets that may differ in length. */
export function sameSecret(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
