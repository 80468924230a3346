#!/usr/bin/env python3
"""A local stand-in for GitHub's release endpoints, for Shipdeck's tests (loopback only).

It implements create/get/update/delete release, list/upload/get/delete release assets as
releases-api.json (a subset of github/rest-api-description, see its x-origin) describes them,
validates every request against that description (path and query parameters, JSON bodies with
openapi-schema-validator, the headers GitHub requires) and answers an invalid one with 400 and a
record in /__control/state "violations" — a test fails on any. Uploads go to a second port (the
`upload_url` of each release), as GitHub's go to uploads.github.com. Downloads (GET an asset with
`Accept: application/octet-stream`) are redirected with 302 to a third port, standing for GitHub's
object storage: a signed URL that needs no token, and records a violation if it is sent one
(`--direct-download`: the API streams the bytes itself with 200, as the description also allows).

Faults (POST /__control/faults, a JSON list, consumed in order of match):
  {"method": "POST", "path": "/assets", "times": 1, "status": 502, "body": {...}, "headers": {...}}
  {"method": "POST", "path": "/assets", "times": 1, "reset_after": 1000}   # RST after reading N body bytes
  {"method": "POST", "path": "/assets", "times": 1, "lost_answer": true}  # store the asset, then RST
  {"method": "GET", "path": "/releases", "times": 1, "delay": 3}           # answer after 3 s
  {"throttle": 200000}                                                     # uploads read at N bytes/s
  {"method": "GET", "path": "/objects/", "times": 1, "status": 503}         # the object store fails once
Control: GET /__control/state; POST /__control/release (seed a release), /__control/asset (seed an
uploaded asset: {"release_id": N, "name": "...", "data": "text"}).
Prints "api=PORT uploads=PORT downloads=PORT" on its first line once the ports listen.
"""
import argparse
import hashlib
import json
import re
import socket
import struct
import sys
import signal
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# jsonschema imports rfc3987_syntax, when installed, for the "iri" format, and that import builds a
# grammar parser: 3 s of CPU at every start. The validators here check no formats (no
# format_checker is given) and OpenAPI 3.0 has no "iri", so the import would only cost time.
sys.modules.setdefault("rfc3987_syntax", None)
from openapi_schema_validator import OAS30Validator  # noqa: E402

LOCK = threading.RLock()  # re-entrant: handlers answer (send_json logs under LOCK) while holding it
STATE = {"releases": [], "assets": {}, "log": [], "violations": [], "next_id": 1, "faults": [], "throttle": 0,
         "upload_bytes": 0, "uploading": 0}
DOCS = "https://docs.github.com/rest"


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def signature(asset):
    """The query a download URL is signed with (standing for GitHub's short-lived object-store URLs)."""
    return hashlib.sha256(("%d:%s" % (asset["id"], ARGS.token)).encode()).hexdigest()[:20]


class Spec:
    def __init__(self, path):
        self.doc = json.load(open(path))
        self.operations = []
        for template, item in self.doc["paths"].items():
            names = re.findall(r"{([^}]+)}", template)
            pattern = "^" + re.sub(r"{([^}]+)}", lambda m: "(?P<%s>%s)" % (
                m.group(1), ".+" if m.group(1) == "tag" else "[^/]+"), template) + "$"
            for method, operation in item.items():
                self.operations.append((method.upper(), re.compile(pattern), template, operation, names))

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            target = self.doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def match(self, method, path):
        found_path = False
        for op_method, pattern, template, operation, _ in self.operations:
            m = pattern.match(path)
            if m:
                found_path = True
                if op_method == method:
                    return template, operation, {k: urllib.parse.unquote(v) for k, v in m.groupdict().items()}
        return (None, "method" if found_path else "path", None)

    def validator(self, schema):
        return OAS30Validator({**schema, "components": self.doc["components"]} if isinstance(schema, dict) else schema)


def check_value(spec, param, raw):
    """Converts a path/query value to the parameter's schema type and validates it."""
    schema = spec.resolve(param.get("schema", {}))
    value = raw
    if schema.get("type") == "integer":
        if not re.fullmatch(r"-?[0-9]+", raw):
            return "parameter %s=%r is not an integer" % (param["name"], raw)
        value = int(raw)
    elif schema.get("type") == "boolean":
        if raw not in ("true", "false"):
            return "parameter %s=%r is not a boolean" % (param["name"], raw)
        value = raw == "true"
    errors = sorted(spec.validator(schema).iter_errors(value), key=str)
    return "parameter %s: %s" % (param["name"], errors[0].message) if errors else None


def strict_properties(spec, schema, body, where="body"):
    """Flags JSON members the schema does not name (the description would ignore them; a typo is a bug)."""
    schema = spec.resolve(schema)
    if not isinstance(body, dict) or "properties" not in schema:
        return []
    return ["%s has a member %r the description does not define" % (where, k) for k in body if k not in schema["properties"]]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GitHubStandIn/1"

    def log_message(self, *args):
        pass

    # -- plumbing -------------------------------------------------------------------------------
    def send_json(self, status, payload, headers=None):
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-GitHub-Api-Version-Selected", "2022-11-28")
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.write(data)
        if self.path.startswith("/__control/"):
            return
        self.record(status)

    def record(self, status, **extra):
        with LOCK:
            STATE["log"].append(dict({"method": self.command, "path": self.path.split("?")[0], "query": self.query_text,
                                      "status": status, "port": self.server.role}, **extra))

    def error(self, status, message, errors=None):
        body = {"message": message, "documentation_url": DOCS, "status": str(status)}
        if errors:
            body["errors"] = errors
        self.send_json(status, body)

    def violation(self, message):
        with LOCK:
            STATE["violations"].append("%s %s: %s" % (self.command, self.path, message))
        self.close_connection = True
        self.discard_body()
        self.error(400, "request does not match the description: " + message)

    def discard_body(self):
        if getattr(self, "body_read", False):
            return
        self.body_read = True
        length = int(self.headers.get("Content-Length") or 0)
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                break
            length -= len(chunk)

    def base(self, role):
        return "http://127.0.0.1:%d" % PORTS[role]

    # -- dispatch -------------------------------------------------------------------------------
    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PATCH(self):
        self.handle_any()

    def do_DELETE(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def handle_any(self):
        self.body_read = False
        self.json_body = None
        parsed = urllib.parse.urlsplit(self.path)
        self.query_text = parsed.query
        path = parsed.path
        if path.startswith("/__control/"):
            return self.control(path)
        fault = self.take_fault(path)
        if self.server.role == "downloads":
            return self.serve_object(path, fault)
        if fault and fault.get("delay"):
            time.sleep(fault["delay"])
        if fault and "status" in fault:
            self.discard_body()
            return self.send_json(fault["status"], fault.get("body", {"message": "injected", "documentation_url": DOCS}),
                                  fault.get("headers"))
        template, operation, params = SPEC.match(self.command, path)
        if template is None:
            if operation == "method":
                return self.violation("the description has no %s operation for this path" % self.command)
            return self.violation("no path of the description matches")
        upload = operation["operationId"] == "repos/upload-release-asset"
        if upload != (self.server.role == "uploads"):
            return self.violation("%s must go to the %s server" % (operation["operationId"],
                                                                  "uploads" if upload else "api"))
        problems = self.validate(operation, params, parsed.query)
        if problems:
            return self.violation("; ".join(problems))
        token = self.headers.get("Authorization", "")
        if token not in ("Bearer " + ARGS.token, "token " + ARGS.token):
            self.discard_body()
            return self.error(401, "Bad credentials")
        if "%s/%s" % (params["owner"], params["repo"]) not in ARGS.repo:
            self.discard_body()
            return self.error(404, "Not Found")
        query = dict(urllib.parse.parse_qsl(parsed.query))
        getattr(self, "op_" + operation["operationId"].split("/")[1].replace("-", "_"))(params, query, fault)

    def validate(self, operation, params, query_text):
        problems = []
        for header in ("User-Agent",):
            if not self.headers.get(header):
                problems.append("no %s header (GitHub rejects such requests)" % header)
        accept = self.headers.get("Accept", "")
        download = operation["operationId"] == "repos/get-release-asset" and accept == "application/octet-stream"
        if "application/vnd.github+json" not in accept and "application/json" not in accept and not download:
            problems.append("Accept is %r, not application/vnd.github+json" % accept)
        version = self.headers.get("X-GitHub-Api-Version")
        if version not in (None, "2022-11-28", "2026-03-10"):
            problems.append("X-GitHub-Api-Version %r is not a version GitHub serves" % version)
        declared = [SPEC.resolve(p) for p in operation.get("parameters", [])]
        query = urllib.parse.parse_qs(query_text, keep_blank_values=True)
        for param in declared:
            if param["in"] == "path":
                problem = check_value(SPEC, param, params.get(param["name"], ""))
                if problem:
                    problems.append(problem)
            elif param["in"] == "query":
                values = query.get(param["name"])
                if values is None:
                    if param.get("required"):
                        problems.append("required query parameter %s is missing" % param["name"])
                    continue
                if len(values) > 1:
                    problems.append("query parameter %s given %d times" % (param["name"], len(values)))
                problem = check_value(SPEC, param, values[0])
                if problem:
                    problems.append(problem)
        names = {p["name"] for p in declared if p["in"] == "query"}
        for name in query:
            if name not in names:
                problems.append("query parameter %r is not in the description" % name)
        body = operation.get("requestBody")
        length = self.headers.get("Content-Length")
        chunked = "chunked" in (self.headers.get("Transfer-Encoding") or "")
        has_body = chunked or (length is not None and int(length) > 0)
        if body is None:
            if has_body:
                problems.append("a body where the description defines none")
            return problems
        if body.get("required") and not has_body:
            problems.append("the description requires a body")
        if "application/octet-stream" in body["content"]:
            ctype = self.headers.get("Content-Type", "")
            if not re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+(;.*)?", ctype.lower()):
                problems.append("upload Content-Type %r is not a media type" % ctype)
            if length is None:
                problems.append("upload without Content-Length (GitHub requires it)")
            return problems
        self.json_body = None
        if has_body:
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if ctype not in body["content"]:
                problems.append("Content-Type %r, the description accepts %s" % (ctype, list(body["content"])))
                return problems
            raw = self.rfile.read(int(length or 0))
            self.body_read = True
            try:
                self.json_body = json.loads(raw)
            except ValueError as e:
                problems.append("body is not JSON: %s" % e)
                return problems
            schema = body["content"][ctype]["schema"]
            for error in sorted(SPEC.validator(schema).iter_errors(self.json_body), key=str):
                problems.append("body: %s" % error.message)
            problems += strict_properties(SPEC, schema, self.json_body)
        return problems

    def take_fault(self, path):
        with LOCK:
            for fault in STATE["faults"]:
                if fault.get("times", 1) <= 0:
                    continue
                if fault.get("method", self.command) != self.command or fault.get("path", "") not in path:
                    continue
                if fault.get("name") and fault["name"] not in self.path:
                    continue
                fault["times"] = fault.get("times", 1) - 1
                return fault
        return None

    # -- control --------------------------------------------------------------------------------
    def control(self, path):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if path == "/__control/state":
            with LOCK:
                assets = [{k: v for k, v in a.items() if k != "data"} for a in STATE["assets"].values()]
                payload = {"releases": STATE["releases"], "assets": assets, "log": STATE["log"],
                           "violations": STATE["violations"], "upload_bytes": STATE["upload_bytes"],
                           "uploading": STATE["uploading"]}
            return self.send_json(200, payload)
        if path == "/__control/faults":
            with LOCK:
                for fault in json.loads(raw or b"[]"):
                    if "throttle" in fault:
                        STATE["throttle"] = fault["throttle"]
                    else:
                        STATE["faults"].append(fault)
            return self.send_json(200, {"ok": True})
        if path == "/__control/asset":  # seed an uploaded asset: {"release_id", "name", "data" (text)}
            body = json.loads(raw)
            data = body["data"].encode()
            with LOCK:
                r = next(r for r in STATE["releases"] if r["id"] == body["release_id"])
                aid = STATE["next_id"]
                STATE["next_id"] += 1
                STATE["assets"][aid] = {
                    "id": aid, "repo": r["repo"], "tag": r["tag_name"], "release_id": r["id"], "name": body["name"],
                    "label": None, "state": "uploaded", "content_type": "application/octet-stream",
                    "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "created_at": now(), "data": data}
            return self.send_json(201, {"id": aid})
        if path == "/__control/release":  # seed a release (a test's precondition)
            with LOCK:
                body = json.loads(raw)
                release = self.new_release(body, body.get("repo", "owner/repo"))
            return self.send_json(201, self.release_json(release))
        self.send_json(404, {"message": "unknown control path"})

    # -- model ----------------------------------------------------------------------------------
    def new_release(self, body, repo):
        rid = STATE["next_id"]
        STATE["next_id"] += 1
        release = {"id": rid, "repo": repo, "tag_name": body["tag_name"], "name": body.get("name", body["tag_name"]),
                   "body": body.get("body"), "draft": body.get("draft", False),
                   "prerelease": body.get("prerelease", False), "target_commitish": body.get("target_commitish", "main"),
                   "created_at": now(), "published_at": None if body.get("draft") else now()}
        STATE["releases"].append(release)
        return release

    def release_json(self, r):
        api = self.base("api") + "/repos/%s/releases/%d" % (r["repo"], r["id"])
        assets = [self.asset_json(a) for a in STATE["assets"].values() if a["release_id"] == r["id"]]
        return {"url": api, "html_url": "https://github.example/%s/releases/tag/%s" % (r["repo"], r["tag_name"]),
                "assets_url": api + "/assets",
                "upload_url": self.base("uploads") + "/repos/%s/releases/%d/assets{?name,label}" % (r["repo"], r["id"]),
                "tarball_url": None, "zipball_url": None, "id": r["id"], "node_id": "RE_%d" % r["id"],
                "tag_name": r["tag_name"], "target_commitish": r["target_commitish"], "name": r["name"],
                "body": r["body"], "draft": r["draft"], "prerelease": r["prerelease"], "created_at": r["created_at"],
                "published_at": r["published_at"], "author": {"login": "shipdeck-test", "id": 1}, "assets": assets}

    def asset_json(self, a):
        return {"url": self.base("api") + "/repos/%s/releases/assets/%d" % (a["repo"], a["id"]),
                "browser_download_url": "https://github.example/%s/releases/download/%s/%s" % (
                    a["repo"], a["tag"], a["name"]),
                "id": a["id"], "node_id": "RA_%d" % a["id"], "name": a["name"], "label": a["label"],
                "state": a["state"], "content_type": a["content_type"], "size": a["size"],
                "digest": ("sha256:" + a["sha256"]) if a["state"] == "uploaded" and not ARGS.no_digest else None,
                "download_count": 0, "created_at": a["created_at"], "updated_at": a["created_at"],
                "uploader": {"login": "shipdeck-test", "id": 1}}

    def find_release(self, params):
        for r in STATE["releases"]:
            if r["id"] == int(params["release_id"]) and r["repo"] == "%s/%s" % (params["owner"], params["repo"]):
                return r
        return None

    def page(self, items, query, path):
        per_page = min(int(query.get("per_page", 30)), 100)
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * per_page: page * per_page]
        headers = {}
        if page * per_page < len(items):
            headers["Link"] = '<%s%s?per_page=%d&page=%d>; rel="next"' % (self.base("api"), path, per_page, page + 1)
        return chunk, headers

    # -- operations -----------------------------------------------------------------------------
    def op_list_releases(self, params, query, fault):
        with LOCK:
            items = [self.release_json(r) for r in reversed(STATE["releases"])
                     if r["repo"] == "%s/%s" % (params["owner"], params["repo"])]
        chunk, headers = self.page(items, query, urllib.parse.urlsplit(self.path).path)
        self.send_json(200, chunk, headers)

    def op_create_release(self, params, query, fault):
        repo = "%s/%s" % (params["owner"], params["repo"])
        with LOCK:
            if any(r["tag_name"] == self.json_body["tag_name"] and r["repo"] == repo for r in STATE["releases"]):
                return self.error(422, "Validation Failed",
                                  [{"resource": "Release", "code": "already_exists", "field": "tag_name"}])
            release = self.new_release(self.json_body, repo)
            payload = self.release_json(release)
        self.send_json(201, payload, {"Location": payload["url"]})

    def op_get_release_by_tag(self, params, query, fault):
        with LOCK:
            for r in STATE["releases"]:
                if r["tag_name"] == params["tag"] and not r["draft"]:
                    return self.send_json(200, self.release_json(r))
        self.error(404, "Not Found")

    def op_get_release(self, params, query, fault):
        with LOCK:
            r = self.find_release(params)
            payload = self.release_json(r) if r else None
        self.send_json(200, payload) if payload else self.error(404, "Not Found")

    def op_update_release(self, params, query, fault):
        with LOCK:
            r = self.find_release(params)
            if r is None:
                return self.error(404, "Not Found")
            for key in ("tag_name", "name", "body", "prerelease", "target_commitish"):
                if self.json_body and key in self.json_body:
                    r[key] = self.json_body[key]
            if self.json_body and "draft" in self.json_body:
                r["draft"] = self.json_body["draft"]
                if not r["draft"] and r["published_at"] is None:
                    r["published_at"] = now()
            payload = self.release_json(r)
        self.send_json(200, payload)

    def op_delete_release(self, params, query, fault):
        with LOCK:
            r = self.find_release(params)
            if r:
                STATE["releases"].remove(r)
        self.send_json(204, None) if r else self.error(404, "Not Found")

    def op_list_release_assets(self, params, query, fault):
        with LOCK:
            r = self.find_release(params)
            items = [self.asset_json(a) for a in STATE["assets"].values() if r and a["release_id"] == r["id"]]
        if r is None:
            return self.error(404, "Not Found")
        chunk, headers = self.page(items, query, urllib.parse.urlsplit(self.path).path)
        self.send_json(200, chunk, headers)

    def op_get_release_asset(self, params, query, fault):
        with LOCK:
            a = STATE["assets"].get(int(params["asset_id"]))
            payload = self.asset_json(a) if a else None
        if payload and self.headers.get("Accept") == "application/octet-stream":
            if a["state"] != "uploaded":
                return self.error(404, "Not Found")
            if ARGS.direct_download:
                return self.send_bytes(a)
            # Like GitHub: a short-lived signed URL on another host.
            location = self.base("downloads") + "/objects/%d?X-Signature=%s" % (a["id"], signature(a))
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return self.record(302)
        self.send_json(200, payload) if payload else self.error(404, "Not Found")

    def send_bytes(self, a):
        data = a.get("data", b"")
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.record(200, downloaded=a["name"])

    def serve_object(self, path, fault):
        """The object store behind the 302: only GET of a signed URL, and never a token."""
        if self.headers.get("Authorization"):
            return self.violation("the GitHub token was sent to the object store (a redirect's other host)")
        if fault and "status" in fault:
            return self.send_json(fault["status"], {"message": "injected"})
        m = re.fullmatch(r"/objects/(\d+)", path)
        with LOCK:
            a = STATE["assets"].get(int(m.group(1))) if m else None
        if self.command != "GET" or a is None:
            return self.error(404, "Not Found")
        if dict(urllib.parse.parse_qsl(self.query_text)).get("X-Signature") != signature(a):
            return self.error(403, "Request has expired or the signature does not match")
        self.send_bytes(a)

    def op_update_release_asset(self, params, query, fault):
        with LOCK:
            a = STATE["assets"].get(int(params["asset_id"]))
            if a and self.json_body:
                a.update({k: v for k, v in self.json_body.items() if k in ("name", "label")})
            payload = self.asset_json(a) if a else None
        self.send_json(200, payload) if payload else self.error(404, "Not Found")

    def op_delete_release_asset(self, params, query, fault):
        with LOCK:
            a = STATE["assets"].pop(int(params["asset_id"]), None)
            if a:
                STATE["log"].append({"deleted": a["name"], "sha256": a["sha256"]})
        self.send_json(204, None) if a else self.error(404, "Not Found")

    def op_upload_release_asset(self, params, query, fault):
        length = int(self.headers["Content-Length"])
        name = query["name"]
        with LOCK:
            r = self.find_release(params)
            if r is None:
                self.discard_body()
                return self.error(404, "Not Found")
            if any(a["release_id"] == r["id"] and a["name"] == name for a in STATE["assets"].values()):
                self.discard_body()
                return self.error(422, "Validation Failed",
                                  [{"resource": "ReleaseAsset", "code": "already_exists", "field": "name"}])
            aid = STATE["next_id"]
            STATE["next_id"] += 1
            # Like GitHub: the asset exists (state "open") while its bytes arrive, and stays so if they never do.
            asset = {"id": aid, "repo": r["repo"], "tag": r["tag_name"], "release_id": r["id"], "name": name,
                     "label": query.get("label"), "state": "open", "content_type": self.headers["Content-Type"],
                     "size": 0, "sha256": "", "created_at": now()}
            STATE["assets"][aid] = asset
            STATE["uploading"] += 1  # bodies being read now (a test waits for 0 after killing a client)
        try:
            return self.receive_asset(asset, length, name, fault)
        finally:
            with LOCK:
                STATE["uploading"] -= 1

    def receive_asset(self, asset, length, name, fault):
        digest = hashlib.sha256()
        data = bytearray()
        received = 0
        reset_after = fault.get("reset_after") if fault else None
        while received < length:
            if reset_after is not None and received >= reset_after:
                # An abortive close: the client sees a reset mid-upload.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            want = min(65536, length - received)
            throttle = STATE["throttle"]
            if throttle:
                want = min(want, max(1024, throttle // 20))
            chunk = self.rfile.read(want)
            if not chunk:
                self.close_connection = True
                return
            digest.update(chunk)
            data += chunk
            received += len(chunk)
            with LOCK:
                STATE["upload_bytes"] += len(chunk)
            if throttle:
                time.sleep(len(chunk) / throttle)
        with LOCK:
            asset.update({"state": "uploaded", "size": received, "sha256": digest.hexdigest(), "data": bytes(data)})
            payload = self.asset_json(asset)
            STATE["log"].append({"uploaded": name, "sha256": asset["sha256"]})
        if fault and fault.get("lost_answer"):
            # The asset is stored, but its answer never arrives (an abortive close instead).
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        self.send_json(201, payload)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global ARGS, SPEC, PORTS
    # A test starts us from one of its threads, whose mask may block SIGTERM (libdispatch's
    # workers block most signals, and a child inherits the mask): unblock everything, so the
    # test's terminate() ends us even when someone else still holds our stdin open.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--repo", action="append", default=[], help="owner/name that exists (repeatable)")
    parser.add_argument("--no-digest", action="store_true", help="answer assets without `digest`, as older servers do")
    parser.add_argument("--direct-download", action="store_true", help="stream asset downloads with 200, not a 302")
    ARGS = parser.parse_args()
    SPEC = Spec(ARGS.spec)
    PORTS = {}
    servers = []
    for role in ("api", "uploads", "downloads"):
        server = Server(("127.0.0.1", 0), Handler)
        server.role = role
        PORTS[role] = server.server_address[1]
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("api=%d uploads=%d downloads=%d" % (PORTS["api"], PORTS["uploads"], PORTS["downloads"]), flush=True)
    try:
        sys.stdin.read()  # ends when the test closes our stdin (or dies)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
