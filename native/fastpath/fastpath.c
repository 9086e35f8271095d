/*
 * fastpath: the receive half of an established call's data plane in C.
 * The raw GRE socket's receive batch (recvmmsg, src/proto/gre/linux.ts)
 * comes here before JavaScript sees it; for the calls JavaScript handed
 * over (engage), an in-order MPPE data packet carrying IPv4 from the
 * client's own address is decrypted and written to the TUN device here.
 * Everything else stays JavaScript's, which remains the reference
 * implementation (src/proto/ppp/mppe.ts; test/unit/fast-path.test.ts
 * proves both give the same bytes):
 *   - not an engaged call's, or not the common case (a gap in the GRE or
 *     MPPE sequence, a flag packet without A, a control protocol, MPPC, a
 *     non-data GRE packet with payload): the call is released (its MPPE
 *     receive state goes back to JavaScript) and this packet and the
 *     call's later ones in the batch are left to JavaScript, in order;
 *   - decrypted but not plain IPv4 from the client (DHCP, for DHCPINFORM;
 *     another inner protocol; a spoofed source; a failed TUN write): the
 *     decrypted payload is handed to JavaScript, the call stays engaged.
 * What the fast path did to a call is summed per batch in one event per
 * call (counters, highest GRE sequence, last ack), which JavaScript adds
 * to its own state before it handles the batch's other packets.
 *
 *   t = create(localAddress)                 // u32, network order; 0: any
 *   engage(t, callId, peer, client, highestSeq, state)   // state: 320 B
 *   release(t, callId, stateOut) -> bool     // state back, entry gone
 *   process(t, headers, n, tunFd, verdicts, events) -> event count
 *
 * State block (one direction's MPPE receive state, shared layout with
 * MppeDecryptor.exportState):
 *     0..255  RC4 S-box        256 i   257 j
 *   258..259  coherency count (LE)     260 flags (1 stateless, 2 discarding)
 *        261  key length (8 or 16)     262 reduction (0 none, 1 56-bit, 2 40-bit)
 *   264..279  session key             280..295 start key
 * Verdicts (int32 x4 per slot): kind (0 JavaScript's, 1 done here,
 * 2 decrypted payload for JavaScript), payload offset, payload length,
 * call id.
 * Event (u32 x8): callId | released<<16 | hasAck<<17, data packets,
 * payload octets, highest sequence, ack, MPPE packets rejected (bad
 * protocol), TUN packets written, TUN octets written.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <openssl/sha.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#define STATE_SIZE 320
#define EVENT_WORDS 8
#define MAX_SLOTS 64
#define VERDICT_INTS 4

enum { FREE = 0, ENGAGED = 1, RELEASING = 2 };
#define RELEASED (1u << 16)
#define HAS_ACK (1u << 17)
enum { VERDICT_JS = 0, VERDICT_DONE = 1, VERDICT_DECRYPTED = 2 };

typedef struct {
  uint8_t s[256];
  uint8_t i, j;
  uint16_t ccount;
  uint8_t flags, n, reduction, pad;
  uint8_t session[16];
  uint8_t start[16];
  uint8_t rest[STATE_SIZE - 296];
} MppeRx;

typedef struct {
  uint32_t peer;   /* network order, as in the packet */
  uint32_t client; /* network order */
  uint32_t highest;
  int32_t event;   /* this batch's event index, -1 none */
  uint8_t state;
  MppeRx rx;
} Entry;

typedef struct {
  uint32_t local; /* network order; 0: any */
  Entry *calls[65536];
} Table;

/* ---------------------------------------------------------------- RC4 */

static void rc4_key(MppeRx *r, const uint8_t *key, int n) {
  uint8_t *s = r->s;
  for (int k = 0; k < 256; k++) s[k] = (uint8_t)k;
  uint8_t j = 0;
  for (int k = 0, m = 0; k < 256; k++) {
    uint8_t t = s[k];
    j = (uint8_t)(j + t + key[m]);
    s[k] = s[j];
    s[j] = t;
    if (++m == n) m = 0;
  }
  r->i = r->j = 0;
}

static void rc4(MppeRx *r, const uint8_t *src, uint8_t *dst, size_t len) {
  uint8_t *s = r->s;
  uint8_t i = r->i, j = r->j;
  for (size_t k = 0; k < len; k++) {
    i++;
    uint8_t si = s[i];
    j = (uint8_t)(j + si);
    uint8_t sj = s[j];
    s[i] = sj;
    s[j] = si;
    dst[k] = src[k] ^ s[(uint8_t)(si + sj)];
  }
  r->i = i;
  r->j = j;
}

/* ------------------------------------------------- MPPE key change (RFC 3078 7.3) */

/* key <- reduce(RC4_interim(interim)), interim = first n of SHA1(start | pad1 | key | pad2) */
static void rekey(const MppeRx *r, uint8_t *key) {
  static const uint8_t pad1[40] = {0};
  static const uint8_t pad2[40] = {
      0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
      0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2};
  int n = r->n;
  uint8_t digest[SHA_DIGEST_LENGTH];
  SHA_CTX c;
  SHA1_Init(&c);
  SHA1_Update(&c, r->start, n);
  SHA1_Update(&c, pad1, sizeof pad1);
  SHA1_Update(&c, key, n);
  SHA1_Update(&c, pad2, sizeof pad2);
  SHA1_Final(digest, &c);
  MppeRx tmp;
  rc4_key(&tmp, digest, n);
  rc4(&tmp, digest, key, n);
  if (r->reduction == 2) {
    key[0] = 0xd1;
    key[1] = 0x26;
    key[2] = 0x9e;
  } else if (r->reduction == 1) {
    key[0] = 0xd1;
  }
}

/* mppe.ts plausibleProtocol: a 1-octet (odd) protocol, or even then odd below 0x4000 */
static int plausible(const uint8_t *p, size_t len) {
  if (len < 1) return 0;
  if (p[0] & 1) return 1;
  return len >= 2 && (p[1] & 1) && p[0] < 0x40;
}

typedef enum { RX_OK, RX_REJECTED, RX_NOT_SIMPLE } RxResult;

/* mppe.ts MppeDecryptor.decrypt, the in-sequence case only (distance 1, not discarding). */
static RxResult mppe_decrypt(MppeRx *r, uint8_t *m, size_t len) {
  if (len < 3) return RX_NOT_SIMPLE;
  uint8_t b0 = m[0];
  if ((b0 & 0x20) || !(b0 & 0x10)) return RX_NOT_SIMPLE; /* MPPC, or not encrypted */
  uint16_t cc = (uint16_t)(((b0 & 0x0f) << 8) | m[1]);
  int flushed = (b0 & 0x80) != 0;
  if (((cc - r->ccount) & 0x0fff) != 1) return RX_NOT_SIMPLE;
  uint8_t *data = m + 2;
  size_t dlen = len - 2;
  if (r->flags & 1) {
    if (!flushed) return RX_NOT_SIMPLE;
    uint8_t candidate[16];
    memcpy(candidate, r->session, r->n);
    rekey(r, candidate);
    rc4_key(r, candidate, r->n);
    rc4(r, data, data, dlen);
    if (!plausible(data, dlen)) return RX_REJECTED; /* the key is not committed */
    memcpy(r->session, candidate, r->n);
    r->ccount = cc;
    return RX_OK;
  }
  if ((r->flags & 2) || ((cc & 0xff) == 0xff && !flushed)) return RX_NOT_SIMPLE;
  if (flushed) {
    rekey(r, r->session);
    rc4_key(r, r->session, r->n);
  }
  r->ccount = cc;
  rc4(r, data, data, dlen);
  return plausible(data, dlen) ? RX_OK : RX_REJECTED;
}

/* ---------------------------------------------------------------- the batch */

static inline uint16_t be16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline uint32_t be32(const uint8_t *p) { return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]; }
static inline uint32_t raw32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* UDP to port 67, or too short to tell: DHCP the server may answer (dhcp/inform.ts isDhcpForServer) */
static int maybe_dhcp(const uint8_t *ip, size_t len) {
  if (ip[9] != 17 || ((ip[6] & 0x1f) | ip[7])) return 0;
  size_t o = (size_t)(ip[0] & 0x0f) * 4;
  return len < o + 4 || be16(ip + o + 2) == 67;
}

typedef struct {
  int32_t *verdicts;
  uint32_t *events;
  int nevents;
  int tun;
} Batch;

static uint32_t *event_of(Batch *b, Entry *e, uint16_t call_id) {
  if (e->event < 0) {
    e->event = b->nevents++;
    uint32_t *ev = b->events + e->event * EVENT_WORDS;
    memset(ev, 0, EVENT_WORDS * 4);
    ev[0] = call_id;
  }
  return b->events + e->event * EVENT_WORDS;
}

static void hand_back(int32_t *v, const uint8_t *base, const uint8_t *p, size_t len, uint16_t call_id) {
  v[0] = VERDICT_DECRYPTED;
  v[1] = (int32_t)(p - base);
  v[2] = (int32_t)len;
  v[3] = call_id;
}

/*
 * One received datagram: outer IPv4 | enhanced GRE (wire.ts) | PPP frame
 * [FF 03] protocol 0x00FD | MPPE header (2) | encrypted [00] 21 | IPv4.
 */
static void one(Table *t, Batch *b, int slot, uint8_t *pkt, size_t len) {
  int32_t *v = b->verdicts + slot * VERDICT_INTS;
  if (len < 20 || (pkt[0] >> 4) != 4 || pkt[9] != 47) return;
  size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
  if (ihl < 20 || ihl > len) return;
  if (t->local && raw32(pkt + 16) != t->local) return;
  uint8_t *g = pkt + ihl;
  size_t glen = len - ihl;
  if (glen < 8) return;
  uint16_t fv = be16(g);
  if ((fv & 0x0007) != 1 || be16(g + 2) != 0x880b || !(fv & 0x2000) || (fv & 0xcf78)) return;
  int has_seq = (fv & 0x1000) != 0, has_ack = (fv & 0x0080) != 0;
  size_t hl = 8 + (has_seq ? 4 : 0) + (has_ack ? 4 : 0);
  if (glen < hl) return;
  size_t plen = be16(g + 4);
  if (hl + plen > glen || (!has_seq && plen)) return;
  uint16_t call_id = be16(g + 6);
  Entry *e = t->calls[call_id];
  if (!e || e->state != ENGAGED || raw32(pkt + 12) != e->peer) return;
  uint32_t seq = has_seq ? be32(g + 8) : 0;
  uint32_t ack = has_ack ? be32(g + (has_seq ? 12 : 8)) : 0;
  uint8_t *p = g + hl;
  size_t off = 0;
  if (has_seq) {
    if (seq - e->highest != 1 || plen < 3) goto release;
    if (p[0] == 0xff && p[1] == 0x03) off = 2;
    if (p[off] == 0xfd) off += 1;
    else if (plen >= off + 2 && p[off] == 0x00 && p[off + 1] == 0xfd) off += 2;
    else goto release;
  }
  /* mppe_decrypt changes nothing when it answers RX_NOT_SIMPLE */
  RxResult r = has_seq ? mppe_decrypt(&e->rx, p + off, plen - off) : RX_OK;
  if (r == RX_NOT_SIMPLE) goto release;
  uint32_t *ev = event_of(b, e, call_id);
  if (has_ack) {
    if (!(ev[0] & HAS_ACK) || (int32_t)(ack - ev[4]) > 0) ev[4] = ack;
    ev[0] |= HAS_ACK;
  }
  v[0] = VERDICT_DONE;
  if (!has_seq) return;
  e->highest = seq;
  ev[1]++;
  ev[2] += (uint32_t)plen;
  ev[3] = seq;
  if (r == RX_REJECTED) {
    ev[5]++;
    return;
  }
  uint8_t *data = p + off + 2;
  size_t dlen = plen - off - 2;
  /* plain IPv4 from the client's address goes to the TUN; the rest (DHCP too) to JavaScript */
  size_t skip = data[0] == 0x21 ? 1 : (dlen >= 2 && data[0] == 0x00 && data[1] == 0x21) ? 2 : 0;
  uint8_t *ip = data + skip;
  size_t iplen = dlen - skip;
  if (!skip || iplen < 20 || (ip[0] >> 4) != 4 || be16(ip + 2) != iplen || raw32(ip + 12) != e->client || maybe_dhcp(ip, iplen) ||
      write(b->tun, ip, iplen) != (ssize_t)iplen) {
    hand_back(v, pkt, data, dlen, call_id);
    return;
  }
  ev[6]++;
  ev[7] += (uint32_t)iplen;
  return;
release:
  e->state = RELEASING;
  event_of(b, e, call_id)[0] |= RELEASED;
}

/* ---------------------------------------------------------------- N-API */

#define CHECK(env, call)                                  \
  do {                                                    \
    if ((call) != napi_ok) {                              \
      napi_throw_error((env), NULL, "fastpath: " #call);  \
      return NULL;                                        \
    }                                                     \
  } while (0)

static void finalize_table(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Table *t = data;
  for (int k = 0; k < 65536; k++) free(t->calls[k]);
  free(t);
}

static Table *table_arg(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok) return NULL;
  return p;
}

static void *bytes_arg(napi_env env, napi_value v, size_t *len) {
  void *data = NULL;
  napi_typedarray_type type;
  size_t n = 0, offset = 0;
  napi_value ab;
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return NULL;
  if (napi_get_typedarray_info(env, v, &type, &n, &data, &ab, &offset) != napi_ok) return NULL;
  size_t size = 1;
  if (type == napi_int32_array || type == napi_uint32_array) size = 4;
  *len = n * size;
  return data;
}

static uint32_t u32_arg(napi_env env, napi_value v) {
  uint32_t x = 0;
  napi_get_value_uint32(env, v, &x);
  return x;
}

static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Table *t = calloc(1, sizeof *t);
  if (!t) {
    napi_throw_error(env, NULL, "fastpath: out of memory");
    return NULL;
  }
  t->local = argc > 0 ? u32_arg(env, argv[0]) : 0;
  CHECK(env, napi_create_external(env, t, finalize_table, NULL, &out));
  return out;
}

static napi_value engage(napi_env env, napi_callback_info info) {
  size_t argc = 6, len = 0;
  napi_value argv[6];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Table *t = argc == 6 ? table_arg(env, argv[0]) : NULL;
  uint8_t *state = t ? bytes_arg(env, argv[5], &len) : NULL;
  if (!t || !state || len < STATE_SIZE) {
    napi_throw_type_error(env, NULL, "fastpath.engage(table, callId, peer, client, highestSeq, state)");
    return NULL;
  }
  uint32_t id = u32_arg(env, argv[1]) & 0xffff;
  Entry *e = t->calls[id];
  if (!e && !(e = t->calls[id] = malloc(sizeof *e))) {
    napi_throw_error(env, NULL, "fastpath: out of memory");
    return NULL;
  }
  e->peer = u32_arg(env, argv[2]);
  e->client = u32_arg(env, argv[3]);
  e->highest = u32_arg(env, argv[4]);
  e->event = -1;
  e->state = ENGAGED;
  memcpy(&e->rx, state, STATE_SIZE);
  return NULL;
}

static napi_value release(napi_env env, napi_callback_info info) {
  size_t argc = 3, len = 0;
  napi_value argv[3], out;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Table *t = argc >= 2 ? table_arg(env, argv[0]) : NULL;
  if (!t) {
    napi_throw_type_error(env, NULL, "fastpath.release(table, callId, stateOut?)");
    return NULL;
  }
  uint32_t id = u32_arg(env, argv[1]) & 0xffff;
  Entry *e = t->calls[id];
  if (e && argc == 3) {
    uint8_t *state = bytes_arg(env, argv[2], &len);
    if (state && len >= STATE_SIZE) memcpy(state, &e->rx, STATE_SIZE);
  }
  free(e);
  t->calls[id] = NULL;
  CHECK(env, napi_get_boolean(env, e != NULL, &out));
  return out;
}

/* struct mmsghdr (LP64): msg_iov at +16, msg_flags at +48, msg_len at +56; 64 bytes each */
static napi_value process(napi_env env, napi_callback_info info) {
  size_t argc = 6, hlen = 0, vlen = 0, elen = 0;
  napi_value argv[6], out;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Table *t = argc == 6 ? table_arg(env, argv[0]) : NULL;
  uint8_t *headers = t ? bytes_arg(env, argv[1], &hlen) : NULL;
  int32_t *verdicts = headers ? bytes_arg(env, argv[4], &vlen) : NULL;
  uint32_t *events = verdicts ? bytes_arg(env, argv[5], &elen) : NULL;
  uint32_t n = t ? u32_arg(env, argv[2]) : 0;
  int32_t tun = -1;
  if (t) napi_get_value_int32(env, argv[3], &tun);
  if (!events || n > MAX_SLOTS || hlen < n * 64 || vlen < n * VERDICT_INTS * 4 || elen < n * EVENT_WORDS * 4) {
    napi_throw_type_error(env, NULL, "fastpath.process(table, headers, n, tunFd, verdicts, events)");
    return NULL;
  }
  Batch b = {verdicts, events, 0, tun};
  for (uint32_t k = 0; k < n; k++) {
    uint8_t *h = headers + k * 64;
    int32_t *v = verdicts + k * VERDICT_INTS;
    v[0] = VERDICT_JS;
    int32_t flags;
    uint32_t len;
    uint8_t *iov, *base;
    memcpy(&flags, h + 48, 4);
    memcpy(&len, h + 56, 4);
    memcpy(&iov, h + 16, sizeof iov);
    memcpy(&base, iov, sizeof base);
    if (flags & MSG_TRUNC) continue;
    one(t, &b, (int)k, base, len);
  }
  /* the next batch starts each call's event afresh (no entry is freed during a batch) */
  for (int k = 0; k < b.nevents; k++) t->calls[b.events[k * EVENT_WORDS] & 0xffff]->event = -1;
  CHECK(env, napi_create_int32(env, b.nevents, &out));
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"create", NULL, create, NULL, NULL, NULL, napi_default, NULL},
      {"engage", NULL, engage, NULL, NULL, NULL, napi_default, NULL},
      {"release", NULL, release, NULL, NULL, NULL, napi_default, NULL},
      {"process", NULL, process, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof *props, props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
