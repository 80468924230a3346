import CNCursesW
import Foundation
import ShipdeckModel

/// The ncurses dashboard. It observes a release through an `EventHub` and changes it only
/// through `ReleaseCommands` (nil in read-only watch mode).
public enum Dashboard {
    /// Frames per second at most: events between frames are coalesced into one redraw.
    static let framesPerSecond = 25.0

    /// True when the dashboard can run here: stdin and stdout are terminals and TERM is set and
    /// not `dumb`.
    public static func isUsable(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else { return false }
        guard let term = environment["TERM"], !term.isEmpty, term != "dumb" else { return false }
        return true
    }

    /// Checks the options (the theme above all) without touching the terminal, so a caller can
    /// report a mistake before it starts the release.
    public static func validate(_ options: DashboardOptions) throws {
        _ = try ThemeCatalog.load(options.theme, environment: options.environment)
    }

    /// Runs the dashboard on the calling thread until the user quits (or a live release is
    /// interrupted by SIGINT/SIGTERM), then restores the terminal.
    ///
    /// - Parameters:
    ///   - hub: the release's event hub; the dashboard adds an observer and reads snapshots.
    ///   - commands: how the dashboard retries and cancels; nil for read-only (watch) mode.
    ///   - options: theme, colour and title.
    /// - Returns: the exit code: 0 when the release succeeded, 1 when it failed or was cancelled
    ///   (or, in a watch, had not finished or its process died), 130 when it was interrupted;
    ///   a watch ended by SIGINT or SIGTERM returns 128 + the signal's number.
    /// - Throws: `ShipdeckError` for a theme that cannot be loaded or a terminal ncurses cannot open.
    public static func run(hub: EventHub, commands: ReleaseCommands?, options: DashboardOptions) throws -> Int32 {
        let theme = try ThemeCatalog.load(options.theme, environment: options.environment)
        let live = options.readOnly ? nil : commands
        let frameInterval = 1 / framesPerSecond
        let snapshots = SnapshotPump(hub: hub, interval: frameInterval)
        hub.add(snapshots)
        let signals = DashboardSignals()
        defer { signals.release() }
        let terminal = try CursesTerminal.open(theme: theme, color: options.color, environment: options.environment)
        defer { terminal.close() }
        if options.mouse { terminal.enableMouse(true) }
        let clipboard = Clipboard.support(environment: options.environment, terminfoHasMs: Clipboard.terminfoHasMs())
        let controller = DashboardController(commands: live, glyphs: terminal.utf8 ? .unicode : .ascii,
                                             title: options.title ?? "shipdeck", clipboard: clipboard,
                                             publishes: options.publishes)
        // The owner thread's copy of the release; the pump replaces it, nothing here waits for the hub.
        var state = ReleaseState()
        snapshots.requestSnapshot()
        var lastFrame = 0.0
        var lastSecond = -1
        var needsFrame = true
        while true {
            // Keys first, all that are waiting, so a busy release never delays them.
            if let first = terminal.readKey(milliseconds: Int32(frameInterval * 1000)) {
                if let newer = snapshots.take() { state = newer }
                var key: DashboardKey? = first
                while let current = key {
                    controller.handle(current, state: state, now: Date().timeIntervalSince1970)
                    if controller.exitCode != nil { break }
                    key = terminal.readKey(milliseconds: 0)
                }
                needsFrame = true
                if let action = controller.takeAction() {
                    perform(action, terminal: terminal, controller: controller, environment: options.environment)
                }
            }
            if controller.isBusy { needsFrame = true }
            if let signal = signals.take() {
                controller.interruptedBySignal(state, now: Date().timeIntervalSince1970, signal: signal)
                needsFrame = true
            }
            if let end = options.watchEnd?.reason, controller.watchEnd != end {
                controller.watchEnd = end
                needsFrame = true
            }
            if let code = controller.exitCode { return code }
            if let newer = snapshots.take() {
                state = newer
                needsFrame = true
            }
            let now = Date().timeIntervalSince1970
            // Running cells' clocks tick once a second.
            if Int(now) != lastSecond { needsFrame = true }
            guard needsFrame, now - lastFrame >= frameInterval else { continue }
            if live != nil, state.outcome == .interrupted {
                controller.releaseInterrupted()
                return 130
            }
            controller.render(state, now: now, on: terminal.screen)
            terminal.present()
            lastFrame = now
            lastSecond = Int(now)
            needsFrame = false
            if let code = controller.exitCode { return code }
        }
    }

    /// Runs what only the terminal can do, between frames.
    static func perform(_ action: DashboardController.TerminalAction, terminal: CursesTerminal,
                        controller: DashboardController, environment: [String: String]) {
        let now = { Date().timeIntervalSince1970 }
        switch action {
        case .pager(let url):
            guard let copy = Pager.escapedCopy(of: url) else {
                controller.view.say("cannot read \(UntrustedText.escape(url.path))", now: now())
                return
            }
            defer { try? FileManager.default.removeItem(at: copy) }
            let command = Pager.command(environment: environment)
            terminal.suspend()
            let status = Pager.run(command, file: copy, environment: environment)
            terminal.resume()
            switch status {
            case nil:
                controller.view.say("could not start the pager `\(UntrustedText.escape(command))` (set PAGER)", now: now(), seconds: 6)
            case 0?, 1?:
                controller.view.say("back from the pager; the log is \(UntrustedText.escape(LogPaneView.shownPath(url)))",
                                    now: now(), seconds: 4)
            case let code?:
                controller.view.say("the pager `\(UntrustedText.escape(command))` exited with \(code)", now: now(), seconds: 6)
            }
        case .copy(let text, let what):
            if Clipboard.send(text) {
                controller.view.say("copied \(what) to the clipboard (OSC 52)", now: now(), seconds: 4)
            } else {
                controller.view.say("could not write to the terminal", now: now())
            }
        }
    }
}
