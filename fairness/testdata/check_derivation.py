#!/usr/bin/env python3
"""Independent re-implementation of fairdeal deck derivation, written from
docs/fairness-protocol.md alone (Python stdlib + the `cryptography` package's
RFC 8439 ChaCha20). It recomputes every derivation vector in derivation.json.

    python3 fairness/testdata/check_derivation.py
"""
import hashlib, hmac, json, os, struct, sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

def lp(b): return struct.pack(">I", len(b)) + b
def u64(n): return struct.pack(">Q", n)

def words(key, count):
    # ChaCha20, 20 rounds, block counter 0, nonce 0: the 16-byte "nonce" argument
    # of `cryptography` is counter (4 bytes LE) || nonce (12 bytes).
    enc = Cipher(algorithms.ChaCha20(key, bytes(16)), mode=None).encryptor()
    stream = enc.update(bytes(4 * count))
    return list(struct.unpack("<%dI" % count, stream))

def shuffle(key, n):
    stream = iter(words(key, 4 * n))   # far more words than rejections will need
    cards = [c for c in range(52) if c // 4 >= (13 - n // 4)]  # index order; short deck = ranks 6..A
    swaps = []
    for i in range(n - 1, 0, -1):
        bound = i + 1
        zone = 2**32 - (2**32 % bound)
        while True:
            x = next(stream)
            if x < zone:
                j = x % bound
                break
        cards[i], cards[j] = cards[j], cards[i]
        swaps.append([i, j])
    return cards, swaps

RANKS, SUITS = "23456789TJQKA", "cdhs"
def name(c): return RANKS[c // 4] + SUITS[c % 4]

data = json.load(open(os.path.join(os.path.dirname(__file__), "derivation.json")))
for case in data["cases"]:
    t, h = case["table_id"], case["hand_no"]
    s = bytes.fromhex(case["server_seed"])
    c_s = hashlib.sha256(lp(b"fairdeal/v1/server-commit") + u64(t) + u64(h) + s).digest()
    assert c_s.hex() == case["server_commitment"], case["name"]
    msg = lp(b"fairdeal/v1/deck-key") + struct.pack(">H", 1) + u64(t) + u64(h) + c_s
    seeds = case["client_seeds"]
    msg += struct.pack(">I", len(seeds))
    for entry in seeds:
        seed = bytes.fromhex(entry["seed"])
        commit = hashlib.sha256(lp(b"fairdeal/v1/client-commit") + u64(t) + u64(h)
                                + bytes([entry["seat"]]) + c_s + seed).hexdigest()
        assert commit in [c["commitment"] for c in case["client_commitments"]], case["name"]
        msg += bytes([entry["seat"]]) + lp(seed)
    assert msg.hex() == case["deck_key_message"], case["name"]
    key = hmac.new(s, msg, hashlib.sha256).digest()
    assert key.hex() == case["deck_key"], case["name"]
    assert words(key, 64) == case["keystream_words_u32"], case["name"]
    n = 52 if case["deck_kind"] == "standard" else 36
    cards, swaps = shuffle(key, n)
    assert swaps == case["swaps_i_j"], case["name"]
    assert cards == case["deck_indices"], case["name"]
    assert "".join(map(name, cards)) == case["deck"], case["name"]
    print("ok:", case["name"])
print("all", len(data["cases"]), "derivation vectors reproduced")
