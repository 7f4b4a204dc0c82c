import { XMLBuilder } from 'fast-xml-parser';

/**
 * A Rekordbox XML collection ("rekordbox.xml"): the format Rekordbox imports
 * through its "rekordbox xml" view, and that Serato, Traktor, Mixxx and
 * Engine DJ import or convert from. One COLLECTION of tracks and one
 * playlist under the ROOT node, whose TRACK Keys are the collection's TrackIDs.
 */
export interface RekordboxTrack {
  trackId: number;
  name: string;
  artist: string;
  album: string;
  genre: string;
  /** e.g. "MP3 File", "FLAC File". */
  kind: string;
  sizeBytes: number;
  totalTimeSeconds: number;
  bpm: number | null;
  /** Musical notation (Am, F#m, Db), as Rekordbox writes it. */
  tonality: string | null;
  year: number | null;
  trackNumber: number | null;
  /** kbit/s. */
  bitRateKbps: number | null;
  sampleRate: number | null;
  /** When the track entered the library: written `yyyy-mm-dd`. */
  dateAdded: number | null;
  comments: string;
  /** The exported file's path from the root of the drive it is on (see `fileLocation`). */
  pathOnDrive: string;
}

export function rekordboxXml(input: {
  productVersion: string;
  playlistName: string;
  tracks: RekordboxTrack[];
}): string {
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
    processEntities: true,
  });
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    DJ_PLAYLISTS: {
      '@_Version': '1.0.0',
      PRODUCT: { '@_Name': 'Resonate Player', '@_Version': input.productVersion, '@_Company': 'Resonate' },
      COLLECTION: {
        '@_Entries': input.tracks.length,
        TRACK: input.tracks.map((t) => ({
          '@_TrackID': t.trackId,
          '@_Name': t.name,
          '@_Artist': t.artist,
          '@_Album': t.album,
          '@_Genre': t.genre,
          '@_Kind': t.kind,
          '@_Size': t.sizeBytes,
          '@_TotalTime': Math.round(t.totalTimeSeconds),
          '@_Year': t.year ?? '',
          '@_TrackNumber': t.trackNumber ?? '',
          '@_BitRate': t.bitRateKbps ?? '',
          '@_SampleRate': t.sampleRate ?? '',
          '@_DateAdded': t.dateAdded === null ? '' : new Date(t.dateAdded).toISOString().slice(0, 10),
          '@_Comments': t.comments,
          '@_AverageBpm': t.bpm === null ? '0.00' : t.bpm.toFixed(2),
          '@_Tonality': t.tonality ?? '',
          '@_Location': fileLocation(t.pathOnDrive),
        })),
      },
      PLAYLISTS: {
        NODE: {
          '@_Type': '0',
          '@_Name': 'ROOT',
          '@_Count': 1,
          NODE: {
            '@_Name': input.playlistName,
            '@_Type': '1',
            '@_KeyType': '0',
            '@_Entries': input.tracks.length,
            TRACK: input.tracks.map((t) => ({ '@_Key': t.trackId })),
          },
        },
      },
    },
  };
  return builder.build(doc) as string;
}

/**
 * `file://localhost/` and the path, each segment percent-encoded (spaces,
 * `#`, `%`, non-ASCII), as Rekordbox writes it. A Windows drive (`E:`)
 * keeps its colon. Exports give the path from the root of the drive the
 * files are on, so the XML holds wherever the stick is mounted next.
 */
export function fileLocation(absolutePath: string): string {
  const segments = absolutePath
    .replace(/\\/g, '/')
    .split('/')
    .filter((s, i) => s !== '' || i === 0);
  const encoded = segments.map((s) => (/^[a-z]:$/i.test(s) ? s : encodeURIComponent(s)));
  const path = encoded.join('/');
  return `file://localhost${path.startsWith('/') ? '' : '/'}${path}`;
}

/** Rekordbox's Kind for a file extension. */
export function rekordboxKind(extension: string): string {
  const ext = extension.replace(/^\./, '').toLowerCase();
  const known: Record<string, string> = {
    mp3: 'MP3 File',
    flac: 'FLAC File',
    m4a: 'M4A File',
    aac: 'AAC File',
    wav: 'WAV File',
    aif: 'AIFF File',
    aiff: 'AIFF File',
    ogg: 'OGG File',
    opus: 'OPUS File',
  };
  return known[ext] ?? `${ext.toUpperCase()} File`;
}
