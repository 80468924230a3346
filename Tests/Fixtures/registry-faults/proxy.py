#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 in front of a registry that injects two faults, once each:

- the first request that starts `POST /v2/` (a blob upload session) is answered
  `503 Service Unavailable` (with an OCI error body) and the connection closed, without reaching
  the registry;
- the first `PATCH /v2/` (a chunk) is cut: after `--cut-after` more bytes the connection is reset
  (SO_LINGER 0), mid-body.

Everything else is passed through unchanged. What was injected is written to `--state FILE` as
JSON ({"post_503": 0|1, "patch_reset": 0|1, "connections": N}) as it happens.

Usage: faulty_proxy.py --upstream PORT --state FILE [--cut-after N]
Prints `port=N` on the first line; serves until stdin closes.
"""
import argparse
import json
import socket
import struct
import sys
import threading


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", type=int, required=True)
    p.add_argument("--state", required=True)
    p.add_argument("--cut-after", type=int, default=65536)
    args = p.parse_args()
    lock = threading.Lock()
    state = {"post_503": 0, "patch_reset": 0, "connections": 0}

    def save():
        with open(args.state, "w") as f:
            json.dump(state, f)

    save()

    def take(fault):
        with lock:
            if state[fault] == 0:
                state[fault] = 1
                save()
                return True
            return False

    def reset(sock):
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        except OSError:
            pass

    def pipe_back(upstream, client):
        try:
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                client.sendall(data)
        except OSError:
            pass
        finally:
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def serve(client):
        with lock:
            state["connections"] += 1
            save()
        upstream = socket.create_connection(("127.0.0.1", args.upstream))
        threading.Thread(target=pipe_back, args=(upstream, client), daemon=True).start()
        cutting = None
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                if cutting is None and data.startswith(b"POST /v2/") and take("post_503"):
                    body = b'{"errors":[{"code":"UNAVAILABLE","message":"injected: the registry is restarting"}]}'
                    client.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                                   b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
                    reset(upstream)
                    client.close()
                    return
                if cutting is None and data.startswith(b"PATCH /v2/") and take("patch_reset"):
                    cutting = args.cut_after
                if cutting is not None:
                    if len(data) >= cutting:
                        upstream.sendall(data[:cutting])
                        reset(client)
                        reset(upstream)
                        return
                    cutting -= len(data)
                upstream.sendall(data)
        except OSError:
            pass
        finally:
            try:
                upstream.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def accept():
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(client,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    print("port=%d" % listener.getsockname()[1], flush=True)
    sys.stdin.read()
    listener.close()


if __name__ == "__main__":
    main()
