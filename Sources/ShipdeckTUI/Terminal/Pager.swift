import CNCursesW
import Foundation
import ShipdeckModel

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Shows an attempt's whole log in the user's pager (`$PAGER`, else `less -R`).
///
/// The pager never sees the raw log: a child's output may hold escape sequences that would set
/// the title, the clipboard or the colours of the terminal. It gets a private temporary copy in
/// which every line is escaped as the log pane escapes it (`\e[31m`, `<U+202E>`), streamed line by
/// line, so a log of any size costs no memory. The copy is removed when the pager returns.
enum Pager {
    static let defaultCommand = "less -R"

    /// The pager command to run: `$PAGER` when set and not blank, else `less -R`.
    static func command(environment: [String: String]) -> String {
        let pager = environment["PAGER"]?.trimmingWhitespace() ?? ""
        return pager.isEmpty ? defaultCommand : pager
    }

    /// Writes the escaped copy of `log` to a new private file; nil when `log` cannot be read.
    static func escapedCopy(of log: URL, in folder: URL = FileManager.default.temporaryDirectory) -> URL? {
        let copy = folder.appendingPathComponent("shipdeck-log-\(getpid())-\(UUID().uuidString.prefix(8)).txt")
        let fd = open(copy.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(128 * 1024)
        var ok = true
        func flush() {
            var offset = 0
            while offset < buffer.count, ok {
                let n = buffer[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 { ok = false } else { offset += n }
            }
            buffer.removeAll(keepingCapacity: true)
        }
        let lines = LogFile.scan(log) { _, _, bytes in
            buffer.append(contentsOf: UntrustedText.escape(LogFile.decode(bytes)).utf8)
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 64 * 1024 { flush() }
            return ok
        }
        flush()
        close(fd)
        guard lines != nil, ok else {
            unlink(copy.path)
            return nil
        }
        return copy
    }

    /// Runs `command` on `file` in the foreground of the terminal and waits for it. The caller
    /// has left curses mode. Returns the pager's exit status, or nil when it could not start.
    static func run(_ command: String, file: URL, environment: [String: String]) -> Int32? {
        // `$PAGER` may carry options (`less -R`), so the shell splits it; the file is passed as $1.
        let argv = ["/bin/sh", "-c", "\(command) \"$1\"", "shipdeck-pager", file.path]
        let env = environment.map { "\($0.key)=\($0.value)" }
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        let pid = shipdeck_spawn_foreground("/bin/sh", &cArgs, &cEnv)
        guard pid > 0 else { return nil }
        let tty = isatty(STDIN_FILENO) != 0 ? STDIN_FILENO : -1
        if tty >= 0 { _ = shipdeck_set_foreground(tty, pid) }
        let status = shipdeck_wait_foreground(pid)
        if tty >= 0 { _ = shipdeck_set_foreground(tty, getpgrp()) }
        return status < 0 ? nil : status
    }
}
