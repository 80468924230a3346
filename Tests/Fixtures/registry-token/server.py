#!/usr/bin/env python3
"""A token server for Debian's docker-registry (the CNCF distribution registry) in the tests.

It implements the distribution project's token authentication (docs/spec/auth/token.md and
jwt.md of distribution/distribution): `GET /token?service=S&scope=repository:NAME:ACTIONS` with
HTTP Basic credentials answers `{"token": JWT, "access_token": JWT, "expires_in": …, "issued_at": …}`.
The JWT is RS256-signed with a key generated at start (openssl, no Python packages needed); its
header carries the certificate (`x5c`) that the registry's `auth.token.rootcertbundle` trusts.
Claims: iss, sub, aud (the service), exp, nbf, iat, jti, access [{type, name, actions}].

Wrong credentials answer 401 with a JSON error; a request without credentials too. Every request
is counted: `GET /requests` returns {"token_requests": N, "refused": M, "hosts": [...]}.

Usage: server.py --user U --password P --service S --issuer I --dir TMP
Prints `port=N cert=PATH` on the first line, then serves on 127.0.0.1 until stdin closes.
"""
import argparse
import base64
import datetime
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--service", required=True)
    p.add_argument("--issuer", required=True)
    p.add_argument("--dir", required=True)
    args = p.parse_args()

    key = os.path.join(args.dir, "token-key.pem")
    cert = os.path.join(args.dir, "token-cert.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "2", "-subj", "/CN=shipdeck-test-token-issuer"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"], check=True,
                         stdout=subprocess.PIPE).stdout
    x5c = base64.b64encode(der).decode()
    counts = {"token_requests": 0, "refused": 0, "scopes": []}
    lock = threading.Lock()

    def sign(payload):
        return subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=payload, check=True,
                              stdout=subprocess.PIPE).stdout

    def token(scopes, subject):
        now = int(time.time())
        access = []
        for scope in scopes:
            parts = scope.split(":")
            if len(parts) == 3 and parts[0] == "repository":
                access.append({"type": "repository", "name": parts[1], "actions": parts[2].split(",")})
        header = {"typ": "JWT", "alg": "RS256", "x5c": [x5c]}
        claims = {"iss": args.issuer, "sub": subject, "aud": args.service, "exp": now + 300, "nbf": now - 10,
                  "iat": now, "jti": uuid.uuid4().hex, "access": access}
        signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                         b64url(json.dumps(claims, separators=(",", ":")).encode()))
        return signing_input + "." + b64url(sign(signing_input.encode()))

    expected = "Basic " + base64.b64encode(("%s:%s" % (args.user, args.password)).encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *a):
            sys.stderr.write("token-server: " + (fmt % a) + "\n")

        def reply(self, status, body, headers=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/requests":
                with lock:
                    return self.reply(200, counts)
            if url.path != "/token":
                return self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": "no such endpoint"}]})
            query = parse_qs(url.query)
            with lock:
                counts["token_requests"] += 1
                counts["scopes"] += query.get("scope", [])
            if query.get("service") != [args.service]:
                return self.reply(400, {"errors": [{"code": "DENIED", "message": "unknown service"}]})
            if self.headers.get("Authorization") != expected:
                with lock:
                    counts["refused"] += 1
                return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "invalid username or password"}]},
                                  [("WWW-Authenticate", 'Basic realm="shipdeck-test-token"')])
            t = token(query.get("scope", []), args.user)
            issued = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            self.reply(200, {"token": t, "access_token": t, "expires_in": 300, "issued_at": issued})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("port=%d cert=%s" % (server.server_address[1], cert), flush=True)
    try:
        sys.stdin.read()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
