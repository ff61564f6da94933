import type { WebexClient } from '../../connectors/webex';

export interface OwnedRoom {
  id: string;
  title: string;
  created: boolean;
  /** How many spaces could have been the one (several: the user made copies; one is used). */
  candidates: number;
}

/**
 * The ownership rule of every space the product posts to ("Billsby Data", "BILL Engagement"): a
 * `group` space titled exactly `title` that the connected user created. A space someone else created
 * and added them to is never used (its owner would read what is posted). The room the integration
 * already has wins, else the oldest, so re-integrating lands in the same one.
 */
export async function findOwnedRoom(
  client: WebexClient,
  input: { accessToken: string; personId: string; title: string; preferredRoomId?: string | null },
): Promise<Omit<OwnedRoom, 'created'> | null> {
  const rooms = await client.listAllRooms(input.accessToken);
  const ours = rooms
    .filter((r) => r.title === input.title && r.type === 'group' && r.creatorId === input.personId)
    .sort((a, b) => (a.created ?? '').localeCompare(b.created ?? ''));
  const chosen = ours.find((r) => r.id === input.preferredRoomId) ?? ours[0];
  return chosen ? { id: chosen.id, title: input.title, candidates: ours.length } : null;
}

/** {@link findOwnedRoom}, creating the space when the user has none. */
export async function findOrCreateOwnedRoom(
  client: WebexClient,
  input: { accessToken: string; personId: string; title: string; preferredRoomId?: string | null },
): Promise<OwnedRoom> {
  const found = await findOwnedRoom(client, input);
  if (found) return { ...found, created: false };
  const room = await client.createRoom(input.accessToken, input.title);
  return { id: room.id, title: room.title, created: true, candidates: 1 };
}

/**
 * The id of {@link findOrCreateOwnedRoom}'s space, looked up on first use only (a batch with no
 * digest never lists the user's rooms); a failed lookup is tried again on the next use.
 */
export function ownedRoomOnFirstUse(
  client: WebexClient,
  input: { accessToken: string; personId: string; title: string },
): () => Promise<string> {
  let roomId: Promise<string> | undefined;
  return () =>
    (roomId ??= findOrCreateOwnedRoom(client, input).then(
      (room) => room.id,
      (err: unknown) => {
        roomId = undefined;
        throw err;
      },
    ));
}
