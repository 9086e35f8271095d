#!/usr/bin/env python3
"""Independent check of an MS-CHAP (v2, or v1 with 128-bit keys) + MPPE PPTP capture (stdlib only, none
of the project's TypeScript): reads a classic pcap of a TAP (Ethernet), finds
the MS-CHAP exchange (RFC 2759 / RFC 2433) and the CCP MPPE option (RFC 3078),
derives the MPPE keys from the password (RFC 3079) and decrypts every MPPE frame in
both directions, checking that each one is an IPv4 datagram (version, header
checksum, total length).

Usage: mppe_decrypt.py PCAP PASSWORD
Prints one JSON object:
  auth ("mschap-v2" | "mschap"), user, authResponseOk (MS-CHAPv2: the
  server's S= recomputed; null for v1), keyBits, stateless,
  client, server, and per direction ("c2s" client to server, "s2c"):
  frames (MPPE frames seen), ipv4 (decrypted to a valid IPv4 datagram),
  bad (why the others failed), icmp ([type, src, dst] per ICMP datagram).
Exit 0 when the file was readable (the test judges the numbers), 2 if not.
"""
import hashlib
import json
import struct
import sys

# ------------------------------------------------------------------ MD4 (RFC 1320)
# hashlib has no md4 under OpenSSL 3.


def _rol(v, s):
    v &= 0xFFFFFFFF
    return ((v << s) | (v >> (32 - s))) & 0xFFFFFFFF


def md4(msg: bytes) -> bytes:
    data = bytearray(msg) + b"\x80"
    data += b"\x00" * ((56 - len(data) % 64) % 64)
    data += struct.pack("<Q", (len(msg) * 8) & 0xFFFFFFFFFFFFFFFF)
    h = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476]
    for off in range(0, len(data), 64):
        x = struct.unpack("<16I", bytes(data[off:off + 64]))
        a, b, c, d = h
        # round 1: F(b,c,d) = (b & c) | (~b & d), order 0..15, shifts 3 7 11 19
        for i in range(16):
            f = (b & c) | (~b & d)
            a, b, c, d = d, _rol(a + f + x[i], (3, 7, 11, 19)[i % 4]), b, c
        # round 2: G = majority, order 0 4 8 12 1 5 ..., + 0x5A827999, shifts 3 5 9 13
        for i in range(16):
            k = (i % 4) * 4 + i // 4
            g = (b & c) | (b & d) | (c & d)
            a, b, c, d = d, _rol(a + g + x[k] + 0x5A827999, (3, 5, 9, 13)[i % 4]), b, c
        # round 3: H = xor, order 0 8 4 12 2 10 6 14 1 9 5 13 3 11 7 15, + 0x6ED9EBA1, shifts 3 9 11 15
        order = (0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15)
        for i in range(16):
            hh = b ^ c ^ d
            a, b, c, d = d, _rol(a + hh + x[order[i]] + 0x6ED9EBA1, (3, 9, 11, 15)[i % 4]), b, c
        h = [(v + w) & 0xFFFFFFFF for v, w in zip(h, (a, b, c, d))]
    return struct.pack("<4I", *h)


# ------------------------------------------------------------------ RC4


def rc4_init(key: bytes):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xFF
        s[i], s[j] = s[j], s[i]
    return [s, 0, 0]


def rc4_crypt(state, data: bytes) -> bytes:
    s, i, j = state
    out = bytearray(len(data))
    for n, byte in enumerate(data):
        i = (i + 1) & 0xFF
        j = (j + s[i]) & 0xFF
        s[i], s[j] = s[j], s[i]
        out[n] = byte ^ s[(s[i] + s[j]) & 0xFF]
    state[1], state[2] = i, j
    return bytes(out)


# ------------------------------------------------------------------ RFC 2759 / 3079

PAD1 = b"\x00" * 40
PAD2 = b"\xf2" * 40
MAGIC_MASTER = b"This is the MPPE Master Key"
MAGIC_CLIENT_SEND = b"On the client side, this is the send key; on the server side, it is the receive key."
MAGIC_SERVER_SEND = b"On the client side, this is the receive key; on the server side, it is the send key."
MAGIC_AUTH1 = b"Magic server to client signing constant"
MAGIC_AUTH2 = b"Pad to make it do more than one iteration"


def sha1(*parts: bytes) -> bytes:
    h = hashlib.sha1()
    for p in parts:
        h.update(p)
    return h.digest()


def authenticator_response(password: str, nt_response: bytes, peer_challenge: bytes, auth_challenge: bytes, user: str) -> str:
    hash_hash = md4(md4(password.encode("utf-16-le")))
    digest = sha1(hash_hash, nt_response, MAGIC_AUTH1)
    challenge_hash = sha1(peer_challenge, auth_challenge, user.encode())[:8]
    return "S=" + sha1(digest, challenge_hash, MAGIC_AUTH2).hex().upper()


def v1_start_key(password: str, challenge: bytes) -> bytes:
    """MS-CHAPv1 128-bit keys (RFC 3079 3.2 GetStartKey, both directions): SHA1(H(H(pw)) twice, challenge)."""
    hash_hash = md4(md4(password.encode("utf-16-le")))
    return sha1(hash_hash, hash_hash, challenge)[:16]


def start_key(password: str, nt_response: bytes, magic: bytes, length: int) -> bytes:
    master = sha1(md4(md4(password.encode("utf-16-le"))), nt_response, MAGIC_MASTER)[:16]
    return sha1(master, PAD1, magic, PAD2)[:length]


class MppeKeys:
    """One direction's session key (RFC 3078 7.3; initial key as Linux ppp_mppe: no RC4 step)."""

    def __init__(self, start: bytes, bits: int):
        self.start = start
        self.bits = bits
        self.session = self._salt(sha1(start, PAD1, start, PAD2)[:len(start)])

    def _salt(self, key: bytes) -> bytes:
        if self.bits == 40:
            return b"\xd1\x26\x9e" + key[3:]
        if self.bits == 56:
            return b"\xd1" + key[1:]
        return key

    def rekey(self):
        interim = sha1(self.start, PAD1, self.session, PAD2)[:len(self.start)]
        self.session = self._salt(rc4_crypt(rc4_init(interim), interim))


# ------------------------------------------------------------------ pcap walking


def ip_checksum(b: bytes) -> int:
    if len(b) % 2:
        b += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s > 0xFFFF:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ppp_frames(path):
    """(src, dst, protocol, info) for every PPP frame in enhanced GRE in an Ethernet pcap."""
    raw = open(path, "rb").read()
    if len(raw) < 24:
        return
    magic = raw[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        return
    if struct.unpack(endian + "I", raw[20:24])[0] != 1:
        return
    off = 24
    while off + 16 <= len(raw):
        incl = struct.unpack(endian + "I", raw[off + 8:off + 12])[0]
        frame = raw[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) < 34 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        if ip[0] >> 4 != 4 or ihl < 20 or total > len(ip) or ip[9] != 47:
            continue
        src = ".".join(str(x) for x in ip[12:16])
        dst = ".".join(str(x) for x in ip[16:20])
        gre = ip[ihl:total]
        # GRE (RFC 2637 4.1): flags(2) protocol(2)=880B payload-len(2) call-id(2) [seq(4)] [ack(4)]
        if len(gre) < 8 or struct.unpack("!H", gre[2:4])[0] != 0x880B:
            continue
        flags = struct.unpack("!H", gre[0:2])[0]
        plen = struct.unpack("!H", gre[4:6])[0]
        p = 8 + (4 if flags & 0x1000 else 0) + (4 if flags & 0x0080 else 0)
        ppp = gre[p:p + plen]
        if plen == 0 or len(ppp) < plen:
            continue
        if ppp[:2] == b"\xff\x03":
            ppp = ppp[2:]
        if not ppp:
            continue
        if ppp[0] & 1:
            yield src, dst, ppp[0], ppp[1:]
        elif len(ppp) >= 2:
            yield src, dst, struct.unpack("!H", ppp[:2])[0], ppp[2:]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, password = sys.argv[1], sys.argv[2]
    frames = list(ppp_frames(path))
    res = {"user": None, "authResponseOk": None, "keyBits": None, "stateless": None, "client": None, "server": None}
    challenge = response = success = None
    mppe_value = None
    for src, dst, proto, info in frames:
        if proto == 0xC223 and len(info) >= 4:
            code = info[0]
            body = info[4:struct.unpack("!H", info[2:4])[0]]
            # Challenge: value-size(1) value name; 16 octets for MS-CHAPv2, 8 for v1
            if code == 1 and len(body) >= 1 and body[0] in (8, 16) and len(body) >= 1 + body[0]:
                challenge = body[1:1 + body[0]]
                res["server"] = src
            # Response: value-size(1)=49, then v2: peer-challenge(16) reserved(8) NT(24) flags(1);
            # v1: LM(24) NT(24) use-NT flag(1); then the name
            elif code == 2 and len(body) >= 50 and body[0] == 49:
                response = (body[1:17], body[25:49], body[50:].decode("latin-1"))
                res["client"] = src
            elif code == 3:
                success = body.decode("latin-1")
        elif proto == 0x80FD and len(info) >= 4 and info[0] == 2:
            # CCP Configure-Ack: options type(1) len(1) value; MPPE = 18, 4-octet value
            opts = info[4:struct.unpack("!H", info[2:4])[0]]
            i = 0
            while i + 2 <= len(opts) and opts[i + 1] >= 2:
                if opts[i] == 18 and opts[i + 1] == 6:
                    mppe_value = struct.unpack("!I", opts[i + 2:i + 6])[0]
                i += opts[i + 1]
    if challenge is None or response is None:
        res["error"] = "no MS-CHAP challenge/response in the capture"
        print(json.dumps(res))
        return 0
    v2 = len(challenge) == 16
    res["auth"] = "mschap-v2" if v2 else "mschap"
    peer_challenge, nt_response, name = response
    user = name.split("\\")[-1]
    res["user"] = name
    if v2 and success is not None:
        expect = authenticator_response(password, nt_response, peer_challenge, challenge, user)
        res["authResponseOk"] = success.startswith(expect)
    if mppe_value is None:
        res["error"] = "no CCP Configure-Ack with the MPPE option"
        print(json.dumps(res))
        return 0
    bits = 128 if mppe_value & 0x40 else 56 if mppe_value & 0x80 else 40 if mppe_value & 0x20 else 0
    res["keyBits"] = bits
    res["stateless"] = bool(mppe_value & 0x01000000)
    length = 16 if bits == 128 else 8
    if v2:
        keys = {
            "c2s": MppeKeys(start_key(password, nt_response, MAGIC_CLIENT_SEND, length), bits),
            "s2c": MppeKeys(start_key(password, nt_response, MAGIC_SERVER_SEND, length), bits),
        }
    elif bits == 128:
        keys = {"c2s": MppeKeys(v1_start_key(password, challenge), 128), "s2c": MppeKeys(v1_start_key(password, challenge), 128)}
    else:
        res["error"] = "MS-CHAPv1 40/56-bit keys come from the LM hash: not checked here"
        print(json.dumps(res))
        return 0
    ccount = {"c2s": 0xFFF, "s2c": 0xFFF}
    stream = {"c2s": None, "s2c": None}
    for d in ("c2s", "s2c"):
        res[d] = {"frames": 0, "ipv4": 0, "bad": [], "icmp": []}
    for src, dst, proto, info in frames:
        if proto != 0x00FD or bits == 0:
            continue
        d = "c2s" if src == res["client"] else "s2c"
        r = res[d]
        r["frames"] += 1
        if len(info) < 3:
            r["bad"].append("short")
            continue
        # MPPE header (RFC 3078 3): A B C D flag bits, 12-bit coherency count
        hdr = struct.unpack("!H", info[:2])[0]
        flushed, encrypted, count = hdr & 0x8000, hdr & 0x1000, hdr & 0x0FFF
        if not encrypted:
            r["bad"].append("not encrypted (count %d)" % count)
            continue
        k = keys[d]
        steps = (count - ccount[d]) % 4096
        if res["stateless"]:
            if steps == 0:
                r["bad"].append("repeated count %d" % count)
                continue
            for _ in range(steps):
                k.rekey()
            state = rc4_init(k.session)
        else:
            # stateful: the key changes at every "flag" count (low byte 0xFF) passed
            for n in range(1, steps + 1):
                if (ccount[d] + n) % 256 == 0xFF:
                    k.rekey()
            if flushed or stream[d] is None:
                stream[d] = rc4_init(k.session)
            state = stream[d]
        ccount[d] = count
        plain = rc4_crypt(state, info[2:])
        # PPP protocol, 2 octets or 1 with PFC; 0x0021 = IPv4
        if plain[:2] == b"\x00\x21":
            dgram = plain[2:]
        elif plain[:1] == b"\x21":
            dgram = plain[1:]
        else:
            r["bad"].append("count %d: protocol %s" % (count, plain[:2].hex()))
            continue
        if len(dgram) < 20 or dgram[0] >> 4 != 4:
            r["bad"].append("count %d: not IPv4" % count)
            continue
        ihl = (dgram[0] & 0x0F) * 4
        if ihl < 20 or len(dgram) < ihl or struct.unpack("!H", dgram[2:4])[0] != len(dgram):
            r["bad"].append("count %d: bad length" % count)
            continue
        if ip_checksum(dgram[:ihl]) != 0:
            r["bad"].append("count %d: bad header checksum" % count)
            continue
        r["ipv4"] += 1
        if dgram[9] == 1 and len(dgram) > ihl:
            r["icmp"].append([dgram[ihl], ".".join(str(x) for x in dgram[12:16]), ".".join(str(x) for x in dgram[16:20])])
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "selftest":
        # RFC 1320 A.5 and RFC 2759 9.2 / RFC 3079 3.5.3 vectors
        assert md4(b"abc").hex() == "a448017aaf21d8525fc10ae87aa6729d"
        pw = "clientPass"
        ntr = bytes.fromhex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF")
        ac = bytes.fromhex("5B5D7C7D7B3F2F3E3C2C602132262628")
        pc = bytes.fromhex("21402324255E262A28295F2B3A337C7E")
        assert authenticator_response(pw, ntr, pc, ac, "User") == "S=407A5589115FD0D6209F510FE9C04566932CDA56"
        assert start_key(pw, ntr, MAGIC_SERVER_SEND, 16).hex() == "8b7cdc149b993a1ba118cb153f56dccb"
        assert MppeKeys(start_key(pw, ntr, MAGIC_SERVER_SEND, 16), 128).session.hex() == "405cb2247a7956e6e211007ae27b22d4"
        print("selftest ok")
        sys.exit(0)
    sys.exit(main())
