/** A round trip through an activity: proves a worker polls, runs activities and codes payloads. */
export async function echo(input: { message: string }): Promise<{ message: string; handledBy: string }> {
  return { message: input.message, handledBy: `pid ${process.pid}` };
}
