import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { GATEWAY_HEAP_GROWING_PERCENT, tuneGatewayHeap } from '../../gateway/heap-tuning';

jest.setTimeout(120_000);

const CHILD = path.join(__dirname, '..', 'fixtures', 'count-major-gcs.ts');

/** Runs the child program in a fresh Node (V8 flags are per process) and reads its answer. */
function countMajorGcs(mode: string, nodeFlags: string[] = []): { applied: number | null; majors: number } {
  const out = execFileSync(process.execPath, [...nodeFlags, '--import', 'tsx', CHILD, mode], {
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as { applied: number | null; majors: number };
}

describe("the gateway's heap tuning", () => {
  it('leaves a value the operator gave Node alone', () => {
    expect(tuneGatewayHeap(['--heap-growing-percent=50'])).toBeUndefined();
    expect(tuneGatewayHeap(['--heap-growing-percent', '50'])).toBeUndefined();
    expect(GATEWAY_HEAP_GROWING_PERCENT).toBeGreaterThan(100);
  });

  describe('in a fresh process', () => {
    // A tiny factor makes the effect unmistakable: many more full collections for the same work.
    let untuned: { applied: number | null; majors: number };
    let tunedSmall: { applied: number | null; majors: number };
    beforeAll(() => {
      untuned = countMajorGcs('none');
      tunedSmall = countMajorGcs('10');
    });

    it('takes effect when set at run time: the factor decides how often V8 collects in full', () => {
      expect(untuned.applied).toBeNull();
      expect(tunedSmall.applied).toBe(10);
      expect(tunedSmall.majors).toBeGreaterThan(3 * untuned.majors);
    });

    it("an operator's --heap-growing-percent wins over the gateway's", () => {
      const operator = countMajorGcs('10', ['--heap-growing-percent=400']);
      expect(operator.applied).toBeNull();
      expect(operator.majors * 3).toBeLessThan(tunedSmall.majors);
    });
  });
});
