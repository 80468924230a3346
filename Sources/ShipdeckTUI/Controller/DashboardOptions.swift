import Foundation

/// How the dashboard looks and what it may do.
public struct DashboardOptions: Sendable {
    /// A theme name (`default`, `light`, `high-contrast`, `monochrome` or one in a themes folder)
    /// or a path to a `.theme` file; nil for `default`.
    public var theme: String?
    public var color: ColorMode
    /// Read-only (watch) mode: the mutating keys are inert. Also implied by `commands == nil`.
    public var readOnly: Bool
    /// Shown in the header before the project name; nil for "shipdeck".
    public var title: String?
    /// The environment consulted for `NO_COLOR`, `SHIPDECK_THEMES` and `HOME`.
    public var environment: [String: String]
    /// Clicks select and focus, the wheel scrolls (`--no-mouse` turns it off). Only clicks and the
    /// wheel are asked for, never motion, so Shift-drag still selects text in the terminal.
    public var mouse: Bool
    /// `release --publish`: the publish runs while the dashboard is open (its events on the same
    /// hub, `r` in the Publish pane through `ReleaseCommands.retryPublish`), quitting waits for it
    /// (or stops it after asking), and the exit code counts it.
    public var publishes = false
    /// `watch`: how following the journal ended when it ended before the release did (its process
    /// died, the journal was deleted). The header then says so instead of RUNNING, and quitting returns 1.
    public var watchEnd: WatchEnd?

    public init(theme: String? = nil, color: ColorMode = .auto, readOnly: Bool = false, title: String? = nil,
                environment: [String: String]? = nil, mouse: Bool = true) {
        self.mouse = mouse
        self.theme = theme
        self.color = color
        self.readOnly = readOnly
        self.title = title
        self.environment = environment ?? ProcessInfo.processInfo.environment
    }
}

/// Set by `watch`'s journal reader, read by the dashboard's owner thread each frame.
// `@unchecked`: `lock` guards `value`.
public final class WatchEnd: @unchecked Sendable {
    /// Why nothing more will come.
    public enum Reason: Sendable, Equatable {
        /// The writing process is gone (killed, crashed) and never finished the journal.
        case writerDied(pid: Int32)
        /// The journal was deleted while it was followed.
        case journalDeleted
    }

    private let lock = NSLock()
    private var value: Reason?

    public init() {}

    /// The first reason set stays.
    public func set(_ reason: Reason) { lock.withLock { if value == nil { value = reason } } }

    public var reason: Reason? { lock.withLock { value } }
}
