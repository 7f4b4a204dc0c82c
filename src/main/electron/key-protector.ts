import { safeStorage } from 'electron';
import { plainKeyProtector, type KeyProtector } from '../services/wallet/device-identity';

/**
 * Wraps the device's receipt-signing key and the sync session token with
 * the OS keychain (Keychain, DPAPI, libsecret/kwallet) where Electron can
 * reach one. Without one (a bare Linux session), the 0600 file alone
 * protects them, as in the web host.
 */
export function osKeyProtector(): KeyProtector {
  if (!safeStorage.isEncryptionAvailable()) return plainKeyProtector;
  return {
    kind: 'electron-safe-storage',
    protect: (secret) => safeStorage.encryptString(secret).toString('base64'),
    unprotect: (stored) => safeStorage.decryptString(Buffer.from(stored, 'base64')),
  };
}
