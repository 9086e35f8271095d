/**
 * The SSH host key: an RSA key pair made on first start (or by `ca
 * generate rsa key N`) and kept beside the startup config as
 * `<config>.ssh_host_rsa_key` (PEM, mode 0600): the first start writes
 * it, later `ca generate rsa key N` keys are written by `ca save all`, as
 * a PIX keeps new keys in RAM until then. Without --config it lives in
 * memory only.
 */
import { createPublicKey, generateKeyPair } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { renderShowClock } from '../render/misc.js';

export const DEFAULT_MODULUS = 1024;

export interface HostKey {
  pem: string;
  modulus: number;
  generatedAt: number;
}

export function keyPathFor(configPath: string | undefined): string | undefined {
  return configPath === undefined ? undefined : `${configPath}.ssh_host_rsa_key`;
}

/** Made off the event loop: a 2048-bit key takes long enough to stall the data plane. */
export function generateHostKey(modulus: number, now: number): Promise<HostKey> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: modulus, publicExponent: 0x10001 }, (err, _pub, privateKey) => {
      if (err) reject(err);
      else resolve({ pem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), modulus, generatedAt: now });
    });
  });
}

export async function readHostKey(path: string): Promise<HostKey | undefined> {
  let pem: string;
  let mtime: number;
  try {
    pem = await fsp.readFile(path, 'utf8');
    mtime = (await fsp.stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  const modulus = Buffer.from(String(jwk.n), 'base64url').length * 8;
  return { pem, modulus, generatedAt: mtime };
}

export async function saveHostKey(path: string, key: HostKey): Promise<void> {
  const tmp = `${path}.tmp${process.pid}`;
  await fsp.writeFile(tmp, key.pem, { mode: 0o600 });
  await fsp.chmod(tmp, 0o600);
  await fsp.rename(tmp, path);
}

/** `show ca mypubkey rsa`: the public key as a PIX prints it (layout inferred). */
export function renderMyPubKey(key: HostKey | undefined, hostname: string, domain: string | undefined, time: (ms: number) => string): string[] {
  if (!key) return ['% No RSA key pair (ca generate rsa key 1024)'];
  const der = createPublicKey(key.pem).export({ type: 'spki', format: 'der' }).toString('hex');
  const words = der.match(/.{1,8}/g) ?? [];
  const rows: string[] = [];
  for (let i = 0; i < words.length; i += 8) rows.push('  ' + words.slice(i, i + 8).join(' '));
  return [
    `% Key pair was generated at: ${time(key.generatedAt)}`,
    `Key name: ${domain ? `${hostname}.${domain}` : hostname}`,
    ' Usage: General Purpose Key',
    ' Key Data:',
    ...rows,
  ];
}

/** The key the SSH listeners use, and the `ca` commands on it. */
export class HostKeyStore {
  private key: HostKey | undefined;
  private loaded = false;

  constructor(private readonly configPath: string | undefined, private readonly now: () => number) {}

  current(): HostKey | undefined {
    return this.key;
  }

  /** A key for the listeners: the saved one, or a new one saved at once (first start). */
  async ensure(): Promise<{ ok: true } | { ok: false; lines: string[] }> {
    if (!this.loaded) {
      this.loaded = true;
      const path = keyPathFor(this.configPath);
      if (path) {
        try {
          this.key = await readHostKey(path);
        } catch (e) {
          return { ok: false, lines: [`ERROR: ${path}: not an RSA private key (${(e as Error).message}); ca zeroize rsa and ca generate rsa key 1024 make a new one`] };
        }
      }
      if (!this.key) {
        this.key = await generateHostKey(DEFAULT_MODULUS, this.now());
        const saved = await this.save();
        if (saved[0]?.startsWith('ERROR')) return { ok: false, lines: saved };
      }
    }
    return this.key ? { ok: true } : { ok: false, lines: ['% No RSA key pair: ca generate rsa key 1024 makes one'] };
  }

  async generate(modulus: number): Promise<string[]> {
    this.loaded = true;
    this.key = await generateHostKey(modulus, this.now());
    return [`Keypair generation process begin.`, `Success. (ca save all keeps it beside the startup configuration)`];
  }

  async save(): Promise<string[]> {
    const path = keyPathFor(this.configPath);
    if (!this.key) return ['% No RSA key pair to save'];
    if (!path) return ['Warning: no --config file; the RSA key is kept in memory only'];
    try {
      await saveHostKey(path, this.key);
    } catch (e) {
      return [`ERROR: cannot write ${path}: ${(e as Error).message}`];
    }
    return [];
  }

  async zeroize(): Promise<string[]> {
    this.loaded = true;
    this.key = undefined;
    const path = keyPathFor(this.configPath);
    if (path) await fsp.rm(path, { force: true });
    return [];
  }

  render(hostname: string, domain: string | undefined): string[] {
    return renderMyPubKey(this.key, hostname, domain, renderShowClock);
  }
}
