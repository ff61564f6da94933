import { BillApiError } from '../../connectors/bill';

/** Awaits a call that must fail with the connector's typed error, and returns that error. */
export async function rejection(p: Promise<unknown>): Promise<BillApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BillApiError);
    return err as BillApiError;
  }
  throw new Error('expected a rejection');
}
