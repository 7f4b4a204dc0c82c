import { create } from 'zustand';

/**
 * A plain notice that a track could not be played (its file is missing,
 * damaged or in a format the browser cannot decode) and whether the player
 * went on to the next one. Kept apart from the player's status: the next
 * track playing must not erase it at once.
 */
export interface SkipNotice {
  title: string;
  skipped: boolean;
  /** Bumped on every notice, so the same title twice still shows. */
  seq: number;
}

interface SkipNoticeState {
  notice: SkipNotice | null;
  show(title: string, skipped: boolean): void;
  clear(seq: number): void;
}

export const useSkipNotice = create<SkipNoticeState>((set) => ({
  notice: null,
  show: (title, skipped) => set((s) => ({ notice: { title, skipped, seq: (s.notice?.seq ?? 0) + 1 } })),
  clear: (seq) => set((s) => (s.notice?.seq === seq ? { notice: null } : s)),
}));
