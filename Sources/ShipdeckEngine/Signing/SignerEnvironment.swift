import Foundation

/// The environment a signing tool gets: enough to run, never the build's or Shipdeck's secrets.
enum SignerEnvironment {
    static let passed = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR"]

    static func base(_ environment: [String: String]) -> [String: String] {
        var env: [String: String] = [:]
        for key in passed { if let value = environment[key] { env[key] = value } }
        if env["PATH"] == nil { env["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        return env
    }
}
