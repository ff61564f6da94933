/**
 * The PostgreSQL engine's append runs as one transaction in two round trips on a pipelined
 * connection (pipelinedTransaction). What it relies on, on a real server: the reads sent behind a
 * locking read see what the lock holder committed, a failed write rolls everything back and is
 * the error thrown, and the connection is fit for the next transaction afterwards.
 */
import { Client, type Pool } from 'pg';
import { openPool, pipelinedTransaction } from '../../eventlog/postgres-connection';
import { createTestDatabase } from '../harness/postgres';

let url: string;
let pool: Pool;

beforeAll(async () => {
  url = await createTestDatabase();
  pool = openPool(url, 1, () => false, { pipeline: true });
  await pool.query('CREATE TABLE counters (id text PRIMARY KEY, n integer NOT NULL)');
  await pool.query('CREATE TABLE items (id text PRIMARY KEY, counter text NOT NULL)');
  await pool.query(`INSERT INTO counters VALUES ('c', 0)`);
});
afterAll(async () => {
  await pool.end();
});

const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]!.n);

describe('pipelinedTransaction', () => {
  it('commits the writes planned from the reads, all in one transaction', async () => {
    const answer = await pipelinedTransaction(
      pool,
      [[`SELECT n FROM counters WHERE id = $1 FOR UPDATE`, ['c']]],
      ([locked]) => {
        const n = (locked!.rows[0] as { n: number }).n;
        return {
          writes: [
            [`UPDATE counters SET n = $2 WHERE id = $1`, ['c', n + 1]],
            [`INSERT INTO items VALUES ($1, 'c')`, [`item-${n + 1}`]],
          ],
          answer: n + 1,
        };
      },
    );
    expect(answer).toBe(1);
    expect(await count(`SELECT n FROM counters WHERE id = 'c'`)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM items`)).toBe(1);
  });

  it('a read sent behind a locking read sees what the lock holder committed meanwhile', async () => {
    const other = new Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT 1 FROM counters WHERE id = 'c' FOR UPDATE`);
      await other.query(`INSERT INTO items VALUES ('from-the-lock-holder', 'c')`);
      const seen = pipelinedTransaction(
        pool,
        [
          [`SELECT n FROM counters WHERE id = $1 FOR UPDATE`, ['c']],
          [`SELECT count(*) AS n FROM items WHERE id = $1`, ['from-the-lock-holder']],
        ],
        ([, items]) => ({ writes: [], answer: Number((items!.rows[0] as { n: string }).n) }),
      );
      // The pipelined transaction is now waiting on the lock, its count already on the wire.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await other.query('COMMIT');
      expect(await seen).toBe(1);
    } finally {
      await other.end();
    }
  });

  it('a failed write rolls back the writes before it and is the error thrown; the connection is reused', async () => {
    const before = await count(`SELECT count(*) AS n FROM items`);
    const failure = await pipelinedTransaction(pool, [], () => ({
      writes: [
        [`INSERT INTO items VALUES ($1, 'c')`, ['written-then-undone']],
        [`INSERT INTO items VALUES ($1, 'c')`, ['written-then-undone']],
      ],
      answer: 'unreachable',
    })).then(
      () => undefined,
      (err: Error & { code?: string }) => err,
    );
    expect(failure?.code).toBe('23505'); // unique_violation, not the "transaction is aborted" behind it
    expect(await count(`SELECT count(*) AS n FROM items`)).toBe(before);
    // The pool has one connection: this runs on the same one, outside any leftover transaction.
    const again = await pipelinedTransaction(pool, [[`SELECT 1 AS one`, []]], () => ({
      writes: [[`INSERT INTO items VALUES ($1, 'c')`, ['after-the-failure']]],
      answer: 'ok',
    }));
    expect(again).toBe('ok');
    expect(await count(`SELECT count(*) AS n FROM items WHERE id = 'after-the-failure'`)).toBe(1);
  });

  it('a plan that throws sends no write and leaves no transaction open', async () => {
    const before = await count(`SELECT n FROM counters WHERE id = 'c'`);
    await expect(
      pipelinedTransaction(pool, [[`SELECT n FROM counters WHERE id = $1 FOR UPDATE`, ['c']]], () => {
        throw new Error('the plan found something wrong');
      }),
    ).rejects.toThrow('the plan found something wrong');
    // The row lock went with the rollback: another connection can take it at once.
    const other = new Client({ connectionString: url });
    await other.connect();
    try {
      await other.query(`SET lock_timeout = '2s'`);
      await other.query(`UPDATE counters SET n = n WHERE id = 'c'`);
    } finally {
      await other.end();
    }
    expect(await count(`SELECT n FROM counters WHERE id = 'c'`)).toBe(before);
  });
});
