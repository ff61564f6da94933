import type { FastifyInstance } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';

/**
 * The remote codec endpoint the Temporal Web UI calls to show decrypted payloads:
 * `POST /decode`, JSON `{payloads:[{metadata:{k:base64}, data:base64}]}` in and out.
 *
 * There is no `/encode`: nothing in the product calls it (the Web UI only encodes when an operator
 * starts or signals a workflow with input from the UI, which the deployment disables), and an
 * encode endpoint would hand whoever reaches it ciphertext under the product's key.
 */

const wirePayloads = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), z.string()).optional(),
      data: z.string().optional(),
    }),
  ),
});
type WirePayload = z.infer<typeof wirePayloads>['payloads'][number];

function fromWire(payload: WirePayload): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {}))
    metadata[key] = Buffer.from(value, 'base64');
  return { metadata, data: Buffer.from(payload.data ?? '', 'base64') };
}

function toWire(payload: Payload): WirePayload {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    metadata[key] = Buffer.from(value).toString('base64');
  }
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

/** Registers `POST /decode`; CORS and authentication are the server's hooks (gateway/codec/server.ts). */
export function registerCodecRoutes(app: FastifyInstance, codec: PayloadCodec) {
  app.post('/decode', async (request, reply) => {
    const parsed = wirePayloads.safeParse(request.body);
    if (!parsed.success) {
      return reply.code(400).send({ error: 'body must be {payloads:[{metadata, data}]} with base64 values' });
    }
    try {
      const output = await codec.decode(parsed.data.payloads.map(fromWire));
      return reply.send({ payloads: output.map(toWire) });
    } catch (err) {
      // Never echo payload contents; the message names the key id problem at most.
      return reply.code(400).send({ error: `could not decode payloads: ${(err as Error).message}` });
    }
  });
}
