import Foundation

/// Shipdeck's per-user cache folder: `$XDG_CACHE_HOME/shipdeck`, else `~/.cache/shipdeck`.
/// What is kept there (toolchain facts, build durations) only saves time; losing it costs nothing.
enum ShipdeckCache {
    static func directory(environment: [String: String]) -> URL? {
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("shipdeck")
        }
        if let home = environment["HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home).appendingPathComponent(".cache/shipdeck")
        }
        return nil
    }
}
