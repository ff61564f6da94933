/**
 * Deterministic id and token generation: a seeded PRNG makes test runs reproducible,
 * while the shapes mimic Webex (base64 of `ciscospark://us/<TYPE>/<uuid>`,
 * tokens `<random>_<cluster>_<orgUuid>`) so clients cannot rely on anything simpler.
 */

export type IdType = 'PEOPLE' | 'ROOM' | 'MESSAGE' | 'ORGANIZATION';

export class IdGenerator {
  private state: number;

  constructor(seed = 1) {
    this.state = seed >>> 0 || 1;
  }

  /** mulberry32: tiny, good enough for ids, and deterministic. */
  private nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.nextUint32();
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (v >>> (j * 8)) & 0xff;
    }
    return out;
  }

  uuid(): string {
    const b = this.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  id(type: IdType, uuid = this.uuid()): string {
    return Buffer.from(`ciscospark://us/${type}/${uuid}`).toString('base64url');
  }

  token(orgUuid: string): string {
    return `${this.bytes(36).toString('base64url')}_SIM1_${orgUuid}`;
  }

  code(): string {
    return this.bytes(32).toString('base64url');
  }
}
