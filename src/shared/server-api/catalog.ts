import { z } from 'zod';
import { coopTrackIdSchema } from '../receipt';
import { artistRefSchema, releaseStatusSchema, trackSchema } from './answers';
import { serverRoute } from './define';

/** `:id` of a track, release or artist. */
export const idParams = z.object({ id: coopTrackIdSchema });

export const listTracks = serverRoute({
  method: 'GET',
  path: '/v1/catalog/tracks',
  summary: 'List catalog tracks, in id order, with search and keyset paging',
  tag: 'catalog',
  access: 'user',
  query: z.object({
    q: z.string().max(200).optional().describe('case-insensitive substring of title, artist or release'),
    after: z.string().max(128).optional().describe('nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  }),
  answer: z.object({ tracks: z.array(trackSchema), nextCursor: z.string().nullable() }),
  errors: [],
});

export const getTrack = serverRoute({
  method: 'GET',
  path: '/v1/catalog/tracks/:id',
  summary: 'One catalog track',
  tag: 'catalog',
  access: 'user',
  params: idParams,
  answer: trackSchema,
  errors: ['not_found'],
});

export const getCatalogRelease = serverRoute({
  method: 'GET',
  path: '/v1/catalog/releases/:id',
  summary: 'A release and its tracks',
  tag: 'catalog',
  access: 'user',
  params: idParams,
  answer: z.object({
    id: z.string(),
    title: z.string(),
    artistId: z.string(),
    status: releaseStatusSchema,
    tracks: z.array(trackSchema),
  }),
  errors: ['not_found'],
});

export const listArtists = serverRoute({
  method: 'GET',
  path: '/v1/catalog/artists',
  summary: 'Artists, by name',
  tag: 'catalog',
  access: 'user',
  query: z.object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    after: z.string().max(300).optional(),
  }),
  answer: z.object({ artists: z.array(artistRefSchema) }),
  errors: [],
});

export const trackAudio = serverRoute({
  method: 'GET',
  path: '/v1/tracks/:id/audio',
  summary: 'Stream the audio of a track (Range requests supported)',
  tag: 'catalog',
  access: 'user',
  params: idParams,
  produces: ['audio/*'],
  errors: ['not_found', 'unpublished'],
});

export const setTrackStatus = serverRoute({
  method: 'PUT',
  path: '/v1/tracks/:id/status',
  summary: 'Mark a track paid or free (its rightsholder or an admin)',
  tag: 'catalog',
  access: 'user',
  params: idParams,
  body: z.object({ status: z.enum(['paid', 'free']) }),
  answer: trackSchema,
  errors: ['not_found', 'forbidden'],
});

export const createArtist = serverRoute({
  method: 'POST',
  path: '/v1/admin/artists',
  summary: 'Create an artist profile (or find it by name)',
  tag: 'admin',
  access: 'admin',
  body: z.object({ name: z.string().min(1).max(200) }),
  answer: artistRefSchema,
  successStatus: 201,
  errors: [],
});

export const addRightsholder = serverRoute({
  method: 'POST',
  path: '/v1/admin/artists/:id/rightsholders',
  summary: 'Make a user a rightsholder of an artist (a label may hold several); gives them the artist role',
  tag: 'admin',
  access: 'admin',
  params: idParams,
  body: z.object({ userId: z.string().min(1).max(128) }),
  errors: ['not_found'],
});

const newTrackSchema = z.object({
  title: z.string().min(1).max(300),
  trackNumber: z.number().int().min(1).max(10_000).optional(),
  durationMs: z.number().int().min(1).max(2_678_400_000),
  status: z.enum(['paid', 'free']).default('paid'),
});

export const createReleaseFromJson = serverRoute({
  method: 'POST',
  path: '/v1/admin/releases',
  summary: 'Create a release with tracks from JSON (no audio; the import command brings audio files)',
  tag: 'admin',
  access: 'admin',
  body: z.object({
    artistId: z.string().min(1).max(128),
    title: z.string().min(1).max(300),
    tracks: z.array(newTrackSchema).min(1).max(500),
  }),
  answer: z.object({ releaseId: z.string(), trackIds: z.array(z.string()) }),
  successStatus: 201,
  errors: ['not_found'],
});
