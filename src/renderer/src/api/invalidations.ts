import type { CallName } from '../../../shared/contract';

/**
 * What each contract call does to the renderer's cache, declared once: a read
 * (`'read'`, cached by `useCall`) or a change, with the reads it makes stale.
 * `useCallMutation` invalidates from here, so no component lists them again.
 * `satisfies Record<CallName, …>` makes a new call in the contract fail the
 * type-check until it is classified here.
 */
export type CallEffect = 'read' | readonly CallName[];

const LIBRARY_CONTENT: CallName[] = [
  'library.tracks',
  'library.search',
  'library.track',
  'library.albums',
  'library.album',
  'library.artists',
  'library.artist',
  'library.problems',
];
const DJ_LISTS: CallName[] = ['dj.lists', 'dj.listItems'];
const WALLET: CallName[] = [
  'wallet.get',
  'wallet.history',
  'wallet.collection',
  'wallet.ledger',
  'wallet.membership',
  'coop.tracks',
];
const ACCOUNT: CallName[] = ['account.status', 'sync.status', ...WALLET];
/** A download kept, removed or pinned: the catalog's badges, the track's details, the collection, the usage. */
const DOWNLOADS: CallName[] = ['coop.tracks', 'coop.trackDetails', 'downloads.status', 'wallet.collection'];
/**
 * An admin's change on the co-op node (a grant, an import, a role): what the account, the catalog
 * and the wallet show may have moved, for this account too.
 */
const NODE_CHANGE: CallName[] = [
  'node.status',
  'account.status',
  'sync.status',
  ...WALLET,
  'coop.trackDetails',
  'downloads.status',
];
/** Credits in or out: the wallet, a track's details and downloads (owned now), and the outbox (sync.status). */
const PURCHASE: CallName[] = [...WALLET, 'coop.trackDetails', 'downloads.status', 'sync.status'];

export const callEffects = {
  'app.info': 'read',
  'dialog.pickFolder': [],
  'settings.get': 'read',
  'settings.update': ['settings.get'],
  'library.folders': 'read',
  'library.addFolder': ['library.folders', 'library.scanStatus', 'settings.get'],
  'library.removeFolder': ['library.folders', 'settings.get', ...LIBRARY_CONTENT],
  'library.scan': ['library.scanStatus'],
  'library.cancelScan': ['library.scanStatus'],
  'library.scanStatus': 'read',
  'library.watchState': 'read',
  'library.tracks': 'read',
  'library.search': 'read',
  'library.track': 'read',
  'library.albums': 'read',
  'library.album': 'read',
  'library.artists': 'read',
  'library.artist': 'read',
  'library.problems': 'read',
  // The DJ lists show the track too.
  'library.relocate': ['library.problems', ...LIBRARY_CONTENT, 'dj.query', ...DJ_LISTS],
  'library.analyse': ['library.analysisStatus'],
  'library.cancelAnalysis': ['library.analysisStatus'],
  'library.analysisStatus': 'read',
  'library.trackAnalysis': 'read',
  'release.openDraft': ['release.draft', 'release.tracks', 'release.checks'],
  'release.draft': 'read',
  'release.tracks': 'read',
  'release.checks': 'read',
  'release.closeDraft': ['release.draft', 'release.tracks', 'release.checks'],
  'dj.query': 'read',
  'dj.checkQuery': 'read',
  'dj.compatibleKeys': 'read',
  'dj.lists': 'read',
  'dj.createList': DJ_LISTS,
  'dj.renameList': DJ_LISTS,
  'dj.moveList': DJ_LISTS,
  'dj.updateSmartList': [...DJ_LISTS, 'dj.query'],
  'dj.deleteList': DJ_LISTS,
  'dj.listItems': 'read',
  'dj.addItems': DJ_LISTS,
  'dj.removeItems': DJ_LISTS,
  'dj.moveItems': DJ_LISTS,
  'dj.export': ['dj.exportStatus'],
  'dj.cancelExport': ['dj.exportStatus'],
  'dj.exportStatus': 'read',
  'dj.importPlaylist': DJ_LISTS,
  'dj.importRekordbox': DJ_LISTS,
  'dj.previewTags': 'read',
  'dj.writeTags': [...LIBRARY_CONTENT, 'dj.query', 'dj.listItems'],
  'dj.undoTags': [...LIBRARY_CONTENT, 'dj.query', 'dj.listItems'],
  // The player's session calls are answered by events (player.playCounted, wallet.changed).
  'player.open': [],
  'player.report': [],
  'player.close': [],
  'playerSession.get': 'read',
  'playerSession.save': [],
  'wallet.get': 'read',
  'wallet.history': 'read',
  'wallet.collection': 'read',
  'coop.tracks': 'read',
  'account.status': 'read',
  'account.signUp': ACCOUNT,
  'account.signIn': ACCOUNT,
  'account.signOut': ACCOUNT,
  'sync.status': 'read',
  'sync.now': ['sync.status', ...WALLET],
  'sync.corrections': ['sync.status'],
  'coop.download': DOWNLOADS,
  'coop.removeDownload': DOWNLOADS,
  'coop.pin': DOWNLOADS,
  'downloads.status': 'read',
  'downloads.setLimit': ['downloads.status'],
  'wallet.redeemVoucher': PURCHASE,
  'wallet.quote': 'read',
  'wallet.buyRest': PURCHASE,
  'wallet.buyRelease': PURCHASE,
  'wallet.ledger': 'read',
  'wallet.membership': 'read',
  'coop.trackDetails': 'read',
  'artist.profiles': 'read',
  'artist.earnings': 'read',
  'artist.earningsCsv': 'read',
  'artist.membership': 'read',
  'artist.exportReport': [],
  'artist.publish': ['artist.releases', 'coop.tracks'],
  'artist.unpublish': ['artist.releases', 'coop.tracks'],
  'artist.releases': 'read',
  'node.status': 'read',
  'node.claimAdmin': NODE_CHANGE,
  'node.importRelease': NODE_CHANGE,
  'node.findAccounts': 'read',
  'node.grantCredits': NODE_CHANGE,
  'node.makeVouchers': NODE_CHANGE,
  'node.addRightsholder': NODE_CHANGE,
  'tlog.status': 'read',
  'tlog.check': ['tlog.status'],
  'tlog.plays': 'read',
  'tlog.compare': 'read',
  'tlog.configure': ['tlog.status'],
  'tlog.exportEvidence': [],
} as const satisfies Record<CallName, CallEffect>;

/** The cached reads that `name` makes stale when it succeeds (none for a read). */
export function invalidatedBy(name: CallName): readonly CallName[] {
  const effect: CallEffect = callEffects[name];
  return effect === 'read' ? [] : effect;
}
