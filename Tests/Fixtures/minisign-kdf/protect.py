"""Puts a password on an unencrypted minisign secret key (`minisign -G -W`), with cheap scrypt limits.

`minisign -G` encrypts with libsodium's "sensitive" limits (opslimit 2^25, memlimit 2^30, which
is scrypt with N=2^20, r=8, p=1), so every `minisign -S` with such a key costs about 3 s of CPU
and 1 GiB of memory; the test suite signs a dozen times. minisign reads the limits back from the
key file when it decrypts, so a key encrypted here with opslimit 2^19 and memlimit 2^24
(N=2^14: 16 MiB, milliseconds) is a real password-protected key that the real minisign decrypts,
checks and refuses on a wrong password exactly as it does the others: test keys with a cheap
KDF, as ssh-keygen's own tests use few bcrypt rounds.

The layout (minisign.c, SeckeyStruct): sig_alg "Ed", kdf_alg ("Sc", or 0 when unencrypted),
chk_alg "B2", a 32-byte salt, opslimit and memlimit (little-endian u64), then key id (8), secret
key (64) and checksum (32), the last three XORed with the scrypt stream. The checksum is BLAKE2b-256
of sig_alg, key id and secret key; minisign -G -W leaves it zero.

Usage: protect.py KEYFILE  (the password on stdin; the file is rewritten in place)
"""
import base64
import hashlib
import os
import sys

OPSLIMIT, MEMLIMIT = 1 << 19, 1 << 24


def scrypt_params(opslimit, memlimit):
    """libsodium's pickparams for crypto_pwhash_scryptsalsa208sha256: (N, r, p)."""
    opslimit = max(opslimit, 32768)
    r = 8
    by_time = opslimit < memlimit // 32
    max_n = opslimit // (r * 4) if by_time else memlimit // (r * 128)
    n_log2 = 1
    while n_log2 < 63 and (1 << n_log2) <= max_n // 2:
        n_log2 += 1
    p = 1 if by_time else min((opslimit // 4) >> n_log2, 0x3FFFFFFF) // r
    return 1 << n_log2, r, p


def main():
    path = sys.argv[1]
    password = sys.stdin.readline().rstrip("\n").encode()
    lines = open(path).read().splitlines()
    key = bytearray(base64.b64decode(lines[1]))
    if len(key) != 158 or key[0:2] != b"Ed" or key[2:4] != b"\0\0":
        sys.exit(f"{path}: not an unencrypted minisign secret key (make it with minisign -G -W)")
    key_id, secret = bytes(key[54:62]), bytes(key[62:126])
    checksum = hashlib.blake2b(bytes(key[0:2]) + key_id + secret, digest_size=32).digest()
    salt = os.urandom(32)
    n, r, p = scrypt_params(OPSLIMIT, MEMLIMIT)
    stream = hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * r * (n + p), dklen=104)
    key[2:4] = b"Sc"
    key[6:38] = salt
    key[38:46], key[46:54] = OPSLIMIT.to_bytes(8, "little"), MEMLIMIT.to_bytes(8, "little")
    key[54:] = bytes(a ^ b for a, b in zip(key_id + secret + checksum, stream))
    with open(path, "w") as out:
        out.write(f"{lines[0]}\n{base64.b64encode(bytes(key)).decode()}\n")


main()
