/**
 * The environment a helper program gets (the dev server, pip, go): what it needs to run and
 * nothing of the product's configuration, so no secret (payload key, OAuth client secret, BILL
 * password, database URL) reaches a process that has no use for it, or its crash dumps.
 */
const PASSED = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];
/** Package-manager settings a machine may need to reach its registries. */
const PASSED_PREFIXES = [
  'PIP_',
  'GO',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (PASSED.includes(name) || PASSED_PREFIXES.some((prefix) => name.startsWith(prefix))) env[name] = value;
  }
  return { ...env, ...extra };
}
