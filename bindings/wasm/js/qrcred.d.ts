// Types of the qrcred package (bindings/wasm/js/qrcred.js).

/** A failure with a stable code (SPEC.md §9, or `options.invalid`). */
export class QrcredError extends Error {
  readonly code: string;
  readonly detail: string;
}

export type Millis = number | Date;

export interface ErrorReport {
  code: string;
  message: string;
  label?: string;
}

export interface ValidReport {
  valid: true;
  kind: 'health_status' | 'vaccination' | 'test_result' | 'recovery' | 'access_pass';
  issuer: string;
  issuer_name?: string;
  kid: string;
  revocation_id: string;
  issued_at: string;
  valid_from: string;
  expires_at: string;
  cti: string | null;
  warnings: { code: string; label?: string }[];
  credential: Record<string, unknown>;
}

export interface RefusedReport {
  valid: false;
  error: ErrorReport;
}

export type VerifyReport = ValidReport | RefusedReport;

export interface DecisionReport {
  verdict: 'admit' | 'check_id' | 'deny';
  code: string;
  text: string;
  rule: string;
  rule_set: { name: string; version: number };
  colour?: 'green' | 'yellow' | 'red';
  name?: string;
  revocation_ids: string[];
}

export interface BundleInfo {
  sequence: number;
  issued_at: string;
  expires_at: string;
  signed_by: string;
  keys: number;
  revoked: number;
  rules: { name: string; version: number } | null;
}

export type LoadReport = { ok: true; bundle: BundleInfo } | { ok: false; error: ErrorReport };

export interface TrustEntry {
  /** 64 hex digits or an SPKI PEM. */
  public_key: string;
  issuer: string;
  display_name?: string;
  valid_from?: string | null;
  valid_until?: string | null;
  kinds?: string[];
  kid?: string;
}

export interface ScannerOptions {
  bundle?: Uint8Array | ArrayBuffer;
  root?: string | string[];
  roots?: string[];
  state?: Uint8Array | ArrayBuffer;
  rules?: object | string;
  trust?: TrustEntry[];
  clockSkewSeconds?: number;
  limits?: Partial<Record<
    'max_text_len' | 'max_inflated_len' | 'max_cbor_depth' | 'max_cbor_items' | 'max_image_pixels' | 'max_bundle_len' | 'max_bundle_items',
    number
  >>;
  stale?: { graceSeconds: number; refuse: boolean };
  now?: Millis;
}

export class Scanner {
  constructor(options: ScannerOptions);
  verify(text: string, nowMs?: Millis, options?: { lang?: string }): VerifyReport;
  verifyPayload(payload: Uint8Array, nowMs?: Millis, options?: { lang?: string }): VerifyReport;
  decide(texts: string | string[], gate?: { site?: string; lang?: string }, nowMs?: Millis): DecisionReport;
  decisionText(lang: string): string | undefined;
  matchesId(idNumber: string): boolean;
  loadBundle(bytes: Uint8Array | ArrayBuffer, nowMs?: Millis, options?: { lang?: string }): LoadReport;
  bundle(): BundleInfo | null;
  state(): Uint8Array;
  newestSeen(): number | undefined;
  label(code: string, lang?: string): string | undefined;
  free(): void;
}

export function scanFrame(width: number, height: number, pixels: Uint8Array | Uint8ClampedArray): string[];

export class Issuer {
  private constructor();
  static fromPem(pem: string, issuerId: string): Issuer;
  issue(credential: object | string, validForSeconds: number, nowMs?: Millis): string;
  readonly kid: string;
  publicKeyPem(): string;
  free(): void;
}

export function renderSvg(text: string, options?: { ecc?: 'L' | 'M' | 'Q' | 'H'; modulePx?: number; quietZone?: number }): string;
