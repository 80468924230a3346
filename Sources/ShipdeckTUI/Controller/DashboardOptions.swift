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
