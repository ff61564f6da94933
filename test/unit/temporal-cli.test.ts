import { ensureTemporalCli } from '../../temporal/cli';
import { devServerArgs } from '../../temporal/dev-server';

describe('temporal CLI provisioning', () => {
  const saved = process.env.TEMPORAL_CLI_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.TEMPORAL_CLI_PATH;
    else process.env.TEMPORAL_CLI_PATH = saved;
  });

  it('reuses what is installed instead of installing again', () => {
    delete process.env.TEMPORAL_CLI_PATH;
    const installs: string[] = [];
    const found = ensureTemporalCli((line) => installs.push(line));
    expect(['PATH', 'project']).toContain(found.source);
    expect(installs).toEqual([]);
  });

  it('TEMPORAL_CLI_PATH wins, and a wrong one is a clear error', () => {
    delete process.env.TEMPORAL_CLI_PATH;
    const real = ensureTemporalCli().path;
    process.env.TEMPORAL_CLI_PATH = real;
    expect(ensureTemporalCli()).toEqual({ path: real, source: 'TEMPORAL_CLI_PATH' });
    process.env.TEMPORAL_CLI_PATH = '/nonexistent/temporal';
    expect(() => ensureTemporalCli()).toThrow(
      'TEMPORAL_CLI_PATH=/nonexistent/temporal is not an executable file',
    );
  });
});

describe('embedded dev server command line', () => {
  it('registers the search attributes, uses WAL with a file, and wires the UI to the codec endpoint', () => {
    const args = devServerArgs({
      cliPath: 'temporal',
      port: 7233,
      uiPort: 8233,
      dbFilename: '/tmp/x.sqlite',
      codecEndpoint: 'http://127.0.0.1:3001',
    }).join(' ');
    for (const name of ['BillsbyAccountId', 'BillsbyEventType', 'IntegrationStatus', 'BillOrganizationId']) {
      expect(args).toContain(`--search-attribute ${name}=Keyword`);
    }
    expect(args).toContain('--search-attribute BillsbyEventIds=KeywordList');
    expect(args).toContain('--db-filename /tmp/x.sqlite --sqlite-pragma journal_mode=wal');
    expect(args).toContain('--ui-port 8233');
    expect(args).toContain('--ui-codec-endpoint http://127.0.0.1:3001');
    expect(args).not.toContain('--headless');
  });

  it('is headless and in memory without a UI port or a file', () => {
    const args = devServerArgs({ cliPath: 'temporal', port: 7300 });
    expect(args).toContain('--headless');
    expect(args).not.toContain('--db-filename');
  });
});
