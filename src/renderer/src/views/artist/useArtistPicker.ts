import { useState } from 'react';
import { useCall } from '../../api/queries';

/** The artist picker's state; the first profile the account holds by default. */
export function useArtistPicker() {
  const account = useCall('account.status', {});
  const signedIn = account.data?.signedIn ?? false;
  const profiles = useCall('artist.profiles', {}, { enabled: signedIn, staleTime: 60_000 });
  const [chosen, setChosen] = useState<string | null>(null);
  const artists = profiles.data?.artists ?? [];
  const artistId = chosen && artists.some((a) => a.id === chosen) ? chosen : (artists[0]?.id ?? null);
  return {
    signedIn,
    loading: account.isLoading || (signedIn && profiles.isLoading),
    error: profiles.error,
    artists,
    artistId,
    setArtistId: setChosen,
  };
}
