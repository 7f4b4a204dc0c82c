import { create } from 'zustand';

/** The draft open in the release preview (kept while the user visits other views). */
export const useReleaseDraft = create<{ draftId: string | null; setDraft(id: string | null): void }>(
  (set) => ({
    draftId: null,
    setDraft: (draftId) => set({ draftId }),
  }),
);
