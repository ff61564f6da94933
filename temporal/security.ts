import { existsSync, readFileSync } from 'node:fs';
import type { AppConfig } from '../config/env';

/** TLS settings for both the client (grpc-js) and the worker (Rust core): the same shape. */
export interface TemporalTls {
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
  serverNameOverride?: string;
}

export interface TemporalSecurity {
  /** undefined: plaintext (a local dev server); true: TLS with the system's roots. */
  tls?: TemporalTls | true;
  apiKey?: string;
}

type SecurityVariables = Pick<
  AppConfig,
  | 'TEMPORAL_TLS_CERT'
  | 'TEMPORAL_TLS_KEY'
  | 'TEMPORAL_TLS_CA'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'TEMPORAL_API_KEY'
>;

/**
 * The Temporal connection's security from TEMPORAL_TLS_* and TEMPORAL_API_KEY (Temporal Cloud,
 * secured clusters). Certificates and keys are PEM text or a file path. Checked at start-up:
 * a wrong value stops the process with a message naming the variable (never its content).
 */
export function temporalSecurity(config: SecurityVariables): TemporalSecurity {
  const cert = config.TEMPORAL_TLS_CERT && pem('TEMPORAL_TLS_CERT', config.TEMPORAL_TLS_CERT, 'CERTIFICATE');
  const key = config.TEMPORAL_TLS_KEY && pem('TEMPORAL_TLS_KEY', config.TEMPORAL_TLS_KEY, 'PRIVATE KEY');
  if (Boolean(cert) !== Boolean(key)) {
    throw new Error(
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (the client certificate and its key, for mTLS)',
    );
  }
  const ca = config.TEMPORAL_TLS_CA && pem('TEMPORAL_TLS_CA', config.TEMPORAL_TLS_CA, 'CERTIFICATE');
  const tls: TemporalTls = {};
  if (ca) tls.serverRootCACertificate = ca;
  if (cert && key) tls.clientCertPair = { crt: cert, key };
  if (config.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = config.TEMPORAL_TLS_SERVER_NAME;
  const security: TemporalSecurity = {};
  // An API key travels only over TLS (Temporal Cloud): with no other setting, the system's roots.
  if (Object.keys(tls).length > 0) security.tls = tls;
  else if (config.TEMPORAL_API_KEY) security.tls = true;
  if (config.TEMPORAL_API_KEY) security.apiKey = config.TEMPORAL_API_KEY;
  return security;
}

/** PEM text as given, or the content of the file it names. */
function pem(variable: string, value: string, kind: 'CERTIFICATE' | 'PRIVATE KEY'): Buffer {
  let text = value;
  if (!value.includes('-----BEGIN')) {
    if (!existsSync(value)) throw new Error(`${variable}: no such file, and not PEM text either`);
    try {
      text = readFileSync(value, 'utf8');
    } catch (err) {
      throw new Error(
        `${variable}: cannot read ${value} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(text)) {
    throw new Error(`${variable}: expected a PEM ${kind.toLowerCase()} (-----BEGIN … ${kind}-----)`);
  }
  return Buffer.from(text);
}

/** Says which variable to look at when a TLS connection fails (the SDK's message names none). */
export function explainTlsFailure(err: unknown, security: TemporalSecurity): string {
  const message = (err as Error)?.message ?? String(err);
  if (!security.tls) return message;
  if (/certificate|issuer|self.signed|CERT_|UnknownIssuer|BadSignature/i.test(message)) {
    return `${message} — the server's certificate was not accepted: check TEMPORAL_TLS_CA (and TEMPORAL_TLS_SERVER_NAME)`;
  }
  return `${message} — TLS is on (TEMPORAL_TLS_CA, TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_API_KEY): check them against the server`;
}
