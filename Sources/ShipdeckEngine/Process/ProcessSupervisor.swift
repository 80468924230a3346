import CShipdeckPOSIX
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Makes sure no child outlives Shipdeck, however Shipdeck ends (`kill -9` included).
///
/// On first use Shipdeck forks a small supervisor (C, `supervisor.c`; `ps` shows it as
/// `shipdeck-supervisor`) connected by a socket pair. `ProcessRunner` tells it each process group
/// it starts (`adopt`) and each it is done with, just before reaping the leader (`release`). When
/// the socket reaches end-of-file — Shipdeck's last descriptor closed because it exited or was
/// killed — the supervisor sends TERM to every group still listed, KILL 0.5 s later to what is
/// left, and exits.
///
/// Why not the alternatives: PR_SET_PDEATHSIG reaches only the direct child (go's compile and
/// link children, or a script's `sleep`, would live on) and fires when the spawning *thread*
/// ends; PR_SET_CHILD_SUBREAPER collects orphans only while the subreaper itself lives, and
/// does nothing when it is the one killed. Measured figures are in the README (Process lifetimes).
package final class ProcessSupervisor: @unchecked Sendable {
    // `lock` guards `socket` (write-only after start; -1 when the supervisor could not start).
    private let lock = NSLock()
    private var socket: Int32 = -1
    /// The supervisor's pid, for tests and `ps`.
    package private(set) var pid: pid_t = 0

    package static let shared = ProcessSupervisor()

    private init() {
        var fd: Int32 = -1
        var child: pid_t = 0
        let (title, capacity) = Self.argvArea()
        let rc = shipdeck_supervisor_start(title, capacity, &fd, &child)
        if rc == 0 {
            socket = fd
            pid = child
            // The supervisor is our child: reap it when it exits, or it lingers as a zombie.
            let supervisor = child
            let reaper = Thread {
                var status: Int32 = 0
                _ = shipdeck_wait(supervisor, &status, 0)
            }
            reaper.name = "shipdeck.supervisor-reaper"
            reaper.start()
        }
    }

    /// Whether the supervisor runs (it does unless fork failed).
    package var isRunning: Bool { lock.withLock { socket >= 0 } }

    /// A group the supervisor must stop if Shipdeck dies.
    package func adopt(group: pid_t) { send(Int32(group)) }

    /// A group Shipdeck has finished with (called before its leader is reaped).
    package func release(group: pid_t) { send(-Int32(group)) }

    private func send(_ value: Int32) {
        lock.withLock {
            guard socket >= 0 else { return }
            if shipdeck_supervisor_send(socket, value) != 0 {
                close(socket)
                socket = -1
            }
        }
    }

    /// The process's original argv strings (contiguous), which the forked supervisor overwrites
    /// with its name in its own copy of memory, so ps never shows it as a second Shipdeck.
    private static func argvArea() -> (UnsafeMutablePointer<CChar>?, Int) {
        let argc = Int(CommandLine.argc)
        guard argc > 0, let first = CommandLine.unsafeArgv[0], let last = CommandLine.unsafeArgv[argc - 1] else {
            return (nil, 0)
        }
        let end = last + strlen(last)
        let capacity = end - first
        return capacity > 0 ? (first, capacity) : (nil, 0)
    }
}
