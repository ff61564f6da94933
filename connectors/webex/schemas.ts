/**
 * Response schemas: only fields the product reads are declared; unknown fields are
 * tolerated (zod strips them). Ids stay opaque strings.
 */
import { z } from 'zod';

const id = z.string().min(1);
// Webex sends `2016-04-21T19:01:55.966Z`; offsets are tolerated so a format change is not fatal.
const timestamp = z.iso.datetime({ offset: true });

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.number().int().nonnegative().optional(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
});

export const personSchema = z.object({
  id,
  displayName: z.string(),
  emails: z.array(z.string()),
});

export const roomSchema = z.object({
  id,
  title: z.string(),
  type: z.string().optional(),
  created: timestamp,
});

// A list item may lack `title` when Webex could not decrypt it (per-item `errors`, BASICS
// "Responses with Errors"): such a room must not fail the whole listing.
export const roomListSchema = z.object({
  items: z.array(
    z.object({
      id,
      title: z.string().nullish(),
      type: z.string().optional(),
      created: timestamp.optional(),
      creatorId: z.string().optional(),
    }),
  ),
});

export const messageSchema = z.object({
  id,
  roomId: id,
  text: z.string().optional(),
  personId: id,
  created: timestamp,
});

export const messageListSchema = z.object({
  items: z.array(
    z.object({
      id,
      text: z.string().optional(),
      personId: id,
      created: timestamp,
    }),
  ),
});

export interface WebexPerson {
  id: string;
  displayName: string;
  emails: string[];
}

export interface WebexRoom {
  id: string;
  title: string;
  type?: string;
  created: string;
}

export interface WebexRoomSummary {
  id: string;
  /** null when Webex returned the room without a readable title. */
  title: string | null;
  type?: string;
  created?: string;
  /** The person who created the space: the integration only uses a space its own user created. */
  creatorId?: string;
}

export interface WebexMessage {
  id: string;
  roomId: string;
  /** '' for messages without a text part (file-only, cards). */
  text: string;
  personId: string;
  created: string;
}

export interface WebexMessageSummary {
  id: string;
  text: string;
  personId: string;
  created: string;
}

export interface WebexTokenSet {
  accessToken: string;
  expiresIn: number;
  /** Absent when Webex did not send one: callers keep the refresh token they have. */
  refreshToken?: string;
  refreshTokenExpiresIn?: number;
  scope?: string;
}
