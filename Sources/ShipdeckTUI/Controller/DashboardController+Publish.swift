import ShipdeckModel

/// The Publish pane's keys (`release --publish`): selection, `r` on a failed unit, and whether a
/// publish still holds the dashboard open.
extension DashboardController {
    /// True while a publish will still change: the release succeeded and its publish has not
    /// ended, or a retried unit is running.
    func isPublishing(_ state: ReleaseState) -> Bool {
        guard publishes, !readOnly, state.outcome == .succeeded else { return false }
        return state.publish.outcome == nil || state.publish.units.contains { $0.running }
    }

    /// Until the user moves in the pane, the selection follows the first failed unit, else the
    /// running one.
    func settlePublish(_ state: ReleaseState) {
        let units = state.publish.units
        guard !units.isEmpty else { return }
        if !view.publishUserMoved,
            let index = units.firstIndex(where: { $0.result == .failed }) ?? units.firstIndex(where: { $0.running })
        {
            view.publishSelection = index
        }
        view.publishSelection = min(max(0, view.publishSelection), units.count - 1)
    }

    func movePublish(by d: Int, state: ReleaseState) {
        view.publishUserMoved = true
        view.publishSelection = min(max(0, view.publishSelection + d), max(0, state.publish.units.count - 1))
    }

    func selectedPublishUnit(_ state: ReleaseState) -> PublishState.Unit? {
        let units = state.publish.units
        guard !units.isEmpty else { return nil }
        return units[min(max(0, view.publishSelection), units.count - 1)]
    }

    /// `r` in the Publish pane: the selected unit again, when it failed or was cancelled.
    func retryPublishSelected(_ state: ReleaseState, now: Double) {
        if readOnly {
            view.say("read-only: retry (r) is not available in watch mode; run `shipdeck publish --resume`", now: now)
            return
        }
        guard let commands, let unit = selectedPublishUnit(state) else {
            view.say("nothing published yet", now: now)
            return
        }
        let name = UntrustedText.escape(unit.info.title)
        guard unit.result == .failed || unit.result == .cancelled else {
            let what = unit.running ? "running" : (unit.result.map { $0 == .done ? "done" : $0.rawValue } ?? "queued")
            view.say("\(name) is \(what): only a failed or cancelled upload can be retried", now: now)
            return
        }
        if commands.retryPublish(unit: unit.info.id) {
            view.publishUserMoved = false
            view.say("retrying \(name) (attempt \(unit.attempt + 1))", now: now)
        } else {
            let why = commands.publishRetryRefusal(unit: unit.info.id).map { ": " + UntrustedText.escape($0) }
                ?? " (fix the cause, then `shipdeck publish --resume`)"
            view.say("\(name) cannot be retried now\(why)", now: now, seconds: 6)
        }
    }
}
