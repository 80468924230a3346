import ShipdeckModel

/// Each signed file with its signer and state; "no signing configured" when there is none.
struct SigningPaneView {
    let context: RenderContext

    func draw(in rect: Rect, on screen: Screen) {
        let g = context.glyphs, e = context.escape
        let signatures = context.state.signatures
        let signers = context.state.info?.signers ?? []
        let frame = PaneFrame(rect: rect, focused: context.view.focus == .signing, glyphs: g)
        let area = frame.content
        let selection = min(max(0, context.view.signingSelection), max(0, signatures.count - 1))
        let first = MatrixGridView.firstVisible(selected: selection, visible: max(1, area.height), total: signatures.count)
        let more = PaneFrame.more(first: first, visible: area.height, total: signatures.count, glyphs: g)
        frame.draw(on: screen, title: "Signing",
                   right: signatures.isEmpty ? "" : "\(signatures.count)" + (more.isEmpty ? "" : "  " + more))
        guard area.height > 0 else { return }
        if signatures.isEmpty {
            if signers.isEmpty {
                screen.put(" no signing configured", row: area.row, column: area.column, width: area.width, style: Style(.dim))
                return
            }
            for (i, signer) in signers.prefix(area.height).enumerated() {
                screen.put(" \(g.queued) pending  \(e(signer))", row: area.row + i, column: area.column, width: area.width,
                           style: Style(.queued), ellipsis: g.ellipsis)
            }
            return
        }
        for (offset, signature) in signatures.enumerated().dropFirst(first).prefix(area.height) {
            let role: StyleRole
            switch signature.state {
            case .pending: role = .queued
            case .signing: role = .running
            case .signed, .verified: role = .succeeded
            case .failed: role = .failed
            }
            var line = " \(g.signature(signature.state)) \(TextWidth.pad(signature.state.rawValue, to: 8)) "
                + "\(e(signature.file))  \(e(signature.signer))"
            if signature.state == .failed, let detail = signature.detail { line += ": \(e(detail))" }
            let selected = context.view.focus == .signing && offset == selection
            screen.put(line, row: area.row + offset - first, column: area.column, width: area.width,
                       style: Style(role, selected: selected), ellipsis: g.ellipsis)
        }
    }
}
