import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';

/**
 * The remote codec endpoint the Temporal Web UI calls to show decrypted payloads
 * (`POST /decode`, `POST /encode`, JSON `{payloads:[{metadata:{k:base64}, data:base64}]}`).
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

export function registerCodecRoutes(app: FastifyInstance, codec: PayloadCodec, allowedOrigins: string[]) {
  const allowCors = (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin && allowedOrigins.includes(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
      reply.header('access-control-allow-methods', 'POST, OPTIONS');
      reply.header('access-control-allow-headers', 'content-type, x-namespace, authorization');
      reply.header('vary', 'origin');
    }
  };

  for (const op of ['decode', 'encode'] as const) {
    app.options(`/${op}`, async (request, reply) => {
      allowCors(request, reply);
      return reply.code(204).send();
    });
    app.post(`/${op}`, async (request, reply) => {
      allowCors(request, reply);
      const parsed = wirePayloads.safeParse(request.body);
      if (!parsed.success) {
        return reply
          .code(400)
          .send({ error: 'body must be {payloads:[{metadata, data}]} with base64 values' });
      }
      try {
        const input = parsed.data.payloads.map(fromWire);
        const output = op === 'decode' ? await codec.decode(input) : await codec.encode(input);
        return reply.send({ payloads: output.map(toWire) });
      } catch (err) {
        // Never echo payload contents; the message names the key id problem at most.
        return reply.code(400).send({ error: `could not ${op} payloads: ${(err as Error).message}` });
      }
    });
  }
}
